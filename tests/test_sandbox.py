"""Tests of the sandbox target over real HTTP on loopback."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import xmlrpc.client
from datetime import date

import httpx
import pytest

from novo2odoo.sandbox import Sandbox, SandboxMismatchError, serve
from novo2odoo.sandbox.schema import SCHEMA_DIR

DB, LOGIN, PASSWORD = "sandbox", "admin", "admin"
QUIET = {"tracking_disable": True, "mail_activity_automation_skip": True, "no_reset_password": True}


def load_schema_file(version: str, flavor: str, name: str):
    return json.loads((SCHEMA_DIR / version / flavor / name).read_text())


class Client:
    """A thin XML-RPC client, as a migration tool would use."""

    def __init__(self, server):
        self.server = server
        self.url = server.url
        self.common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common", allow_none=True)
        self.object = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object", allow_none=True)
        self.uid = self.common.authenticate(DB, LOGIN, PASSWORD, {})

    def call(self, model, method, *args, **kwargs):
        return self.object.execute_kw(DB, self.uid, PASSWORD, model, method, list(args), kwargs)

    def fault(self, model, method, *args, **kwargs) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as info:
            self.call(model, method, *args, **kwargs)
        return info.value


def start(tmp_path, version="18.0", flavor="maintenance"):
    return serve(tmp_path / f"{version}-{flavor}.sqlite", version, flavor)


@pytest.fixture(params=["18.0", "19.0"])
def client(request, tmp_path):
    with start(tmp_path, request.param) as server:
        yield Client(server)


@pytest.fixture
def client18(tmp_path):
    with start(tmp_path, "18.0") as server:
        yield Client(server)


@pytest.fixture
def client19(tmp_path):
    with start(tmp_path, "19.0") as server:
        yield Client(server)


def lines(fault: xmlrpc.client.Fault) -> list[str]:
    return fault.faultString.strip("\n").splitlines()


def expect_fault(fault: xmlrpc.client.Fault, version: str, flavor: str, key: str) -> None:
    recorded = load_schema_file(version, flavor, "faults.json")[key]
    assert fault.faultCode == recorded["faultCode"]
    assert lines(fault)[0] == recorded["first_line"]
    assert lines(fault)[-1] == recorded["last_line"]


def version_of(client: Client) -> str:
    return client.server.sandbox.version


# -- connection ----------------------------------------------------------


@pytest.mark.parametrize("version", ["18.0", "19.0"])
@pytest.mark.parametrize("flavor", ["maintenance", "crm-only"])
def test_version_per_flavor(tmp_path, version, flavor):
    with start(tmp_path, version, flavor) as server:
        common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
        recorded = load_schema_file(version, flavor, "server.json")["version"]
        assert common.version() == recorded


def test_authenticate_ok_and_wrong_password(client):
    assert client.uid == 2
    assert client.common.authenticate(DB, LOGIN, "wrong", {}) is False
    with pytest.raises(xmlrpc.client.Fault) as info:
        client.object.execute_kw(DB, 2, "wrong", "res.partner", "search", [[]])
    assert info.value.faultCode == 3
    assert lines(info.value)[-1] == "Access Denied"


def test_api_key_accepted_as_password(client):
    key = client.server.sandbox.api_key
    assert client.common.authenticate(DB, LOGIN, key, {}) == 2
    assert client.object.execute_kw(DB, 2, key, "res.partner", "search_count", [[]]) >= 1


def test_reopen_keeps_version_and_rejects_mismatch(tmp_path):
    path = tmp_path / "s.sqlite"
    first = Sandbox(path, "19.0", "crm-only")
    key = first.api_key
    first.close()
    again = Sandbox(path, "19.0", "crm-only")
    assert again.api_key == key
    again.close()
    with pytest.raises(SandboxMismatchError, match="19.0"):
        Sandbox(path, "18.0", "crm-only")


# -- schema and seeds ----------------------------------------------------


def test_fields_get_matches_dump(client):
    version = version_of(client)
    recorded = load_schema_file(version, "maintenance", "models.json")
    for model in ("maintenance.request", "crm.lead", "res.partner"):
        assert client.call(model, "fields_get") == recorded[model]["fields"]
    subset = client.call("maintenance.request", "fields_get", ["priority"], ["type", "selection"])
    assert subset == {"priority": {"type": "selection", "selection": [
        ["0", "Very Low"], ["1", "Low"], ["2", "Normal"], ["3", "High"]]}}


def test_version_field_differences(client18, client19):
    partner18 = client18.call("res.partner", "fields_get")
    partner19 = client19.call("res.partner", "fields_get")
    assert "mobile" in partner18
    assert "mobile" not in partner19
    assert "groups_id" in client18.call("res.users", "fields_get")
    assert "group_ids" in client19.call("res.users", "fields_get")
    assert "location" in client18.call("maintenance.equipment", "fields_get")
    assert "location" not in client19.call("maintenance.equipment", "fields_get")


def test_seeded_countries_states_and_xmlids(client):
    us = client.call("res.country", "search_read", [("code", "=", "US")], fields=["id", "name"])
    assert us == [{"id": 233, "name": "United States"}]
    assert client.call("res.country", "search_count", []) == 250
    assert client.call("res.country", "search", [("code", "=", "CA")]) == [38]
    states = client.call("res.country.state", "search_read", [("code", "=", "AB")], fields=["country_id"])
    assert states[0]["country_id"][0] == 38
    xmlid = client.call("ir.model.data", "search_read", [("module", "=", "base"), ("name", "=", "us")],
                        fields=["model", "res_id", "complete_name"])
    assert xmlid[0]["res_id"] == 233
    assert xmlid[0]["complete_name"] == "base.us"
    modules = client.call("ir.module.module", "search_read", [("state", "=", "installed")], fields=["name"])
    assert {"crm", "maintenance", "mail"} <= {m["name"] for m in modules}
    models = client.call("ir.model", "search_read", [("model", "=", "maintenance.request")], fields=["id"])
    assert len(models) == 1


def test_default_get_uses_today_and_uid(client):
    defaults = client.call("maintenance.equipment", "default_get", ["effective_date", "company_id"])
    assert defaults["effective_date"] == date.today().isoformat()
    category = client.call("maintenance.equipment.category", "create", {"name": "Pumps"})
    technician = client.call("maintenance.equipment.category", "read", [category], ["technician_user_id"])
    assert technician[0]["technician_user_id"][0] == 2


# -- CRUD and domains ----------------------------------------------------


def test_create_list_returns_ids_and_dict_returns_id(client):
    seeded = client.call("res.partner", "search", [], context={"active_test": False})
    ids = client.call("res.partner", "create", [{"name": "A"}, {"name": "B"}], context=QUIET)
    assert isinstance(ids, list) and len(ids) == 2
    one = client.call("res.partner", "create", {"name": "C"}, context=QUIET)
    assert isinstance(one, int)
    assert min(ids) > max(seeded)


def test_read_formats(client):
    company = client.call("res.partner", "create", {"name": "ACME", "is_company": True, "country_id": 233},
                          context=QUIET)
    person = client.call("res.partner", "create", {"name": "Ann", "parent_id": company}, context=QUIET)
    record = client.call("res.partner", "read", [person], ["parent_id", "country_id", "display_name",
                                                          "child_ids", "email", "category_id"])[0]
    assert record["parent_id"] == [company, "ACME"]
    assert record["display_name"] == "ACME, Ann"
    assert record["email"] is False
    assert record["child_ids"] == []
    assert record["category_id"] == []
    parent = client.call("res.partner", "read", [company], ["child_ids"])[0]
    assert parent["child_ids"] == [person]


def test_search_domains_and_keywords(client):
    client.call("res.partner", "create", [
        {"name": "Zed Alpha", "city": "Paris"}, {"name": "zed beta", "city": "Lyon"},
        {"name": "Zed Gamma", "active": False},
    ], context=QUIET)
    assert len(client.call("res.partner", "search", [("name", "ilike", "zed")])) == 2
    assert len(client.call("res.partner", "search", [("name", "like", "Zed")])) == 1
    assert len(client.call("res.partner", "search", domain=[("name", "=ilike", "zed%")])) == 2
    with_archived = client.call("res.partner", "search", [("name", "ilike", "zed")],
                                context={"active_test": False})
    assert len(with_archived) == 3
    assert len(client.call("res.partner", "search", [("active", "=", False), ("name", "ilike", "zed")])) == 1
    either = client.call("res.partner", "search", ["|", ("city", "=", "Paris"), ("city", "=", "Lyon")])
    assert len(either) == 2
    negated = client.call("res.partner", "search", ["!", ("city", "in", ["Paris"]), ("name", "ilike", "zed")])
    assert len(negated) == 1
    limited = client.call("res.partner", "search", [("name", "ilike", "zed")], limit=1, order="name desc")
    assert client.call("res.partner", "read", limited, ["name"])[0]["name"] == "zed beta"
    assert client.call("res.partner", "search", [("city", "=", False), ("name", "ilike", "zed")]) == []
    assert client.call("res.partner", "search_count", [("name", "ilike", "zed")]) == 2


def test_domain_path_across_many2one(client):
    company = client.call("res.partner", "create", {"name": "Parent Co", "is_company": True}, context=QUIET)
    child = client.call("res.partner", "create", {"name": "Kid", "parent_id": company}, context=QUIET)
    assert client.call("res.partner", "search", [("parent_id.name", "=", "Parent Co")]) == [child]


def test_write_unlink_and_name_search(client):
    partner = client.call("res.partner", "create", {"name": "Old"}, context=QUIET)
    assert client.call("res.partner", "write", [partner], {"name": "New"}) is True
    assert client.call("res.partner", "name_search", "New") == [[partner, "New"]]
    assert client.call("res.partner", "unlink", [partner]) is True
    assert client.call("res.partner", "search", [("id", "=", partner)]) == []


def test_create_date_ignored_message_date_kept(client):
    partner = client.call("res.partner", "create", {"name": "Dated", "create_date": "2001-02-03 04:05:06"},
                          context=QUIET)
    created = client.call("res.partner", "read", [partner], ["create_date"])[0]["create_date"]
    assert not created.startswith("2001")
    body = "<p>probe <b>x</b></p>"
    message = client.call("mail.message", "create", {
        "model": "res.partner", "res_id": partner, "body": body, "date": "2001-02-03 04:05:06",
        "message_type": "comment",
    })
    stored = client.call("mail.message", "read", [message], ["date", "body", "author_id"])[0]
    assert stored["date"] == "2001-02-03 04:05:06"
    assert stored["body"] == body
    assert stored["author_id"][0] == 3


def test_attachment_checksum_and_size(client):
    raw = b"hello sandbox"
    attachment = client.call("ir.attachment", "create", {
        "name": "note.txt", "datas": base64.b64encode(raw).decode(), "res_model": "res.partner", "res_id": 3,
    })
    record = client.call("ir.attachment", "read", [attachment], ["file_size", "checksum", "mimetype", "datas"])[0]
    assert record["file_size"] == len(raw)
    assert record["checksum"] == hashlib.sha1(raw).hexdigest()
    assert record["mimetype"] == "text/plain"
    assert base64.b64decode(record["datas"]) == raw


def test_missing_id_read_and_write_18(client18):
    assert client18.call("maintenance.request", "read", [999999], ["name"]) == []
    expect_fault(client18.fault("maintenance.request", "write", [999999], {"name": "x"}),
                 "18.0", "maintenance", "write_missing_id")


# -- faults --------------------------------------------------------------


def test_required_field_fault(client):
    fault = client.fault("maintenance.request", "create", {"description": "no name"})
    expect_fault(fault, version_of(client), "maintenance", "create_missing_required")


def test_bad_selection_fault(client):
    fault = client.fault("maintenance.request", "create", {"name": "x", "priority": "7"})
    expect_fault(fault, version_of(client), "maintenance", "create_bad_selection")


def test_bad_date_fault(client):
    fault = client.fault("maintenance.request", "create", {"name": "x", "request_date": "31/12/2026"})
    expect_fault(fault, version_of(client), "maintenance", "create_bad_date")


def test_many2one_to_missing_id_fault(client):
    fault = client.fault("maintenance.request", "create", {"name": "x", "equipment_id": 999999})
    expect_fault(fault, version_of(client), "maintenance", "create_missing_many2one")


def test_unknown_field_fault(client):
    fault = client.fault("maintenance.request", "create", {"name": "x", "no_such_field": 1})
    expect_fault(fault, version_of(client), "maintenance", "create_unknown_field")


def test_unknown_model_and_methods(client):
    version = version_of(client)
    expect_fault(client.fault("no.such.model", "search", []), version, "maintenance", "unknown_model")
    expect_fault(client.fault("res.partner", "_create", []), version, "maintenance", "private_method")
    expect_fault(client.fault("res.partner", "no_such_method", []), version, "maintenance", "unknown_method")


def test_crm_only_has_no_maintenance(tmp_path):
    with start(tmp_path, "18.0", "crm-only") as server:
        fault = Client(server).fault("maintenance.request", "search", [])
    assert fault.faultCode == 2
    assert fault.faultString == "Object maintenance.request doesn't exist"


def test_duplicate_login_fault(client):
    client.call("res.users", "create", {"name": "Tech", "login": "tech"}, context=QUIET)
    fault = client.fault("res.users", "create", {"name": "Tech 2", "login": "tech"}, context=QUIET)
    expect_fault(fault, version_of(client), "maintenance", "create_user_duplicate_login")


def test_lead_bad_type_fault(client):
    fault = client.fault("crm.lead", "create", {"name": "x", "type": "bogus"})
    expect_fault(fault, version_of(client), "maintenance", "create_lead_bad_type")


def test_atomic_batch_create(client):
    before = client.call("res.partner", "search_count", [], context={"active_test": False})
    fault = client.fault("maintenance.request", "create",
                         [{"name": "good"}, {"name": "bad", "priority": "9"}], context=QUIET)
    assert fault.faultCode == 1
    assert client.call("maintenance.request", "search_count", []) == 0
    assert client.call("res.partner", "search_count", [], context={"active_test": False}) == before


# -- custom fields and external IDs --------------------------------------


def model_id(client, model):
    return client.call("ir.model", "search", [("model", "=", model)])[0]


def test_custom_field_creation_and_use(client):
    lead_model = model_id(client, "crm.lead")
    client.call("ir.model.fields", "create", {
        "name": "x_novo_ref", "model_id": lead_model, "ttype": "char", "field_description": "Novo ref",
    })
    client.call("ir.model.fields", "create", {
        "name": "x_source", "model_id": lead_model, "ttype": "selection", "field_description": "Source",
        "selection_ids": [(0, 0, {"value": "web", "name": "Web", "sequence": 1}),
                          (0, 0, {"value": "phone", "name": "Phone", "sequence": 2})],
    })
    client.call("ir.model.fields", "create", {
        "name": "x_kind", "model_id": lead_model, "ttype": "selection", "field_description": "Kind",
        "selection": "[('a', 'A'), ('b', 'B')]",
    })
    client.call("ir.model.fields", "create", {
        "name": "x_contact", "model_id": lead_model, "ttype": "many2one", "field_description": "Contact",
        "relation": "res.partner",
    })
    lead = client.call("crm.lead", "create", {"name": "L", "x_novo_ref": "WO-1", "x_source": "web",
                                              "x_kind": "b", "x_contact": 3}, context=QUIET)
    record = client.call("crm.lead", "read", [lead], ["x_novo_ref", "x_source", "x_kind", "x_contact"])[0]
    assert record["x_novo_ref"] == "WO-1"
    assert record["x_source"] == "web"
    assert record["x_kind"] == "b"
    assert record["x_contact"] == [3, "Administrator"]
    meta = client.call("crm.lead", "fields_get", ["x_source"], ["selection"])
    assert meta["x_source"]["selection"] == [["web", "Web"], ["phone", "Phone"]]
    fault = client.fault("crm.lead", "create", {"name": "L2", "x_source": "fax"})
    assert lines(fault)[-1] == "ValueError: Wrong value for crm.lead.x_source: 'fax'"
    assert client.call("crm.lead", "search", [("x_novo_ref", "=", "WO-1")]) == [lead]


def test_custom_field_requires_x_prefix(client):
    fault = client.fault("ir.model.fields", "create", {
        "name": "novo_ref", "model_id": model_id(client, "crm.lead"), "ttype": "char",
    })
    expect_fault(fault, version_of(client), "maintenance", "create_field_without_x_prefix")


def test_custom_field_unlink_and_persistence(tmp_path):
    path = tmp_path / "p.sqlite"
    with serve(path) as server:
        client = Client(server)
        field = client.call("ir.model.fields", "create", {
            "name": "x_keep", "model_id": model_id(client, "res.partner"), "ttype": "integer",
        })
        client.call("ir.model.fields", "create", {
            "name": "x_drop", "model_id": model_id(client, "res.partner"), "ttype": "char",
        })
        dropped = client.call("ir.model.fields", "search", [("name", "=", "x_drop")])
        client.call("ir.model.fields", "unlink", dropped)
        assert "x_drop" not in client.call("res.partner", "fields_get")
        assert field
    with serve(path) as server:
        fields = Client(server).call("res.partner", "fields_get")
    assert "x_keep" in fields
    assert "x_drop" not in fields


def test_failed_call_rolls_back_custom_field(client):
    fault = client.fault("ir.model.fields", "create", [
        {"name": "x_ok", "model_id": model_id(client, "res.partner"), "ttype": "char"},
        {"name": "bad", "model_id": model_id(client, "res.partner"), "ttype": "char"},
    ])
    assert fault.faultCode == 2
    assert "x_ok" not in client.call("res.partner", "fields_get")


def test_xmlid_unique_and_cleanup(client):
    partner = client.call("res.partner", "create", {"name": "X"}, context=QUIET)
    client.call("ir.model.data", "create", {"module": "novo", "name": "partner_1", "model": "res.partner",
                                            "res_id": partner})
    fault = client.fault("ir.model.data", "create", {"module": "novo", "name": "partner_1",
                                                     "model": "res.partner", "res_id": partner})
    assert fault.faultCode == 2
    assert "already exists" in fault.faultString
    found = client.call("ir.model.data", "search_read", [("module", "=", "novo"), ("name", "=", "partner_1")],
                        fields=["res_id", "model"])
    assert found[0]["res_id"] == partner
    client.call("res.partner", "unlink", [partner])
    assert client.call("ir.model.data", "search", [("module", "=", "novo")]) == []


# -- behaviours ----------------------------------------------------------


def test_parent_address_copied_on_create(client):
    company = client.call("res.partner", "create", {
        "name": "Co", "is_company": True, "street": "1 Main St", "city": "Springfield", "zip": "12345",
        "state_id": 13, "country_id": 233,
    }, context=QUIET)
    person = client.call("res.partner", "create", {"name": "P", "parent_id": company, "city": "Elsewhere"},
                         context=QUIET)
    record = client.call("res.partner", "read", [person], ["street", "city", "zip", "state_id", "country_id"])[0]
    assert record["street"] == "1 Main St"
    assert record["city"] == "Springfield"
    assert record["country_id"][0] == 233
    client.call("res.partner", "write", [person], {"city": "Own City"})
    assert client.call("res.partner", "read", [person], ["city"])[0]["city"] == "Own City"


def count(client, model, domain):
    return client.call(model, "search_count", domain)


def make_user(client, login="tech"):
    return client.call("res.users", "create", {"name": "Tech", "login": login, "email": f"{login}@example.com"},
                       context=QUIET)


def test_quiet_context_creates_no_side_records(client):
    technician = make_user(client)
    assert count(client, "mail.mail", []) == 0
    request = client.call("maintenance.request", "create", {
        "name": "Quiet", "user_id": technician, "schedule_date": "2026-03-01 10:00:00",
    }, context=QUIET)
    assert count(client, "mail.mail", []) == 0
    assert count(client, "mail.activity", []) == 0
    assert count(client, "mail.message", [("model", "=", "maintenance.request"), ("res_id", "=", request)]) == 0
    followers = client.call("mail.followers", "search_read",
                            [("res_model", "=", "maintenance.request"), ("res_id", "=", request)],
                            fields=["partner_id"])
    technician_partner = client.call("res.users", "read", [technician], ["partner_id"])[0]["partner_id"][0]
    assert {f["partner_id"][0] for f in followers} == {3, technician_partner}


def test_default_context_creates_side_records(client):
    technician = client.call("res.users", "create", {"name": "Loud", "login": "loud", "email": "l@example.com"})
    assert count(client, "mail.mail", []) == 1
    request = client.call("maintenance.request", "create", {
        "name": "Loud request", "user_id": technician, "schedule_date": "2026-03-01 10:00:00",
    })
    assert count(client, "mail.activity", [("res_id", "=", request)]) == 1
    assert count(client, "mail.mail", [("subject", "ilike", "You have been assigned")]) == 1
    messages = client.call("mail.message", "search_read",
                           [("model", "=", "maintenance.request"), ("res_id", "=", request)], fields=["body"])
    assert "Maintenance Request created" in messages[0]["body"]
    lead = client.call("crm.lead", "create", {"name": "Lead"})
    bodies = client.call("mail.message", "search_read", [("model", "=", "crm.lead"), ("res_id", "=", lead)],
                         fields=["body"])
    assert "Lead/Opportunity created" in bodies[0]["body"]


def test_archived_user_in_batch_fails(client):
    fault = client.fault("res.users", "create", [
        {"name": "On", "login": "on", "email": "on@example.com"},
        {"name": "Off", "login": "off", "email": "off@example.com", "active": False},
    ])
    assert fault.faultCode == 2
    assert "You cannot perform this action on an archived user" in fault.faultString
    assert client.call("res.users", "search", [("login", "in", ["on", "off"])],
                       context={"active_test": False}) == []


def test_close_date_rules(client):
    done = client.call("maintenance.request", "create", {"name": "Done", "stage_id": 3}, context=QUIET)
    open_ = client.call("maintenance.request", "create", {"name": "Open", "close_date": "2020-01-01"},
                        context=QUIET)
    records = {r["id"]: r for r in client.call("maintenance.request", "read", [done, open_], ["close_date"])}
    assert records[done]["close_date"] == date.today().isoformat()
    assert records[open_]["close_date"] is False
    given = client.call("maintenance.request", "create",
                        {"name": "Given", "stage_id": 3, "close_date": "2020-01-01"}, context=QUIET)
    assert client.call("maintenance.request", "read", [given], ["close_date"])[0]["close_date"] == "2020-01-01"
    client.call("maintenance.request", "write", [given], {"stage_id": 4})
    assert client.call("maintenance.request", "read", [given], ["close_date"])[0]["close_date"] == \
        date.today().isoformat()


def test_recurring_request_next_occurrence(client):
    request = client.call("maintenance.request", "create", {
        "name": "Monthly", "maintenance_type": "preventive", "recurring_maintenance": True,
        "repeat_interval": 1, "repeat_unit": "month", "schedule_date": "2026-01-10 08:00:00",
    }, context=QUIET)
    client.call("maintenance.request", "write", [request], {"stage_id": 3}, context=QUIET)
    following = client.call("maintenance.request", "search_read", [("id", "!=", request)],
                            fields=["schedule_date", "stage_id"])
    assert len(following) == 1
    assert following[0]["schedule_date"] == "2026-02-10 08:00:00"
    assert following[0]["stage_id"][0] == 1


def test_technician_from_equipment_category(client):
    technician = make_user(client)
    category = client.call("maintenance.equipment.category", "create",
                           {"name": "Pumps", "technician_user_id": technician})
    equipment = client.call("maintenance.equipment", "create", {"name": "Pump 1", "category_id": category},
                            context=QUIET)
    request = client.call("maintenance.request", "create", {"name": "Fix", "equipment_id": equipment},
                          context=QUIET)
    assert client.call("maintenance.request", "read", [request], ["user_id"])[0]["user_id"][0] == technician


def test_concurrent_clients(client):
    errors = []

    def worker(number):
        try:
            proxy = xmlrpc.client.ServerProxy(f"{client.url}/xmlrpc/2/object", allow_none=True)
            proxy.execute_kw(DB, 2, PASSWORD, "res.partner", "create",
                             [[{"name": f"T{number}-{i}"} for i in range(5)]], {"context": QUIET})
        except Exception as exc:  # noqa: BLE001 - collected for the assert below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert client.call("res.partner", "search_count", [("name", "=like", "T%-%")]) == 40


# -- JSON-RPC ------------------------------------------------------------


def jsonrpc(url, service, method, *args):
    payload = {"jsonrpc": "2.0", "method": "call", "id": 1,
               "params": {"service": service, "method": method, "args": list(args)}}
    return httpx.post(f"{url}/jsonrpc", json=payload).json()


def test_jsonrpc_call_and_error_envelope(client):
    assert jsonrpc(client.url, "common", "login", DB, LOGIN, PASSWORD)["result"] == 2
    ids = jsonrpc(client.url, "object", "execute_kw", DB, 2, PASSWORD, "res.partner", "create",
                  [[{"name": "J"}]], {"context": QUIET})["result"]
    assert len(ids) == 1
    error = jsonrpc(client.url, "object", "execute_kw", DB, 2, PASSWORD, "maintenance.request", "create",
                    [{"name": "x", "priority": "7"}])["error"]
    assert error["code"] == 200
    assert error["message"] == "Odoo Server Error"
    assert error["data"]["name"] == "builtins.ValueError"
    assert error["data"]["message"] == "Wrong value for maintenance.request.priority: '7'"
    assert error["data"]["debug"].startswith("Traceback (most recent call last):")
    denied = jsonrpc(client.url, "object", "execute_kw", DB, 2, "bad", "res.partner", "search", [[]])["error"]
    assert denied["data"]["name"] == "odoo.exceptions.AccessDenied"


# -- JSON-2 --------------------------------------------------------------


def json2(client, model, method, body, key=None, headers=None):
    sent = {"Authorization": f"bearer {key or client.server.sandbox.api_key}", "X-Odoo-Database": DB}
    sent.update(headers or {})
    return httpx.post(f"{client.url}/json/2/{model}/{method}", json=body, headers=sent)


def recorded_exchange(label):
    exchanges = json.loads((SCHEMA_DIR / "19.0" / "json2-exchanges.json").read_text())
    return next(e for e in exchanges if e["label"] == label)


def test_json2_create_read_write(client19):
    created = recorded_exchange("maintenance.request/create")
    response = json2(client19, "maintenance.request", "create", created["request"]["body"])
    assert response.status_code == 200
    assert response.json() == created["response"]["body"]
    read = recorded_exchange("maintenance.request/read (ids + fields)")
    response = json2(client19, "maintenance.request", "read", read["request"]["body"])
    assert response.json() == read["response"]["body"]
    write = recorded_exchange("maintenance.request/write (ids + vals)")
    assert json2(client19, "maintenance.request", "write", write["request"]["body"]).json() is True
    posted = json2(client19, "maintenance.request", "message_post",
                   {"ids": [1], "body": "note", "message_type": "comment", "subtype_xmlid": "mail.mt_note"})
    assert isinstance(posted.json(), list)
    assert json2(client19, "maintenance.request", "search_count", {"domain": [["id", "=", 1]]}).json() == 1
    partners = recorded_exchange("res.partner/search_read")
    assert json2(client19, "res.partner", "search_read", partners["request"]["body"]).json() == \
        partners["response"]["body"]


@pytest.mark.parametrize("label", [
    "ERR unknown field", "ERR missing required field (name)", "ERR unknown model", "ERR unknown method",
    "ERR private method", "ERR unknown argument name", "ERR ids given to an @api.model method",
    "ERR missing positional argument", "ERR invalid selection value", "ERR invalid domain",
    "ERR write on a deleted/missing id",
])
def test_json2_error_bodies_match_recording(client19, label):
    exchange = recorded_exchange(label)
    model, method = exchange["request"]["url"].split("/json/2/")[1].split("/")
    response = json2(client19, model, method, exchange["request"]["body"])
    assert response.status_code == exchange["response"]["status"]
    assert response.json() == exchange["response"]["body"]


def test_json2_authentication_errors(client19):
    wrong = recorded_exchange("ERR wrong API key")
    response = json2(client19, "res.partner", "search_read", wrong["request"]["body"], key="nope")
    assert response.status_code == 401
    # httpx strips the trailing space of the recorded "Bearer " value.
    assert response.headers["www-authenticate"].strip() == "Bearer"
    assert response.json() == wrong["response"]["body"]
    missing = recorded_exchange("ERR no Authorization header")
    response = httpx.post(f"{client19.url}/json/2/res.partner/search_read", json={}, headers={"X-Odoo-Database": DB})
    assert response.status_code == 401
    assert response.json() == missing["response"]["body"]
    response = httpx.get(f"{client19.url}/json/2/res.partner/search_read")
    assert response.json() == recorded_exchange("ERR GET instead of POST")["response"]["body"]


def test_json2_bad_body_and_content_type(client19):
    headers = {"Authorization": f"bearer {client19.server.sandbox.api_key}", "X-Odoo-Database": DB}
    response = httpx.post(f"{client19.url}/json/2/res.partner/search_read", content="{not json",
                          headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == recorded_exchange("ERR body is not JSON")["response"]["body"]
    response = httpx.post(f"{client19.url}/json/2/res.partner/search_read", content="{}",
                          headers={**headers, "Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.text == recorded_exchange("ERR wrong Content-Type (text/plain)")["response"]["body"]


def test_json2_absent_on_18(client18):
    response = httpx.post(f"{client18.url}/json/2/res.partner/search_read", json={})
    assert response.status_code == 404
