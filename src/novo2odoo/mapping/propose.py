"""Propose a mapping of an export onto a live target, with a confidence and reason per item."""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import __version__
from ..errors import MappingError
from ..odoo.client import OdooClient
from ..source.export import Export
from ..source.detect import detect_decimal_comma
from ..source.vocabulary import BY_KEY
from . import plan, values

log = logging.getLogger(__name__)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def choose_targets(alternatives: list[list[plan.Target]], fields: dict) -> tuple[list[plan.Target], float, str]:
    for targets in alternatives:
        missing = [t.field for t in targets if t.field and not t.field.startswith("x_")
                   and (t.field not in fields
                        or (fields[t.field].get("readonly") and t.field not in plan.WRITABLE_READONLY))]
        if not missing:
            standard = [t.field for t in targets if t.field and not t.field.startswith("x_")]
            if standard:
                return targets, 0.95, f"the target has {', '.join(standard)}"
            return targets, 0.85, "no standard field holds this; a custom field keeps it"
    last = alternatives[-1]
    return [t for t in last if t.field.startswith("x_")], 0.5, "the target lacks the standard field or it is read-only"


def infer_custom_type(sample: list[str], definition: dict | None) -> tuple[str, list[str], str]:
    """Return ``(odoo type, selection options, reason)`` for a custom column."""
    if definition:
        kind = values.norm(definition.get("type", ""))
        odoo_type = plan.CUSTOM_TYPES.get(kind, "char")
        options = [o.strip() for o in re.split(r"[|;]", definition.get("options", "")) if o.strip()]
        return odoo_type, options, f"defined as {definition.get('type')!r} in the custom field definitions"
    filled = [v.strip() for v in sample if v.strip()]
    if filled and all(re.match(r"^-?[\d,.$]+$", v) for v in filled):
        return "float", [], "every sampled value is a number"
    distinct = sorted(set(filled))
    if filled and len(distinct) <= 12 and len(filled) >= 3 * len(distinct):
        return "selection", distinct, f"only {len(distinct)} distinct values in {len(filled)} sampled rows"
    return "char", [], "free text values"


