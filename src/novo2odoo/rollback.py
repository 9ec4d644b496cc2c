"""Roll back a run: delete what it created, newest first, and restore what it updated.

The journal lists every record the run created or updated with the previous values of updated
fields. Deletions go in reverse creation order, so messages and attachments go before their
requests and requests before the equipment and contacts they point at. Each finished step is
journaled as ``rolled_back``, so an interrupted rollback resumes where it stopped.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from .errors import JournalError, OdooFault, RollbackRefused
from .load.journal import Journal
from .load.writer import QUIET_CONTEXT, same_value
from .odoo.client import OdooClient
from .run import check_same_target

log = logging.getLogger(__name__)

BATCH = 200


@dataclass
class RollbackResult:
    deleted: dict[str, int] = field(default_factory=dict)
    restored: dict[str, int] = field(default_factory=dict)
    already_gone: int = 0


def changed_after(client: OdooClient, journal: Journal, run_id: int) -> list[tuple[str, int, str]]:
    """Return records of the run whose values in Odoo differ from what the run wrote."""
    by_model: dict[str, list] = {}
    for row in journal.run_records(run_id, ("created", "updated")):
        if row["model"] == "ir.model.fields" or not row["new_values"]:
            continue
        by_model.setdefault(row["model"], []).append(row)
    changed = []
    for model, rows in by_model.items():
        info = client.fields(model)
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            written = {row["res_id"]: json.loads(row["new_values"]) for row in chunk}
            names = sorted({name for values in written.values() for name in values if name in info})
            if not names:
                continue
            current = {r["id"]: r for r in client.read(model, [row["res_id"] for row in chunk], names,
                                                       context={"active_test": False})}
            for row in chunk:
                record = current.get(row["res_id"])
                if record is None:
                    continue
                for name, value in written[row["res_id"]].items():
                    if name in info and not same_value(info[name]["type"], value, record.get(name)):
                        changed.append((model, row["res_id"], row["xmlid"] or ""))
                        break
    return changed


def rollback_run(journal_path: Path, run_id: int, client: OdooClient, force: bool = False) -> RollbackResult:
    """Undo run ``run_id`` on the target; raise RollbackRefused if Odoo changed its records since."""
    journal = Journal(journal_path)
    run = journal.run(run_id)
    check_same_target(run, client, "roll")
    if run["state"] == "rolled_back":
        raise JournalError(f"run {run_id} is already rolled back")
    later = [r["id"] for r in journal.runs() if r["id"] > run_id and r["state"] not in ("rolled_back",)
             and r["database"] == run["database"] and r["target"] == run["target"]]
    if later and not force:
        runs = "run" if len(later) == 1 else "runs"
        raise JournalError(f"{runs} {', '.join(map(str, later))} came after run {run_id} on the same target: "
                           "roll them back first, newest first, or use --force")
    if run["state"] != "rolling_back" and not force:
        changed = changed_after(client, journal, run_id)
        if changed:
            raise RollbackRefused(changed)
    journal.set_state(run_id, "rolling_back")
    result = RollbackResult()

    # Restore updated records first: their previous values may point at records the run created.
    done = {(r["model"], r["res_id"]) for r in journal.db.execute(
        "SELECT model, res_id FROM records WHERE run_id = ? AND action = 'rolled_back'", (run_id,))}
    updated = [r for r in journal.run_records(run_id, ("updated",)) if (r["model"], r["res_id"]) not in done]
    for row in reversed(updated):
        old = json.loads(row["old_values"] or "{}")
        late = {}
        if row["model"] == "maintenance.request" and "stage_id" in old and "close_date" in old:
            # Writing stage_id makes Odoo set close_date, so the old date goes in afterwards.
            late = {"close_date": old.pop("close_date")}
        if old:
            client.write(row["model"], [row["res_id"]], old, context=QUIET_CONTEXT)
        if late:
            client.write(row["model"], [row["res_id"]], late, context=QUIET_CONTEXT)
        journal.record(run_id, [(row["object"], row["novo_id"], row["model"], row["res_id"], row["xmlid"],
                                 "rolled_back", row["file"], row["row"], None, None)])
        journal.forget_entities(row["model"], [row["res_id"]])
        result.restored[row["model"]] = result.restored.get(row["model"], 0) + 1

    # Delete created records, newest first, in runs of one model.
    created = [r for r in journal.run_records(run_id, ("created",)) if (r["model"], r["res_id"]) not in done]
    # A user's partner is journaled after the user but must go after it: res.users requires it.
    ordered = [r for r in reversed(created) if r["object"] != "user_partner"]
    ordered += [r for r in reversed(created) if r["object"] == "user_partner"]
    groups: list[tuple[str, list]] = []
    for row in ordered:
        if groups and groups[-1][0] == row["model"] and len(groups[-1][1]) < BATCH:
            groups[-1][1].append(row)
        else:
            groups.append((row["model"], [row]))
    deferred = [group for group in groups if group[0] == "ir.model.fields"]
    for model, rows in [group for group in groups if group[0] != "ir.model.fields"] + deferred:
        ids = [row["res_id"] for row in rows]
        existing = set(client.call(model, "search", domain=[("id", "in", ids)], context={"active_test": False}))
        result.already_gone += len(ids) - len(existing)
        if existing:
            try:
                client.unlink(model, sorted(existing), context=QUIET_CONTEXT)
            except OdooFault as fault:
                journal.log(run_id, "error", f"deleting {len(existing)} {model} records failed: {fault.message}")
                raise
        journal.record(run_id, [(row["object"], row["novo_id"], model, row["res_id"], row["xmlid"], "rolled_back",
                                 row["file"], row["row"], None, None) for row in rows])
        journal.forget_entities(model, ids)
        result.deleted[model] = result.deleted.get(model, 0) + len(existing)
        log.info("rolled back %d %s records of run %d", len(existing), model, run_id)

    journal.db.execute("DELETE FROM batches WHERE run_id = ?", (run_id,))
    journal.set_state(run_id, "rolled_back")
    journal.log(run_id, "info", f"rolled back: deleted {sum(result.deleted.values())}, "
                                f"restored {sum(result.restored.values())}")
    journal.close()
    return result
