"""Verify a run: read back every record it wrote and compare each mapped field with the source.

Expected values come from converting the export again with the mapping the run used, so the
comparison covers exactly what the mapping promises. Comparison is typed: many2one by record
id (so by the linked record's external ID), floats within ``FLOAT_TOLERANCE``, datetimes as UTC
strings, HTML as text, binary files by SHA-1 checksum.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .load.convert import html_to_text
from .load.journal import Journal
from .load.migrate import Migration, RunOptions
from .load.writer import Item, Writer
from .odoo.client import OdooClient
from .errors import JournalError
from .report import csv_safe
from .run import check_same_target, fingerprint
from .source import open_export

log = logging.getLogger(__name__)

FLOAT_TOLERANCE = 0.005


@dataclass
class FieldTally:
    matched: int = 0
    mismatched: int = 0
    missing: int = 0


@dataclass
class Verification:
    """The outcome of a verification: tallies per model and field, and every difference."""

    tallies: dict[str, dict[str, FieldTally]] = field(default_factory=lambda: defaultdict(dict))
    differences: list[dict] = field(default_factory=list)
    changed_after_run: list[dict] = field(default_factory=list)

    def tally(self, model: str, name: str) -> FieldTally:
        return self.tallies[model].setdefault(name, FieldTally())

    def totals(self) -> dict:
        total = FieldTally()
        for fields in self.tallies.values():
            for tally in fields.values():
                total.matched += tally.matched
                total.mismatched += tally.mismatched
                total.missing += tally.missing
        return {"matched": total.matched, "mismatched": total.mismatched, "missing": total.missing,
                "changed_after_run": len(self.changed_after_run),
                "models": {model: {name: vars(t) for name, t in fields.items()}
                           for model, fields in self.tallies.items()}}

    @property
    def ok(self) -> bool:
        totals = self.totals()
        return totals["mismatched"] == 0 and totals["missing"] == 0


class ReadOnlyJournal:
    """A journal view that reads as usual and drops writes, so verifying leaves no trace."""

    def __init__(self, journal: Journal):
        self._journal = journal

    def __getattr__(self, name):
        if name in ("reject", "record", "log", "upsert_entities", "end_batch", "forget_entities"):
            return lambda *args, **kwargs: None
        if name == "begin_batch":
            return lambda *args, **kwargs: 0
        return getattr(self._journal, name)


class VerifyingWriter(Writer):
    """A writer that writes nothing: it reads each item's record and compares it instead."""

    def __init__(self, client: OdooClient, journal: Journal, run_id: int, module: str, export,
                 wanted: set[str], finished_at: str, result: Verification):
        super().__init__(client, journal, run_id, module, export)
        self.read_only = True
        self.wanted = wanted
        self.finished_at = finished_at.replace("T", " ").rstrip("Z")
        self.result = result

    def upsert(self, obj, model, items, update=True, marker=None):
        found = self.xmlid_targets([item.xmlid for item in items])
        checked = [item for item in items if item.xmlid in self.wanted and not item.alias_of]
        for item in items:
            if item.xmlid in self.wanted and item.xmlid not in found:
                self.result.tally(model, "(record)").missing += 1
                self.result.differences.append({"model": model, "xmlid": f"{self.module}.{item.xmlid}",
                                                "field": "(record)", "expected": "exists", "actual": "missing",
                                                "status": "missing"})
        present = [item for item in checked if item.xmlid in found]
        if present:
            self.compare(model, present, found)
        return found

    def compare(self, model: str, items: list[Item], ids: dict[str, int]) -> None:
        info = self.client.fields(model)
        names = sorted({name for item in items for name in {**item.vals, **item.after} if name in info})
        if "datas" in names:
            names = [n for n in names if n != "datas"] + ["checksum"]
        rows = {row["id"]: row for row in self.client.read(model, [ids[i.xmlid] for i in items],
                                                            names + ["write_date"], context={"active_test": False})}
        for item in items:
            row = rows.get(ids[item.xmlid])
            xmlid = f"{self.module}.{item.xmlid}"
            if row is None:
                self.result.tally(model, "(record)").missing += 1
                continue
            if row.get("write_date") and str(row["write_date"]) > self.finished_at:
                self.result.changed_after_run.append({"model": model, "xmlid": xmlid, "write_date": row["write_date"]})
            for name, expected in {**item.vals, **item.after}.items():
                if name not in info:
                    continue
                actual_name = name
                if name == "datas":
                    expected = hashlib.sha1(base64.b64decode(expected)).hexdigest()
                    actual_name = "checksum"
                actual = row.get(actual_name)
                status = compare(info[name]["type"] if name != "datas" else "char", expected, actual)
                tally = self.result.tally(model, actual_name)
                if status == "matched":
                    tally.matched += 1
                else:
                    setattr(tally, status, getattr(tally, status) + 1)
                    self.result.differences.append({"model": model, "xmlid": xmlid, "field": actual_name,
                                                    "expected": expected, "actual": actual, "status": status})


