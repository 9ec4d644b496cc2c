"""Recognition of export files by content, across encodings, delimiters, dates and headers."""

from pathlib import Path

import pytest

from novo2odoo.errors import SourceError
from novo2odoo.source import open_export
from novo2odoo.source.inspect import inspect_export
from novo2odoo.synthetic import generate_export

from conftest import EXAMPLE

OBJECTS = {"department", "user", "customer", "location", "asset", "work_order", "activity", "attachment",
           "pm_schedule", "custom_field"}


def test_example_recognised():
    export = open_export(EXAMPLE)
    assert set(export.files) == OBJECTS
    assert export.unrecognised == []
    assert export.files["work_order"].encoding.value == "utf-8-sig"
    assert export.files["work_order"].date_style.value == "mdy"


def test_example_columns_matched():
    work_orders = open_export(EXAMPLE).files["work_order"]
    assert work_orders.header_for("id") == "Work Order #"
    assert work_orders.header_for("customer") == "Requested By (Customer ID)"
    assert set(work_orders.custom_headers) == {"Permit Number", "Inspection Type", "Weather Conditions"}


@pytest.mark.parametrize("encoding, delimiter, date_style, decimal_comma", [
    ("utf-8", ",", "mdy", False),
    ("cp1252", ";", "dmy", True),
    ("utf-8-sig", "\t", "iso", False),
    ("utf-8", "|", "dmy", False),
])
def test_variants_detected(tmp_path: Path, encoding, delimiter, date_style, decimal_comma):
    generate_export(tmp_path, 120, seed=3, encoding=encoding, delimiter=delimiter, date_style=date_style,
                    decimal_comma=decimal_comma, header_style="variant")
    export = open_export(tmp_path)
    assert {"customer", "work_order", "activity", "attachment", "asset"} <= set(export.files)
    work_orders = export.files["work_order"]
    assert work_orders.delimiter.value == delimiter
    expected_encoding = {"cp1252": "cp1252", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}[encoding]
    assert work_orders.encoding.value == expected_encoding
    assert work_orders.date_style.value == date_style
    assert work_orders.header_for("id") is not None
    assert work_orders.header_for("status") is not None


def test_missing_folder_raises(tmp_path: Path):
    with pytest.raises(SourceError, match="does not exist"):
        open_export(tmp_path / "nope")


def test_empty_folder_raises(tmp_path: Path):
    with pytest.raises(SourceError, match="no CSV files"):
        open_export(tmp_path)


def test_unrelated_file_left_out(tmp_path: Path):
    generate_export(tmp_path, 30, seed=1)
    (tmp_path / "budget.csv").write_text("Quarter,Amount\nQ1,100\nQ2,200\n", encoding="utf-8")
    export = open_export(tmp_path)
    assert [s.name for s in export.unrecognised] == ["budget.csv"]


def test_inspect_finds_example_dirt():
    result = inspect_export(open_export(EXAMPLE))
    kinds = result.counts()
    assert kinds["invalid e-mail"] >= 1
    assert kinds["dangling reference"] >= 1
    assert kinds["path outside export"] == 1
    assert kinds["missing file"] >= 1
    assert kinds["empty file"] >= 1
    assert kinds["duplicate customer"] == 4
    outside = [f for f in result.findings if f.kind == "path outside export"][0]
    assert outside.file == "work_order_attachments.csv"
    assert outside.row > 0
    assert outside.column == "File Path"


def test_inspect_counts_rows():
    result = inspect_export(open_export(EXAMPLE))
    rows = {profile.object: profile.rows for profile in result.files}
    assert rows["work_order"] == 300
    assert rows["department"] == 6


@pytest.mark.parametrize("seed", [1, 3, 7, 11])
def test_variant_headers_leave_only_custom_fields(tmp_path: Path, seed):
    generate_export(tmp_path, 60, seed=seed, header_style="variant")
    export = open_export(tmp_path)
    custom_labels = {"Customer Tier", "Tax Exempt", "Billing Code", "Preferred Service Area", "Inspection Date",
                     "Inspection Type", "Permit Number", "Crew Size", "Road Closure", "Weather Conditions"}
    assert len(export.files) == 10
    for key, source in export.files.items():
        unmatched = set(source.custom_headers)
        assert unmatched <= custom_labels, f"{key}: {unmatched - custom_labels} not recognised"
    work_orders = export.files["work_order"]
    for key in ("customer", "completed", "created", "asset", "location", "assigned_to", "labor_hours", "parts_cost"):
        assert work_orders.header_for(key) is not None, f"work order column {key} not found"
    assert export.files["activity"].header_for("timestamp") is not None
    assert export.files["attachment"].header_for("uploaded_by") is not None
    assert export.files["location"].header_for("customer") is not None
    assert export.files["customer"].header_for("country") is not None
