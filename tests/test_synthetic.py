"""Tests of the synthetic Novo export generator.

The checks read the written files back with the csv module and find columns through
``ExportStats.columns``, so they work for every header style.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import runpy
import tracemalloc
from collections import defaultdict
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from novo2odoo.synthetic import DIRT_KINDS, ExportStats, generate_export

DATE_COLUMNS = ("created", "scheduled", "due", "completed")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
BENCH_SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "make_export.py"


# --- helpers ------------------------------------------------------------------------------------


def read_table(stats: ExportStats, object_name: str) -> list[dict[str, str]]:
    """Read one CSV file of the export into dicts keyed by column key."""
    key_by_header = {header: key for key, header in stats.columns[object_name].items()}
    with open(stats.files[object_name], encoding=stats.options["encoding"], newline="") as handle:
        reader = csv.reader(handle, delimiter=stats.options["delimiter"])
        keys = [key_by_header[header] for header in next(reader)]
        return [dict(zip(keys, row, strict=True)) for row in reader]


def parse_moment(stats: ExportStats, text: str) -> dt.datetime | None:
    """Parse a timestamp or a date cell, or return None when it is no date."""
    for pattern in (stats.options["datetime_format"], stats.options["date_format"]):
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def is_absolute_path(path: str) -> bool:
    return PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()


def find_dirt(stats: ExportStats) -> dict[str, set[str]]:
    """Detect every kind of dirt from the written files alone, without using stats.dirt."""
    found: dict[str, set[str]] = defaultdict(set)
    users = read_table(stats, "users")
    customers = read_table(stats, "customers")
    orders = read_table(stats, "work_orders")
    user_emails = {normalize_email(user["email"]) for user in users if user["email"]}
    asset_ids = {asset["id"] for asset in read_table(stats, "assets")}
    customer_ids = {customer["id"] for customer in customers}

    for user in users:
        if not user["email"]:
            found["user_email_missing"].add(user["id"])
        elif user["email"] != normalize_email(user["email"]):
            found["user_email_not_normalized"].add(user["id"])

    first_copy: dict[tuple[str, ...], str] = {}
    for customer in customers:
        email = customer["email"]
        if not email:
            continue
        if not EMAIL_PATTERN.match(email.strip()):
            found["customer_invalid_email"].add(customer["id"])
            continue
        if email != normalize_email(email):
            found["customer_email_not_normalized"].add(customer["id"])
        person = (customer["first_name"], customer["last_name"], customer["company"],
                  email.strip().casefold())
        if person in first_copy:
            found["duplicate_customer"].add(customer["id"])
        else:
            first_copy[person] = customer["id"]

    for order in orders:
        number = order["number"]
        if order["asset_id"] and order["asset_id"] not in asset_ids:
            found["dangling_asset"].add(number)
        if order["customer_id"] and order["customer_id"] not in customer_ids:
            found["dangling_customer"].add(number)
        assignee = order["assigned_to"]
        if assignee and "@" not in assignee:
            found["assignee_display_name"].add(number)
        elif assignee and normalize_email(assignee) not in user_emails:
            found["former_staff_assignee"].add(number)
        moments = {}
        for column in DATE_COLUMNS:
            if order[column]:
                moments[column] = parse_moment(stats, order[column])
                if moments[column] is None:
                    found["unparsable_date"].add(number)
        created, completed = moments.get("created"), moments.get("completed")
        if created and completed and completed < created:
            found["completed_before_created"].add(number)

    if "work_order_attachments" in stats.files:
        for attachment in read_table(stats, "work_order_attachments"):
            path = attachment["path"]
            if is_absolute_path(path):
                found["attachment_path_absolute"].add(attachment["id"])
            elif ".." in PurePosixPath(path).parts:
                found["attachment_path_traversal"].add(attachment["id"])
            elif not (stats.out_dir / path).is_file():
                found["attachment_file_missing"].add(attachment["id"])
            elif (stats.out_dir / path).stat().st_size == 0:
                found["attachment_file_empty"].add(attachment["id"])
    return dict(found)


def file_tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> ExportStats:
    return generate_export(tmp_path_factory.mktemp("dirty"), 600, seed=11)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> ExportStats:
    return generate_export(tmp_path_factory.mktemp("clean"), 600, seed=11, dirt=False)


@pytest.fixture(scope="module")
def traced_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[ExportStats, int]]:
    """Generate 2,000 and 20,000 work orders under tracemalloc and keep the peak bytes.

    Attachments are left out because their files cost time on disk but no memory.
    """
    runs = {}
    for work_orders in (2_000, 20_000):
        out_dir = tmp_path_factory.mktemp(f"traced{work_orders}")
        tracemalloc.start()
        try:
            stats = generate_export(out_dir, work_orders, seed=5, attachments=False)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        runs[work_orders] = (stats, peak)
    return runs


# --- determinism and layout ---------------------------------------------------------------------


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate_export(tmp_path / "a", 250, seed=3)
    generate_export(tmp_path / "b", 250, seed=3)
    generate_export(tmp_path / "c", 250, seed=4)

    first = file_tree(tmp_path / "a")
    assert first == file_tree(tmp_path / "b")
    assert first != file_tree(tmp_path / "c")


ROUND_TRIP_CASES = [
    ("utf-8-sig", ",", "mdy", False, "default"),
    ("utf-8", ";", "dmy", True, "variant"),
    ("cp1252", "\t", "iso", False, "default"),
    ("utf-8", "|", "mdy", False, "variant"),
    ("cp1252", ";", "dmy", True, "default"),
    ("utf-8-sig", "\t", "dmy", False, "variant"),
]


@pytest.mark.parametrize(("encoding", "delimiter", "date_style", "decimal_comma", "header_style"),
                         ROUND_TRIP_CASES)
def test_layout_round_trips_through_csv(tmp_path: Path, encoding: str, delimiter: str,
                                        date_style: str, decimal_comma: bool,
                                        header_style: str) -> None:
    stats = generate_export(tmp_path, 400, seed=2, encoding=encoding, delimiter=delimiter,
                            date_style=date_style, decimal_comma=decimal_comma,
                            header_style=header_style)

    for object_name, path in stats.files.items():
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig"), path.name
        with open(path, encoding=encoding, errors="strict", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=delimiter))
        assert rows[0] == list(stats.columns[object_name].values()), path.name
        assert len(rows) - 1 == stats.rows[object_name], path.name
        assert {len(row) for row in rows} == {len(rows[0])}, path.name

    unparsable = stats.dirt_ids("unparsable_date")
    orders = read_table(stats, "work_orders")
    for order in orders:
        if order["number"] not in unparsable:
            assert parse_moment(stats, order["created"]) is not None, order["created"]
            assert parse_moment(stats, order["due"]) is not None, order["due"]

    money = re.compile(r"^\d+,\d\d$") if decimal_comma else re.compile(r"^\$\d{1,3}(,\d{3})*\.\d\d$")
    costs = [order["parts_cost"] for order in orders if order["parts_cost"]]
    assert costs
    assert all(money.match(cost) for cost in costs), costs[:5]


def test_multiline_descriptions_survive(dirty: ExportStats) -> None:
    descriptions = [order["description"] for order in read_table(dirty, "work_orders")]

    assert all("\n" in text for text in descriptions)
    assert any('"' in text for text in descriptions)
    assert any("<b>" in text for text in descriptions)


def test_cp1252_keeps_only_encodable_names(tmp_path: Path) -> None:
    stats = generate_export(tmp_path, 300, seed=1, encoding="cp1252")
    names = {user["name"] for user in read_table(stats, "users")}

    assert not any("Ł" in name or "ễ" in name for name in names)
    assert any(not name.isascii() for name in names)


def test_variant_renames_files_and_headers(tmp_path: Path) -> None:
    default = generate_export(tmp_path / "default", 200, seed=8)
    variant = generate_export(tmp_path / "variant", 200, seed=8, header_style="variant")

    assert variant.options["header_style"] == "variant"
    assert len({path.name for path in variant.files.values()}) == len(variant.files)
    reordered = 0
    for object_name, path in variant.files.items():
        assert path.name != default.files[object_name].name
        headers = list(variant.columns[object_name].values())
        keys = list(variant.columns[object_name])
        assert len(set(headers)) == len(headers), object_name
        assert keys[0] == list(default.columns[object_name])[0], object_name
        assert set(keys) == set(default.columns[object_name]), object_name
        reordered += keys != list(default.columns[object_name])
    assert reordered >= 5


def test_priorities_and_statuses_use_novo_vocabulary(dirty: ExportStats) -> None:
    orders = read_table(dirty, "work_orders")
    statuses = {order["status"] for order in orders}
    standard = {"Open", "In Progress", "On Hold", "Completed", "Cancelled"}

    assert {order["priority"] for order in orders} <= {
        "1 - Emergency", "2 - High", "3 - Medium", "4 - Low", "5 - Scheduled"}
    assert {status.lower() for status in statuses} == {status.lower() for status in standard}
    odd_casing = [index for index, order in enumerate(orders) if order["status"] not in standard]
    assert odd_casing
    assert max(odd_casing) < 0.3 * len(orders)


def test_customers_keep_zip_zeros_and_vary_states(dirty: ExportStats) -> None:
    customers = read_table(dirty, "customers")

    assert any(customer["zip"].startswith("0") for customer in customers)
    assert any(customer["state"] == "Massachusetts" for customer in customers)
    assert any(customer["state"].islower() for customer in customers)
    assert any(customer["country"] == "" for customer in customers)
    assert len({customer["country"] for customer in customers}) >= 4


def test_invalid_options_raise(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="encoding"):
        generate_export(tmp_path, 10, encoding="latin-9")
    with pytest.raises(ValueError, match="delimiter"):
        generate_export(tmp_path, 10, delimiter=":")
    with pytest.raises(ValueError, match="date_style"):
        generate_export(tmp_path, 10, date_style="ymd")
    with pytest.raises(ValueError, match="work_orders"):
        generate_export(tmp_path, 0)


# --- counts, references and custom fields -------------------------------------------------------


def test_object_counts_scale(dirty: ExportStats) -> None:
    rows = dirty.rows

    assert 6 <= rows["departments"] <= 8
    assert rows["users"] == 25 + 1  # 25 staff and the system administrator
    assert rows["customers"] == 200
    assert rows["locations"] == 60
    assert rows["assets"] == 120
    assert rows["pm_schedules"] == 24
    assert rows["custom_fields"] == 10
    assert 2.5 <= rows["work_order_activity"] / 600 <= 3.1
    assert 0.25 <= rows["work_order_attachments"] / 600 <= 0.45


def test_references_resolve_apart_from_dirt(dirty: ExportStats) -> None:
    departments = read_table(dirty, "departments")
    users = read_table(dirty, "users")
    customers = read_table(dirty, "customers")
    locations = read_table(dirty, "locations")
    assets = read_table(dirty, "assets")
    orders = read_table(dirty, "work_orders")
    department_ids = {department["id"] for department in departments}
    user_emails = {normalize_email(user["email"]) for user in users if user["email"]}
    user_names = {user["name"] for user in users}
    customer_ids = {customer["id"] for customer in customers}
    location_ids = {location["id"] for location in locations}
    asset_ids = {asset["id"] for asset in assets}
    numbers = {order["number"] for order in orders}
    businesses = {customer["company"] for customer in customers if customer["type"] == "Business"}

    assert {user["department"] for user in users} - {""} <= department_ids
    assert {customer["company"] for customer in customers} - {""} <= businesses
    assert {location["customer_id"] for location in locations} - {""} <= customer_ids
    assert {asset["department"] for asset in assets} <= department_ids
    assert {asset["location_id"] for asset in assets} - {""} <= location_ids
    assert {pm["asset_id"] for pm in read_table(dirty, "pm_schedules")} <= asset_ids
    assert {order["department"] for order in orders} <= {d["name"] for d in departments}

    for order in orders:
        number = order["number"]
        if number not in dirty.dirt_ids("dangling_asset"):
            assert order["asset_id"] in asset_ids | {""}, number
        if number not in dirty.dirt_ids("dangling_customer"):
            assert order["customer_id"] in customer_ids | {""}, number
        assert order["location_id"] in location_ids | {""}, number
        if number in dirty.dirt_ids("assignee_display_name"):
            assert order["assigned_to"] in user_names, number
        elif number not in dirty.dirt_ids("former_staff_assignee") and order["assigned_to"]:
            assert normalize_email(order["assigned_to"]) in user_emails, number

    for entry in read_table(dirty, "work_order_activity"):
        assert entry["work_order"] in numbers, entry["id"]
        assert normalize_email(entry["user"]) in user_emails, entry["id"]
    for attachment in read_table(dirty, "work_order_attachments"):
        assert attachment["work_order"] in numbers, attachment["id"]
        assert normalize_email(attachment["uploaded_by"]) in user_emails | {""}, attachment["id"]


def test_clean_export_has_no_dirt(clean: ExportStats) -> None:
    assert clean.dirt == {}
    assert find_dirt(clean) == {}


def test_custom_field_values_fit_definitions(dirty: ExportStats) -> None:
    definitions = read_table(dirty, "custom_fields")
    tables = {"Customer": read_table(dirty, "customers"),
              "Work Order": read_table(dirty, "work_orders")}

    assert {definition["type"] for definition in definitions} == {
        "Text", "Pick List", "Number", "Yes/No", "Date"}
    for definition in definitions:
        key = "custom:" + definition["label"]
        values = [row[key] for row in tables[definition["object"]]]
        filled = [value for value in values if value]
        assert filled, key
        if definition["required"] == "Yes":
            assert len(filled) == len(values), key
        if definition["type"] == "Pick List":
            assert set(filled) <= set(definition["options"].split("|")), key
        elif definition["type"] == "Number":
            assert all(value.isdigit() for value in filled), key
        elif definition["type"] == "Yes/No":
            assert set(filled) <= {"Yes", "No"}, key
        elif definition["type"] == "Date":
            assert all(parse_moment(dirty, value) for value in filled), key


def test_no_custom_fields_file(tmp_path: Path) -> None:
    stats = generate_export(tmp_path, 50, custom_fields_file=False)

    assert "custom_fields" not in stats.files
    assert not (tmp_path / "custom_fields.csv").exists()
    assert "custom:Permit Number" in stats.columns["work_orders"]


def test_attachment_files_match_rows(dirty: ExportStats) -> None:
    signatures = {"application/pdf": b"%PDF-1.4", "image/png": b"\x89PNG\r\n\x1a\n",
                  "text/plain": b"Field notes"}
    dirty_ids = set().union(*(dirty.dirt_ids(kind) for kind in DIRT_KINDS
                              if DIRT_KINDS[kind].object == "work_order_attachments"))
    referenced = set()

    for attachment in read_table(dirty, "work_order_attachments"):
        path = dirty.out_dir / attachment["path"]
        if attachment["id"] in dirty_ids:
            continue
        content = path.read_bytes()
        referenced.add(path)
        assert attachment["path"].startswith(f"attachments/{attachment['work_order']}/")
        assert len(content) == int(attachment["size"]), attachment["id"]
        assert content.startswith(signatures[attachment["content_type"]]), attachment["id"]

    on_disk = {path for path in (dirty.out_dir / "attachments").rglob("*") if path.is_file()}
    empty = {path for path in on_disk if path.stat().st_size == 0}
    assert on_disk - empty == referenced
    assert len(on_disk) == dirty.attachment_files


def test_pdf_xref_offsets_are_exact(dirty: ExportStats) -> None:
    pdf = next((dirty.out_dir / "attachments").rglob("*.pdf")).read_bytes()
    xref_offset = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    entries = pdf[xref_offset:].split(b"\n")[3:8]

    assert pdf[xref_offset:].startswith(b"xref\n")
    for number, entry in enumerate(entries, start=1):
        offset = int(entry.split()[0])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)


# --- injected dirt ------------------------------------------------------------------------------


def test_every_dirt_kind_is_injected(dirty: ExportStats) -> None:
    assert set(dirty.dirt) == set(DIRT_KINDS)


def test_dirt_stats_match_files(dirty: ExportStats) -> None:
    found = find_dirt(dirty)

    for kind in DIRT_KINDS:
        assert found.get(kind, set()) == dirty.dirt_ids(kind), kind


def test_dirt_items_show_written_cells(dirty: ExportStats) -> None:
    for kind, items in dirty.dirt.items():
        rows = {row[list(dirty.columns[DIRT_KINDS[kind].object])[0]]: row
                for row in read_table(dirty, DIRT_KINDS[kind].object)}
        key_by_header = {header: key
                         for key, header in dirty.columns[DIRT_KINDS[kind].object].items()}
        for item in items:
            assert item.object == DIRT_KINDS[kind].object
            assert rows[item.row_id][key_by_header[item.column]] == item.value, (kind, item)


def test_duplicates_point_to_first_copy(dirty: ExportStats) -> None:
    customers = {customer["id"]: customer for customer in read_table(dirty, "customers")}

    for item in dirty.dirt["duplicate_customer"]:
        copy, original = customers[item.row_id], customers[item.related_id]
        assert int(original["id"][1:]) < int(copy["id"][1:])
        assert (copy["first_name"], copy["last_name"]) == (original["first_name"],
                                                           original["last_name"])
        assert normalize_email(copy["email"]) == normalize_email(original["email"])


def test_dirt_stats_match_variant_layout(tmp_path: Path) -> None:
    stats = generate_export(tmp_path, 500, seed=21, header_style="variant", delimiter=";",
                            decimal_comma=True, date_style="dmy", encoding="cp1252")
    found = find_dirt(stats)

    for kind in DIRT_KINDS:
        assert found.get(kind, set()) == stats.dirt_ids(kind), kind


def test_dirt_rates_near_stated(traced_runs: dict[int, tuple[ExportStats, int]]) -> None:
    stats, _peak = traced_runs[20_000]

    for kind in DIRT_KINDS.values():
        if kind.object not in ("work_orders", "customers"):
            continue
        share = len(stats.dirt_ids(kind.name)) / stats.rows[kind.object]
        assert 0.5 * kind.rate <= share <= 1.6 * kind.rate, (kind.name, share)


# --- streaming and the bench script --------------------------------------------------------------


def test_peak_memory_stays_flat(traced_runs: dict[int, tuple[ExportStats, int]]) -> None:
    small_stats, small_peak = traced_runs[2_000]
    large_stats, large_peak = traced_runs[20_000]

    assert large_stats.rows["work_orders"] == 10 * small_stats.rows["work_orders"]
    assert large_peak < 3 * small_peak, (small_peak, large_peak)


def test_bench_script_writes_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = runpy.run_path(str(BENCH_SCRIPT), run_name="make_export")

    code = script["main"]([str(tmp_path), "--work-orders", "40", "--delimiter", "semicolon",
                           "--date-style", "iso", "--no-attachments"])

    assert code == 0
    assert "work_orders" in capsys.readouterr().out
    assert (tmp_path / "work_orders.csv").read_text(encoding="utf-8-sig").count(";") > 40
    assert not (tmp_path / "work_order_attachments.csv").exists()
