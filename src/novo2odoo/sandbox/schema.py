"""Model and field definitions loaded from the dumps of real Odoo databases.

``schemas/<version>/<flavor>/models.json`` holds, per model, the output of
``fields_get`` and ``default_get`` on a real server. The sandbox stores and
serves exactly those fields, plus the custom ``x_`` fields created over the API
and two small models the dumps lack (``mail.mail`` and ``mail.activity``).
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schemas"
VERSIONS = ("18.0", "19.0")
FLAVORS = ("maintenance", "crm-only")

# Field types stored in a column of the model's own table. many2many values are
# stored there too, as a JSON list of ids. one2many values are never stored:
# they are read back through the inverse many2one.
COLUMN_TYPES = {
    "char": "TEXT", "text": "TEXT", "html": "TEXT", "selection": "TEXT",
    "date": "TEXT", "datetime": "TEXT", "binary": "TEXT", "json": "TEXT",
    "properties": "TEXT", "properties_definition": "TEXT", "reference": "TEXT",
    "integer": "INTEGER", "many2one": "INTEGER", "many2one_reference": "INTEGER",
    "boolean": "INTEGER", "float": "REAL", "monetary": "REAL",
    "many2many": "TEXT",
}

# ir.model ``name`` of each dumped model, used in creation messages and faults.
DESCRIPTIONS = {
    "crm.lead": "Lead/Opportunity", "crm.stage": "CRM Stages", "crm.tag": "CRM Tag",
    "crm.team": "Sales Team", "crm.team.member": "Sales Team Member",
    "ir.attachment": "Attachment", "ir.model": "Models", "ir.model.data": "Model Data",
    "ir.model.fields": "Fields", "ir.model.fields.selection": "Fields Selection",
    "ir.module.module": "Module", "mail.followers": "Document Followers",
    "mail.message": "Message", "mail.message.subtype": "Message subtypes",
    "mail.mail": "Outgoing Mails", "mail.activity": "Activity",
    "maintenance.equipment": "Maintenance Equipment",
    "maintenance.equipment.category": "Maintenance Equipment Category",
    "maintenance.request": "Maintenance Request", "maintenance.stage": "Maintenance Stage",
    "maintenance.team": "Maintenance Teams", "res.company": "Companies",
    "res.country": "Country", "res.country.state": "Country state",
    "res.partner": "Contact", "res.partner.category": "Partner Tags", "res.users": "User",
}

# Each model's ``_order`` in Odoo, limited to columns the sandbox stores.
DEFAULT_ORDERS = {
    "res.partner": "complete_name, id desc",
    "res.users": "login",
    "res.country": "name",
    "res.country.state": "code",
    "res.company": "sequence, name",
    "crm.lead": "priority desc, id desc",
    "crm.stage": "sequence, name, id",
    "crm.team": "sequence, id",
    "crm.tag": "name",
    "maintenance.request": "id desc",
    "maintenance.stage": "sequence, id",
    "maintenance.equipment": "name",
    "maintenance.equipment.category": "name",
    "mail.message": "id desc",
    "mail.activity": "date_deadline, id",
    "ir.model": "model",
    "ir.module.module": "name",
    "ir.model.fields": "name",
}


def _field(ftype: str, string: str, **extra) -> dict:
    meta = {
        "type": ftype, "string": string, "store": True, "readonly": False,
        "required": False, "searchable": True, "sortable": True,
        "company_dependent": False,
    }
    meta.update(extra)
    return meta


def _log_fields() -> dict:
    return {
        "id": _field("integer", "ID", readonly=True),
        "display_name": _field("char", "Display Name", store=False, readonly=True),
        "create_date": _field("datetime", "Created on", readonly=True),
        "create_uid": _field("many2one", "Created by", relation="res.users", readonly=True),
        "write_date": _field("datetime", "Last Updated on", readonly=True),
        "write_uid": _field("many2one", "Last Updated by", relation="res.users", readonly=True),
    }


def _extra_models() -> dict:
    """Return minimal ``mail.mail`` and ``mail.activity`` definitions.

    The dumps do not include them, yet migrations must be able to observe the
    notification mails and activities Odoo queues, so the sandbox stores them.
    NOTE: these field lists are a subset written for the sandbox, not a dump.
    """
    mail = _log_fields()
    mail.update({
        "subject": _field("char", "Subject"),
        "body_html": _field("text", "Text contents"),
        "email_to": _field("text", "To"),
        "email_from": _field("char", "From"),
        "recipient_ids": _field("many2many", "To (Partners)", relation="res.partner"),
        "model": _field("char", "Related Document Model"),
        "res_id": _field("many2one_reference", "Related Document ID", model_field="model"),
        "mail_message_id": _field("many2one", "Message", relation="mail.message"),
        "state": _field("selection", "Status", selection=[
            ["outgoing", "Outgoing"], ["sent", "Sent"], ["received", "Received"],
            ["exception", "Delivery Failed"], ["cancel", "Cancelled"]]),
    })
    activity = _log_fields()
    activity.update({
        "res_model": _field("char", "Related Document Model"),
        "res_model_id": _field("many2one", "Document Model", relation="ir.model"),
        "res_id": _field("many2one_reference", "Related Document ID", model_field="res_model"),
        "res_name": _field("char", "Document Name"),
        "summary": _field("char", "Summary"),
        "note": _field("html", "Note"),
        "date_deadline": _field("date", "Due Date", required=True),
        "user_id": _field("many2one", "Assigned to", relation="res.users"),
        "activity_type_id": _field("integer", "Activity Type"),
    })
    return {
        "mail.mail": {"fields": mail, "defaults": {"state": "outgoing"}},
        "mail.activity": {"fields": activity, "defaults": {}},
    }


@lru_cache(maxsize=None)
def _load(version: str, flavor: str) -> dict:
    base = SCHEMA_DIR / version / flavor
    data = {}
    for name in ("models", "reference_records", "faults", "server"):
        data[name] = json.loads((base / f"{name}.json").read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=None)
def load_json2_exchanges() -> list:
    return json.loads((SCHEMA_DIR / "19.0" / "json2-exchanges.json").read_text(encoding="utf-8"))


class Schema:
    """The models of one sandbox database, with its custom fields."""

    def __init__(self, version: str, flavor: str):
        if version not in VERSIONS:
            raise ValueError(f"unsupported Odoo version {version!r}: use one of {', '.join(VERSIONS)}")
        if flavor not in FLAVORS:
            raise ValueError(f"unsupported flavor {flavor!r}: use one of {', '.join(FLAVORS)}")
        self.version = version
        self.flavor = flavor
        data = _load(version, flavor)
        self.models: dict[str, dict] = copy.deepcopy(data["models"])
        for name, model in _extra_models().items():
            self.models.setdefault(name, model)
        # ir.attachment keeps its content in a stored column named after
        # ``datas`` because the sandbox has no file store.
        if "ir.attachment" in self.models:
            self.models["ir.attachment"]["fields"]["datas"]["store"] = True
        self.reference = data["reference_records"]
        self.faults = data["faults"]
        self.server = data["server"]
        self.custom_fields: dict[str, set[str]] = {}

    # -- lookups ---------------------------------------------------------

    def has_model(self, model: str) -> bool:
        return model in self.models

    def fields(self, model: str) -> dict:
        return self.models[model]["fields"]

    def defaults(self, model: str) -> dict:
        return self.models[model]["defaults"]

    def description(self, model: str) -> str:
        return DESCRIPTIONS.get(model, model)

    def default_order(self, model: str) -> str:
        order = DEFAULT_ORDERS.get(model, "id")
        fields = self.fields(model)
        terms = [t for t in order.split(",") if t.split()[0] in fields and is_stored(fields[t.split()[0]])]
        return ",".join(terms) or "id"

    def is_mail_thread(self, model: str) -> bool:
        return "message_ids" in self.fields(model)

    def rec_name(self, model: str) -> str | None:
        fields = self.fields(model)
        for name in ("name", "x_name"):
            if name in fields:
                return name
        return None

    # -- custom fields ---------------------------------------------------

    def add_custom_field(self, model: str, name: str, meta: dict) -> None:
        self.models[model]["fields"][name] = meta
        self.custom_fields.setdefault(model, set()).add(name)

    def remove_custom_field(self, model: str, name: str) -> None:
        self.models[model]["fields"].pop(name, None)
        self.custom_fields.get(model, set()).discard(name)

    def drop_custom_fields(self) -> None:
        """Forget every custom field, before they are reloaded from the database."""
        for model, names in self.custom_fields.items():
            for name in names:
                self.models[model]["fields"].pop(name, None)
        self.custom_fields = {}


def is_stored(meta: dict) -> bool:
    """Return whether a field has a column in its model's table."""
    return bool(meta.get("store")) and meta["type"] in COLUMN_TYPES


def table_name(model: str) -> str:
    return model.replace(".", "_")
