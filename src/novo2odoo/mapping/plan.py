"""The Odoo targets of each canonical Novo column, before the target's schema is consulted.

A column lists target candidates in order of preference. ``propose`` keeps the first candidate
field that the live target has and falls back to an ``x_`` custom field of the stated type, so
nothing is assumed about the target's schema. ``convert`` names the conversion applied to the
raw value (see :mod:`novo2odoo.load.convert`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    field: str            # Odoo field name; an ``x_`` name is created when missing
    convert: str          # conversion name
    x_type: str = "char"  # type of the custom field when ``field`` starts with ``x_``
    relation: str = ""    # comodel of a custom many2one
    label: str = ""


T = Target

# object -> (model when Maintenance is installed, model without it)
MODELS = {
    "department": ("maintenance.team", "crm.team"),
    "user": ("res.users", "res.users"),
    "customer": ("res.partner", "res.partner"),
    "location": ("res.partner", "res.partner"),
    "asset": ("maintenance.equipment", None),
    "work_order": ("maintenance.request", "crm.lead"),
    "pm_schedule": ("maintenance.request", None),
    "attachment": ("ir.attachment", "ir.attachment"),
    "activity": ("mail.message", "mail.message"),
}

# object -> canonical column -> list of alternatives; each alternative is a list of targets
# (one source column may fill several fields). The first alternative whose standard fields all
# exist on the target and are not read-only wins; ``x_`` fields always qualify because they are
# created. Read-only matters: Odoo 19 computes ``maintenance.request.duration`` from the
# scheduled start and end, so a value written to it does not stay.
WRITABLE_READONLY = {"mimetype"}  # read-only in fields_get, but create keeps the given value
COMMON = {
    "customer": {
        "id": [[T("x_novo_id", "text", label="Novo ID")]],
        "first_name": [[T("name", "partner_name")]],
        "last_name": [[T("name", "partner_name")]],
        "company": [[T("parent_id", "company_link")]],
        "type": [[T("is_company", "is_company")]],
        "email": [[T("email", "email")]],
        "phone": [[T("phone", "text")]],
        "mobile": [[T("mobile", "text")], [T("x_novo_mobile", "text", label="Mobile")]],
        "street": [[T("street", "text")]],
        "street2": [[T("street2", "text")]],
        "city": [[T("city", "text")]],
        "state": [[T("state_id", "state")]],
        "zip": [[T("zip", "text")]],
        "country": [[T("country_id", "country")]],
        "created": [[T("x_novo_created_at", "datetime_utc", "datetime", label="Novo date added")]],
    },
    "location": {
        "id": [[T("x_novo_id", "text", label="Novo ID")]],
        "name": [[T("name", "text")]],
        "type": [[T("x_novo_location_type", "text", label="Novo location type")]],
        "street": [[T("street", "text")]],
        "city": [[T("city", "text")]],
        "state": [[T("state_id", "state"), T("country_id", "country")]],
        "zip": [[T("zip", "text")]],
        "customer": [[T("parent_id", "ref:customer")]],
        "latitude": [[T("partner_latitude", "number")], [T("x_novo_latitude", "number", "float", label="Latitude")]],
        "longitude": [[T("partner_longitude", "number")], [T("x_novo_longitude", "number", "float", label="Longitude")]],
    },
    "activity": {
        "id": [[T("x_novo_id", "text", label="Novo ID")]],
        "work_order": [[T("res_id", "ref:work_order")]],
        "type": [[T("subtype_id", "activity_type"), T("x_novo_activity_type", "text", label="Novo activity type")]],
        "user": [[T("author_id", "author")]],
        "timestamp": [[T("date", "datetime_utc")]],
        "text": [[T("body", "html")]],
    },
    "attachment": {
        "id": [[T("x_novo_id", "text", label="Novo ID")]],
        "work_order": [[T("res_id", "ref:work_order")]],
        "file_name": [[T("name", "text")]],
        "path": [[T("datas", "file")]],
        "content_type": [[T("mimetype", "text")]],
        "size": [[T("", "file_size")]],
        "uploaded_by": [[T("description", "uploaded_by")]],
        "uploaded_on": [[T("x_novo_uploaded_at", "datetime_utc", "datetime", label="Novo upload date")]],
    },
}

MAINTENANCE = {
    "asset": {
        "id": [[T("x_novo_id", "text", label="Novo ID")]],
        "name": [[T("name", "text")]],
        "serial": [[T("serial_no", "text")]],
        "category": [[T("category_id", "category")]],
        "department": [[T("maintenance_team_id", "team")]],
        "location": [[T("x_novo_location_id", "ref:location", "many2one", "res.partner", "Novo location")]],
        "manufacturer": [[T("x_novo_manufacturer", "text", label="Manufacturer")]],
        "model": [[T("model", "text")]],
        "purchase_date": [[T("effective_date", "date")]],
        "warranty_date": [[T("warranty_date", "date")]],
        "cost": [[T("cost", "money")]],
        "status": [[T("active", "asset_active"), T("x_novo_status", "text", label="Novo status")]],
    },
    "work_order": {
        "id": [[T("x_novo_id", "text", label="Novo ID")]],
        "title": [[T("name", "text")]],
        "description": [[T("description", "html")]],
        "status": [[T("stage_id", "stage"), T("x_novo_status", "text", label="Novo status")]],
        "priority": [[T("priority", "priority"), T("x_novo_priority", "text", label="Novo priority")]],
        "work_type": [[T("x_novo_work_type", "text", label="Work type")]],
        "department": [[T("maintenance_team_id", "team")]],
        "assigned_to": [[T("user_id", "user"), T("x_novo_assigned_to", "text", label="Novo assignee")]],
        "customer": [[T("x_novo_customer_id", "ref:customer", "many2one", "res.partner", "Customer")]],
        "asset": [[T("equipment_id", "ref:asset")]],
        "location": [[T("x_novo_location_id", "ref:location", "many2one", "res.partner", "Service location")]],
        "created": [[T("request_date", "date_local"), T("x_novo_created_at", "datetime_utc", "datetime", label="Novo created on")]],
        "scheduled": [[T("schedule_date", "datetime_utc")]],
        "due": [[T("x_novo_due_date", "date", "date", label="Due date")]],
        "completed": [[T("close_date", "date_local"), T("x_novo_completed_at", "datetime_utc", "datetime", label="Novo completed on")]],
        "labor_hours": [[T("duration", "number")], [T("x_novo_labor_hours", "number", "float", label="Labor hours")]],
        "parts_cost": [[T("x_novo_parts_cost", "money", "float", label="Parts cost")]],
    },
    "pm_schedule": {
        "id": [[T("x_novo_id", "text", label="Novo ID")]],
        "asset": [[T("equipment_id", "ref:asset")]],
        "task": [[T("name", "text")]],
        "frequency": [[T("repeat_interval", "integer")]],
        "unit": [[T("repeat_unit", "repeat_unit")]],
        "next_due": [[T("schedule_date", "date_utc")]],
        "department": [[T("maintenance_team_id", "team")]],
    },
}

# Without Maintenance a work order becomes a lead: the same columns, but the customer is the
# lead's partner, the team a sales team, and assets and schedules have no model to go to.
CRM_ONLY = {
    "work_order": {
        **MAINTENANCE["work_order"],
        "department": [[T("team_id", "team")]],
        "customer": [[T("partner_id", "ref:customer")]],
        "asset": [[T("x_novo_asset", "text", label="Novo asset")]],
        "created": [[T("x_novo_created_at", "datetime_utc", "datetime", label="Novo created on")]],
        "scheduled": [[T("x_novo_scheduled_at", "datetime_utc", "datetime", label="Novo scheduled on")]],
        "due": [[T("date_deadline", "date")]],
        "completed": [[T("date_closed", "datetime_utc"),
                       T("x_novo_completed_at", "datetime_utc", "datetime", label="Novo completed on")],
                      [T("x_novo_completed_at", "datetime_utc", "datetime", label="Novo completed on")]],
        "labor_hours": [[T("x_novo_labor_hours", "number", "float", label="Labor hours")]],
    },
}

# Values every record of an object gets, whatever the row contains.
FIXED = {
    ("location", "res.partner"): {"type": "other"},
    ("work_order", "maintenance.request"): {"maintenance_type": "corrective", "kanban_state": "normal"},
    ("work_order", "crm.lead"): {"type": "opportunity"},
    ("pm_schedule", "maintenance.request"): {"maintenance_type": "preventive", "recurring_maintenance": True,
                                             "repeat_type": "forever"},
    ("asset", "maintenance.equipment"): {},
}

CUSTOM_TYPES = {"text": "char", "pick list": "selection", "picklist": "selection", "date": "date",
                "number": "float", "yes/no": "boolean", "checkbox": "boolean", "datetime": "datetime"}
CUSTOM_CONVERT = {"char": "text", "selection": "selection", "date": "date", "float": "number",
                  "boolean": "bool", "datetime": "datetime_utc"}


def columns_for(obj: str, maintenance: bool) -> dict:
    plan = dict(COMMON)
    plan.update(MAINTENANCE if maintenance else CRM_ONLY)
    return plan.get(obj, {})
