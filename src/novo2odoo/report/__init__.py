"""Reports of a run for a project manager: a self-contained HTML page, JSON, a rejects CSV and summary lines."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..load.journal import Journal

OBJECT_ORDER = ["custom_field", "team", "stage", "equipment_category", "partner_category", "user", "company",
                "customer", "location", "asset", "work_order", "pm_schedule", "attachment", "activity"]

OBJECT_LABELS = {
    "custom_field": "Custom fields", "team": "Teams (departments)", "stage": "Stages", "equipment_category": "Equipment categories",
    "partner_category": "Contact tags", "user": "Users (staff)", "company": "Companies",
    "customer": "Customers", "location": "Service locations", "asset": "Assets", "work_order": "Work orders",
    "pm_schedule": "PM schedules", "attachment": "Attachments", "activity": "Activity notes",
}

# Row outcomes in the order the chart stacks them. Together they add up to the object's source rows.
OUTCOMES = ["created", "updated", "unchanged", "merged", "rejected"]
COUNT_KEYS = [*OUTCOMES, "warnings"]

STAFF_REASON = "has no Odoo user"
DUPLICATE_REASON = "duplicate of "
STAFF_COLUMNS = [("name", "name"), ("email", "e-mail"), ("novo_id", "Novo id"), ("action", "action"),
                 ("user", "Odoo user"), ("reason", "reason"), ("rows", "rows unassigned")]
# Staff that need a person's attention come first in the table.
STAFF_ACTION_ORDER = {"unassigned": 0, "fallback": 1, "create": 2, "match": 3}
REJECT_COLUMNS = ["object", "severity", "file", "row", "novo_id", "column", "value", "reason", "hint"]

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-(\d+(\.\d*)?|\.\d+)")
_QUOTED = re.compile(r"""(?<![\w])'[^']*'(?![\w])|"[^"]*\"""")
_TOKEN_WITH_DIGIT = re.compile(r"(?<![\w@.-])[\w.-]*\d[\w.-]*")
PLACEHOLDER = "[…]"


