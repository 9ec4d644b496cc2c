"""End-to-end migration of the example export into the target (sandbox or live Odoo)."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from pathlib import Path

import pytest

from conftest import EXAMPLE
from helpers import migrate, propose_and_confirm, read_one, run_counts, unique_export, xmlid_res_id
from novo2odoo.mapping import load
from novo2odoo.source import open_export

ROWS = {"customer": 114, "location": 35, "asset": 70, "work_order": 300, "pm_schedule": 15,
        "attachment": 101, "activity": 823}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, odoo_target):
    """The example export migrated once for every test of this file, in a module of its own."""
    tmp_path = tmp_path_factory.mktemp("migrated")
    module = f"novo_test_{uuid.uuid4().hex[:10]}"
    client = odoo_target.client()
    before = {model: client.call(model, "search_count", domain=[])
              for model in ("mail.mail", "mail.activity", "mail.followers")}
    export = unique_export(tmp_path, module, EXAMPLE)
    mapping = propose_and_confirm(export, odoo_target, module, tmp_path)
    journal = tmp_path / "journal.sqlite"
    result = migrate(export, mapping, odoo_target, journal)
    assert result.exit_code == 0, result.output + repr(result.exception)
    yield {"client": client, "module": module, "journal": journal, "mapping": mapping, "export": export,
           "mapping_document": load(mapping),
           "counts": run_counts(journal, 1), "before": before, "tmp": tmp_path}
    client.close()


def test_every_row_loaded_or_quarantined(migrated):
    counts = migrated["counts"]
    for obj, rows in ROWS.items():
        accounted = counts[obj]["created"] + counts[obj]["merged"] + counts[obj]["rejected"]
        assert accounted == rows, f"{obj}: {counts[obj]} accounts for {accounted} of {rows} rows"


def test_rejects_name_file_row_and_reason(migrated):
    with sqlite3.connect(migrated["journal"]) as db:
        rows = db.execute("SELECT file, row, column_name, value, reason FROM rejects "
                          "WHERE severity = 'error' AND object = 'attachment'").fetchall()
    reasons = {row[4] for row in rows}
    assert any("leaves the export folder" in reason for reason in reasons)
    assert any("does not exist" in reason for reason in reasons)
    assert all(row[0] == "work_order_attachments.csv" and row[1] > 0 for row in rows)


def test_second_run_creates_nothing(migrated, odoo_target):
    result = migrate(migrated["export"], migrated["mapping"], odoo_target, migrated["journal"])
    assert result.exit_code == 0, result.output
    counts = run_counts(migrated["journal"], 2)
    for obj, value in counts.items():
        assert value["created"] == 0, f"{obj} created {value['created']} records on the second run"
        assert value["updated"] == 0, f"{obj} updated {value['updated']} records on the second run"


def test_work_order_fields(migrated):
    client, module = migrated["client"], migrated["module"]
    fields = ["name", "stage_id", "priority", "x_novo_priority", "equipment_id", "user_id", "duration",
              "x_novo_parts_cost", "x_novo_created_at", "request_date", "close_date", "x_novo_completed_at",
              "x_novo_permit_number", "x_novo_weather_conditions", "x_novo_customer_id", "maintenance_team_id",
              "description"]
    request = read_one(client, "maintenance.request", module, "work_order_wo_2019_10001", fields)
    assert request["name"] == "Tire Replacement - Park Pl"
    assert request["priority"] == "3"
    assert request["x_novo_priority"] == "1 - Emergency"
    labor = migrated["mapping_document"]["objects"]["work_order"]["columns"]["Labor Hours"]["targets"][0]["field"]
    assert labor in ("duration", "x_novo_labor_hours")
    labor_value = client.read("maintenance.request", [request["id"]], [labor])[0][labor]
    assert labor_value == pytest.approx(12.45)
    assert request["x_novo_parts_cost"] == pytest.approx(927.21)
    # 2/03/2022 02:58 PM in Denver (UTC-7 in winter) is 21:58 UTC.
    assert request["x_novo_created_at"] == "2022-02-03 21:58:00"
    assert request["request_date"] == "2022-02-03"
    assert request["x_novo_completed_at"] == "2022-03-01 03:58:00"
    assert request["close_date"] == "2022-02-28"
    assert request["x_novo_permit_number"] == "PRM-50729"
    assert request["x_novo_weather_conditions"] == "Clear"
    assert request["equipment_id"][0] == xmlid_res_id(client, module, "asset_a7016")
    assert request["x_novo_customer_id"][0] == xmlid_res_id(client, module, "customer_c5089")
    stage = client.read("maintenance.stage", [request["stage_id"][0]], ["done"])[0]
    assert stage["done"] is True
    user = client.read("res.users", [request["user_id"][0]], ["login"])[0]
    assert user["login"] == "rgarcia19@riverton.gov"
    assert "Called requester to confirm location." in request["description"]


def test_priorities_keep_order(migrated):
    client, module = migrated["client"], migrated["module"]
    ids = [xmlid_res_id(client, module, f"work_order_wo_2019_{n}") for n in range(10000, 10300)]
    rows = client.read("maintenance.request", [i for i in ids if i], ["priority", "x_novo_priority"])
    level_values: dict[int, set] = {}
    for row in rows:
        level = int(row["x_novo_priority"][0]) if row["x_novo_priority"] and row["x_novo_priority"][0].isdigit() else None
        if level:
            level_values.setdefault(level, set()).add(row["priority"])
    for level in level_values:
        assert len(level_values[level]) == 1
    ordered = [int(next(iter(level_values[level]))) for level in sorted(level_values)]
    assert ordered == sorted(ordered, reverse=True)


def test_customer_addresses_and_companies(migrated):
    client, module = migrated["client"], migrated["module"]
    fields = ["name", "is_company", "zip", "state_id", "country_id", "email", "parent_id", "street", "city"]
    school = read_one(client, "res.partner", module, "customer_c5002", fields)
    assert school["is_company"] is True
    assert school["state_id"][1].startswith("Illinois")
    assert school["zip"] == "62701"
    hoa = read_one(client, "res.partner", module, "customer_c5003", fields)
    assert hoa["zip"] == "07102-7295"
    source = open_export(EXAMPLE).files["customer"]
    linked = 0
    for _n, row in source.rows():
        if row["Customer Type"] == "Individual" and row["Company Name"]:
            person = read_one(client, "res.partner", module, f"customer_{row['Customer ID'].lower()}",
                              ["parent_id", "is_company"])
            assert person["is_company"] is False
            if person["parent_id"]:
                linked += 1
    assert linked > 0, "no individual is linked to a company"


def test_person_keeps_own_address(migrated):
    client, module = migrated["client"], migrated["module"]
    source = open_export(EXAMPLE).files["customer"]
    checked = 0
    for _n, row in source.rows():
        if row["Customer Type"] != "Individual" or not row["Company Name"] or not row["Address Line 1"]:
            continue
        person = read_one(client, "res.partner", module, f"customer_{row['Customer ID'].lower()}",
                          ["street", "city", "parent_id"])
        if not person["parent_id"]:
            continue
        assert person["street"] == row["Address Line 1"]
        assert person["city"] == row["City"]
        checked += 1
    assert checked > 0


def test_duplicate_person_merged(migrated):
    client, module = migrated["client"], migrated["module"]
    with sqlite3.connect(migrated["journal"]) as db:
        merged = db.execute("SELECT novo_id, res_id FROM records WHERE action = 'merged'").fetchall()
    assert merged
    for novo_id, res_id in merged:
        assert xmlid_res_id(client, module, f"customer_{novo_id.lower()}") == res_id


def test_messages_keep_author_and_date(migrated):
    client, module = migrated["client"], migrated["module"]
    message = read_one(client, "mail.message", module, "activity_act000007",
                       ["date", "author_id", "body", "model", "res_id"])
    assert message["model"] == "maintenance.request"
    assert message["res_id"] == xmlid_res_id(client, module, "work_order_wo_2019_10001")
    # 2/04/2022 03:00 PM in Denver is 22:00 UTC.
    assert message["date"] == "2022-02-04 22:00:00"
    assert "Waiting on utility locate" in message["body"]
    author = client.search_read("res.users", [("login", "=", "rpapadopoulos23@riverton.gov")], ["partner_id"])
    assert message["author_id"][0] == author[0]["partner_id"][0]


def test_attachment_bytes_match(migrated):
    client, module = migrated["client"], migrated["module"]
    attachment = read_one(client, "ir.attachment", module, "attachment_att00001",
                          ["checksum", "res_model", "res_id", "name"])
    expected = hashlib.sha1((EXAMPLE / "attachments/WO-2019-10003/Inspection_Report_1.pdf").read_bytes()).hexdigest()
    assert attachment["checksum"] == expected
    assert attachment["res_model"] == "maintenance.request"
    assert attachment["res_id"] == xmlid_res_id(client, module, "work_order_wo_2019_10003")


def test_no_file_from_outside_export(migrated):
    client = migrated["client"]
    outside = Path("/etc/passwd")
    if outside.exists():
        checksum = hashlib.sha1(outside.read_bytes()).hexdigest()
        assert client.call("ir.attachment", "search_count", domain=[("checksum", "=", checksum)]) == 0


def test_preventive_requests_recur(migrated):
    client, module = migrated["client"], migrated["module"]
    request = read_one(client, "maintenance.request", module, "pm_schedule_pm_400",
                       ["maintenance_type", "recurring_maintenance", "repeat_interval", "repeat_unit", "equipment_id"])
    assert request["maintenance_type"] == "preventive"
    assert request["recurring_maintenance"] is True
    assert request["repeat_interval"] == 3
    assert request["repeat_unit"] == "week"
    assert request["equipment_id"][0] == xmlid_res_id(client, module, "asset_a7000")


def test_migration_notifies_nobody(migrated):
    client = migrated["client"]
    for model in ("mail.mail", "mail.activity"):
        after = client.call(model, "search_count", domain=[])
        assert after == migrated["before"][model], f"{model}: {after - migrated['before'][model]} new records"
    request_ids = [xmlid_res_id(client, migrated["module"], "work_order_wo_2019_10001")]
    messages = client.search_read("mail.message", [("model", "=", "maintenance.request"), ("res_id", "in", request_ids)],
                                  ["x_novo_id"])
    assert all(m["x_novo_id"] for m in messages), "the run left chatter messages of its own"
