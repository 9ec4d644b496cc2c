"""Initial records of a new sandbox, copied from the reference records of the dump.

Seeded records keep the ids they have on the dumped servers (for example
res.country 233 is the United States), so ids and external IDs found on a real
fresh database also work on the sandbox.
"""

from __future__ import annotations

import json

import pycountry

from .schema import Schema, is_stored, table_name
from .store import quote
from .values import now_string

# External ID names of each seeded user's partner, as in Odoo's base module.
USER_PARTNER_XMLIDS = {
    "user_root": "partner_root",
    "user_admin": "partner_admin",
    "public_user": "public_partner",
    "default_user": "default_user_res_partner",
    "template_portal_user_id": "template_portal_user_id_res_partner",
}

# Module that defines each model, for the ir.model external IDs (model_<name>).
MODEL_MODULES = {"crm.team": "sales_team", "crm.team.member": "sales_team"}

# Kosovo is in Odoo's country list but has no ISO 3166-1 entry in pycountry.
EXTRA_COUNTRIES = [("XK", "Kosovo")]


class Seeder:
    def __init__(self, conn, schema: Schema):
        self.conn = conn
        self.schema = schema
        self.stamp = now_string()

    def insert(self, model: str, row: dict) -> int:
        fields = self.schema.fields(model)
        values = {}
        for name, value in row.items():
            meta = fields.get(name)
            if meta is None or not (is_stored(meta) or name == "id"):
                continue
            values[name] = self._column_value(meta, value)
        for name, value in (("create_date", self.stamp), ("write_date", self.stamp),
                            ("create_uid", 1), ("write_uid", 1)):
            if name in fields and name not in values:
                values[name] = value
        columns = ", ".join(quote(c) for c in values)
        marks = ", ".join("?" * len(values))
        cursor = self.conn.execute(
            f"INSERT INTO {quote(table_name(model))} ({columns}) VALUES ({marks})", list(values.values())
        )
        return cursor.lastrowid

    @staticmethod
    def _column_value(meta: dict, value):
        if meta["type"] == "many2many":
            return json.dumps([v for v in value if isinstance(v, int)] if isinstance(value, list) else [])
        if isinstance(value, list) and meta["type"] == "many2one":
            return value[0]
        if value is False and meta["type"] not in ("boolean", "integer", "float", "monetary"):
            return None
        if isinstance(value, bool):
            return int(value)
        return value

    def run(self) -> None:
        ref = self.schema.reference
        xmlids = {(x["module"], x["name"]): x for x in ref["xmlids"]}
        self._company_and_users(ref, xmlids)
        self._countries(ref, xmlids)
        for model in ("crm.stage", "crm.team", "mail.message.subtype", "maintenance.stage",
                      "maintenance.team", "res.partner.category", "maintenance.equipment.category"):
            if self.schema.has_model(model):
                for row in ref.get(model, []):
                    self.insert(model, row)
        if self.schema.has_model("crm.team.member"):
            for team in ref.get("crm.team", []):
                for user_id in team.get("member_ids") or []:
                    self.insert("crm.team.member", {"crm_team_id": team["id"], "user_id": user_id, "active": True})
        model_ids = self._ir_models()
        self._ir_modules()
        for xmlid in ref["xmlids"]:
            self.insert("ir.model.data", {**xmlid, "noupdate": True})
        next_id = max(x["id"] for x in ref["xmlids"]) + 1
        for model, model_id in sorted(model_ids.items(), key=lambda item: item[1]):
            module = MODEL_MODULES.get(model, model.split(".")[0] if model.split(".")[0] in (
                "crm", "maintenance", "mail") else "base")
            self.insert("ir.model.data", {
                "id": next_id, "module": module, "name": "model_" + model.replace(".", "_"),
                "model": "ir.model", "res_id": model_id, "noupdate": False,
            })
            next_id += 1

    def _company_and_users(self, ref, xmlids) -> None:
        company = ref["res.company"][0]
        partner_ids = {x["name"]: x["res_id"] for x in ref["xmlids"] if x["model"] == "res.partner"}
        user_xmlids = {x["res_id"]: x["name"] for x in ref["xmlids"] if x["model"] == "res.users"}
        main_partner = partner_ids.get("main_partner", 1)
        self.insert("res.partner", {
            "id": main_partner, "name": company["name"], "complete_name": company["name"],
            "is_company": True, "active": True, "company_id": False, "type": "contact",
            "commercial_partner_id": main_partner, "lang": "en_US",
        })
        self.insert("res.company", {**company, "partner_id": main_partner, "sequence": 10})
        users = sorted(ref["res.users"], key=lambda u: u["id"])
        for user in users:
            partner_id = partner_ids.get(USER_PARTNER_XMLIDS.get(user_xmlids.get(user["id"], ""), ""))
            if partner_id is None:
                continue
            self.insert("res.partner", {
                "id": partner_id, "name": user["name"], "complete_name": user["name"],
                "email": user.get("email") or False, "active": user["id"] == 2 or user["active"],
                "company_id": 1, "type": "contact", "commercial_partner_id": partner_id, "lang": "en_US",
            })
            groups = "groups_id" if "groups_id" in self.schema.fields("res.users") else "group_ids"
            self.insert("res.users", {
                "id": user["id"], "login": user["login"], "partner_id": partner_id, "active": user["active"],
                "share": user.get("share", False), "company_id": 1, "company_ids": [1], groups: [],
                "notification_type": "email",
            })

    def _countries(self, ref, xmlids) -> None:
        codes = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
        codes.update(dict(EXTRA_COUNTRIES))
        ordered = sorted(codes)
        ca = xmlids.get(("base", "ca"))
        offset = ca["id"] - ca["res_id"] if ca else None
        for number, code in enumerate(ordered, start=1):
            self.insert("res.country", {"id": number, "code": code, "name": codes[code]})
            if offset is not None and ("base", code.lower()) not in xmlids:
                self.insert("ir.model.data", {
                    "id": offset + number, "module": "base", "name": code.lower(),
                    "model": "res.country", "res_id": number, "noupdate": True,
                })
        for state in ref.get("res.country.state", []):
            self.insert("res.country.state", state)

    def _ir_models(self) -> dict[str, int]:
        model_ids = {}
        field_id = 1
        for number, model in enumerate(sorted(self.schema.models), start=1):
            model_ids[model] = number
            self.insert("ir.model", {
                "id": number, "model": model, "name": self.schema.description(model), "state": "base",
                "order": self.schema.default_order(model), "transient": False,
                "is_mail_thread": self.schema.is_mail_thread(model),
            })
            for name, meta in self.schema.fields(model).items():
                self.insert("ir.model.fields", {
                    "id": field_id, "model_id": number, "model": model, "name": name, "ttype": meta["type"],
                    "field_description": meta.get("string") or name, "relation": meta.get("relation") or False,
                    "relation_field": meta.get("relation_field") or False, "required": bool(meta.get("required")),
                    "readonly": bool(meta.get("readonly")), "store": bool(meta.get("store")), "state": "base",
                    "help": meta.get("help") or False, "translate": bool(meta.get("translate")),
                    "related": meta.get("related") or False,
                })
                field_id += 1
        return model_ids

    def _ir_modules(self) -> None:
        for number, (name, version) in enumerate(self.schema.server["installed_modules"], start=1):
            self.insert("ir.module.module", {
                "id": number, "name": name, "shortdesc": name, "latest_version": version,
                "state": "installed", "license": "LGPL-3", "module_type": "official",
            })
