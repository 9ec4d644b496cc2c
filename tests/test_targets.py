"""Other targets: Odoo 19 over JSON-2, a database without Maintenance, and each RPC protocol."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE
from helpers import invoke, read_one, run_counts, xmlid_res_id
from novo2odoo.mapping import load
from novo2odoo.odoo.client import OdooClient
from novo2odoo.sandbox import serve


def sandbox_args(path, version: str, flavor: str, protocol: str = "auto") -> list[str]:
    return ["--target", f"sandbox:{path}", "--sandbox-odoo", version, "--sandbox-modules", flavor,
            "--protocol", protocol]


def migrate_into_sandbox(tmp_path, version: str, flavor: str, protocol: str = "auto"):
    target = sandbox_args(tmp_path / "target.sqlite", version, flavor, protocol)
    mapping = tmp_path / "mapping.yaml"
    result = invoke(["-q", "propose", str(EXAMPLE), *target, "--create-missing-users", "-o", str(mapping)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert invoke(["confirm", str(mapping)]).exit_code == 0
    journal = tmp_path / "journal.sqlite"
    result = invoke(["-q", "migrate", str(EXAMPLE), "--mapping", str(mapping), *target, "--journal", str(journal)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return load(mapping), run_counts(journal, 1), target, journal


def test_odoo19_over_json2(tmp_path):
    mapping, counts, target, journal = migrate_into_sandbox(tmp_path, "19.0", "maintenance", "json2")
    assert mapping["target"]["odoo_version"] == "19.0"
    assert counts["work_order"]["created"] == 300
    # Odoo 19 has no res.partner.mobile, so the mobile number goes to a custom field.
    names = {(f["model"], f["name"]) for f in mapping["custom_fields"]}
    assert ("res.partner", "x_novo_mobile") in names
    result = invoke(["verify", "1", *target, "--journal", str(journal)])
    assert result.exit_code == 0, result.output


def test_without_maintenance_work_orders_become_leads(tmp_path):
    mapping, counts, target, journal = migrate_into_sandbox(tmp_path, "18.0", "crm-only")
    assert mapping["target"]["work_orders_to"] == "crm.lead"
    assert counts["work_order"]["created"] == 300
    assert counts["asset"]["rejected"] == 70
    with serve(tmp_path / "target.sqlite", "18.0", "crm-only") as server:
        client = OdooClient(server.url, "sandbox", "admin", "admin").connect()
        lead = read_one(client, "crm.lead", "novo_migration", "work_order_wo_2019_10001",
                        ["name", "partner_id", "type", "priority", "team_id"])
        assert lead["type"] == "opportunity"
        assert lead["priority"] == "3"
        assert lead["partner_id"][0] == xmlid_res_id(client, "novo_migration", "customer_c5089")
        assert lead["team_id"]


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_client_protocols(odoo_target, protocol):
    client = OdooClient(odoo_target.url, odoo_target.db, odoo_target.user, odoo_target.secret,
                        protocol=protocol, api_key=odoo_target.api_key).connect()
    assert client.protocol == protocol
    assert client.major >= 16
    assert "crm" in client.installed_modules()
    fields = client.fields("res.partner")
    assert fields["name"]["type"] == "char"
    ids = client.create("res.partner", [{"name": "protocol probe"}])
    assert client.read("res.partner", ids, ["name"])[0]["name"] == "protocol probe"
    client.unlink("res.partner", ids)
    client.close()


def test_wrong_password_rejected(odoo_target):
    from novo2odoo.errors import AuthenticationError

    client = OdooClient(odoo_target.url, odoo_target.db, odoo_target.user, "not-the-password")
    with pytest.raises(AuthenticationError, match="rejected"):
        client.connect()


def test_missing_required_field_fault(odoo_target):
    from novo2odoo.errors import OdooFault

    client = odoo_target.client()
    with pytest.raises(OdooFault) as fault:
        client.create("maintenance.request", [{"description": "no name"}])
    assert "name" in fault.value.message
    client.close()


def test_odoo19_duration_is_computed(tmp_path):
    """Odoo 19 computes a request's duration from its schedule, so labor hours need a field of their own."""
    with serve(tmp_path / "t19.sqlite", "19.0") as server:
        client = OdooClient(server.url, "sandbox", "admin", "admin").connect()
        ids = client.create("maintenance.request", [{"name": "probe", "duration": 12.45,
                                                     "schedule_date": "2024-01-01 08:00:00"}])
        stored = client.read("maintenance.request", ids, ["duration", "schedule_end"])[0]
        assert stored["duration"] == 1.0
        assert stored["schedule_end"] == "2024-01-01 09:00:00"
    mapping, counts, target, journal = migrate_into_sandbox(tmp_path / "run", "19.0", "maintenance")
    labor = mapping["objects"]["work_order"]["columns"]["Labor Hours"]["targets"]
    assert [t["field"] for t in labor] == ["x_novo_labor_hours"]
