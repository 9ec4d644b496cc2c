"""Run a migration: check the mapping, open the journal, load, and record the outcome."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

from .errors import MappingError, TargetError
from .load.journal import Journal
from .load.migrate import Migration, RunOptions, RunResult
from .mapping import load, require_confirmed
from .odoo.client import OdooClient
from .sample import choose_sample
from .source import open_export

log = logging.getLogger(__name__)


def run_migration(export_dir: Path, mapping_file: Path, client: OdooClient, journal_path: Path, target: str,
                  *, sample: int | None = None, since: str | None = None, progress=None) -> RunResult:
    """Migrate ``export_dir`` with a confirmed mapping; return the run id and counts."""
    mapping = load(mapping_file)
    digest = require_confirmed(mapping, mapping_file)
    proposed_for = str(mapping["target"].get("odoo_version", ""))
    if proposed_for.split(".")[0] != client.server_version.split(".")[0].split("saas~")[-1]:
        raise MappingError(f"mapping {mapping_file} was proposed for Odoo {proposed_for}, but the target runs "
                           f"{client.server_version}: fields differ between versions, so propose and confirm "
                           "a mapping for this target")
    wanted = mapping["target"]["work_orders_to"]
    if wanted == "maintenance.request" and not client.has_model("maintenance.request"):
        raise MappingError(f"mapping {mapping_file} sends work orders to maintenance.request, but the target "
                           "has no Maintenance module: propose and confirm a mapping for this target")

    export = open_export(export_dir)
    for obj, spec in mapping["objects"].items():
        source = export.file(obj)
        if source is None or source.name != spec["file"]:
            raise MappingError(f"mapping {mapping_file} expects {spec['file']} as {obj}, but the export at "
                               f"{export_dir} has {source.name if source else 'no such file'}: propose again")
    mode = "full"
    if sample:
        mode = "sample"
    elif since:
        mode = "delta"
    options = RunOptions(mode=mode, progress=progress)
    if since:
        options.since = parse_since(since)
    if sample:
        options.sample_ids = choose_sample(export, mapping, sample)

    journal = Journal(journal_path)
    run_id = journal.start_run(options.mode, str(Path(export_dir).resolve()), digest, client.identity, client.db,
                               {"sample": sample, "since": since, "protocol": client.protocol,
                                "odoo": client.server_version, "mapping": mapping,
                                "export_files": fingerprint(export)})
    started = time.monotonic()
    migration = Migration(export, mapping, client, journal, run_id, options)
    try:
        counts = migration.run()
    except BaseException:
        journal.finish_run(run_id, "failed", {"counts": {k: vars(v) for k, v in migration.writer.counts.items()},
                                              "seconds": round(time.monotonic() - started, 2)})
        raise
    seconds = round(time.monotonic() - started, 2)
    journal.finish_run(run_id, "done", {"counts": counts, "seconds": seconds, "not_in_export": migration.vanished,
                                        "value_maps": summarize_value_maps(mapping),
                                        "staff": summarize_staff(mapping)})
    journal.close()
    return RunResult(run_id, counts, seconds)


def parse_since(text: str):
    """Parse ``--since`` as an ISO date or datetime in the export's local time."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise MappingError(f"--since {text!r} is not an ISO date or datetime such as 2024-06-01 or "
                           "2024-06-01T08:00") from None


def summarize_value_maps(mapping: dict) -> dict:
    maps = mapping["value_maps"]
    return {
        "status": {raw: entry["stage"] for raw, entry in maps.get("status", {}).items()},
        "priority": {raw: entry["value"] for raw, entry in maps.get("priority", {}).items()},
        "department": {raw: entry["team"] for raw, entry in maps.get("department", {}).items()},
    }


def summarize_staff(mapping: dict) -> list[dict]:
    return [{"name": entry.get("name"), "email": entry.get("email"), "action": entry.get("action"),
             "user": entry.get("user"), "reason": entry.get("reason")}
            for entry in mapping["value_maps"].get("staff", {}).values()]


def fingerprint(export) -> dict[str, str]:
    """Return the SHA-256 of each recognised file, so later commands can tell if the export changed."""
    digests = {}
    for source in export.files.values():
        digest = hashlib.sha256()
        with source.path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        digests[source.name] = digest.hexdigest()
    return digests


def check_same_target(run, client: OdooClient, action: str) -> None:
    """Raise TargetError unless ``client`` is the target and database that ``run`` wrote to."""
    if run["target"] != client.identity or (run["database"] or "") != (client.db or ""):
        raise TargetError(
            f"run {run['id']} wrote to {run['target']} database {run['database']}, not to {client.identity} "
            f"database {client.db}: {action} it against the target it ran on")