def csv_safe(value: Any) -> Any:
    """Neutralise a CSV cell that a spreadsheet would run as a formula.

    A string starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe, as the OWASP CSV injection guidance recommends. A negative number
    written as a string (``-5``, ``-0.25``) stays as it is so that it still reads as a number.
    Values other than strings are returned unchanged.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_PREFIXES):
        return value
    if _NEGATIVE_NUMBER.fullmatch(value):
        return value
    return "'" + value


def reason_group(reason: str, value: str | None = None) -> str:
    """Return the reason's wording with the specific value replaced by ``[…]``.

    The row's own value, quoted text and tokens containing a digit (Novo ids such as
    ``C5011`` or ``WO-2019-10000``, byte counts) are replaced, so rows that failed for
    the same reason share one group.
    """
    text = reason
    if value and len(value) > 1:
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", PLACEHOLDER, text)
    text = _QUOTED.sub(PLACEHOLDER, text)
    text = _TOKEN_WITH_DIGIT.sub(PLACEHOLDER, text)
    # A date and time become one placeholder, not "[…] […]:[…]".
    return re.sub(rf"{re.escape(PLACEHOLDER)}(?:[\s:./-]*{re.escape(PLACEHOLDER)})+", PLACEHOLDER, text)


def report_data(journal_path: Path, run_id: int) -> dict:
    """Collect what the report shows from the journal of run ``run_id``.

    The result is plain JSON-serialisable data: run details, counts per object, rejects
    grouped by reason, staff, value maps, verification, duration and the run's log events.
    ``stats["staff"]``, ``stats["value_maps"]`` and ``stats["verification"]`` of the run are
    included when the run recorded them.
    """
    journal = Journal(journal_path)
    try:
        run = journal.run(run_id)
        stats = _loads(run["stats"])
        options = _loads(run["options"])
        rejects = journal.run_rejects(run_id)
        # Count in SQL and fetch only user records: a large run journals millions of records.
        record_counts = Counter({(row[0], row[1]): row[2] for row in journal.db.execute(
            "SELECT model, action, COUNT(*) FROM records WHERE run_id = ? GROUP BY model, action", (run_id,))})
        records = journal.db.execute("SELECT * FROM records WHERE run_id = ? AND model = 'res.users' ORDER BY id",
                                     (run_id,)).fetchall()
        events = journal.db.execute("SELECT at, level, message FROM events WHERE run_id = ? ORDER BY rowid",
                                    (run_id,)).fetchall()
    finally:
        journal.close()

    counts = _counts(stats.get("counts", {}))
    totals = {key: sum(value[key] for value in counts.values()) for key in [*COUNT_KEYS, "source_rows"]}
    seconds = stats.get("seconds") or 0
    written = totals["created"] + totals["updated"]
    run_info = {key: run[key] for key in run.keys() if key not in ("stats", "options")}
    run_info["options"] = {key: value for key, value in options.items()
                           if key not in ("staff", "value_maps", "mapping")}
    staff, staff_source = _staff(stats, options, records, rejects)

    return {
        "run": run_info,
        "counts": counts,
        "totals": totals,
        "records": [{"model": model, "action": action, "count": count}
                    for (model, action), count in sorted(record_counts.items())],
        "rejects": _reject_groups(rejects),
        "errors": sum(1 for r in rejects if r["severity"] == "error"),
        "warnings": sum(1 for r in rejects if r["severity"] == "warning"),
        # The loader journals a merged duplicate as a warning but counts it as merged.
        "duplicate_warnings": sum(1 for r in rejects
                                  if r["severity"] == "warning" and r["reason"].startswith(DUPLICATE_REASON)),
        "seconds": seconds,
        "throughput": round(written / seconds, 1) if seconds else None,
        "rows_per_second": round(totals["source_rows"] / seconds, 1) if seconds else None,
        "staff": staff,
        "staff_source": staff_source,
        "value_maps": _value_maps(stats.get("value_maps") or options.get("value_maps")),
        "verification": stats.get("verification"),
        "not_in_export": stats.get("not_in_export") or {},
        "events": [{"at": e["at"], "level": e["level"], "message": e["message"]} for e in events],
    }


def _loads(text: str | None) -> dict:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


def _counts(raw: dict) -> dict[str, dict[str, int]]:
    """Order the counts per object and add ``source_rows``, the sum of the row outcomes."""
    ordered = [obj for obj in OBJECT_ORDER if obj in raw] + [obj for obj in raw if obj not in OBJECT_ORDER]
    counts = {}
    for obj in ordered:
        value = {key: int(raw[obj].get(key) or 0) for key in COUNT_KEYS}
        value["source_rows"] = sum(value[key] for key in OUTCOMES)
        counts[obj] = value
    return counts


def _reject_groups(rejects: list) -> list[dict]:
    """Group rejects by object, severity and reason wording, errors first and then the largest groups."""
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    for row in rejects:
        key = (row["object"], row["severity"], reason_group(row["reason"], row["value"]))
        groups[key].append(_reject_row(row))
    ordered = sorted(groups.items(), key=lambda item: (item[0][1] != "error", -len(item[1]), item[0]))
    return [{"object": obj, "severity": severity, "reason": reason, "count": len(rows), "rows": rows}
            for (obj, severity, reason), rows in ordered]


def _reject_row(row) -> dict:
    return {"object": row["object"], "severity": row["severity"], "file": row["file"], "row": row["row"],
            "novo_id": row["novo_id"], "column": row["column_name"], "value": row["value"],
            "reason": row["reason"], "hint": row["hint"]}


def _staff(stats: dict, options: dict, records: list, rejects: list) -> tuple[list[dict], str]:
    """Return the staff list and where it came from: ``"run"`` when the run recorded it, else ``"journal"``.

    The recorded form is a list of ``{"name", "email", "action", "user", "reason"}`` dicts, or a dict of
    such dicts keyed by the staff key as in the mapping. Without it, the list is rebuilt from
    the users this run created and the rows whose staff had no Odoo user. Staff matched to
    existing users leave no trace in the journal, so that fallback cannot list them.
    """
    unassigned: Counter = Counter()
    for row in rejects:
        if STAFF_REASON in row["reason"]:
            unassigned[row["value"] or ""] += 1

    recorded = stats.get("staff") or options.get("staff")
    if isinstance(recorded, dict):
        recorded = [{"key": key, **entry} if isinstance(entry, dict) else {"key": key, "user": entry}
                    for key, entry in recorded.items()]
    if recorded:
        staff = [_staff_entry(entry) for entry in recorded]
        # Count the rows each staff member without a user left unassigned; the reject's value is the row's
        # staff text. Entries with a user are skipped, because an ambiguous name also matches them.
        by_text = {value.strip().casefold(): rows for value, rows in unassigned.items()}
        for entry in staff:
            if entry["user"]:
                continue
            rows = sum(by_text.get(text.casefold(), 0) for text in {entry["name"], entry["email"]} if text)
            entry["rows"] = rows or None
        staff.sort(key=lambda entry: STAFF_ACTION_ORDER.get(entry["action"], len(STAFF_ACTION_ORDER)))
        return staff, "run"

    staff = []
    for record in records:
        if record["object"] != "user" or record["action"] != "created":
            continue
        key = record["novo_id"]
        staff.append(_staff_entry({"email": key if "@" in key else "", "novo_id": "" if "@" in key else key,
                                   "action": "user created",
                                   "user": f"{record['xmlid'] or record['model']} (id {record['res_id']})"}))
    staff.sort(key=lambda entry: entry["novo_id"] or entry["email"])
    for name, rows in sorted(unassigned.items()):
        staff.append(_staff_entry({"name": name, "email": name if "@" in name else "",
                                   "action": "left unassigned", "rows": rows}))
    return staff, "journal"


def _staff_entry(entry: dict) -> dict:
    return {"name": entry.get("name") or "", "email": entry.get("email") or "",
            "novo_id": entry.get("novo_id") or "", "action": entry.get("action") or "",
            "user": "" if entry.get("user") is None else str(entry["user"]), "reason": entry.get("reason") or "",
            "rows": entry.get("rows")}


def _value_maps(raw: Any) -> dict[str, dict[str, str]]:
    """Normalise value maps to ``{map name: {raw value: target text}}``, accepting mapping entries (dicts) as targets."""
    if not isinstance(raw, dict):
        return {}
    maps = {}
    for name, entries in raw.items():
        if not isinstance(entries, dict):
            continue
        maps[name] = {str(source): _target_text(target) for source, target in entries.items()}
    return maps


def _target_text(target: Any) -> str:
    if isinstance(target, dict):
        for key in ("stage", "value", "team", "user", "name"):
            if target.get(key) not in (None, ""):
                return str(target[key])
        return json.dumps(target, default=str, ensure_ascii=False)
    return "" if target is None else str(target)


# Rendering


def chart_rows(counts: dict[str, dict[str, int]]) -> list[dict]:
    """Lay out one horizontal bar per object, each segment the share of an outcome in percent.

    Bars are scaled to 100 % per object, because the objects' row counts differ by orders
    of magnitude and a shared scale would hide the small ones.
    """
    rows = []
    for obj, value in counts.items():
        total = value["source_rows"]
        segments = []
        offset = 0.0
        for outcome in OUTCOMES:
            if not total or not value[outcome]:
                continue
            width = value[outcome] * 100 / total
            segments.append({"outcome": outcome, "x": round(offset, 3), "width": round(width, 3),
                             "count": value[outcome]})
            offset += width
        rows.append({"object": obj, "label": OBJECT_LABELS.get(obj, obj.replace("_", " ")), "total": total,
                     "loaded": value["created"] + value["updated"] + value["unchanged"] + value["merged"],
                     "segments": segments})
    return rows


def format_seconds(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {rest:02d} s"


def staff_columns(staff: list[dict]) -> list[tuple[str, str]]:
    """Return the staff table's ``(key, title)`` columns, leaving out those empty in every row."""
    return [(key, title) for key, title in STAFF_COLUMNS if key == "action" or any(entry[key] for entry in staff)]


