"""Generate synthetic Novo Work Order exports for tests and benchmarks.

:func:`generate_export` writes the ten CSV files of one Novo export and its ``attachments/``
folder. The content follows a real export of a small city, with the same objects, columns and
value vocabularies. The layout options are those that differ between Novo versions and sites:
encoding, delimiter, date style, decimal comma, header wording, column order and file names.

Rows are streamed to disk and no table is held in memory. What other rows refer to (a user's
name and e-mail, a customer's identity, an asset's category, the dirt of a row) is derived from
``(seed, object, row index)`` alone, so a reference is computed from the referenced index. The
other values of each file come from one random stream per file. Work orders, their activity
and their attachments are written side by side in one pass.

With ``dirt=True`` the generator injects the problems real exports have. Each kind of dirt hits
a fixed share of the rows of one object (see :data:`DIRT_KINDS`), and each kind appears at
least once when the object has 50 rows or more. :class:`ExportStats` records every injected
case with the Novo id of the row that carries it, so a test can check that a reader finds
exactly these cases.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import functools
import itertools
import random
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

__all__ = [
    "DATE_STYLES", "DELIMITERS", "DIRT_KINDS", "ENCODINGS", "HEADER_STYLES",
    "DirtItem", "DirtKind", "ExportStats", "generate_export",
]

ENCODINGS = ("utf-8-sig", "utf-8", "cp1252")
DELIMITERS = (",", ";", "\t", "|")
DATE_STYLES = ("mdy", "dmy", "iso")
HEADER_STYLES = ("default", "variant")

# The export covers work orders created from EXPORT_START up to EXPORT_END, and EXPORT_END is
# the day the export was taken. Row index order follows creation time, so low indexes are old.
EXPORT_START = dt.datetime(2019, 1, 2, 7, 0)
EXPORT_END = dt.datetime(2026, 11, 27, 17, 0)
WORK_ORDER_PREFIX = "WO-2019-"
OLD_ROW_SHARE = 0.3  # share of the oldest work orders whose status casing can vary


@dataclass(frozen=True)
class DirtKind:
    """One kind of injected dirt: the object whose rows carry it and the share of rows hit."""

    name: str
    object: str
    rate: float
    description: str


DIRT_KINDS: dict[str, DirtKind] = {
    kind.name: kind
    for kind in (
        DirtKind("user_email_missing", "users", 0.04,
                 "the user has a blank e-mail, and other files name the user only by display name"),
        DirtKind("user_email_not_normalized", "users", 0.12,
                 "the e-mail is upper case or padded with spaces"),
        DirtKind("customer_invalid_email", "customers", 0.01,
                 'the e-mail is not an address, for example "n/a" or "john@@example.com"'),
        DirtKind("customer_email_not_normalized", "customers", 0.02,
                 "the e-mail is in mixed case or padded with spaces"),
        DirtKind("duplicate_customer", "customers", 0.005,
                 "the customer repeats an earlier customer under a new id"),
        DirtKind("dangling_asset", "work_orders", 0.004,
                 "the asset id is not in the assets file"),
        DirtKind("dangling_customer", "work_orders", 0.004,
                 "the requesting customer id is not in the customers file"),
        DirtKind("assignee_display_name", "work_orders", 0.02,
                 "the technician is named by display name instead of e-mail"),
        DirtKind("former_staff_assignee", "work_orders", 0.003,
                 "the technician's e-mail belongs to nobody in the users file"),
        DirtKind("completed_before_created", "work_orders", 0.003,
                 "the completed timestamp is earlier than the created one"),
        DirtKind("unparsable_date", "work_orders", 0.002,
                 "a created, scheduled or due date cell holds text that is no date"),
        DirtKind("attachment_file_missing", "work_order_attachments", 0.01,
                 "the row's file is not in the export folder"),
        DirtKind("attachment_file_empty", "work_order_attachments", 0.005,
                 "the row's file exists but has zero bytes"),
        DirtKind("attachment_path_traversal", "work_order_attachments", 0.002,
                 'the path climbs out of the export folder with "..", and no file is written'),
        DirtKind("attachment_path_absolute", "work_order_attachments", 0.002,
                 "the path is absolute (POSIX or Windows), and no file is written"),
    )
}


@dataclass(frozen=True, slots=True)
class DirtItem:
    """One injected case of dirt.

    ``row_id`` is the Novo id of the row that carries it. ``column`` is the header of the dirty
    cell as written and ``value`` the cell as written. ``related_id`` is the id the dirt is
    about: the missing asset or customer, the user named by display name, the first copy of a
    duplicate customer, or the work order of an attachment.
    """

    object: str
    row_id: str
    column: str
    value: str
    related_id: str = ""


@dataclass
class ExportStats:
    """Summary of one generated export.

    Object names are the stems of the default file names ("work_orders", "customers", ...).
    ``columns`` maps each object to its column keys and the headers written for them, in file
    order. ``options`` contains the resolved layout, including the ``strptime`` formats of
    timestamps and dates. ``dirt`` maps each kind in :data:`DIRT_KINDS` to the injected cases.
    It is the one part of memory that grows with the export, by a few percent of the rows.
    """

    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    attachment_files: int = 0
    options: dict[str, str] = field(default_factory=dict)
    dirt: dict[str, list[DirtItem]] = field(default_factory=dict)

    def dirt_ids(self, kind: str) -> set[str]:
        """Return the Novo ids of the rows that carry one kind of dirt."""
        return {item.row_id for item in self.dirt.get(kind, [])}

    def summary(self) -> str:
        """Format files, row counts and dirt counts as plain text lines."""
        lines = [f"export folder: {self.out_dir}"]
        for name, path in self.files.items():
            lines.append(f"  {name:24} {self.rows.get(name, 0):>10,} rows  {path.name}")
        lines.append(f"  {'attachment files':24} {self.attachment_files:>10,}")
        lines.append("options: " + ", ".join(f"{key}={value!r}" for key, value in self.options.items()))
        if self.dirt:
            lines.append("injected dirt:")
            for kind, items in self.dirt.items():
                lines.append(f"  {kind:32} {len(items):>8,}  ({DIRT_KINDS[kind].object})")
        return "\n".join(lines)


# --- vocabularies ---------------------------------------------------------------------------

FIRST_NAMES = (
    "Aaliyah", "Amélie", "Barbara", "Björn", "Carlos", "Chloé", "D'Andre", "David", "Elizabeth",
    "Fatima", "François", "Hiroshi", "James", "Jennifer", "John", "Joseph", "José", "Karen",
    "Linda", "Mary", "Mateo", "Mei-Ling", "Michael", "Nguyễn", "O'Neil", "Patricia", "Priya",
    "Renée", "Richard", "Robert", "Sarah", "Siobhán", "Susan", "Søren", "Thomas", "William",
    "Zoë", "Łukasz",
)
LAST_NAMES = (
    "Anderson", "Björk", "Brown", "Davis", "Dubois", "Garcia", "Gonzalez", "Haddad",
    "Hernandez", "Ivanova", "Jackson", "Jones", "Kowalski", "Le", "Lopez", "Martin", "Martinez",
    "Miller", "Moore", "Müller", "Ng", "Nuñez", "Okafor", "Papadopoulos", "Park", "Rodriguez",
    "Rossi", "Schmidt", "Singh", "Smith", "St. John", "Tanaka", "Taylor", "Thomas", "Williams",
    "Wilson", "van der Berg",
)
STREETS = (
    "Main St", "Maple Dr", "Oak Ave", "Pine St", "Cedar Ln", "Elm St", "Park Pl", "River Rd",
    "Lakeview Rd", "Hillcrest Ave", "Sunset Blvd", "Washington Blvd", "Industrial Pkwy", "2nd St",
)
BUSINESS_PLACES = (
    "Acme", "Riverton", "Green Valley", "Summit", "Blue Ridge", "Northside", "Lakeside",
    "Harbor", "Pioneer", "City Library", "Eastgate", "Cedar Creek", "Westfield", "Silver Lake",
    "Oak Grove", "Maplewood",
)
BUSINESS_KINDS = (
    "Plumbing LLC", "School District", "HOA", "Medical Center", "Apartments", "Church",
    "Mall Inc.", "Logistics, Inc.", "Bank & Trust", "Foundation", "Dental Group", "Auto Body",
)
# (city, state code, state name, postal code, country)
CITIES = (
    ("Boston", "MA", "Massachusetts", "02134", "US"),
    ("Springfield", "IL", "Illinois", "62701", "US"),
    ("Newark", "NJ", "New Jersey", "07102", "US"),
    ("Portland", "OR", "Oregon", "97201", "US"),
    ("Sacramento", "CA", "California", "95814", "US"),
    ("Hartford", "CT", "Connecticut", "06103", "US"),
    ("Austin", "TX", "Texas", "78701", "US"),
    ("Gatineau", "QC", "Quebec", "J8X 3X7", "CA"),
    ("Windsor", "ON", "Ontario", "N9A 1A1", "CA"),
)
# The municipality that runs Novo: (city, state code, state name, zip, latitude, longitude, domain)
HOME_CITIES = (
    ("Riverton", "UT", "Utah", "84065", 40.52, -111.94, "riverton.gov"),
    ("Fairview", "NJ", "New Jersey", "07022", 40.81, -73.99, "fairviewnj.gov"),
    ("Oak Harbor", "WA", "Washington", "98277", 48.29, -122.64, "oakharbor.gov"),
    ("Millbrook", "AL", "Alabama", "36054", 32.48, -86.36, "millbrook-al.gov"),
)
US_COUNTRY_SPELLINGS = ("US", "USA", "United States")

# (code, name, description, work types, asset categories)
DEPARTMENTS = (
    ("D-10", "Public Works", "Streets, sidewalks, storm drains",
     ("Pothole Repair", "Sidewalk Repair", "Storm Drain Cleaning", "Street Light Out"),
     ("Storm Drain", "Street Light", "Sidewalk Segment")),
    ("D-20", "Water & Sewer", "Water distribution and wastewater",
     ("Main Break", "Hydrant Flush", "Meter Replacement", "Sewer Backup"),
     ("Pump Station", "Water Valve", "Fire Hydrant", "Lift Station")),
    ("D-30", "Parks & Recreation", "Parks, fields, playgrounds",
     ("Playground Inspection", "Irrigation Repair", "Tree Trimming"),
     ("Playground", "Irrigation Controller", "Park Restroom")),
    ("D-40", "Facilities", "City buildings and HVAC",
     ("HVAC Service", "Boiler Inspection", "Lighting Retrofit", "Generator Test"),
     ("HVAC Unit", "Boiler", "Elevator", "Generator")),
    ("D-50", "Fleet Services", "Vehicles and heavy equipment",
     ("Oil Change", "Brake Repair", "Tire Replacement", "Annual DOT Inspection"),
     ("Pickup Truck", "Dump Truck", "Street Sweeper")),
    ("D-60", "Traffic & Signals", "Signals, signs, striping",
     ("Signal Timing", "Sign Replacement", "Lane Striping"),
     ("Traffic Signal", "School Zone Beacon", "Message Board")),
    ("D-70", "Solid Waste", "Collection routes, containers and the transfer station",
     ("Missed Pickup", "Container Repair", "Illegal Dumping Cleanup"),
     ("Refuse Truck", "Roll-off Container", "Compactor")),
    ("D-80", "Airport", "Municipal airfield, hangars and runway lighting",
     ("Runway Light Repair", "Hangar Door Service", "Fuel Farm Inspection"),
     ("Runway Light", "Hangar Door", "Fuel Tank")),
)
MANUFACTURERS = (
    "Trane", "Otis", "Elgin", "Rain Bird", "Econolite", "Ford", "Caterpillar", "John Deere",
    "Siemens", "Kohler", "Carrier", "Mueller",
)
LOCATION_TYPES = (
    ("Facility", 30), ("Street Segment", 28), ("Park", 20), ("Pump House", 14),
    ("Customer Site", 8),
)
FACILITY_NAMES = ("City Hall", "Library", "Fire Station", "Police HQ", "Rec Center")
PARK_NAMES = ("Liberty Park", "Memorial Park", "Riverside Park", "Heritage Park", "Veterans Park")

STATUSES = ("Open", "In Progress", "On Hold", "Completed", "Cancelled")
STATUS_WEIGHTS = (17, 11, 5, 58, 9)
RECENT_STATUS_WEIGHTS = (45, 25, 10, 15, 5)  # work orders created in the last 60 days
PRIORITIES_NUMBERED = ("1 - Emergency", "2 - High", "3 - Medium", "4 - Low", "5 - Scheduled")
PRIORITIES_WORDS = ("Emergency", "High", "Medium", "Low", "Scheduled")
PRIORITY_WEIGHTS = (5, 20, 42, 25, 8)

INTAKE_LINES = tuple(
    f"Requested via {channel}." for channel in ("phone", "email", "citizen portal", "walk-in")
)
NOTE_LINES = (
    "Resident reports issue persists.", "Called requester to confirm location.",
    "Temporary patch applied; permanent repair scheduled.", "Inspected site; photos attached.",
    "Contractor on site.", "Parts ordered from vendor.", "Crew dispatched.",
    "Waiting on utility locate (811) before digging.", "Supervisor approved overtime.",
    "Closed out with requester.",
)
# Extra description lines that stress CSV quoting and HTML escaping.
TRICKY_LINES = (
    'Caller said: "it\'s leaking again, worse than last week", near the 3rd light pole.',
    "<script>alert('x')</script> & <b>bold</b> text < 5 > 3",
    "Résident signale: «fuite» près du n° 12; see photo, 2nd floor.",
    "Straße gesperrt, Umleitung über Müllerweg.",
    "Leak at valve #3\tbehind the fence | access via gate; code 1,234.",
)
ACTIVITY_TYPES = ("Note", "Email", "Comment", "Status Change")
ACTIVITY_TYPE_WEIGHTS = (39, 21, 20, 20)
ACTIVITY_COUNT_WEIGHTS = (14, 16, 16, 16, 14, 12, 12)  # 0..6 entries, mean 2.84 per work order
ATTACHMENT_COUNT_WEIGHTS = (80, 10, 6, 4)  # 0..3 files, mean 0.34 per work order

ATTACHMENT_KINDS = ("pdf", "png", "txt")
ATTACHMENT_KIND_WEIGHTS = (41, 35, 24)


def _cumulative(weights: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(itertools.accumulate(weights))


LOCATION_TYPE_CUMULATIVE = _cumulative(tuple(weight for _name, weight in LOCATION_TYPES))
STATUS_CUMULATIVE = _cumulative(STATUS_WEIGHTS)
RECENT_STATUS_CUMULATIVE = _cumulative(RECENT_STATUS_WEIGHTS)
PRIORITY_CUMULATIVE = _cumulative(PRIORITY_WEIGHTS)
ACTIVITY_TYPE_CUMULATIVE = _cumulative(ACTIVITY_TYPE_WEIGHTS)
ACTIVITY_COUNT_CUMULATIVE = _cumulative(ACTIVITY_COUNT_WEIGHTS)
ATTACHMENT_COUNT_CUMULATIVE = _cumulative(ATTACHMENT_COUNT_WEIGHTS)
ATTACHMENT_KIND_CUMULATIVE = _cumulative(ATTACHMENT_KIND_WEIGHTS)


def _weighted(rng: random.Random, values: Any, cumulative: tuple[int, ...]) -> Any:
    """Pick one of ``values`` with cumulative integer weights.

    ``random.choices`` rebuilds its cumulative table on every call, which costs more than the
    rest of a work order row.
    """
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


INVALID_EMAILS = ("n/a", "N/A", "john@@example.com", "none", "jane.doe@", "bob smith@example.com")
UNPARSABLE_DATES = ("00/00/0000", "TBD", "#######", "13/45/2021", "2021-02-30", "Jan 32 2021")
TRAVERSAL_PATHS = ("../../../../etc/passwd", "../../secrets/id_rsa", "attachments/../../outside.txt")

# (object label, field label, type, options, required). Values written for these columns always
# fit the definition: a pick-list value is one of the options, a number is an integer.
CUSTOM_FIELDS = (
    ("Work Order", "Permit Number", "Text", "", "No"),
    ("Work Order", "Inspection Type", "Pick List",
     "Routine|Complaint|Follow-up|Regulatory|Pre-construction", "No"),
    ("Work Order", "Weather Conditions", "Pick List", "Clear|Rain|Snow|Wind|Fog|Extreme Heat", "No"),
    ("Work Order", "Crew Size", "Number", "", "No"),
    ("Work Order", "Road Closure", "Yes/No", "", "No"),
    ("Work Order", "Inspection Date", "Date", "", "No"),
    ("Customer", "Preferred Service Area", "Pick List", "North|South|East|West|Downtown", "No"),
    ("Customer", "Customer Tier", "Pick List", "Standard|Priority|Critical Facility", "Yes"),
    ("Customer", "Billing Code", "Text", "", "No"),
    ("Customer", "Tax Exempt", "Yes/No", "", "No"),
)

# --- layout: columns, header variants and file names ------------------------------------------

# Each column is (key, default header, headers other Novo versions write).
COLUMNS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "departments": (
        ("id", "Department ID", ("Dept Code", "Code")),
        ("name", "Department Name", ("Name", "Dept Name")),
        ("description", "Description", ("Notes",)),
    ),
    "users": (
        ("id", "User ID", ("Employee ID", "Staff ID")),
        ("name", "Full Name", ("Name", "Display Name")),
        ("email", "Email", ("E-mail", "Email Address")),
        ("department", "Department ID", ("Home Department", "Dept ID")),
        ("role", "Role", ("User Role",)),
        ("active", "Active", ("Is Active", "Enabled")),
    ),
    "customers": (
        ("id", "Customer ID", ("Requester ID", "Contact ID")),
        ("first_name", "First Name", ("Given Name", "First")),
        ("last_name", "Last Name", ("Surname", "Last")),
        ("company", "Company Name", ("Company", "Organization")),
        ("type", "Customer Type", ("Requester Type", "Type")),
        ("email", "Email", ("E-mail", "Email Address")),
        ("phone", "Phone", ("Phone Number", "Work Phone")),
        ("mobile", "Mobile", ("Cell", "Mobile Phone")),
        ("address1", "Address Line 1", ("Street Address", "Address 1")),
        ("address2", "Address Line 2", ("Address 2", "Suite/Apt")),
        ("city", "City", ("Town",)),
        ("state", "State", ("State/Province", "Province")),
        ("zip", "Zip", ("Zip Code", "Postal Code")),
        ("country", "Country", ("Country/Region",)),
        ("date_added", "Date Added", ("Created On", "Added On")),
    ),
    "locations": (
        ("id", "Location ID", ("Facility ID", "Site ID")),
        ("name", "Location Name", ("Facility Name", "Name")),
        ("type", "Location Type", ("Facility Type", "Type")),
        ("address", "Address", ("Street Address",)),
        ("city", "City", ("Town",)),
        ("state", "State", ("State/Province",)),
        ("zip", "Zip", ("Zip Code", "Postal Code")),
        ("customer_id", "Customer ID", ("Requester ID", "Owner Customer ID")),
        ("latitude", "Latitude", ("Lat",)),
        ("longitude", "Longitude", ("Long", "Lng")),
    ),
    "assets": (
        ("id", "Asset ID", ("Equipment ID", "Asset #")),
        ("name", "Asset Name", ("Equipment Name", "Name")),
        ("serial", "Serial Number", ("Serial #", "Serial No.")),
        ("category", "Category", ("Asset Category", "Class")),
        ("department", "Department ID", ("Department", "Dept")),
        ("location_id", "Location ID", ("Location", "Facility ID")),
        ("manufacturer", "Manufacturer", ("Make", "Mfr")),
        ("model", "Model", ("Model #",)),
        ("purchase_date", "Purchase Date", ("Acquired On", "Install Date")),
        ("warranty", "Warranty Expiration", ("Warranty Expires", "Warranty End")),
        ("cost", "Purchase Cost", ("Acquisition Cost", "Cost")),
        ("status", "Status", ("Asset Status",)),
    ),
    "pm_schedules": (
        ("id", "PM ID", ("Schedule ID", "PM #")),
        ("asset_id", "Asset ID", ("Asset", "Equipment ID")),
        ("task", "Task", ("Task Name", "Description")),
        ("frequency", "Frequency", ("Interval", "Every")),
        ("unit", "Frequency Unit", ("Interval Unit", "Period")),
        ("next_due", "Next Due", ("Next Due Date", "Next Run")),
        ("department", "Department ID", ("Department", "Dept")),
    ),
    "work_orders": (
        ("number", "Work Order #", ("WO Number", "Work Order No.", "WO #")),
        ("title", "Title", ("Subject", "Summary")),
        ("description", "Description", ("Problem Description", "Details")),
        ("status", "Status", ("WO Status", "State")),
        ("priority", "Priority", ("Priority Level",)),
        ("work_type", "Work Type", ("Type", "Category")),
        ("department", "Department", ("Dept", "Department Name")),
        ("assigned_to", "Assigned To", ("Assigned Technician", "Technician", "Assignee")),
        ("customer_id", "Requested By (Customer ID)", ("Requester ID", "Customer ID", "Requestor")),
        ("asset_id", "Asset ID", ("Asset", "Equipment ID")),
        ("location_id", "Location ID", ("Location", "Facility ID")),
        ("created", "Date Created", ("Created On", "Created Date", "Opened")),
        ("scheduled", "Scheduled Date", ("Scheduled For", "Scheduled Start")),
        ("due", "Due Date", ("Due", "Due By")),
        ("completed", "Date Completed", ("Completed On", "Closed Date")),
        ("labor_hours", "Labor Hours", ("Hours", "Labor (hrs)")),
        ("parts_cost", "Parts Cost", ("Material Cost", "Parts ($)")),
    ),
    "work_order_activity": (
        ("id", "Activity ID", ("Log ID", "Entry ID")),
        ("work_order", "Work Order #", ("WO Number", "Work Order No.")),
        ("type", "Activity Type", ("Entry Type", "Type")),
        ("user", "User Email", ("Performed By", "E-mail", "User")),
        ("timestamp", "Timestamp", ("Created On", "Logged At", "Date")),
        ("details", "Details", ("Text", "Comment", "Notes")),
    ),
    "work_order_attachments": (
        ("id", "Attachment ID", ("File ID", "Document ID")),
        ("work_order", "Work Order #", ("WO Number", "Work Order No.")),
        ("file_name", "File Name", ("Filename", "Name")),
        ("path", "File Path", ("Path", "Relative Path")),
        ("content_type", "Content Type", ("MIME Type", "Type")),
        ("size", "Size (bytes)", ("File Size", "Size")),
        ("uploaded_by", "Uploaded By", ("Added By", "Uploader")),
        ("uploaded_on", "Uploaded On", ("Added On", "Upload Date")),
    ),
    "custom_fields": (
        ("object", "Object", ("Entity", "Applies To")),
        ("label", "Field Label", ("Field Name", "Label")),
        ("type", "Field Type", ("Data Type", "Type")),
        ("options", "Options", ("Choices", "Values")),
        ("required", "Required", ("Mandatory", "Is Required")),
    ),
}
CUSTOM_FIELD_OBJECTS = {"customers": "Customer", "work_orders": "Work Order"}

# The numbered "export (n).csv" names are distinct across objects, so files never collide.
VARIANT_FILE_NAMES = {
    "departments": ("Departments.csv", "Dept_Export.csv", "export (1).csv"),
    "users": ("Staff.csv", "Users_Export_2024.csv", "export (2).csv"),
    "customers": ("Contacts.csv", "Requesters.csv", "export (3).csv"),
    "locations": ("Facilities.csv", "Locations_Export_2024.csv", "export (4).csv"),
    "assets": ("Equipment.csv", "Assets_Export_2024.csv", "export (5).csv"),
    "pm_schedules": ("PM_Schedules.csv", "Preventive Maintenance.csv", "export (6).csv"),
    "work_orders": ("WorkOrders_Export_2024.csv", "Work Orders.csv", "export (7).csv"),
    "work_order_activity": ("WorkOrderHistory.csv", "Activity Log.csv", "export (8).csv"),
    "work_order_attachments": ("WorkOrderFiles.csv", "Attachments_Export_2024.csv", "export (9).csv"),
    "custom_fields": ("CustomFields.csv", "Custom Field Definitions.csv", "export (10).csv"),
}

# --- attachment file bytes ---------------------------------------------------------------------

def _png_bytes() -> bytes:
    """Build a 1x1 white RGB PNG: signature, IHDR, one IDAT row and IEND, with valid CRCs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return len(data).to_bytes(4, "big") + kind + data + crc.to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes((8, 2, 0, 0, 0))  # 8-bit RGB, no interlace
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte 0, then one white pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG_BYTES = _png_bytes()


