"""SQLite storage: one table per model, one column per stored field."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .schema import COLUMN_TYPES, Schema, is_stored, table_name

META_TABLE = "sandbox_meta"
FORMAT_VERSION = "1"

# Columns searched by every external ID lookup and by unlink clean-up.
INDEXES = {
    "ir.model.data": [("module", "name"), ("model", "res_id")],
    "ir.model.fields": [("model", "name")],
    "mail.message": [("model", "res_id")],
    "mail.followers": [("res_model", "res_id")],
    "mail.mail": [("model", "res_id")],
    "mail.activity": [("res_model", "res_id")],
    "ir.attachment": [("res_model", "res_id")],
    "res.users": [("login",)],
    "res.partner": [("parent_id",)],
    "maintenance.request": [("equipment_id",)],
    "maintenance.equipment": [("serial_no",)],
    "crm.lead": [("partner_id",)],
}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def connect(path: Path) -> sqlite3.Connection:
    """Open the database in autocommit mode, because callers issue BEGIN themselves."""
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (META_TABLE,)
    ).fetchone()
    if not exists:
        return {}
    return dict(conn.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())


def write_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
    conn.executemany(
        f"INSERT OR REPLACE INTO {META_TABLE} (key, value) VALUES (?, ?)", list(values.items())
    )


def column_sql(name: str, meta: dict) -> str:
    return f"{quote(name)} {COLUMN_TYPES[meta['type']]}"


def create_tables(conn: sqlite3.Connection, schema: Schema) -> None:
    """Create one table per model, with an AUTOINCREMENT id so that ids are never reused."""
    for model in schema.models:
        columns = ["id INTEGER PRIMARY KEY AUTOINCREMENT"]
        for name, meta in schema.fields(model).items():
            if name != "id" and is_stored(meta):
                columns.append(column_sql(name, meta))
        table = table_name(model)
        conn.execute(f"CREATE TABLE {quote(table)} ({', '.join(columns)})")
        for number, cols in enumerate(INDEXES.get(model, [])):
            col_list = ", ".join(quote(c) for c in cols)
            conn.execute(f"CREATE INDEX {quote(f'{table}_idx{number}')} ON {quote(table)} ({col_list})")


def add_column(conn: sqlite3.Connection, model: str, name: str, meta: dict) -> None:
    table = table_name(model)
    existing = {row[1] for row in conn.execute(f"PRAGMA table_info({quote(table)})")}
    if name not in existing:
        conn.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {column_sql(name, meta)}")


def drop_column(conn: sqlite3.Connection, model: str, name: str) -> None:
    table = table_name(model)
    existing = {row[1] for row in conn.execute(f"PRAGMA table_info({quote(table)})")}
    if name in existing:
        conn.execute(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(name)}")
