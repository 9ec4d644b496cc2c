"""Prepare the target before records move: custom fields, teams, stages, categories, users."""

from __future__ import annotations

import logging

from ..errors import MappingError
from ..mapping.values import index_users, norm
from ..odoo.client import OdooClient
from ..source.values import external_id_name
from .convert import Lookups
from .writer import QUIET_CONTEXT, Writer

log = logging.getLogger(__name__)


def preflight(client: OdooClient, mapping: dict) -> None:
    """Check what the mapping expects of the target before anything is written.

    Raises MappingError naming the mapping entry to correct.
    """
    for spec in mapping["custom_fields"]:
        if not spec["name"].startswith("x_"):
            raise MappingError(f"custom field {spec['model']}.{spec['name']} must have a name that starts with x_")
        if spec["type"] == "many2one" and not spec.get("relation"):
            raise MappingError(f"custom field {spec['model']}.{spec['name']} is a many2one without a relation")
    maintenance = mapping["target"]["work_orders_to"] == "maintenance.request"
    stage_model = "maintenance.stage" if maintenance else "crm.stage"
    stages = {norm(s["name"]) for s in client.search_read(stage_model, [], ["name"])}
    for raw, entry in mapping["value_maps"].get("status", {}).items():
        if not str(entry.get("stage") or "").strip():
            raise MappingError(f"value_maps.status[{raw!r}] has no stage name")
        if not entry.get("create") and norm(entry["stage"]) not in stages:
            raise MappingError(f"value_maps.status[{raw!r}] names stage {entry['stage']!r}, which is not on the "
                               "target: correct the name, or set create: true, and confirm the mapping again")
    logins = {entry.get("user") for entry in mapping["value_maps"].get("staff", {}).values()
              if entry.get("action") == "fallback"}
    for login in sorted(filter(None, logins)):
        found = client.search_read("res.users", ["|", ("login", "=ilike", login), ("email", "=ilike", login)],
                                   ["id"], limit=1, context={"active_test": False})
        if not found:
            raise MappingError(f"value_maps.staff falls back to user {login!r}, which is not on the target: "
                               "correct the mapping and confirm it again")
    if None in logins or "" in logins:
        raise MappingError("value_maps.staff has a fallback entry without a user: set its user or its action")


def ensure_custom_fields(client: OdooClient, mapping: dict, writer: Writer | None = None) -> list[str]:
    """Create the mapping's ``x_`` fields that the target lacks; return the names created.

    Each field is journaled as an ``ir.model.fields`` record of the run, so a rollback can
    remove it again.
    """
    created = []
    model_ids: dict[str, int] = {}
    for spec in mapping["custom_fields"]:
        model = spec["model"]
        if spec["name"] in client.fields(model):
            continue
        if model not in model_ids:
            found = client.search_read("ir.model", [("model", "=", model)], ["id"], limit=1)
            model_ids[model] = found[0]["id"]
        vals = {"model_id": model_ids[model], "name": spec["name"], "ttype": spec["type"],
                "field_description": spec["label"], "state": "manual"}
        if spec["type"] == "selection":
            vals["selection_ids"] = [(0, 0, {"value": option, "name": option, "sequence": index})
                                     for index, option in enumerate(spec.get("selection") or [])]
        if spec["type"] == "many2one":
            vals["relation"] = spec["relation"]
            vals["on_delete"] = "set null"
        field_ids = client.create("ir.model.fields", [vals])
        created.append(f"{model}.{spec['name']}")
        if writer is not None:
            writer.journal.record(writer.run_id, [("custom_field", f"{model}.{spec['name']}", "ir.model.fields",
                                                   field_ids[0], None, "created", None, None, None, None)])
            writer.count("custom_field").created += 1
        log.info("created custom field %s.%s (%s)", model, spec["name"], spec["type"])
    for model in {spec["model"] for spec in mapping["custom_fields"]}:
        client.forget_fields(model)
    return created


