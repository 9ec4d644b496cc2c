"""An Odoo-compatible server stored in SQLite, for rehearsing migrations.

``Sandbox`` is one Odoo database in one SQLite file, built from schema dumps of
real Odoo 18.0 and 19.0 servers. ``serve`` publishes it over HTTP on loopback
with XML-RPC (``/xmlrpc/2/common``, ``/xmlrpc/2/object``), JSON-RPC
(``/jsonrpc``) and, for 19.0, JSON-2 (``/json/2/<model>/<method>``)::

    with serve("rehearsal.sqlite", version="19.0") as server:
        print(server.url, server.sandbox.api_key)
"""

from __future__ import annotations

from pathlib import Path

from .core import Sandbox, SandboxMismatchError
from .schema import FLAVORS, VERSIONS
from .server import SandboxServer

__all__ = ["FLAVORS", "VERSIONS", "Sandbox", "SandboxMismatchError", "SandboxServer", "serve"]


def serve(path: str | Path, version: str = "18.0", flavor: str = "maintenance",
          host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
    """Open (or create) the sandbox at ``path`` and serve it. ``port=0`` picks a free port."""
    return SandboxServer(Sandbox(path, version, flavor), host, port)
