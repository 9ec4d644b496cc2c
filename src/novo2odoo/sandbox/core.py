"""The sandbox database: one SQLite file that plays one Odoo database."""

from __future__ import annotations

import logging
import secrets
import threading
from contextlib import contextmanager
from pathlib import Path

from ..errors import TargetError
from . import custom_fields, store
from .orm import Env
from .schema import Schema
from .seed import Seeder

log = logging.getLogger(__name__)


class SandboxMismatchError(TargetError, ValueError):
    """An existing sandbox file was opened with another version or flavor."""


def stored_kind(path: str | Path) -> tuple[str, str] | None:
    """Return ``(version, flavor)`` of an existing sandbox file, or None for a new one."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    conn = store.connect(path)
    try:
        meta = store.read_meta(conn)
    finally:
        conn.close()
    if not meta:
        return None
    return meta.get("version"), meta.get("flavor")


class Sandbox:
    """An Odoo-compatible database stored in one SQLite file.

    The file is created from the schema snapshot of ``version`` and ``flavor``
    on first use. Later opens reuse the version and flavor stored in the file
    and raise :class:`SandboxMismatchError` when the arguments differ.
    Calls are serialized by a lock, and each one runs in its own transaction.
    """

    db_name = "sandbox"
    login = "admin"
    password = "admin"
    admin_uid = 2

    def __init__(self, path: str | Path, version: str = "18.0", flavor: str = "maintenance"):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.conn = store.connect(self.path)
        meta = store.read_meta(self.conn)
        if meta:
            if meta.get("version") != version or meta.get("flavor") != flavor:
                self.conn.close()
                raise SandboxMismatchError(
                    f"sandbox {self.path} was created for Odoo {meta.get('version')} "
                    f"({meta.get('flavor')}), not {version} ({flavor}): open it with those values "
                    "or choose another file"
                )
            self.schema = Schema(version, flavor)
            self.api_key = meta["api_key"]
            with self.transaction(self.admin_uid) as env:
                custom_fields.load_all(env)
        else:
            self.schema = Schema(version, flavor)
            self.api_key = secrets.token_hex(20)
            self._create()

    @property
    def version(self) -> str:
        return self.schema.version

    @property
    def flavor(self) -> str:
        return self.schema.flavor

    def _create(self) -> None:
        log.info("creating sandbox %s for Odoo %s (%s)", self.path, self.version, self.flavor)
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                store.create_tables(self.conn, self.schema)
                Seeder(self.conn, self.schema).run()
                store.write_meta(self.conn, {
                    "version": self.version, "flavor": self.flavor, "api_key": self.api_key,
                    "format": store.FORMAT_VERSION,
                })
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextmanager
    def transaction(self, uid: int, context: dict | None = None):
        """Yield an :class:`Env` whose changes are committed together or not at all."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            env = Env(self, self.conn, uid, context)
            try:
                yield env
            except BaseException:
                self.conn.execute("ROLLBACK")
                if env.schema_changed:
                    self._reload_custom_fields()
                raise
            self.conn.execute("COMMIT")

    def _reload_custom_fields(self) -> None:
        self.schema.drop_custom_fields()
        with self.transaction(self.admin_uid) as env:
            custom_fields.load_all(env)

    def check_credentials(self, login_or_uid, secret) -> int | None:
        """Return the uid for a login (or uid) and a password or the API key, else None."""
        if secret not in (self.password, self.api_key):
            return None
        if login_or_uid in (self.login, self.admin_uid):
            return self.admin_uid
        return None

    def close(self) -> None:
        with self.lock:
            self.conn.close()