def propose(export: Export, client: OdooClient, *, timezone_name: str, create_missing_users: bool = False,
            fallback_user: str | None = None, country: str = "US", timezone_given: bool = True) -> dict:
    """Build the mapping document for ``export`` against the live target behind ``client``."""
    try:
        ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MappingError(f"unknown timezone {timezone_name!r}; use an IANA name such as America/Denver") from exc

    modules = client.installed_modules()
    maintenance = "maintenance" in modules and client.has_model("maintenance.request")
    if not maintenance:
        log.warning("the target has no Maintenance module: work orders will go to crm.lead")

    definitions: dict[tuple[str, str], dict] = {}
    if export.file("custom_field"):
        source = export.files["custom_field"]
        for _number, row in source.rows():
            obj = values.norm(row.get(source.header_for("object") or "", ""))
            label = row.get(source.header_for("label") or "", "").strip()
            definitions[(obj.replace(" ", "_"), values.norm(label))] = {
                "type": row.get(source.header_for("type") or "", ""),
                "options": row.get(source.header_for("options") or "", ""),
            }

    objects: dict[str, dict] = {}
    custom_fields: dict[tuple[str, str], dict] = {}
    for key, source in export.files.items():
        if key == "custom_field":
            continue
        models = plan.MODELS.get(key)
        model = models[0] if maintenance else models[1]
        entry = {
            "file": source.name,
            "encoding": source.encoding.value,
            "delimiter": source.delimiter.value,
            "date_style": source.date_style.value if source.date_style else "mdy",
            "model": model,
            "confidence": source.object_confidence,
            "reason": source.object_reason,
            "detection": {
                "encoding": source.encoding.reason,
                "delimiter": source.delimiter.reason,
                "date_style": source.date_style.reason if source.date_style else "no dates in this file",
            },
            "columns": {},
        }
        if model is None:
            entry["reason"] += "; the target has no model for it (Maintenance is not installed): rows are reported, not loaded"
            objects[key] = entry
            continue
        fields = client.fields(model) if key != "department" else {}
        alternatives = plan.columns_for(key, maintenance)
        for match in source.columns:
            column_entry: dict = {"source": match.key or "custom", "header_confidence": match.confidence}
            if match.key is None:
                definition = definitions.get((key, values.norm(match.header)))
                sample = [row.get(match.header, "") for row in source.sample]
                odoo_type, options, type_reason = infer_custom_type(sample, definition)
                name = f"x_novo_{slug(match.header)}"[:60]
                convert = plan.CUSTOM_CONVERT[odoo_type]
                column_entry["targets"] = [{"field": name, "convert": convert}]
                column_entry["confidence"] = 0.9 if definition else 0.7
                column_entry["reason"] = f"custom column: {type_reason}"
                custom_fields[(model, name)] = {"model": model, "name": name, "type": odoo_type, "label": match.header,
                                                "selection": options, "confidence": column_entry["confidence"],
                                                "reason": type_reason}
            elif key in ("department", "user"):
                column_entry["targets"] = []
                column_entry["confidence"] = match.confidence
                column_entry["reason"] = "read to build the team and staff maps below"
            else:
                targets, confidence, reason = choose_targets(alternatives.get(match.key, [[]]), fields)
                column_entry["targets"] = [{"field": t.field, "convert": t.convert} for t in targets if t.field or t.convert]
                column_entry["confidence"] = round(min(confidence, match.confidence), 2)
                column_entry["reason"] = f"{match.reason}; {reason}"
                for target in targets:
                    if target.field.startswith("x_") and target.field not in fields:
                        custom_fields[(model, target.field)] = {
                            "model": model, "name": target.field, "type": target.x_type,
                            "label": target.label or match.header, "relation": target.relation or None,
                            "selection": [], "confidence": 0.9,
                            "reason": "keeps a Novo value that no standard field holds"}
            entry["columns"][match.header] = column_entry
        fixed = plan.FIXED.get((key, model))
        if fixed:
            entry["fixed"] = fixed
        objects[key] = entry
        # Every loaded model carries x_novo_id, the marker that lets an interrupted run find its records.
        if key in ("customer", "location", "asset", "work_order", "pm_schedule", "attachment", "activity"):
            if "x_novo_id" not in fields:
                custom_fields.setdefault((model, "x_novo_id"), {
                    "model": model, "name": "x_novo_id", "type": "char", "label": "Novo ID", "relation": None,
                    "selection": [], "confidence": 0.95,
                    "reason": "the Novo id of the record; lets an interrupted run find what it created"})

    value_maps = propose_value_maps(export, client, maintenance, create_missing_users, fallback_user)
    amounts = []
    for key, source in export.files.items():
        spec = BY_KEY[key]
        for match in source.columns:
            if match.key and spec.column(match.key).kind in ("money", "number"):
                amounts.extend(row.get(match.header, "") for row in source.sample)
    decimal = detect_decimal_comma([value for value in amounts if value.strip()])
    document = {
        "novo2odoo_mapping": 1,
        "generated": {"by": f"novo2odoo {__version__}", "at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                      "export": str(export.root)},
        "target": {"url": client.label or client.url, "database": client.db, "odoo_version": client.server_version,
                   "work_orders_to": "maintenance.request" if maintenance else "crm.lead",
                   "modules": sorted(m for m in modules if m in ("crm", "maintenance", "contacts", "mail", "base_geolocalize"))},
        "settings": {
            "timezone": timezone_name,
            "timezone_confidence": 1.0 if timezone_given else 0.5,
            "timezone_reason": ("given with --timezone" if timezone_given else
                                "the default; Novo timestamps carry no zone, so set --timezone to the city's zone"),
            "default_country": country,
            "decimal_comma": decimal.value == "comma",
            "decimal_confidence": decimal.confidence,
            "decimal_reason": decimal.reason,
            "module": "novo_migration",
            "batch_size": 200,
        },
        "objects": objects,
        "custom_fields": sorted(custom_fields.values(), key=lambda f: (f["model"], f["name"])),
        "value_maps": value_maps,
    }
    return document


def _distinct(export: Export, obj: str, column: str) -> Counter:
    counts: Counter = Counter()
    source = export.file(obj)
    header = source.header_for(column) if source else None
    if not header:
        return counts
    for _number, row in source.rows():
        value = row.get(header, "").strip()
        if value:
            counts[value] += 1
    return counts


def propose_value_maps(export: Export, client: OdooClient, maintenance: bool, create_missing: bool,
                       fallback: str | None) -> dict:
    stage_model = "maintenance.stage" if maintenance else "crm.stage"
    done_field = "done" if maintenance else "is_won"
    stages = client.search_read(stage_model, [], ["name", "sequence", done_field], order="sequence")
    request_model = "maintenance.request" if maintenance else "crm.lead"
    selection = client.fields(request_model)["priority"]["selection"]

    departments = []
    if export.file("department"):
        source = export.files["department"]
        for _n, row in source.rows():
            departments.append({"id": row.get(source.header_for("id") or "", "").strip(),
                                "name": row.get(source.header_for("name") or "", "").strip()})
    for name in _distinct(export, "work_order", "department"):
        if not any(values.norm(name) in (values.norm(d["id"]), values.norm(d["name"])) for d in departments):
            departments.append({"id": name, "name": name})
    team_model = "maintenance.team" if maintenance else "crm.team"
    teams = client.search_read(team_model, [], ["name"])

    staff_rows = []
    if export.file("user"):
        source = export.files["user"]
        for _n, row in source.rows():
            active_raw = row.get(source.header_for("active") or "", "yes")
            staff_rows.append({
                "id": row.get(source.header_for("id") or "", "").strip(),
                "name": row.get(source.header_for("name") or "", "").strip(),
                "email": row.get(source.header_for("email") or "", ""),
                "department": row.get(source.header_for("department") or "", "").strip(),
                "active": values.norm(active_raw) not in ("no", "n", "false", "0", "inactive"),
            })
    references = _distinct(export, "work_order", "assigned_to")
    references.update(_distinct(export, "activity", "user"))
    references.update(_distinct(export, "attachment", "uploaded_by"))
    users = client.search_read("res.users", [("share", "=", False)], ["login", "email", "name"],
                               context={"active_test": False})

    maps = {
        "status": values.propose_status_map(_distinct(export, "work_order", "status"), stages, done_field),
        "priority": values.propose_priority_map(_distinct(export, "work_order", "priority"), selection),
        "department": values.propose_team_map(departments, teams),
        "staff": values.propose_staff_map(staff_rows, references, users, create_missing, fallback),
        "customer_type": {raw: {"is_company": values.norm(raw) in ("business", "company", "organization", "commercial"),
                                "confidence": 0.95, "reason": "Business customers become companies"}
                          for raw in _distinct(export, "customer", "type")},
        "activity_type": {raw: {"subtype": "note" if values.norm(raw) in ("note", "status change") else "comment",
                                "message_type": "email" if values.norm(raw) in ("email", "e-mail") else "comment",
                                "confidence": 0.85,
                                "reason": "notes and status changes are internal notes; comments and e-mails are messages"}
                          for raw in _distinct(export, "activity", "type")},
        "asset_status": {raw: {"active": values.norm(raw) not in ("retired", "inactive", "disposed", "scrapped"),
                               "confidence": 0.8,
                               "reason": "retired assets are archived; the status stays in x_novo_status"}
                         for raw in _distinct(export, "asset", "status")},
        "repeat_unit": {raw: {"value": _unit(raw), "confidence": 0.95 if _unit(raw) else 0.2,
                              "reason": "same period" if _unit(raw) else "unknown period; choose day, week, month or year"}
                        for raw in _distinct(export, "pm_schedule", "unit")},
    }
    return maps


def _unit(raw: str) -> str | None:
    text = values.norm(raw)
    for unit in ("day", "week", "month", "year"):
        if text.startswith(unit):
            return unit
    return None