def _pdf_bytes(text: str) -> bytes:
    """Build a one-page PDF 1.4 that shows ``text`` (ASCII), with a correct xref table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_offset = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref_offset)
    return bytes(out)


# --- deterministic hashing ---------------------------------------------------------------------

_MASK64 = (1 << 64) - 1


def _mix64(value: int) -> int:
    """Scramble a 64-bit integer with the SplitMix64 finalizer."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)


class _Hasher:
    """Derive reproducible integers and generators from (seed, purpose, index).

    Python's built-in ``hash`` of strings changes per process, so purposes are keyed by CRC-32.
    """

    def __init__(self, seed: int):
        self._seed = _mix64(seed & _MASK64)
        self._keys: dict[str, int] = {}

    def int(self, purpose: str, index: int = 0) -> int:
        key = self._keys.get(purpose)
        if key is None:
            key = _mix64(self._seed ^ zlib.crc32(purpose.encode("ascii")))
            self._keys[purpose] = key
        return _mix64(key ^ (index & _MASK64))

    def unit(self, purpose: str, index: int = 0) -> float:
        """Return a float in [0, 1)."""
        return (self.int(purpose, index) >> 11) / float(1 << 53)

    def rng(self, purpose: str, index: int = 0) -> random.Random:
        return random.Random(self.int(purpose, index))


