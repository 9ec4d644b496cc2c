"""Proposals of value maps, the mapping file's validation and staff handling."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import EXAMPLE
from helpers import edit_mapping, invoke, migrate, propose_and_confirm, read_one, unique_export
from novo2odoo.errors import MappingError
from novo2odoo.mapping import confirm, load, save
from novo2odoo.mapping.document import content_hash
from novo2odoo.mapping.values import propose_priority_map, propose_staff_map, propose_status_map

MAINTENANCE_PRIORITY = [["0", "Very Low"], ["1", "Low"], ["2", "Normal"], ["3", "High"]]
CRM_PRIORITY = [["0", "Low"], ["1", "Medium"], ["2", "High"], ["3", "Very High"]]
LEVELS = Counter({"1 - Emergency": 5, "2 - High": 5, "3 - Medium": 5, "4 - Low": 5, "5 - Scheduled": 5})


def test_priority_map_maintenance_labels():
    result = propose_priority_map(LEVELS, MAINTENANCE_PRIORITY)
    values = [result[level]["value"] for level in sorted(LEVELS)]
    assert values == ["3", "3", "2", "1", "0"]
    assert "x_novo_priority" in result["1 - Emergency"]["reason"]


def test_priority_map_crm_labels():
    result = propose_priority_map(LEVELS, CRM_PRIORITY)
    values = [result[level]["value"] for level in sorted(LEVELS)]
    assert values == ["3", "2", "1", "0", "0"]


def test_priority_words_only():
    result = propose_priority_map(Counter({"Emergency": 1, "Low": 1, "Scheduled": 1}), MAINTENANCE_PRIORITY)
    assert result["Emergency"]["value"] == "3"
    assert result["Scheduled"]["value"] == "0"


def test_status_map_casing_and_new_stages():
    stages = [{"id": 1, "name": "New Request"}, {"id": 2, "name": "In Progress"}, {"id": 3, "name": "Repaired"}]
    result = propose_status_map(Counter({"Open": 3, "open": 1, "Completed": 2, "On Hold": 1, "Cancelled": 1,
                                         "Frobnicated": 1}), stages, "done")
    assert result["open"]["stage"] == "New Request"
    assert result["Completed"]["stage"] == "Repaired"
    assert result["On Hold"]["create"] is True
    assert result["Cancelled"]["done"] is True
    assert result["Frobnicated"]["confidence"] < 0.5


def test_staff_map_shared_name_left_for_review():
    rows = [{"id": "U1", "name": "Siobhán Lopez", "email": "a@x.gov", "active": True},
            {"id": "U2", "name": "Siobhán Lopez", "email": "b@x.gov", "active": True}]
    result = propose_staff_map(rows, Counter({"Siobhán Lopez": 2, "a@x.gov": 1}), [], True, None)
    entry = result["name:siobhán lopez"]
    assert entry["action"] == "unassigned"
    assert "several staff" in entry["reason"]
    assert result["a@x.gov"]["action"] == "create"


def test_staff_map_matches_existing_user_by_email():
    rows = [{"id": "U1", "name": "Amélie Müller", "email": " AMLLER7@RIVERTON.GOV ", "active": True}]
    users = [{"login": "amller7@riverton.gov", "email": "amller7@riverton.gov", "name": "Amélie"}]
    result = propose_staff_map(rows, Counter(), users, False, None)
    assert result["amller7@riverton.gov"]["action"] == "match"


def test_staff_map_fallback_and_unassigned():
    rows = [{"id": "U1", "name": "No Mail", "email": "", "active": True},
            {"id": "U2", "name": "Has Mail", "email": "has@x.gov", "active": True}]
    fallback = propose_staff_map(rows, Counter(), [], False, "admin")
    assert {entry["action"] for entry in fallback.values()} == {"fallback"}
    neither = propose_staff_map(rows, Counter(), [], False, None)
    assert {entry["action"] for entry in neither.values()} == {"unassigned"}


def test_hash_ignores_approval_block(tmp_path):
    document = {"novo2odoo_mapping": 1, "settings": {"timezone": "UTC"}, "objects": {}, "value_maps": {}}
    first = content_hash(document)
    document["approval"] = {"by": "x"}
    assert content_hash(document) == first
    document["settings"]["timezone"] = "America/Denver"
    assert content_hash(document) != first


def test_invalid_mapping_names_entry(tmp_path, odoo_target, module):
    mapping = propose_and_confirm(EXAMPLE, odoo_target, module, tmp_path)
    document = load(mapping)
    document["objects"]["work_order"]["date_style"] = "ymd-ish"
    save(document, mapping)
    with pytest.raises(MappingError, match="objects.work_order.date_style"):
        confirm(mapping)


def test_mapping_not_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("objects: [unclosed", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid YAML"):
        load(path)


def test_fallback_user_receives_unmatched_work(tmp_path, odoo_target, module):
    export = unique_export(tmp_path, module, EXAMPLE)
    mapping = tmp_path / "mapping.yaml"
    result = invoke(["-q", "propose", str(export), *odoo_target.cli_args(), "--fallback-user",
                     odoo_target.user, "-o", str(mapping)], odoo_target.env())
    assert result.exit_code == 0, result.output
    edit_mapping(mapping, lambda document: document["settings"].update(module=module))
    result = migrate(export, mapping, odoo_target, tmp_path / "journal.sqlite")
    assert result.exit_code == 0, result.output + repr(result.exception)
    client = odoo_target.client()
    request = read_one(client, "maintenance.request", module, "work_order_wo_2019_10001", ["user_id"])
    entry = load(mapping)["value_maps"]["staff"]["rgarcia19@riverton.gov"]
    if entry["action"] == "fallback":
        admin = client.search_read("res.users", [("login", "=", odoo_target.user)], ["id"])[0]["id"]
        assert request["user_id"][0] == admin


def test_missing_fallback_user_stops_before_writing(tmp_path, odoo_target, module):
    mapping = propose_and_confirm(EXAMPLE, odoo_target, module, tmp_path)

    def fall_back_to_nobody(document):
        first = next(iter(document["value_maps"]["staff"]))
        document["value_maps"]["staff"][first].update(action="fallback", user="nobody-here@example.invalid")

    edit_mapping(mapping, fall_back_to_nobody)
    result = migrate(EXAMPLE, mapping, odoo_target, tmp_path / "journal.sqlite")
    assert isinstance(result.exception, MappingError)
    assert "nobody-here@example.invalid" in str(result.exception)
    client = odoo_target.client()
    assert client.search_read("ir.model.data", [("module", "=", module)], ["id"], limit=1) == []


def test_decimal_comma_export_loads_amounts(tmp_path, odoo_target, module):
    from novo2odoo.synthetic import generate_export

    source = tmp_path / "generated"
    generate_export(source, 40, seed=5, delimiter=";", decimal_comma=True, date_style="dmy", encoding="cp1252",
                    attachments=False)
    export = unique_export(tmp_path, module, source)
    mapping = propose_and_confirm(export, odoo_target, module, tmp_path)
    settings = load(mapping)["settings"]
    assert settings["decimal_comma"] is True
    result = migrate(export, mapping, odoo_target, tmp_path / "journal.sqlite")
    assert result.exit_code == 0, result.output + repr(result.exception)

    import csv

    with (export / "work_orders.csv").open(encoding="cp1252", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter=";") if row["Parts Cost"].strip()]
    row = rows[0]
    expected = float(row["Parts Cost"].replace("$", "").replace(".", "").replace(",", "."))
    client = odoo_target.client()
    name = "work_order_" + row["Work Order #"].lower().replace("-", "_")
    request = read_one(client, "maintenance.request", module, name, ["x_novo_parts_cost"])
    assert request["x_novo_parts_cost"] == pytest.approx(expected)