def render_html(data: dict) -> str:
    env = Environment(loader=PackageLoader("novo2odoo", "report/templates"), autoescape=select_autoescape())
    env.filters["duration"] = format_seconds
    return env.get_template("run.html").render(
        data=data, chart=chart_rows(data["counts"]), labels=OBJECT_LABELS, outcomes=OUTCOMES,
        staff_columns=staff_columns(data["staff"]),
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def write_html(journal_path: Path, run_id: int, output: Path) -> None:
    """Write the self-contained HTML report of run ``run_id`` to ``output``."""
    output.write_text(render_html(report_data(journal_path, run_id)), encoding="utf-8")


def write_rejects_csv(journal_path: Path, run_id: int, output: Path) -> int:
    """Write every reject of run ``run_id`` to ``output`` as CSV with formulas neutralised, and return the row count."""
    journal = Journal(journal_path)
    try:
        journal.run(run_id)
        rejects = journal.run_rejects(run_id)
    finally:
        journal.close()
    with open(output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECT_COLUMNS)
        for row in rejects:
            cells = _reject_row(row)
            writer.writerow([csv_safe(cells[column]) for column in REJECT_COLUMNS])
    return len(rejects)


def summary_lines(journal_path: Path, run_id: int) -> list[str]:
    """Return the run's summary as lines for the terminal."""
    data = report_data(journal_path, run_id)
    run = data["run"]
    lines = [f"run {run_id} {run['state']} ({run['mode']}) in {data['seconds']} s"]
    for obj, value in data["counts"].items():
        lines.append(f"  {obj:<18} rows {value['source_rows']:>6}  created {value['created']:>6}  "
                     f"updated {value['updated']:>6}  unchanged {value['unchanged']:>6}  "
                     f"merged {value['merged']:>4}  rejected {value['rejected']:>5}  warnings {value['warnings']:>5}")
    lines.append(f"  {data['errors']} rows quarantined, {data['warnings']} values left out with a warning")
    for group in data["rejects"][:12]:
        lines.append(f"    {group['count']:>4} x {group['object']} {group['severity']}: {group['reason']}")
    for obj, count in (data.get("not_in_export") or {}).items():
        lines.append(f"  {count} {obj.replace('_', ' ')} records from earlier runs are not in this export; "
                     "they stay in Odoo")
    return lines