class _DirtPlan:
    """Choose at most one dirt kind per row of one object.

    A row draws one uniform number, and the kinds of the object split [0, 1) by their rates.
    One anchor row per kind, among the first 50 rows, always gets that kind, so small exports
    get every kind too. A duplicate-customer anchor with no earlier clean customer to copy
    stays clean.
    """

    ANCHOR_WINDOW = 50

    def __init__(self, hasher: _Hasher, object_name: str, enabled: bool, expected_rows: int):
        self._hasher = hasher
        self._purpose = "dirt:" + object_name
        kinds = [kind for kind in DIRT_KINDS.values() if kind.object == object_name]
        self._bounds: list[tuple[float, str]] = []
        total = 0.0
        for kind in kinds:
            total += kind.rate
            self._bounds.append((total, kind.name))
        self._anchors: dict[int, str] = {}
        if enabled and expected_rows >= len(kinds):
            window = min(expected_rows, self.ANCHOR_WINDOW) - len(kinds) + 1
            first = hasher.int(self._purpose + ":anchor") % window
            self._anchors = {first + number: kind.name for number, kind in enumerate(kinds)}
        self.enabled = enabled

    def kind(self, index: int) -> str | None:
        if not self.enabled:
            return None
        anchored = self._anchors.get(index)
        if anchored is not None:
            return anchored
        draw = self._hasher.unit(self._purpose, index)
        for bound, name in self._bounds:
            if draw < bound:
                return name
        return None


