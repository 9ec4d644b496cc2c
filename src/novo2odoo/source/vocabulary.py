"""The objects of a Novo export and the header wordings each of their columns is known by.

Each object has canonical column keys. A file is recognised as an object, and a header as a
column, by fuzzy matching against these wordings and by checking the values (an e-mail column
contains addresses, a date column contains dates). Wordings seen in different Novo versions are
listed together. A header that matches none becomes a custom field candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """A canonical column: its key, header wordings, value kind and whether files need it."""

    key: str
    names: tuple[str, ...]
    kind: str = "text"  # text, id, ref, email, date, datetime, money, number, bool, path
    required: bool = False


@dataclass(frozen=True)
class ObjectSpec:
    key: str
    label: str
    file_names: tuple[str, ...]
    columns: tuple[Column, ...]
    id_column: str = "id"
    extra: dict = field(default_factory=dict)

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


C = Column

OBJECTS: tuple[ObjectSpec, ...] = (
    ObjectSpec("department", "Department", ("departments", "department", "depts"), (
        C("id", ("department id", "dept id", "department code", "code", "dept code", "id"), "id", True),
        C("name", ("department name", "department", "dept name", "name"), required=True),
        C("description", ("description", "notes")),
    )),
    ObjectSpec("user", "Staff user", ("users", "staff", "employees", "technicians"), (
        C("id", ("user id", "staff id", "employee id", "id"), "id", True),
        C("name", ("full name", "name", "user name", "display name", "staff name"), required=True),
        C("email", ("email", "e-mail", "email address", "e-mail address", "login"), "email"),
        C("department", ("department id", "home department", "department", "dept", "dept id"), "ref"),
        C("role", ("role", "user role", "type")),
        C("active", ("active", "is active", "enabled", "status"), "bool"),
    )),
    ObjectSpec("customer", "Customer", ("customers", "requesters", "contacts", "citizens"), (
        C("id", ("customer id", "requester id", "contact id", "id"), "id", True),
        C("first_name", ("first name", "firstname", "given name", "first")),
        C("last_name", ("last name", "lastname", "surname", "family name", "last")),
        C("company", ("company name", "company", "organization", "business name")),
        C("type", ("customer type", "requester type", "type", "contact type")),
        C("email", ("email", "e-mail", "email address", "e-mail address"), "email"),
        C("phone", ("phone", "phone number", "telephone", "work phone")),
        C("mobile", ("mobile", "cell", "mobile phone", "cell phone")),
        C("street", ("address line 1", "address", "street", "address 1", "street address")),
        C("street2", ("address line 2", "address 2", "street 2", "suite", "apt", "suite/apt")),
        C("city", ("city", "town")),
        C("state", ("state", "province", "region", "state/province")),
        C("zip", ("zip", "zip code", "postal code", "postcode")),
        C("country", ("country", "country code")),
        C("created", ("date added", "added on", "created", "created on", "date created"), "datetime"),
    )),
    ObjectSpec("location", "Location", ("locations", "facilities", "sites", "location"), (
        C("id", ("location id", "facility id", "site id", "id"), "id", True),
        C("name", ("location name", "facility name", "site name", "name"), required=True),
        C("type", ("location type", "facility type", "type")),
        C("street", ("address", "street", "address line 1", "street address")),
        C("city", ("city", "town")),
        C("state", ("state", "province", "state/province")),
        C("zip", ("zip", "zip code", "postal code")),
        C("customer", ("customer id", "customer", "requester id", "owner id"), "ref"),
        C("latitude", ("latitude", "lat"), "number"),
        C("longitude", ("longitude", "long", "lng", "lon"), "number"),
    )),
    ObjectSpec("asset", "Asset", ("assets", "equipment", "asset"), (
        C("id", ("asset id", "equipment id", "asset number", "asset #", "asset no.", "id"), "id", True),
        C("name", ("asset name", "equipment name", "name", "description"), required=True),
        C("serial", ("serial number", "serial", "serial no", "serial no.", "serial #", "s/n")),
        C("category", ("category", "asset category", "asset type", "class")),
        C("department", ("department id", "department", "dept"), "ref"),
        C("location", ("location id", "location", "facility id", "site id"), "ref"),
        C("manufacturer", ("manufacturer", "make", "mfr", "vendor", "brand")),
        C("model", ("model", "model number", "model no", "model #")),
        C("purchase_date", ("purchase date", "purchased", "in service date", "acquired", "acquired on", "acquisition date", "install date"), "date"),
        C("warranty_date", ("warranty expiration", "warranty expiry", "warranty expires", "warranty end", "warranty"), "date"),
        C("cost", ("purchase cost", "cost", "purchase price", "value", "acquisition cost"), "money"),
        C("status", ("status", "asset status", "state")),
    )),
    ObjectSpec("work_order", "Work order", ("work_orders", "workorders", "work orders", "wo", "orders"), (
        C("id", ("work order #", "work order number", "wo number", "wo #", "work order no.", "work order id", "number", "id"), "id", True),
        C("title", ("title", "subject", "summary", "name"), required=True),
        C("description", ("description", "details", "problem description", "notes")),
        C("status", ("status", "state", "wo status"), required=True),
        C("priority", ("priority", "priority level", "urgency")),
        C("work_type", ("work type", "type", "category", "request type")),
        C("department", ("department", "department id", "department name", "dept")),
        C("assigned_to", ("assigned to", "assigned technician", "technician", "assignee")),
        C("customer", ("requested by (customer id)", "customer id", "requester id", "requested by", "requestor", "customer"), "ref"),
        C("asset", ("asset id", "asset", "equipment id"), "ref"),
        C("location", ("location id", "location", "facility id", "site id"), "ref"),
        C("created", ("date created", "created", "created on", "opened", "created date"), "datetime"),
        C("scheduled", ("scheduled date", "scheduled", "schedule date", "scheduled start", "scheduled for"), "datetime"),
        C("due", ("due date", "due", "due by"), "date"),
        C("completed", ("date completed", "completed", "completed on", "closed", "closed on", "closed date"), "datetime"),
        C("labor_hours", ("labor hours", "labor (hrs)", "hours", "labour hours", "time spent"), "number"),
        C("parts_cost", ("parts cost", "parts ($)", "material cost", "parts"), "money"),
    )),
    ObjectSpec("activity", "Work order activity", ("work_order_activity", "activity", "activities", "history", "audit"), (
        C("id", ("activity id", "entry id", "log id", "id"), "id", True),
        C("work_order", ("work order #", "work order number", "wo number", "work order no.", "work order", "work order id"), "ref", True),
        C("type", ("activity type", "type", "entry type"), required=True),
        C("user", ("user email", "user", "by", "author", "user e-mail", "performed by"), "email"),
        C("timestamp", ("timestamp", "date", "created", "created on", "date time", "logged on", "logged at"), "datetime", True),
        C("text", ("details", "text", "note", "comment", "message", "body"), required=True),
    )),
    ObjectSpec("attachment", "Work order attachment", ("work_order_attachments", "attachments", "files", "documents"), (
        C("id", ("attachment id", "file id", "document id", "id"), "id", True),
        C("work_order", ("work order #", "work order number", "wo number", "work order no.", "work order", "work order id"), "ref", True),
        C("file_name", ("file name", "filename", "name", "original name"), required=True),
        C("path", ("file path", "path", "relative path", "location"), "path", True),
        C("content_type", ("content type", "mime type", "mimetype", "type")),
        C("size", ("size (bytes)", "size", "file size", "bytes"), "number"),
        C("uploaded_by", ("uploaded by", "uploader", "user", "author", "added by"), "email"),
        C("uploaded_on", ("uploaded on", "upload date", "uploaded", "date", "added on"), "datetime"),
    )),
    ObjectSpec("pm_schedule", "Preventive maintenance schedule", ("pm_schedules", "pm", "preventive", "schedules", "pm schedules"), (
        C("id", ("pm id", "schedule id", "pm schedule id", "pm #", "id"), "id", True),
        C("asset", ("asset id", "asset", "equipment id"), "ref", True),
        C("task", ("task", "task name", "description", "name", "title"), required=True),
        C("frequency", ("frequency", "interval", "every"), "number", True),
        C("unit", ("frequency unit", "unit", "interval unit", "period"), required=True),
        C("next_due", ("next due", "next due date", "next date", "next run", "due"), "date"),
        C("department", ("department id", "department", "dept"), "ref"),
    )),
    ObjectSpec("custom_field", "Custom field definition", ("custom_fields", "custom fields", "user defined fields", "udf"), (
        C("object", ("object", "entity", "applies to", "record type"), required=True),
        C("label", ("field label", "label", "field name", "name"), required=True),
        C("type", ("field type", "type", "data type"), required=True),
        C("options", ("options", "values", "pick list values", "choices")),
        C("required", ("required", "mandatory", "is required"), "bool"),
    ), id_column="label"),
)

BY_KEY = {spec.key: spec for spec in OBJECTS}

# Load order: each object only references objects before it.
LOAD_ORDER = ("department", "user", "customer", "location", "asset", "work_order",
              "pm_schedule", "attachment", "activity")

# Values that show which object a file contains, whatever its headers are.
VALUE_HINTS: dict[str, tuple[str, ...]] = {
    "work_order": ("open", "in progress", "on hold", "completed", "cancelled", "emergency", "high", "medium"),
    "activity": ("note", "comment", "status change", "email"),
    "attachment": ("application/pdf", "image/png", "image/jpeg", "text/plain"),
    "pm_schedule": ("days", "weeks", "months", "years"),
    "user": ("technician", "department head", "admin"),
    "customer": ("individual", "business"),
    "custom_field": ("pick list", "text", "date", "number", "yes/no"),
}
