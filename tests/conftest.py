"""Shared fixtures: the example export and an Odoo target reached over real HTTP.

Integration tests use the live Odoo named by NOVO2ODOO_TEST_ODOO_URL, _DB, _USER and
_PASSWORD (or _API_KEY) when set; otherwise a sandbox target served on loopback. Each test
works in its own external ID module, so tests do not see each other's records on a live Odoo.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from novo2odoo.odoo.client import OdooClient

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "riverton"


@dataclass
class LiveTarget:
    """Where integration tests migrate to, and how to log in."""

    url: str
    db: str
    user: str
    secret: str
    api_key: bool
    sandbox: bool

    def client(self, protocol: str = "auto") -> OdooClient:
        return OdooClient(self.url, self.db, self.user, self.secret, protocol=protocol, api_key=self.api_key).connect()

    def cli_args(self) -> list[str]:
        return ["--target", self.url, "--db", self.db, "--user", self.user]

    def env(self) -> dict[str, str]:
        return {"NOVO2ODOO_API_KEY" if self.api_key else "NOVO2ODOO_PASSWORD": self.secret}


@pytest.fixture(scope="session")
def odoo_target(tmp_path_factory) -> LiveTarget:
    url = os.environ.get("NOVO2ODOO_TEST_ODOO_URL")
    if url:
        api_key = os.environ.get("NOVO2ODOO_TEST_ODOO_API_KEY")
        yield LiveTarget(url, os.environ["NOVO2ODOO_TEST_ODOO_DB"], os.environ["NOVO2ODOO_TEST_ODOO_USER"],
                         api_key or os.environ["NOVO2ODOO_TEST_ODOO_PASSWORD"], bool(api_key), False)
        return
    from novo2odoo.sandbox import serve

    server = serve(tmp_path_factory.mktemp("sandbox") / "target.sqlite")
    sandbox = server.sandbox
    yield LiveTarget(server.url, sandbox.db_name, sandbox.login, sandbox.password, False, True)
    server.shutdown()


@pytest.fixture
def module() -> str:
    """A fresh external ID module for one test."""
    return f"novo_test_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def example_copy(tmp_path) -> Path:
    """A writable copy of the example export."""
    target = tmp_path / "export"
    shutil.copytree(EXAMPLE, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target