# --- layout resolution and formatting -----------------------------------------------------------


def _encodable(values: tuple[str, ...], encoding: str) -> tuple[str, ...]:
    """Keep the values that the target encoding can represent."""
    kept = []
    for value in values:
        try:
            value.encode(encoding)
        except UnicodeEncodeError:
            continue
        kept.append(value)
    return tuple(kept)


class _Layout:
    """The resolved style of one export: headers, file names and value formats."""

    def __init__(self, hasher: _Hasher, encoding: str, delimiter: str, date_style: str,
                 decimal_comma: bool, header_style: str):
        self.encoding = encoding
        self.delimiter = delimiter
        self.date_style = date_style
        self.decimal_comma = decimal_comma
        self.variant = header_style == "variant"
        self.dmy_separator = "./"[hasher.int("dmy-separator") % 2] if date_style == "dmy" else ""
        words_only = self.variant and hasher.int("priority-style") % 2 == 0
        self.priorities = PRIORITIES_WORDS if words_only else PRIORITIES_NUMBERED
        self.first_names = _encodable(FIRST_NAMES, encoding)
        self.last_names = _encodable(LAST_NAMES, encoding)
        self.tricky_lines = _encodable(TRICKY_LINES, encoding)
        self.columns: dict[str, dict[str, str]] = {}
        self.file_names: dict[str, str] = {}
        for object_name in COLUMNS:
            self.columns[object_name] = self._resolve_columns(hasher, object_name)
            if self.variant:
                names = VARIANT_FILE_NAMES[object_name]
                self.file_names[object_name] = names[hasher.int("file:" + object_name) % len(names)]
            else:
                self.file_names[object_name] = object_name + ".csv"

    def _resolve_columns(self, hasher: _Hasher, object_name: str) -> dict[str, str]:
        columns = [(key, default, variants) for key, default, variants in COLUMNS[object_name]]
        custom_object = CUSTOM_FIELD_OBJECTS.get(object_name)
        for field_object, label, _type, _options, _required in CUSTOM_FIELDS:
            if field_object == custom_object:
                # Labels are defined by the site, not by the Novo version, so variants keep them.
                columns.append(("custom:" + label, label, ()))
        if not self.variant:
            return {key: default for key, default, _variants in columns}

        rng = hasher.rng("columns:" + object_name)
        resolved = []
        for key, default, variants in columns:
            choices = (default,) + variants
            resolved.append((key, choices[rng.randrange(len(choices))]))
        # The id column stays first and the rest is shuffled.
        rest = resolved[1:]
        rng.shuffle(rest)
        return dict([resolved[0]] + rest)

    def options(self) -> dict[str, str]:
        return {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "date_style": self.date_style,
            "decimal_comma": str(self.decimal_comma),
            "header_style": "variant" if self.variant else "default",
            "priority_style": "words" if self.priorities is PRIORITIES_WORDS else "numbered",
            "datetime_format": self.datetime_format(),
            "date_format": self.date_format(),
        }

    def datetime_format(self) -> str:
        if self.date_style == "mdy":
            return "%m/%d/%Y %I:%M %p"
        if self.date_style == "dmy":
            separator = self.dmy_separator
            return f"%d{separator}%m{separator}%Y %H:%M"
        return "%Y-%m-%d %H:%M:%S"

    def date_format(self) -> str:
        return self.datetime_format().split(" ")[0]

    def format_datetime(self, moment: dt.datetime) -> str:
        if self.date_style == "mdy":
            hour12 = moment.hour % 12 or 12
            meridiem = "AM" if moment.hour < 12 else "PM"
            return (f"{moment.month}/{moment.day:02d}/{moment.year} "
                    f"{hour12:02d}:{moment.minute:02d} {meridiem}")
        if self.date_style == "dmy":
            separator = self.dmy_separator
            return (f"{moment.day:02d}{separator}{moment.month:02d}{separator}{moment.year} "
                    f"{moment.hour:02d}:{moment.minute:02d}")
        return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
                f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}")

    def format_date(self, day: dt.date) -> str:
        if self.date_style == "mdy":
            return f"{day.month}/{day.day}/{day.year}"
        if self.date_style == "dmy":
            separator = self.dmy_separator
            return f"{day.day:02d}{separator}{day.month:02d}{separator}{day.year}"
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"

    def format_money(self, amount: float) -> str:
        """Format as "$1,234.50", or as "1234,50" when the export uses a decimal comma."""
        if self.decimal_comma:
            return f"{amount:.2f}".replace(".", ",")
        return f"${amount:,.2f}"

    def format_decimal(self, number: float, places: int) -> str:
        text = f"{number:.{places}f}"
        return text.replace(".", ",") if self.decimal_comma else text


