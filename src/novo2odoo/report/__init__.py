"""Reports of a run for a project manager: a self-contained HTML page, JSON and summary lines."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from ..load.journal import Journal

OBJECT_ORDER = ["team", "stage", "equipment_category", "partner_category", "user", "company", "customer", "location", "asset", "work_order", "pm_schedule",
                "attachment", "activity"]


def report_data(journal_path: Path, run_id: int) -> dict:
    """Collect what the report shows from the journal: counts, rejects by reason, duration."""
    journal = Journal(journal_path)
    run = journal.run(run_id)
    stats = json.loads(run["stats"] or "{}")
    counts = stats.get("counts", {})
    rejects = journal.run_rejects(run_id)
    by_reason: dict[tuple[str, str, str], list] = defaultdict(list)
    for row in rejects:
        reason = row["reason"]
        # Group by the reason's wording without the value itself, so similar rows share a line.
        key = (row["object"], row["severity"], reason.split(":")[0] if ":" in reason else reason)
        by_reason[key].append({"file": row["file"], "row": row["row"], "novo_id": row["novo_id"],
                               "column": row["column_name"], "value": row["value"], "reason": reason,
                               "hint": row["hint"]})
    records = Counter((r["model"], r["action"]) for r in journal.run_records(run_id))
    seconds = stats.get("seconds") or 0
    written = sum(v.get("created", 0) + v.get("updated", 0) for v in counts.values())
    data = {
        "run": {key: run[key] for key in run.keys() if key not in ("stats",)},
        "counts": {obj: counts[obj] for obj in OBJECT_ORDER if obj in counts} | {
            obj: value for obj, value in counts.items() if obj not in OBJECT_ORDER},
        "records": [{"model": model, "action": action, "count": count}
                    for (model, action), count in sorted(records.items())],
        "rejects": [{"object": obj, "severity": severity, "reason": reason, "count": len(rows), "rows": rows}
                    for (obj, severity, reason), rows in sorted(by_reason.items(), key=lambda i: (-len(i[1]), i[0]))],
        "errors": sum(1 for r in rejects if r["severity"] == "error"),
        "warnings": sum(1 for r in rejects if r["severity"] == "warning"),
        "seconds": seconds,
        "throughput": round(written / seconds, 1) if seconds else None,
        "verification": stats.get("verification"),
    }
    journal.close()
    return data


def write_html(journal_path: Path, run_id: int, output: Path) -> None:
    env = Environment(loader=PackageLoader("novo2odoo", "report/templates"), autoescape=select_autoescape())
    data = report_data(journal_path, run_id)
    peak = max([v.get("created", 0) + v.get("updated", 0) + v.get("unchanged", 0) + v.get("rejected", 0)
                for v in data["counts"].values()] + [1])
    output.write_text(env.get_template("run.html").render(data=data, peak=peak), encoding="utf-8")


def summary_lines(journal_path: Path, run_id: int) -> list[str]:
    data = report_data(journal_path, run_id)
    run = data["run"]
    lines = [f"run {run_id} {run['state']} ({run['mode']}) in {data['seconds']} s"]
    for obj, value in data["counts"].items():
        lines.append(f"  {obj:<12} created {value.get('created', 0):>6}  updated {value.get('updated', 0):>6}  "
                     f"unchanged {value.get('unchanged', 0):>6}  merged {value.get('merged', 0):>4}  "
                     f"rejected {value.get('rejected', 0):>5}  warnings {value.get('warnings', 0):>5}")
    lines.append(f"  {data['errors']} rows quarantined, {data['warnings']} values left out with a warning")
    for group in data["rejects"][:12]:
        lines.append(f"    {group['count']:>4} x {group['object']} {group['severity']}: {group['reason']}")
    return lines
