"""Command line: ``python -m novo2odoo.sandbox PATH [--version 18.0] [--flavor maintenance] [--port 8079]``."""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from . import FLAVORS, VERSIONS, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m novo2odoo.sandbox",
        description="Serve an Odoo-compatible sandbox database on loopback until Ctrl-C.",
    )
    parser.add_argument("path", help="SQLite file of the sandbox, created on first use")
    parser.add_argument("--version", default="18.0", choices=VERSIONS, help="Odoo version to play (default 18.0)")
    parser.add_argument("--flavor", default="maintenance", choices=FLAVORS,
                        help="installed apps: maintenance (CRM + Maintenance) or crm-only (default maintenance)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8079, help="TCP port, or 0 for a free one (default 8079)")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = serve(options.path, options.version, options.flavor, options.host, options.port)
    sandbox = server.sandbox
    print(f"URL:      {server.url}")
    print(f"Database: {sandbox.db_name}")
    print(f"Login:    {sandbox.login}")
    print(f"Password: {sandbox.password}")
    print(f"API key:  {sandbox.api_key}")
    print(f"Odoo {sandbox.version} ({sandbox.flavor}); press Ctrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