class _Table:
    """A CSV file written row by row in the export's layout. Use it as a context manager."""

    def __init__(self, out_dir: Path, layout: _Layout, object_name: str):
        self.object_name = object_name
        self.headers = layout.columns[object_name]
        self.keys = tuple(self.headers)
        self.path = out_dir / layout.file_names[object_name]
        self.rows = 0
        self._layout = layout
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def __enter__(self) -> _Table:
        layout = self._layout
        self._handle = open(self.path, "w", encoding=layout.encoding, newline="")
        # QUOTE_MINIMAL with the default "\r\n" line ending matches examples/riverton.
        self._writer = csv.writer(self._handle, delimiter=layout.delimiter)
        self._writer.writerow(self.headers.values())
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Drop the handle, because a closed file object keeps its write buffer, which open()
        # sizes to the file system block size.
        if self._handle is not None:
            self._handle.close()
        self._handle = None
        self._writer = None

    def write(self, values: dict[str, str]) -> None:
        self._writer.writerow([values.get(key, "") for key in self.keys])
        self.rows += 1


# --- the objects of the export ------------------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    departments: int
    users: int
    customers: int
    locations: int
    assets: int
    pm_schedules: int
    work_orders: int

    @classmethod
    def for_work_orders(cls, work_orders: int, hasher: _Hasher) -> _Counts:
        assets = max(10, work_orders // 5)
        return cls(
            departments=6 + hasher.int("department-count") % 3,
            users=max(25, work_orders // 200),
            # NOTE: the 100,000 cap is a judgment of how many requesters a city keeps, not a
            # figure from Novo.
            customers=min(100_000, max(12, work_orders // 3)),
            locations=max(10, work_orders // 10),
            assets=assets,
            pm_schedules=max(1, assets // 5),
            work_orders=work_orders,
        )


@dataclass(frozen=True)
class _User:
    index: int
    id: str
    name: str
    department: int
    email: str          # as written in the users file, possibly padded, upper case or blank
    dirt: str | None

    @property
    def reference(self) -> str:
        """The e-mail as other files write it: the stored one without padding."""
        return self.email.strip()


@dataclass(frozen=True)
class _Customer:
    index: int
    id: str
    first_name: str
    last_name: str
    company: str
    type: str
    email: str
    dirt: str | None


def _ascii_letters(text: str) -> str:
    return "".join(char for char in text.lower() if char.isascii() and char.isalpha())


class _Export:
    """Row writers of one export, and the derivations that rows use to refer to each other."""

    def __init__(self, work_orders: int, seed: int, layout: _Layout, dirt: bool):
        self.hasher = _Hasher(seed)
        self.layout = layout
        self.counts = _Counts.for_work_orders(work_orders, self.hasher)
        home = HOME_CITIES[self.hasher.int("home-city") % len(HOME_CITIES)]
        self.home_city, self.home_state, self.home_state_name, self.home_zip = home[:4]
        self.home_latitude, self.home_longitude, self.domain = home[4:]
        self.departments = DEPARTMENTS[: self.counts.departments]
        self.business_count = (self.counts.customers + 9) // 10
        expected_attachments = int(work_orders * 0.34)
        self.plans = {
            name: _DirtPlan(self.hasher, name, dirt, expected)
            for name, expected in (
                ("users", self.counts.users),
                ("customers", self.counts.customers),
                ("work_orders", work_orders),
                ("work_order_attachments", expected_attachments),
            )
        }
        self.dirt: dict[str, list[DirtItem]] = {}
        # Work orders and activity look up the same staff again and again. The cache is
        # bounded, so memory stays flat however many users the export has.
        self.user = functools.lru_cache(maxsize=4096)(self._derive_user)

    def record(self, kind: str, row_id: str, column_key: str, value: str, related_id: str = "") -> None:
        object_name = DIRT_KINDS[kind].object
        header = self.layout.columns[object_name].get(column_key, "")
        self.dirt.setdefault(kind, []).append(DirtItem(object_name, row_id, header, value, related_id))

    # ids ------------------------------------------------------------------------------------

    @staticmethod
    def user_id(index: int) -> str:
        return f"U{1001 + index}"

    @staticmethod
    def customer_id(index: int) -> str:
        return f"C{5001 + index}"

    @staticmethod
    def location_id(index: int) -> str:
        return f"L{300 + index}"

    @staticmethod
    def asset_id(index: int) -> str:
        return f"A{7000 + index}"

    @staticmethod
    def work_order_number(index: int) -> str:
        return f"{WORK_ORDER_PREFIX}{10000 + index}"

    # users ----------------------------------------------------------------------------------

    def _derive_user(self, index: int) -> _User:
        """Derive user ``index``. User ``index`` works in department ``index % departments``,
        and the first user of each department heads it."""
        value = self.hasher.int("user", index)
        first = self.layout.first_names[value % len(self.layout.first_names)]
        last = self.layout.last_names[(value >> 16) % len(self.layout.last_names)]
        initial = _ascii_letters(first[:1])
        email = f"{initial}{_ascii_letters(last)}{index + 1}@{self.domain}"
        dirt = self.plans["users"].kind(index)
        if dirt == "user_email_missing":
            email = ""
        elif dirt == "user_email_not_normalized":
            email = email.upper() if (value >> 32) % 2 else f" {email} "
        return _User(index, self.user_id(index), f"{first} {last}",
                     index % len(self.departments), email, dirt)

    def technician(self, department: int, rng: random.Random, with_email: bool) -> _User | None:
        """Pick a technician of one department, or None if it has none.

        With ``with_email`` a technician without e-mail is passed over for the next one of the
        department, so work orders name staff by display name only where that dirt is injected.
        """
        departments = len(self.departments)
        count = (self.counts.users - department - 1) // departments
        if count <= 0:
            return None
        start = rng.randrange(count)
        for step in range(count):
            user = self.user(department + departments * (1 + (start + step) % count))
            if user.reference or not with_email:
                return user
        return None

    def activity_user(self, rng: random.Random) -> str:
        """Pick the e-mail of a user who has one, or of the administrator."""
        if rng.random() < 0.1:
            return f"admin@{self.domain}"
        index = rng.randrange(self.counts.users)
        for _ in range(self.counts.users):
            user = self.user(index)
            if user.reference:
                return user.reference
            index = (index + 1) % self.counts.users
        return f"admin@{self.domain}"

    def write_users(self, table: _Table) -> None:
        for index in range(self.counts.users):
            user = self.user(index)
            active = "No" if self.hasher.unit("user-active", index) < 0.08 else "Yes"
            table.write({
                "id": user.id,
                "name": user.name,
                "email": user.email,
                "department": self.departments[user.department][0],
                "role": "Department Head" if index < len(self.departments) else "Technician",
                "active": active,
            })
            if user.dirt:
                self.record(user.dirt, user.id, "email", user.email)
        table.write({"id": "U0001", "name": "System Administrator",
                     "email": f"admin@{self.domain}", "role": "Admin", "active": "Yes"})

    def write_departments(self, table: _Table) -> None:
        for code, name, description, _work_types, _categories in self.departments:
            table.write({"id": code, "name": name, "description": description})

    # customers ------------------------------------------------------------------------------

    def business_name(self, number: int) -> str:
        places, kinds = len(BUSINESS_PLACES), len(BUSINESS_KINDS)
        name = f"{BUSINESS_PLACES[number % places]} {BUSINESS_KINDS[(number // places) % kinds]}"
        repeat = number // (places * kinds)
        return f"{name} {repeat + 1}" if repeat else name

    def linked_business(self, number: int) -> str:
        """Return the name of business ``number`` or of a later one, skipping businesses whose
        row is a duplicate and so never carries its own name."""
        for _ in range(self.business_count):
            if self.plans["customers"].kind(number * 10) != "duplicate_customer":
                return self.business_name(number)
            number = (number + 1) % self.business_count
        return ""

    def customer(self, index: int) -> _Customer:
        """Derive the identity of customer ``index``. Every tenth customer is a business."""
        value = self.hasher.int("customer", index)
        dirt = self.plans["customers"].kind(index)
        if index % 10 == 0:
            number = index // 10
            company = self.business_name(number)
            email = f"info@{_ascii_letters(company.split()[0])}{number}.example.org"
            return _Customer(index, self.customer_id(index), "", "", company, "Business", email, dirt)

        first = self.layout.first_names[value % len(self.layout.first_names)]
        last = self.layout.last_names[(value >> 16) % len(self.layout.last_names)]
        company = ""
        if (value >> 32) % 100 < 15:
            company = self.linked_business((value >> 40) % self.business_count)
        email = f"{first.lower()}.{last.lower().replace(' ', '')}{index}@example.com"
        email_dirt = dirt in ("customer_invalid_email", "customer_email_not_normalized")
        if (value >> 48) % 100 < 6 and not email_dirt:
            email = ""
        return _Customer(index, self.customer_id(index), first, last, company, "Individual", email, dirt)

    def duplicate_source(self, index: int) -> _Customer | None:
        """Find the earlier clean customer with an e-mail that row ``index`` repeats."""
        if index == 0:
            return None
        source = index - 1 - self.hasher.int("duplicate-of", index) % min(index, 200)
        while source >= 0:
            candidate = self.customer(source)
            if candidate.dirt is None and candidate.email:
                return candidate
            source -= 1
        return None

    def mangle_email(self, email: str, value: int) -> str:
        """Return the e-mail in mixed case, padded with spaces, or both."""
        mixed = ".".join(part.capitalize() for part in email.split("."))
        mixed = "@".join(part[:1].upper() + part[1:] for part in mixed.split("@"))
        choice = value % 3
        if choice == 0:
            return mixed
        if choice == 1:
            return f" {email} "
        return f" {mixed}"

    def write_customers(self, table: _Table) -> None:
        rng = self.hasher.rng("customers")
        for index in range(self.counts.customers):
            customer = self.customer(index)
            duplicate_of = None
            if customer.dirt == "duplicate_customer":
                duplicate_of = self.duplicate_source(index)
            person = duplicate_of or customer
            email = person.email
            if customer.dirt == "customer_invalid_email":
                email = rng.choice(INVALID_EMAILS)
            elif customer.dirt == "customer_email_not_normalized" or (
                    duplicate_of is not None and rng.random() < 0.5):
                email = self.mangle_email(email, rng.getrandbits(8))
            values = self.customer_address(person.index)
            values.update({
                "id": customer.id,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "company": person.company,
                "type": person.type,
                "email": email,
                "date_added": self.layout.format_datetime(
                    _moment_between(rng, EXPORT_START - dt.timedelta(days=3 * 365), EXPORT_END)),
            })
            table.write(values)

            if duplicate_of is not None:
                self.record("duplicate_customer", customer.id, "id", customer.id, duplicate_of.id)
            if customer.dirt in ("customer_invalid_email", "customer_email_not_normalized"):
                self.record(customer.dirt, customer.id, "email", email)
            elif email != email.strip().lower():
                # A duplicate whose e-mail was written in another case or with padding.
                self.record("customer_email_not_normalized", customer.id, "email", email)

    def customer_address(self, index: int) -> dict[str, str]:
        """Derive the contact details and custom fields of one person, shared by duplicates."""
        rng = self.hasher.rng("customer-address", index)
        city, state_code, state_name, postal_code, country = self._pick_city(rng)
        if country == "US" and rng.random() < 0.08:
            postal_code = f"{postal_code}-{rng.randint(1000, 9999)}"
        if country == "CA":
            country_text = "Canada"
        elif rng.random() < 0.25:
            country_text = ""
        else:
            country_text = rng.choice(US_COUNTRY_SPELLINGS)
        address2 = ""
        if rng.random() < 0.35:
            address2 = f"{rng.choice(('Apt', 'Suite', 'Unit'))} {rng.randint(1, 300)}"
        values = {
            "phone": _phone(rng) if rng.random() < 0.9 else "",
            "mobile": _phone(rng) if rng.random() < 0.4 else "",
            "address1": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
            "address2": address2,
            "city": city,
            "state": self._state_text(rng, state_code, state_name),
            "zip": postal_code,
            "country": country_text,
            "custom:Preferred Service Area": rng.choice(("North", "South", "East", "West", "Downtown")),
            "custom:Customer Tier": rng.choice(("Standard", "Priority", "Critical Facility")),
            "custom:Billing Code": f"BC-{rng.randint(100, 999)}" if rng.random() < 0.55 else "",
            "custom:Tax Exempt": rng.choice(("Yes", "No", "", "")),
        }
        return values

    def _pick_city(self, rng: random.Random) -> tuple[str, str, str, str, str]:
        if rng.random() < 0.3:
            return self.home_city, self.home_state, self.home_state_name, self.home_zip, "US"
        return rng.choice(CITIES)

    @staticmethod
    def _state_text(rng: random.Random, code: str, name: str) -> str:
        draw = rng.random()
        if draw < 0.7:
            return code
        if draw < 0.8:
            return code.lower()
        return name

    # locations, assets and PM schedules ------------------------------------------------------

    def write_locations(self, table: _Table) -> None:
        types = [name for name, _weight in LOCATION_TYPES]
        rng = self.hasher.rng("locations")
        for index in range(self.counts.locations):
            location_type = _weighted(rng, types, LOCATION_TYPE_CUMULATIVE)
            street = rng.choice(STREETS)
            address = f"{rng.randint(1, 9999)} {street}"
            customer_id = ""
            if location_type == "Facility":
                name = f"{rng.choice(FACILITY_NAMES)} {index}"
            elif location_type == "Street Segment":
                name = f"{street} ({rng.randint(1, 99) * 100} block)"
            elif location_type == "Park":
                name = rng.choice(PARK_NAMES)
            elif location_type == "Pump House":
                name = f"Pump House {index}"
            else:
                name = f"Service site {address}"
                customer_id = self.customer_id(rng.randrange(self.counts.customers))
            if rng.random() < 0.6:
                city, state, postal_code = self.home_city, self.home_state, self.home_zip
            else:
                city, state, _name, postal_code, _country = rng.choice(CITIES[:7])
            table.write({
                "id": self.location_id(index),
                "name": name,
                "type": location_type,
                "address": address,
                "city": city,
                "state": state,
                "zip": postal_code,
                "customer_id": customer_id,
                "latitude": self.layout.format_decimal(self.home_latitude + rng.uniform(-0.1, 0.1), 6),
                "longitude": self.layout.format_decimal(self.home_longitude + rng.uniform(-0.1, 0.1), 6),
            })

    def asset_category(self, index: int) -> str:
        categories = self.departments[index % len(self.departments)][4]
        return categories[self.hasher.int("asset-category", index) % len(categories)]

    def asset_name(self, index: int) -> str:
        return f"{self.asset_category(index)} {index:03d}"

    def write_assets(self, table: _Table) -> None:
        rng = self.hasher.rng("assets")
        for index in range(self.counts.assets):
            manufacturer = rng.choice(MANUFACTURERS)
            purchased = _moment_between(rng, dt.datetime(2005, 1, 1), EXPORT_END).date()
            warranty = ""
            if rng.random() < 0.7:
                ends = purchased + dt.timedelta(days=365 * rng.randint(1, 5) - rng.randint(0, 3))
                warranty = self.layout.format_date(ends)
            serial = ""
            if rng.random() < 0.95:
                serial = f"{manufacturer[:3].upper()}-{rng.randint(100000, 999999)}"
            location_id = ""
            if rng.random() < 0.8:
                location_id = self.location_id(rng.randrange(self.counts.locations))
            cost = self.layout.format_money(rng.uniform(5_000, 250_000)) if rng.random() < 0.75 else ""
            table.write({
                "id": self.asset_id(index),
                "name": self.asset_name(index),
                "serial": serial,
                "category": self.asset_category(index),
                "department": self.departments[index % len(self.departments)][0],
                "location_id": location_id,
                "manufacturer": manufacturer,
                "model": f"M{rng.randint(10, 999)}",
                "purchase_date": self.layout.format_date(purchased),
                "warranty": warranty,
                "cost": cost,
                "status": "Retired" if rng.random() < 0.06 else "Active",
            })

    def write_pm_schedules(self, table: _Table) -> None:
        rng = self.hasher.rng("pm-schedules")
        for index in range(self.counts.pm_schedules):
            asset = rng.randrange(self.counts.assets)
            next_due = EXPORT_END.date() + dt.timedelta(days=rng.randint(1, 180))
            table.write({
                "id": f"PM-{400 + index}",
                "asset_id": self.asset_id(asset),
                "task": f"Preventive service: {self.asset_name(asset)}",
                "frequency": str(rng.randint(1, 6)),
                "unit": rng.choice(("Days", "Weeks", "Months", "Years")),
                "next_due": self.layout.format_date(next_due),
                "department": self.departments[asset % len(self.departments)][0],
            })

    def write_custom_fields(self, table: _Table) -> None:
        for field_object, label, field_type, options, required in CUSTOM_FIELDS:
            table.write({"object": field_object, "label": label, "type": field_type,
                         "options": options, "required": required})

    # work orders, activity and attachments ---------------------------------------------------

    def write_work_orders(self, orders: _Table, activity: _Table, attachments: _Table | None,
                          out_dir: Path) -> int:
        """Write every work order with its activity and, unless ``attachments`` is None, its
        attachments. Return the number of attachment files written."""
        counters = {"activity": 0, "attachment": 0, "files": 0}
        span = (EXPORT_END - EXPORT_START) / self.counts.work_orders
        rng = self.hasher.rng("work-orders")
        for index in range(self.counts.work_orders):
            created = EXPORT_START + span * (index + rng.random())
            created = created.replace(second=0, microsecond=0)
            number = self.work_order_number(index)
            status = self.write_work_order(orders, index, number, rng, created)
            self.write_activity(activity, counters, number, rng, created, status)
            if attachments is not None:
                self.write_attachments(attachments, counters, number, rng, created, out_dir)
        return counters["files"]

    def write_work_order(self, table: _Table, index: int, number: str, rng: random.Random,
                         created: dt.datetime) -> str:
        """Write one work order row and return its status in standard casing."""
        layout = self.layout
        dirt = self.plans["work_orders"].kind(index)
        department = rng.randrange(len(self.departments))
        _code, department_name, _description, work_types, _categories = self.departments[department]
        work_type = rng.choice(work_types)

        recent = EXPORT_END - created < dt.timedelta(days=60)
        status = _weighted(rng, STATUSES, RECENT_STATUS_CUMULATIVE if recent else STATUS_CUMULATIVE)
        if dirt == "completed_before_created":
            status = "Completed"
        status_text = status
        if index < OLD_ROW_SHARE * self.counts.work_orders and rng.random() < 0.08:
            status_text = status.upper() if rng.random() < 0.25 else status.lower()

        values = {
            "number": number,
            "title": f"{work_type} - {rng.choice(STREETS)}",
            "description": self.description(rng),
            "status": status_text,
            "priority": _weighted(rng, layout.priorities, PRIORITY_CUMULATIVE),
            "work_type": work_type,
            "department": department_name,
            "created": layout.format_datetime(created),
            "due": layout.format_date((created + dt.timedelta(days=rng.randint(2, 40))).date()),
        }
        if rng.random() < 0.8:
            scheduled = created + dt.timedelta(minutes=rng.randint(60, 21 * 24 * 60))
            values["scheduled"] = layout.format_datetime(scheduled)
        if status == "Completed":
            completed = created + dt.timedelta(minutes=rng.randint(60, 30 * 24 * 60))
            completed = min(completed, EXPORT_END)
            if dirt == "completed_before_created":
                completed = created - dt.timedelta(minutes=rng.randint(60, 20 * 24 * 60))
                self.record(dirt, number, "completed", layout.format_datetime(completed))
            values["completed"] = layout.format_datetime(completed)
        if status in ("Completed", "In Progress") and rng.random() < 0.8:
            values["labor_hours"] = layout.format_decimal(rng.uniform(0.5, 40), 2)
        if rng.random() < 0.47:
            values["parts_cost"] = layout.format_money(rng.uniform(20, 5000))

        self.fill_assignee(values, dirt, number, department, rng)
        self.fill_references(values, dirt, number, department, rng)
        self.fill_work_order_custom_fields(values, rng, created)

        if dirt == "unparsable_date":
            column = rng.choice(("created", "scheduled", "due"))
            values[column] = rng.choice(UNPARSABLE_DATES)
            self.record(dirt, number, column, values[column])
        table.write(values)
        return status

    def description(self, rng: random.Random) -> str:
        lines = [rng.choice(INTAKE_LINES), rng.choice(NOTE_LINES)]
        if rng.random() < 0.12 and self.layout.tricky_lines:
            lines.append(rng.choice(self.layout.tricky_lines))
        return "\n".join(lines)

    def fill_assignee(self, values: dict[str, str], dirt: str | None, number: str,
                      department: int, rng: random.Random) -> None:
        if dirt == "former_staff_assignee":
            first = rng.choice(self.layout.first_names)
            last = rng.choice(self.layout.last_names)
            # User numbers above the users file are never exported, so the e-mail is unknown.
            former = self.counts.users + 1 + rng.randrange(1000)
            email = f"{_ascii_letters(first[:1])}{_ascii_letters(last)}{former}@{self.domain}"
            values["assigned_to"] = email
            self.record(dirt, number, "assigned_to", email)
            return
        if dirt == "assignee_display_name":
            user = self.technician(department, rng, with_email=False)
            if user is not None:
                values["assigned_to"] = user.name
                self.record(dirt, number, "assigned_to", user.name, user.id)
            return
        if rng.random() < 0.1:
            return
        user = self.technician(department, rng, with_email=True)
        if user is not None:
            values["assigned_to"] = user.reference

    def fill_references(self, values: dict[str, str], dirt: str | None, number: str,
                        department: int, rng: random.Random) -> None:
        if dirt == "dangling_customer":
            missing = f"C{9_000_000 + rng.randrange(1_000_000)}"
            values["customer_id"] = missing
            self.record(dirt, number, "customer_id", missing, missing)
        elif rng.random() < 0.75:
            values["customer_id"] = self.customer_id(rng.randrange(self.counts.customers))

        departments = len(self.departments)
        in_department = (self.counts.assets - department + departments - 1) // departments
        if dirt == "dangling_asset":
            missing = self.asset_id(self.counts.assets + rng.randrange(1, 1000))
            values["asset_id"] = missing
            self.record(dirt, number, "asset_id", missing, missing)
        elif rng.random() < 0.7 and in_department > 0:
            values["asset_id"] = self.asset_id(department + departments * rng.randrange(in_department))

        if rng.random() < 0.6:
            values["location_id"] = self.location_id(rng.randrange(self.counts.locations))

    def fill_work_order_custom_fields(self, values: dict[str, str], rng: random.Random,
                                      created: dt.datetime) -> None:
        if rng.random() < 0.33:
            values["custom:Permit Number"] = f"PRM-{rng.randint(10000, 99999)}"
        if rng.random() < 0.6:
            values["custom:Inspection Type"] = rng.choice(
                ("Routine", "Complaint", "Follow-up", "Regulatory", "Pre-construction"))
        if rng.random() < 0.5:
            values["custom:Weather Conditions"] = rng.choice(
                ("Clear", "Rain", "Snow", "Wind", "Fog", "Extreme Heat"))
        if rng.random() < 0.4:
            values["custom:Crew Size"] = str(rng.randint(1, 6))
        if rng.random() < 0.5:
            values["custom:Road Closure"] = rng.choice(("Yes", "No"))
        if rng.random() < 0.25:
            inspected = (created + dt.timedelta(days=rng.randint(0, 30))).date()
            values["custom:Inspection Date"] = self.layout.format_date(inspected)

    def write_activity(self, table: _Table, counters: dict[str, int], number: str,
                       rng: random.Random, created: dt.datetime, status: str) -> None:
        moment = created
        entries = _weighted(rng, range(len(ACTIVITY_COUNT_WEIGHTS)), ACTIVITY_COUNT_CUMULATIVE)
        for _ in range(entries):
            moment += dt.timedelta(minutes=rng.randint(30, 3 * 24 * 60))
            activity_type = _weighted(rng, ACTIVITY_TYPES, ACTIVITY_TYPE_CUMULATIVE)
            if activity_type == "Status Change":
                details = f"Status changed to {rng.choice(STATUSES[:3] + (status,))}"
            else:
                details = rng.choice(NOTE_LINES)
            counters["activity"] += 1
            table.write({
                "id": f"ACT{counters['activity']:06d}",
                "work_order": number,
                "type": activity_type,
                "user": self.activity_user(rng),
                "timestamp": self.layout.format_datetime(moment),
                "details": details,
            })

    def write_attachments(self, table: _Table, counters: dict[str, int], number: str,
                          rng: random.Random, created: dt.datetime, out_dir: Path) -> None:
        count = _weighted(rng, range(len(ATTACHMENT_COUNT_WEIGHTS)), ATTACHMENT_COUNT_CUMULATIVE)
        for _ in range(count):
            index = counters["attachment"]
            counters["attachment"] += 1
            attachment_id = f"ATT{index + 1:05d}"
            file_name, content_type, content = self.attachment_file(rng, number, index + 1)
            relative = f"attachments/{number}/{file_name}"
            dirt = self.plans["work_order_attachments"].kind(index)

            path_text, write_bytes = relative, content
            if dirt == "attachment_path_traversal":
                path_text, write_bytes = rng.choice(TRAVERSAL_PATHS), None
                file_name = path_text.rsplit("/", 1)[-1]
            elif dirt == "attachment_path_absolute":
                path_text, write_bytes = rng.choice((
                    "/etc/passwd",
                    f"/var/novo/uploads/{number}/{file_name}",
                    f"C:\\Novo\\Uploads\\{number}\\{file_name}",
                )), None
            elif dirt == "attachment_file_missing":
                write_bytes = None
            elif dirt == "attachment_file_empty":
                write_bytes = b""
            if dirt is not None:
                self.record(dirt, attachment_id, "path", path_text, number)

            if write_bytes is not None:
                target = out_dir / "attachments" / number
                target.mkdir(parents=True, exist_ok=True)
                (target / file_name).write_bytes(write_bytes)
                counters["files"] += 1
            uploader = "" if rng.random() < 0.1 else self.activity_user(rng)
            uploaded = created + dt.timedelta(minutes=rng.randint(0, 10 * 24 * 60))
            size = len(content) if write_bytes is None else len(write_bytes)
            table.write({
                "id": attachment_id,
                "work_order": number,
                "file_name": file_name,
                "path": path_text,
                "content_type": content_type,
                "size": str(size),
                "uploaded_by": uploader,
                "uploaded_on": self.layout.format_datetime(uploaded),
            })

    def attachment_file(self, rng: random.Random, number: str, serial: int) -> tuple[str, str, bytes]:
        """Return the file name, content type and bytes of one attachment."""
        kind = _weighted(rng, ATTACHMENT_KINDS, ATTACHMENT_KIND_CUMULATIVE)
        odd_name = rng.random() < 0.05
        if kind == "pdf":
            name = f"Inspection_Report_{serial}.pdf"
            if odd_name:
                name = rng.choice((f"Überprüfung Straße {serial}.pdf", f"Invoice, final {serial}.pdf"))
            return name, "application/pdf", _pdf_bytes(f"Inspection report {number}")
        if kind == "png":
            name = f"site photo {serial} (1).png" if odd_name else f"site photo {serial}.png"
            return name, "image/png", PNG_BYTES
        text = f"Field notes for {number}\r\nAll good.\r\n".encode("ascii")
        return f"notes-{serial}.txt", "text/plain", text


def _moment_between(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    minutes = int((end - start).total_seconds() // 60)
    return start + dt.timedelta(minutes=rng.randrange(minutes))


def _phone(rng: random.Random) -> str:
    area, exchange, line = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    style = rng.randrange(5)
    if style == 0:
        return f"({area}) {exchange}-{line:04d}"
    if style == 1:
        return f"{area}-{exchange}-{line:04d}"
    if style == 2:
        return f"{area}.{exchange}.{line:04d}"
    if style == 3:
        return f"+1 {area} {exchange} {line:04d}"
    return f"{area}{exchange}{line:04d}"


def _validate(work_orders: int, encoding: str, delimiter: str, date_style: str,
              header_style: str) -> None:
    if work_orders < 1:
        raise ValueError(f"work_orders must be at least 1, got {work_orders}")
    checks: list[tuple[str, Any, tuple[str, ...]]] = [
        ("encoding", encoding, ENCODINGS),
        ("delimiter", delimiter, DELIMITERS),
        ("date_style", date_style, DATE_STYLES),
        ("header_style", header_style, HEADER_STYLES),
    ]
    for name, value, allowed in checks:
        if value not in allowed:
            raise ValueError(f"invalid {name} {value!r}: use one of {', '.join(map(repr, allowed))}")


def _object_order(custom_fields_file: bool) -> Iterator[str]:
    yield from ("departments", "users", "customers", "locations", "assets", "pm_schedules")
    if custom_fields_file:
        yield "custom_fields"


def generate_export(out_dir: Path, work_orders: int = 300, *, seed: int = 0,
                    encoding: str = "utf-8-sig",
                    delimiter: str = ",",
                    date_style: str = "mdy",
                    decimal_comma: bool = False,
                    header_style: str = "default",
                    dirt: bool = True,
                    attachments: bool = True,
                    custom_fields_file: bool = True) -> ExportStats:
    """Write a synthetic Novo export of ``work_orders`` work orders into ``out_dir``.

    With the same Python version, the same arguments produce the same bytes. The other object
    counts follow the work order count n. There are 6 to 8 departments, max(25, n/200) users,
    n/3 customers (at least 12, at most 100,000), and n/10 locations and n/5 assets (at least
    10 each). Each five assets get one PM schedule, and each work order about 2.8 activity
    entries and 0.34 attachments. ``date_style`` is "mdy" (7/13/2021 08:58 AM), "dmy" (13/07/2021 08:58 or
    13.07.2021 08:58, chosen by the seed) or "iso" (2021-07-13 08:58:00). ``decimal_comma``
    writes money and decimals as "1234,50". ``header_style="variant"`` renames headers and
    files as other Novo versions do and shuffles all columns but the first. With
    ``attachments=False`` neither the attachments file nor the folder is written.

    Names that ``encoding`` cannot represent (for example "Łukasz" in cp1252) are left out of
    the name pools, so no character is ever replaced. Existing files with the same names are
    overwritten. Raises ValueError for an unknown option or fewer than one work order.
    """
    _validate(work_orders, encoding, delimiter, date_style, header_style)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    hasher = _Hasher(seed)
    layout = _Layout(hasher, encoding, delimiter, date_style, decimal_comma, header_style)
    export = _Export(work_orders, seed, layout, dirt)
    stats = ExportStats(out_dir=out_dir, options=layout.options())
    writers = {
        "departments": export.write_departments,
        "users": export.write_users,
        "customers": export.write_customers,
        "locations": export.write_locations,
        "assets": export.write_assets,
        "pm_schedules": export.write_pm_schedules,
        "custom_fields": export.write_custom_fields,
    }

    tables: list[_Table] = []
    for object_name in _object_order(custom_fields_file):
        with _Table(out_dir, layout, object_name) as table:
            writers[object_name](table)
        tables.append(table)

    with ExitStack() as stack:
        orders = stack.enter_context(_Table(out_dir, layout, "work_orders"))
        activity = stack.enter_context(_Table(out_dir, layout, "work_order_activity"))
        tables += [orders, activity]
        attachment_rows = None
        if attachments:
            attachment_rows = stack.enter_context(_Table(out_dir, layout, "work_order_attachments"))
            tables.append(attachment_rows)
        stats.attachment_files = export.write_work_orders(orders, activity, attachment_rows, out_dir)

    for table in tables:
        stats.files[table.object_name] = table.path
        stats.rows[table.object_name] = table.rows
        stats.columns[table.object_name] = dict(table.headers)
    stats.dirt = {kind: export.dirt[kind] for kind in DIRT_KINDS if kind in export.dirt}
    return stats