def compare(field_type: str, expected, actual) -> str:
    """Return ``matched``, ``mismatched`` or ``missing`` for one expected and one stored value."""
    if field_type == "many2one":
        actual = actual[0] if actual else False
    if field_type in ("many2many", "one2many"):
        wanted = set()
        for command in expected or []:
            if isinstance(command, (list, tuple)) and command and command[0] == 6:
                wanted.update(command[2])
        return "matched" if wanted <= set(actual or []) else "mismatched"
    if field_type in ("float", "monetary"):
        if expected in (False, None):
            return "matched" if not actual else "mismatched"
        return "matched" if abs(float(expected) - float(actual or 0)) <= FLOAT_TOLERANCE else "mismatched"
    if field_type == "html":
        return "matched" if html_to_text(expected) == html_to_text(actual) else "mismatched"
    if field_type == "boolean":
        return "matched" if bool(expected) == bool(actual) else "mismatched"
    if field_type == "datetime" and expected and actual:
        return "matched" if str(expected)[:19] == str(actual)[:19] else "mismatched"
    if (expected or False) == (actual or False):
        return "matched"
    if expected and not actual:
        return "missing"
    return "mismatched"


def verify_run(journal_path: Path, run_id: int, client: OdooClient, progress=None) -> Verification:
    """Read back every record that run ``run_id`` created or updated and compare it."""
    journal = Journal(journal_path)
    run = journal.run(run_id)

    check_same_target(run, client, "verify")
    if run["state"] == "rolled_back":
        raise JournalError(f"run {run_id} was rolled back, so there is nothing of it to verify")
    options = json.loads(run["options"] or "{}")
    mapping = options.get("mapping")
    if mapping is None:
        raise ValueError(f"run {run_id} did not store its mapping; it cannot be verified")
    export = open_export(run["export"])
    recorded = options.get("export_files") or {}
    if recorded and fingerprint(export) != recorded:
        result_note = (f"the export at {run['export']} changed after run {run_id}; values are compared with "
                       "the export as it is now")
        log.warning(result_note)
    module = mapping["settings"].get("module", "novo_migration")

    wanted = set()
    for row in journal.run_records(run_id, ("created", "updated")):
        if row["xmlid"]:
            wanted.add(row["xmlid"].split(".", 1)[1])

    result = Verification()
    quiet = ReadOnlyJournal(journal)
    migration = Migration(export, mapping, client, quiet, run_id, RunOptions(mode="verify", progress=progress))
    # Later runs on the same target may write these records too; only changes after the last
    # of them count as made in Odoo.
    last = max((r["finished_at"] or r["started_at"] for r in journal.runs()
                if r["id"] >= run_id and r["target"] == run["target"] and r["database"] == run["database"]
                and r["state"] != "rolled_back"), default=run["finished_at"] or run["started_at"])
    migration.writer = VerifyingWriter(client, quiet, run_id, module, export, wanted, last, result)
    migration.run()
    stats = json.loads(run["stats"] or "{}")
    stats["verification"] = result.totals()
    journal.db.execute("UPDATE runs SET stats = ? WHERE id = ?", (json.dumps(stats), run_id))
    journal.close()
    return result


def write_differences(result: Verification, csv_path: Path | None, json_path: Path | None) -> None:
    if csv_path:
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["model", "external_id", "field", "expected", "actual", "status"])
            for diff in result.differences:
                writer.writerow([csv_safe(diff["model"]), csv_safe(diff["xmlid"]), csv_safe(diff["field"]),
                                 csv_safe(diff["expected"]), csv_safe(diff["actual"]), diff["status"]])
    if json_path:
        json_path.write_text(json.dumps({"totals": result.totals(), "differences": result.differences,
                                         "changed_after_run": result.changed_after_run}, indent=2, default=str),
                             encoding="utf-8")
