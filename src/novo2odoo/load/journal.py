"""The run journal: a SQLite file recording runs, every record written and every rejected row.

It is also the on-disk state that makes a run resumable. A batch is recorded as ``pending``
before its ``create`` call and as ``done`` after its external IDs exist, so a rerun after a
crash can tell which records may exist in Odoo without an external ID yet.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import JournalError

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL,            -- running, done, failed, interrupted, rolling_back, rolled_back
    mode TEXT NOT NULL,             -- full, sample, delta
    export TEXT NOT NULL,
    mapping_sha256 TEXT NOT NULL,
    target TEXT NOT NULL,
    database TEXT,
    options TEXT,
    stats TEXT
);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    object TEXT NOT NULL,
    novo_id TEXT NOT NULL,
    model TEXT NOT NULL,
    res_id INTEGER NOT NULL,
    xmlid TEXT,
    action TEXT NOT NULL,           -- created, updated, matched, merged, rolled_back
    file TEXT,
    row INTEGER,
    old_values TEXT,
    new_values TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_run ON records(run_id, model);
CREATE TABLE IF NOT EXISTS rejects (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    object TEXT NOT NULL,
    severity TEXT NOT NULL,         -- error: row quarantined; warning: row loaded, value left out
    file TEXT,
    row INTEGER,
    novo_id TEXT,
    column_name TEXT,
    value TEXT,
    reason TEXT NOT NULL,
    hint TEXT
);
CREATE INDEX IF NOT EXISTS rejects_run ON rejects(run_id);
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    model TEXT NOT NULL,
    keys TEXT NOT NULL,
    state TEXT NOT NULL             -- pending, done
);
CREATE TABLE IF NOT EXISTS entities (
    object TEXT NOT NULL,
    novo_id TEXT NOT NULL,
    model TEXT NOT NULL,
    res_id INTEGER NOT NULL,
    xmlid TEXT NOT NULL,
    values_hash TEXT,
    run_id INTEGER,
    PRIMARY KEY (object, novo_id)
);
CREATE TABLE IF NOT EXISTS events (
    run_id INTEGER,
    at TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL
);
"""


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Journal:
    """Access to one journal file. Every write commits at once, so a killed process loses nothing."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"journal {self.path} cannot be opened: {exc}") from exc
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.close()

    # Runs

    def start_run(self, mode: str, export: str, mapping_sha: str, target: str, database: str | None,
                  options: dict) -> int:
        # NOTE: one process writes a journal at a time, so a run still marked running was killed.
        self.db.execute("UPDATE runs SET state = 'interrupted' WHERE state = 'running'")
        cursor = self.db.execute(
            "INSERT INTO runs (started_at, state, mode, export, mapping_sha256, target, database, options) "
            "VALUES (?, 'running', ?, ?, ?, ?, ?, ?)",
            (now(), mode, export, mapping_sha, target, database, json.dumps(options)))
        return cursor.lastrowid

    def finish_run(self, run_id: int, state: str, stats: dict) -> None:
        self.db.execute("UPDATE runs SET finished_at = ?, state = ?, stats = ? WHERE id = ?",
                        (now(), state, json.dumps(stats), run_id))

    def set_state(self, run_id: int, state: str) -> None:
        self.db.execute("UPDATE runs SET state = ? WHERE id = ?", (state, run_id))

    def run(self, run_id: int) -> sqlite3.Row:
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise JournalError(f"run {run_id} is not in journal {self.path}; `novo2odoo runs` lists the runs")
        return row

    def runs(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM runs ORDER BY id").fetchall()

    def action_counts(self, run_id: int) -> dict[str, int]:
        """Count the run's journaled records by action, and its quarantined rows as ``rejected``."""
        counts = {row[0]: row[1] for row in self.db.execute(
            "SELECT action, COUNT(*) FROM records WHERE run_id = ? GROUP BY action", (run_id,))}
        counts["rejected"] = self.db.execute(
            "SELECT COUNT(*) FROM rejects WHERE run_id = ? AND severity = 'error'", (run_id,)).fetchone()[0]
        return counts

    def log(self, run_id: int, level: str, message: str) -> None:
        self.db.execute("INSERT INTO events (run_id, at, level, message) VALUES (?, ?, ?, ?)",
                        (run_id, now(), level, message))

    # Records

    def record(self, run_id: int, rows: Iterable[tuple]) -> None:
        """Insert record rows ``(object, novo_id, model, res_id, xmlid, action, file, row, old, new)``."""
        stamp = now()
        self.db.executemany(
            "INSERT INTO records (run_id, object, novo_id, model, res_id, xmlid, action, file, row, "
            "old_values, new_values, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, *row[:8], _json(row[8]), _json(row[9]), stamp) for row in rows])

    def reject(self, run_id: int, obj: str, severity: str, file: str | None, row: int | None, novo_id: str | None,
               column: str | None, value: Any, reason: str, hint: str = "") -> None:
        self.db.execute(
            "INSERT INTO rejects (run_id, object, severity, file, row, novo_id, column_name, value, reason, hint) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, obj, severity, file, row, novo_id, column, None if value is None else str(value), reason, hint))

    # Entities: the latest known Odoo record of each Novo id, across runs.

    def entities(self, obj: str, novo_ids: list[str]) -> dict[str, sqlite3.Row]:
        found: dict[str, sqlite3.Row] = {}
        for chunk, marks in chunks(novo_ids):
            for row in self.db.execute(
                    f"SELECT * FROM entities WHERE object = ? AND novo_id IN ({marks})", (obj, *chunk)):
                found[row["novo_id"]] = row
        return found

    def upsert_entities(self, rows: Iterable[tuple]) -> None:
        """Store ``(object, novo_id, model, res_id, xmlid, values_hash, run_id)`` rows."""
        self.db.executemany(
            "INSERT INTO entities (object, novo_id, model, res_id, xmlid, values_hash, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (object, novo_id) DO UPDATE SET "
            "model = excluded.model, res_id = excluded.res_id, xmlid = excluded.xmlid, "
            "values_hash = excluded.values_hash, run_id = excluded.run_id", list(rows))

    def forget_entities(self, model: str, res_ids: list[int]) -> None:
        for chunk, marks in chunks(res_ids):
            self.db.execute(f"DELETE FROM entities WHERE model = ? AND res_id IN ({marks})", (model, *chunk))

    def journaled_ids(self, model: str, res_ids: list[int]) -> set[int]:
        """Return which of ``res_ids`` some run of this journal recorded as created."""
        found: set[int] = set()
        for chunk, marks in chunks(res_ids):
            found.update(row[0] for row in self.db.execute(
                f"SELECT res_id FROM records WHERE model = ? AND action = 'created' AND res_id IN ({marks})",
                (model, *chunk)))
        return found

    # Batches

    def begin_batch(self, run_id: int, model: str, keys: list[str]) -> int:
        cursor = self.db.execute("INSERT INTO batches (run_id, model, keys, state) VALUES (?, ?, ?, 'pending')",
                                 (run_id, model, json.dumps(keys)))
        return cursor.lastrowid

    def end_batch(self, batch_id: int) -> None:
        self.db.execute("UPDATE batches SET state = 'done' WHERE id = ?", (batch_id,))

    def pending_keys(self, model: str) -> set[str]:
        keys: set[str] = set()
        for row in self.db.execute("SELECT keys FROM batches WHERE model = ? AND state = 'pending'", (model,)):
            keys.update(json.loads(row["keys"]))
        return keys

    # Reading a run back

    def run_records(self, run_id: int, actions: tuple[str, ...] = ("created", "updated", "merged", "matched")):
        marks = ",".join("?" * len(actions))
        return self.db.execute(
            f"SELECT * FROM records WHERE run_id = ? AND action IN ({marks}) ORDER BY id", (run_id, *actions))

    def run_rejects(self, run_id: int) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM rejects WHERE run_id = ? ORDER BY object, row", (run_id,)).fetchall()

    def last_run(self) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()


def chunks(values: list, size: int = 500) -> Iterator[tuple[list, str]]:
    """Yield slices of ``values`` with their ``?`` placeholders, within SQLite's parameter limit."""
    for start in range(0, len(values), size):
        chunk = values[start:start + size]
        yield chunk, ",".join("?" * len(chunk))


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, ensure_ascii=False)
