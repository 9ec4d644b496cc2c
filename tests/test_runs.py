"""Confirmation, crash safety, sample runs, verification, delta runs and rollback."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from conftest import EXAMPLE
from helpers import edit_mapping, invoke, migrate, propose_and_confirm, read_one, run_counts, unique_export, xmlid_res_id
from novo2odoo.errors import MappingNotConfirmed, RollbackRefused
from novo2odoo.load.writer import Writer
from novo2odoo.rollback import rollback_run
from novo2odoo.run import run_migration

COUNTED = ("res.partner", "res.users", "maintenance.equipment", "maintenance.equipment.category",
           "maintenance.request", "maintenance.team", "maintenance.stage", "mail.message", "ir.attachment",
           "mail.followers", "res.partner.category", "ir.model.data", "ir.model.fields")


def record_counts(client) -> dict:
    return {model: client.call(model, "search_count", domain=[], context={"active_test": False})
            for model in COUNTED}


def test_unconfirmed_mapping_refused(tmp_path, odoo_target):
    mapping = tmp_path / "mapping.yaml"
    result = invoke(["-q", "propose", str(EXAMPLE), *odoo_target.cli_args(), "-o", str(mapping)], odoo_target.env())
    assert result.exit_code == 0, result.output
    result = migrate(EXAMPLE, mapping, odoo_target, tmp_path / "journal.sqlite")
    assert isinstance(result.exception, MappingNotConfirmed)
    assert "novo2odoo confirm" in str(result.exception)


def test_changed_mapping_refused(tmp_path, odoo_target, module):
    mapping = propose_and_confirm(EXAMPLE, odoo_target, module, tmp_path)
    edit_mapping(mapping, lambda document: document["value_maps"]["priority"]["1 - Emergency"].update(value="0"),
                 confirm_again=False)
    result = migrate(EXAMPLE, mapping, odoo_target, tmp_path / "journal.sqlite")
    assert isinstance(result.exception, MappingNotConfirmed)
    assert "changed after tester confirmed it" in str(result.exception)


def test_crash_before_external_ids_no_duplicates(tmp_path, odoo_target, module, monkeypatch):
    export = unique_export(tmp_path, module, EXAMPLE)
    mapping = propose_and_confirm(export, odoo_target, module, tmp_path)
    journal = tmp_path / "journal.sqlite"
    client = odoo_target.client()
    original = Writer.bind_xmlids

    def crash_after_requests(self, model, pairs):
        if model == "maintenance.request" and pairs:
            raise KeyboardInterrupt("killed between create and external ID binding")
        return original(self, model, pairs)

    monkeypatch.setattr(Writer, "bind_xmlids", crash_after_requests)
    with pytest.raises(KeyboardInterrupt):
        run_migration(export, mapping, client, journal, "test")
    monkeypatch.setattr(Writer, "bind_xmlids", original)

    run_migration(export, mapping, client, journal, "test")
    rows = client.search_read("maintenance.request", [("x_novo_id", "=", "WO-2019-10000")], ["id"],
                              context={"active_test": False})
    bound = xmlid_res_id(client, module, "work_order_wo_2019_10000")
    assert bound in [row["id"] for row in rows]
    ours = [row for row in rows if row["id"] == bound]
    assert len(ours) == 1
    with sqlite3.connect(journal) as db:
        created = db.execute("SELECT COUNT(*) FROM records WHERE object = 'work_order' AND action = 'created'").fetchone()[0]
    assert created == 300


def test_sample_slice_complete(tmp_path, odoo_target, module):
    export = unique_export(tmp_path, module, EXAMPLE)
    mapping = propose_and_confirm(export, odoo_target, module, tmp_path)
    journal = tmp_path / "journal.sqlite"
    result = migrate(export, mapping, odoo_target, journal, ("--sample", "40"))
    assert result.exit_code == 0, result.output
    client = odoo_target.client()
    with sqlite3.connect(journal) as db:
        loaded = {row[0] for row in db.execute(
            "SELECT novo_id FROM records WHERE object = 'work_order' AND action = 'created'")}
        messages = {row[0] for row in db.execute("SELECT novo_id FROM records WHERE object = 'activity'")}
    assert 35 <= len(loaded) <= 45
    rows = list(csv.DictReader((EXAMPLE / "work_orders.csv").open(encoding="utf-8-sig")))
    chosen = [row for row in rows if row["Work Order #"] in loaded]
    for column in ("Status", "Priority", "Department", "Inspection Type", "Weather Conditions"):
        present = {row[column] for row in rows if row[column]}
        covered = {row[column] for row in chosen if row[column]}
        assert covered == present, f"{column}: {present - covered} missing from the sample"
    activities = list(csv.DictReader((EXAMPLE / "work_order_activity.csv").open(encoding="utf-8-sig")))
    expected = {row["Activity ID"] for row in activities if row["Work Order #"] in loaded}
    assert expected == messages
    for row in chosen:
        if row["Asset ID"].startswith("A7"):
            request = read_one(client, "maintenance.request", module,
                               f"work_order_{row['Work Order #'].lower().replace('-', '_')}", ["equipment_id"])
            assert request["equipment_id"], f"{row['Work Order #']} lost its asset"


@pytest.fixture
def migrated_once(tmp_path, odoo_target, module):
    client = odoo_target.client()
    export = unique_export(tmp_path, module, EXAMPLE)
    before = record_counts(client)
    mapping = propose_and_confirm(export, odoo_target, module, tmp_path)
    journal = tmp_path / "journal.sqlite"
    result = migrate(export, mapping, odoo_target, journal)
    assert result.exit_code == 0, result.output
    return {"client": client, "export": export, "mapping": mapping, "journal": journal, "before": before,
            "module": module}


def test_verify_clean_run_passes(migrated_once, odoo_target):
    result = invoke(["verify", "1", *odoo_target.cli_args(), "--journal", str(migrated_once["journal"])],
                    odoo_target.env())
    assert result.exit_code == 0, result.output
    assert " 0 mismatched, 0 missing" in result.output


def test_verify_finds_changed_value(migrated_once, odoo_target, tmp_path):
    client, module = migrated_once["client"], migrated_once["module"]
    request_id = xmlid_res_id(client, module, "work_order_wo_2019_10001")
    client.write("maintenance.request", [request_id], {"name": "Renamed behind the tool's back"})
    csv_path = tmp_path / "diff.csv"
    result = invoke(["verify", "1", *odoo_target.cli_args(), "--journal", str(migrated_once["journal"]),
                     "--csv", str(csv_path)], odoo_target.env())
    assert result.exit_code == 1
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert any(row["field"] == "name" and row["external_id"].endswith("work_order_wo_2019_10001") for row in rows)


def change_export(export: Path) -> None:
    """Add one work order and retitle another, leaving the rest as they were."""
    path = export / "work_orders.csv"
    text = path.read_text(encoding="utf-8-sig")
    text = text.replace("Tire Replacement - Park Pl", "Tire Replacement - Park Place", 1)
    new_row = ('WO-2027-90001,New pothole - Elm St,Reported by phone.,Open,2 - High,Pothole Repair,Public Works,,'
               'C5001,A7000,L300,1/04/2027 09:15 AM,,,,,,,,\n')
    path.write_text(text + new_row, encoding="utf-8-sig")


def test_delta_creates_updates_and_skips(migrated_once, odoo_target):
    change_export(migrated_once["export"])
    result = migrate(migrated_once["export"], migrated_once["mapping"], odoo_target, migrated_once["journal"])
    assert result.exit_code == 0, result.output
    counts = run_counts(migrated_once["journal"], 2)["work_order"]
    assert counts["created"] == 1
    assert counts["updated"] == 1
    assert counts["unchanged"] == 299
    request = read_one(migrated_once["client"], "maintenance.request", migrated_once["module"],
                       "work_order_wo_2019_10001", ["name"])
    assert request["name"] == "Tire Replacement - Park Place"


def test_delta_since_limits_work_orders(migrated_once, odoo_target):
    change_export(migrated_once["export"])
    result = migrate(migrated_once["export"], migrated_once["mapping"], odoo_target, migrated_once["journal"],
                     ("--since", "2027-01-01"))
    assert result.exit_code == 0, result.output
    counts = run_counts(migrated_once["journal"], 2)["work_order"]
    assert counts["created"] == 1
    assert counts["updated"] == 0


def test_rollback_full_run_restores_counts(migrated_once, odoo_target):
    client = migrated_once["client"]
    assert record_counts(client) != migrated_once["before"]
    result = invoke(["rollback", "1", *odoo_target.cli_args(), "--journal", str(migrated_once["journal"])],
                    odoo_target.env())
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert record_counts(client) == migrated_once["before"]


def test_rollback_delta_restores_values(migrated_once, odoo_target):
    client, module = migrated_once["client"], migrated_once["module"]
    after_first = record_counts(client)
    change_export(migrated_once["export"])
    result = migrate(migrated_once["export"], migrated_once["mapping"], odoo_target, migrated_once["journal"])
    assert result.exit_code == 0, result.output
    rollback_run(migrated_once["journal"], 2, client)
    assert record_counts(client) == after_first
    request = read_one(client, "maintenance.request", module, "work_order_wo_2019_10001", ["name"])
    assert request["name"] == "Tire Replacement - Park Pl"


def test_rollback_interrupted_resumes(migrated_once, odoo_target, monkeypatch):
    client = migrated_once["client"]
    original = type(client).unlink
    calls = {"n": 0}

    def flaky_unlink(self, model, ids, context=None):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ConnectionError("connection dropped during rollback")
        return original(self, model, ids, context)

    monkeypatch.setattr(type(client), "unlink", flaky_unlink)
    with pytest.raises(ConnectionError):
        rollback_run(migrated_once["journal"], 1, client)
    with sqlite3.connect(migrated_once["journal"]) as db:
        assert db.execute("SELECT state FROM runs WHERE id = 1").fetchone()[0] == "rolling_back"
    monkeypatch.setattr(type(client), "unlink", original)
    rollback_run(migrated_once["journal"], 1, client)
    assert record_counts(client) == migrated_once["before"]


def test_rollback_refuses_changed_records(migrated_once, odoo_target):
    client, module = migrated_once["client"], migrated_once["module"]
    equipment = xmlid_res_id(client, module, "asset_a7001")
    client.write("maintenance.equipment", [equipment], {"name": "Edited in Odoo"})
    with pytest.raises(RollbackRefused) as refused:
        rollback_run(migrated_once["journal"], 1, client)
    assert any(model == "maintenance.equipment" and res_id == equipment for model, res_id, _x in refused.value.changed)
    rollback_run(migrated_once["journal"], 1, client, force=True)
    assert record_counts(client) == migrated_once["before"]


def test_rollback_other_target_refused(migrated_once, tmp_path):
    from novo2odoo.errors import TargetError
    from novo2odoo.odoo.client import TargetSpec, connect_target

    with connect_target(TargetSpec(f"sandbox:{tmp_path / 'other.sqlite'}")) as other:
        with pytest.raises(TargetError, match="wrote to"):
            rollback_run(migrated_once["journal"], 1, other.client, force=True)


def test_delta_to_closing_stage_keeps_close_date(migrated_once, odoo_target):
    path = migrated_once["export"] / "work_orders.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    status, completed = header.index("Status"), header.index("Date Completed")
    row = next(r for r in rows[1:] if r[status] == "Open" and not r[completed])
    row[status] = "Cancelled"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)

    result = migrate(migrated_once["export"], migrated_once["mapping"], odoo_target, migrated_once["journal"])
    assert result.exit_code == 0, result.output
    assert run_counts(migrated_once["journal"], 2)["work_order"]["updated"] == 1
    request = read_one(migrated_once["client"], "maintenance.request", migrated_once["module"],
                       "work_order_" + row[0].lower().replace("-", "_"), ["close_date", "stage_id"])
    assert request["close_date"] is False
    verified = invoke(["verify", "2", *odoo_target.cli_args(), "--journal", str(migrated_once["journal"])],
                      odoo_target.env())
    assert verified.exit_code == 0, verified.output
    rollback_run(migrated_once["journal"], 2, migrated_once["client"])
    request = read_one(migrated_once["client"], "maintenance.request", migrated_once["module"],
                       "work_order_" + row[0].lower().replace("-", "_"), ["close_date", "stage_id"])
    assert request["close_date"] is False


def test_rows_gone_from_export_reported(migrated_once, odoo_target):
    path = migrated_once["export"] / "work_orders.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    gone = rows.pop(5)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    result = migrate(migrated_once["export"], migrated_once["mapping"], odoo_target, migrated_once["journal"])
    assert result.exit_code == 0, result.output
    assert "1 work order records from earlier runs are not in this export" in result.output
    assert xmlid_res_id(migrated_once["client"], migrated_once["module"],
                        "work_order_" + gone[0].lower().replace("-", "_"))


def test_small_reference_cache_keeps_links(tmp_path, odoo_target, module, monkeypatch):
    from novo2odoo.load import migrate as migrate_module

    monkeypatch.setattr(migrate_module, "REFERENCE_CACHE_SIZE", 5)
    export = unique_export(tmp_path, module, EXAMPLE)
    mapping = propose_and_confirm(export, odoo_target, module, tmp_path)
    journal = tmp_path / "journal.sqlite"
    result = migrate(export, mapping, odoo_target, journal)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(journal) as db:
        missing = db.execute("SELECT COUNT(*) FROM rejects WHERE reason LIKE '%is not in the export%'").fetchone()[0]
    # The example names 3 customers, 2 assets and 1 work order that it does not contain.
    assert missing == 6
    assert run_counts(journal, 1)["activity"]["created"] == 822