def prepare(client: OdooClient, writer: Writer, mapping: dict, lookups: Lookups) -> None:
    """Create teams, stages, categories, tags and users, and fill ``lookups`` with target ids."""
    maps = mapping["value_maps"]
    maintenance = mapping["target"]["work_orders_to"] == "maintenance.request"

    # Countries and states: read once; they are small tables.
    for country in client.search_read("res.country", [], ["code"]):
        if country["code"]:
            lookups.countries[country["code"].upper()] = country["id"]
    for state in client.search_read("res.country.state", [], ["code", "name", "country_id"]):
        country_id = state["country_id"][0] if state["country_id"] else False
        lookups.states[(country_id, norm(state["code"]))] = state["id"]
        lookups.states[(country_id, norm(state["name"]))] = state["id"]

    # Teams: a maintenance team and a sales team per department (the sales team only without
    # Maintenance, where work orders become leads).
    team_models = [("maintenance.team", "maintenance_team")] if maintenance else [("crm.team", "crm_team")]
    for model, prefix in team_models:
        existing = {norm(t["name"]): t["id"] for t in client.search_read(model, [], ["name"])}
        items = []
        for dept_id, entry in maps["department"].items():
            if not entry.get("create") and norm(entry["team"]) in existing:
                team_id = existing[norm(entry["team"])]
                lookups.teams[norm(dept_id)] = team_id
                lookups.teams[norm(entry["name"])] = team_id
                continue
            items.append((dept_id, {"name": entry["team"]}))
        ids = writer.ensure("team", model, prefix, items)
        for dept_id, entry in maps["department"].items():
            if dept_id in ids:
                lookups.teams[norm(dept_id)] = ids[dept_id]
                lookups.teams[norm(entry["name"])] = ids[dept_id]

    # Stages.
    stage_model = "maintenance.stage" if maintenance else "crm.stage"
    existing = {norm(s["name"]): s["id"] for s in client.search_read(stage_model, [], ["name"])}
    to_create: dict[str, dict] = {}
    for raw, entry in maps["status"].items():
        if norm(entry["stage"]) in existing:
            lookups.stages[raw] = existing[norm(entry["stage"])]
        else:
            vals = {"name": entry["stage"], "sequence": 50 + len(to_create), "fold": bool(entry.get("done"))}
            if maintenance:
                vals["done"] = bool(entry.get("done"))
            to_create.setdefault(entry["stage"], vals)
    ids = writer.ensure("stage", stage_model, "stage", [(name, vals) for name, vals in to_create.items()])
    for raw, entry in maps["status"].items():
        if entry["stage"] in ids:
            lookups.stages[raw] = ids[entry["stage"]]
        if entry.get("done") and raw in lookups.stages:
            lookups.done_stages.add(lookups.stages[raw])

    # Equipment categories, created without a technician so requests take none from them.
    if maintenance and "asset" in mapping["objects"]:
        source_categories = writer.distinct("asset", "category")
        existing = {norm(c["name"]): c["id"] for c in client.search_read("maintenance.equipment.category", [], ["name"])}
        items = []
        for name in source_categories:
            if norm(name) in existing:
                lookups.categories[norm(name)] = existing[norm(name)]
            else:
                items.append((name, {"name": name, "technician_user_id": False}))
        for name, cid in writer.ensure("equipment_category", "maintenance.equipment.category", "equipment_category", items).items():
            lookups.categories[norm(name)] = cid

    # Message subtypes.
    for xmlid, key in (("mt_note", "note"), ("mt_comment", "comment")):
        found = client.search_read("ir.model.data", [("module", "=", "mail"), ("name", "=", xmlid)], ["res_id"], limit=1)
        if found:
            lookups.subtypes[key] = found[0]["res_id"]

    prepare_users(client, writer, maps["staff"], lookups)


def read_internal_users(client: OdooClient) -> list[dict]:
    """Read every internal user, archived ones included, with login, e-mail and partner."""
    return client.search_read("res.users", [("share", "=", False)], ["login", "email", "partner_id", "active"],
                              context={"active_test": False})


def prepare_users(client: OdooClient, writer: Writer, staff: dict, lookups: Lookups) -> None:
    """Resolve staff to users by e-mail, creating or falling back as the staff map specifies."""
    users = read_internal_users(client)
    by_login = index_users(users)

    to_create = []
    for key, entry in staff.items():
        if entry["action"] == "create" and entry.get("email") and norm(entry["email"]) not in by_login:
            to_create.append((entry.get("novo_id") or entry["email"], {
                "name": entry["name"], "login": entry["email"], "email": entry["email"]}, entry))
    if to_create:
        known = writer.xmlid_targets([external_id_name("user", novo_id) for novo_id, _v, _e in to_create])
        ids = writer.ensure("user", "res.users", "user", [(novo_id, vals) for novo_id, vals, _e in to_create])
        new_ids = [uid for novo_id, uid in ids.items() if external_id_name("user", novo_id) not in known]
        if new_ids and not writer.read_only:
            # Creating a user creates its partner too; journal it so a rollback removes both.
            partners = client.read("res.users", new_ids, ["partner_id"])
            writer.journal.record(writer.run_id, [
                ("user_partner", str(row["id"]), "res.partner", row["partner_id"][0], None, "created",
                 None, None, None, None) for row in partners])
        # A batch create that contains an archived user fails as a whole in Odoo, so former staff
        # are created active and archived afterwards.
        inactive = [ids[novo_id] for novo_id, _v, entry in to_create
                    if novo_id in ids and not entry.get("active", True) and ids[novo_id] in new_ids]
        if inactive and not writer.read_only:
            client.write("res.users", inactive, {"active": False}, context=QUIET_CONTEXT)
        users = read_internal_users(client)
        by_login = index_users(users)

    for key, entry in staff.items():
        uid = None
        if entry["action"] in ("match", "create") and entry.get("email"):
            user = by_login.get(norm(entry["email"]))
            uid = user["id"] if user else None
        elif entry["action"] == "fallback":
            user = by_login.get(norm(entry.get("user") or ""))
            uid = user["id"] if user else None
        for ref in [key, entry.get("email") or "", *(entry.get("aliases") or [])]:
            if ref:
                lookups.users[norm(ref)] = uid
                if entry.get("ambiguous") and uid is None:
                    lookups.ambiguous[norm(ref)] = entry["ambiguous"]
    for user in users:
        if user.get("partner_id"):
            lookups.user_partners[user["id"]] = user["partner_id"][0]
