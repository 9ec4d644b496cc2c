"""Tests of the run report: HTML, JSON data, the rejects CSV and formula neutralising."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from novo2odoo.load.journal import Journal
from novo2odoo.report import csv_safe, reason_group, report_data, summary_lines, write_html, write_rejects_csv

CHROMIUM = Path("/usr/bin/chromium")

COUNTS = {
    "user": {"created": 2, "updated": 0, "unchanged": 0, "merged": 0, "rejected": 0, "warnings": 0},
    "customer": {"created": 110, "updated": 3, "unchanged": 7, "merged": 4, "rejected": 2, "warnings": 5},
    "work_order": {"created": 290, "updated": 0, "unchanged": 0, "merged": 0, "rejected": 10, "warnings": 3},
}
STAFF = [
    {"name": "Amélie Müller", "email": "amller7@riverton.gov", "action": "create", "user": "amller7@riverton.gov"},
    {"name": "Former <b>Employee</b>", "email": "former@riverton.gov", "action": "unassigned", "user": None},
    {"name": "Pat Doe", "email": None, "action": "unassigned", "user": None},
    {"name": "Pat Doe", "email": "pdoe2@riverton.gov", "action": "create", "user": "pdoe2@riverton.gov"},
]
VALUE_MAPS = {
    "status": {"Completed": "Repaired", "Open": "New Request"},
    "priority": {"Emergency": "3", "Low": "0"},
    "department": {"Water & Sewer": "Water Team"},
}
VERIFICATION = {
    "matched": 1190, "mismatched": 7, "missing": 3, "changed_after_run": 2,
    "models": {"res.partner": {"email": {"matched": 100, "mismatched": 4, "missing": 0},
                               "phone": {"matched": 90, "mismatched": 3, "missing": 3}},
               "maintenance.request": {"name": {"matched": 1000, "mismatched": 0, "missing": 0}}},
}


def make_journal(path: Path, *, extra_stats: dict | None = None) -> int:
    """Write a journal with one finished run: counts, records, rejects of both severities and an event."""
    journal = Journal(path)
    run_id = journal.start_run("full", "/exports/riverton", "ab" * 32, "sandbox:t.sqlite", "sandbox",
                               {"sample": None, "protocol": "xmlrpc", "odoo": "18.0"})
    journal.record(run_id, [
        ("user", "U1001", "res.users", 7, "novo_migration.user_u1001", "created", None, None, None, None),
        ("user", "U1002", "res.users", 8, "novo_migration.user_u1002", "created", None, None, None, None),
        ("customer", "C5001", "res.partner", 11, "novo_migration.customer_c5001", "created", "customers.csv", 2,
         None, {"name": "Ada"}),
    ])
    journal.reject(run_id, "work_order", "error", "work_orders.csv", 18, "WO-2019-10017", "Created", "31/02/2019",
                   "date '31/02/2019' cannot be read", "correct the date in the export")
    journal.reject(run_id, "work_order", "error", "work_orders.csv", 19, "WO-2019-10018", "Created", "2019-13-01",
                   "date '2019-13-01' cannot be read", "correct the date in the export")
    journal.reject(run_id, "customer", "error", "customers.csv", 40, "C5040", "Notes", "=HYPERLINK(\"x\")",
                   "Odoo rejected the record: <script>alert(1)</script>", "correct the row and run again")
    journal.reject(run_id, "customer", "warning", "customers.csv", 16, "C5016", "Email", "n/a",
                   "invalid e-mail: An email address must have an @-sign.; the e-mail is left empty",
                   "correct the e-mail in Odoo or the export")
    journal.reject(run_id, "work_order", "warning", "work_orders.csv", 30, "WO-2019-10029", "Assigned To",
                   "Pat Doe", "staff 'Pat Doe' has no Odoo user; left unassigned",
                   "set the staff entry's action to match, create or fallback")
    journal.reject(run_id, "work_order", "warning", "work_orders.csv", 31, "WO-2019-10030", "Assigned To",
                   "Pat Doe", "staff 'Pat Doe' has no Odoo user; left unassigned",
                   "set the staff entry's action to match, create or fallback")
    journal.log(run_id, "warning", "adopted 3 res.partner records left by an interrupted run")
    journal.finish_run(run_id, "done", {"counts": COUNTS, "seconds": 12.5, **(extra_stats or {})})
    journal.close()
    return run_id


@pytest.fixture()
def journal_path(tmp_path) -> Path:
    return tmp_path / "journal.sqlite"


@pytest.fixture()
def full_run(journal_path) -> int:
    return make_journal(journal_path, extra_stats={"staff": STAFF, "value_maps": VALUE_MAPS,
                                                   "verification": VERIFICATION})


def test_report_data_keys(journal_path, full_run):
    data = report_data(journal_path, full_run)
    for key in ("run", "counts", "totals", "records", "rejects", "errors", "warnings", "seconds", "throughput",
                "rows_per_second", "staff", "staff_source", "value_maps", "verification", "events"):
        assert key in data, key
    assert json.loads(json.dumps(data)) == data


def test_report_data_source_rows(journal_path, full_run):
    data = report_data(journal_path, full_run)
    assert data["counts"]["customer"]["source_rows"] == 110 + 3 + 7 + 4 + 2
    assert data["counts"]["work_order"]["source_rows"] == 300
    assert data["totals"]["source_rows"] == 2 + 126 + 300
    assert list(data["counts"]) == ["user", "customer", "work_order"]


def test_report_data_throughput(journal_path, full_run):
    data = report_data(journal_path, full_run)
    assert data["seconds"] == 12.5
    assert data["throughput"] == round((2 + 113 + 290) / 12.5, 1)
    assert data["rows_per_second"] == round(428 / 12.5, 1)


def test_rejects_grouped_without_value(journal_path, full_run):
    data = report_data(journal_path, full_run)
    groups = {(g["severity"], g["reason"]): g for g in data["rejects"]}
    dates = groups[("error", "date […] cannot be read")]
    assert dates["count"] == 2
    assert {row["value"] for row in dates["rows"]} == {"31/02/2019", "2019-13-01"}
    assert groups[("warning", "staff […] has no Odoo user; left unassigned")]["count"] == 2
    assert data["errors"] == 3
    assert data["warnings"] == 3


def test_rejects_errors_listed_first(journal_path, full_run):
    severities = [group["severity"] for group in report_data(journal_path, full_run)["rejects"]]
    assert severities == sorted(severities, key=lambda severity: severity != "error")


@pytest.mark.parametrize("reason, value, expected", [
    ("duplicate of C5011: merged into it", None, "duplicate of […]: merged into it"),
    ("customer 'C9999999' is not in the export; the link is left empty", "C9999999",
     "customer […] is not in the export; the link is left empty"),
    ("file 'attachments/a.pdf' is empty (0 bytes)", "attachments/a.pdf", "file […] is empty ([…] bytes)"),
    ('staff "O\'Brien" has no Odoo user; left unassigned', "O'Brien", "staff […] has no Odoo user; left unassigned"),
    ("the work order is not loaded, so this row has nowhere to go", "or",
     "the work order is not loaded, so this row has nowhere to go"),
])
def test_reason_group(reason, value, expected):
    assert reason_group(reason, value) == expected


def test_staff_from_run_stats(journal_path, full_run):
    data = report_data(journal_path, full_run)
    assert data["staff_source"] == "run"
    names = [(s["name"], s["action"]) for s in data["staff"]]
    assert names == [("Former <b>Employee</b>", "unassigned"), ("Pat Doe", "unassigned"), ("Amélie Müller", "create"),
                     ("Pat Doe", "create")]
    assert data["staff"][0]["user"] == ""
    assert data["staff"][0]["rows"] is None
    assert data["staff"][1]["rows"] == 2
    assert data["staff"][3]["rows"] is None


def test_staff_from_journal(journal_path):
    run_id = make_journal(journal_path)
    data = report_data(journal_path, run_id)
    assert data["staff_source"] == "journal"
    created = [s for s in data["staff"] if s["action"] == "user created"]
    assert [s["novo_id"] for s in created] == ["U1001", "U1002"]
    unassigned = [s for s in data["staff"] if s["action"] == "left unassigned"]
    assert unassigned == [{"name": "Pat Doe", "email": "", "novo_id": "", "action": "left unassigned",
                           "user": "", "reason": "", "rows": 2}]


def test_staff_keyed_by_mapping_key(journal_path):
    staff = {"pat@riverton.gov": {"name": "Pat", "email": "pat@riverton.gov", "action": "fallback",
                                  "user": "admin"}}
    run_id = make_journal(journal_path, extra_stats={"staff": staff})
    assert report_data(journal_path, run_id)["staff"][0]["user"] == "admin"


def test_value_maps_accept_mapping_entries(journal_path):
    maps = {"status": {"Completed": {"stage": "Repaired", "done": True}}, "priority": {"High": {"value": "2"}}}
    run_id = make_journal(journal_path, extra_stats={"value_maps": maps})
    assert report_data(journal_path, run_id)["value_maps"] == {"status": {"Completed": "Repaired"},
                                                               "priority": {"High": "2"}}


@pytest.fixture
def html(journal_path, full_run, tmp_path) -> str:
    """The HTML report of the full run, as written to disk."""
    output = tmp_path / "report.html"
    write_html(journal_path, full_run, output)
    return output.read_text(encoding="utf-8")


def test_html_contains_counts_and_rows(html):
    assert "<td class=\"n\">126</td>" in html
    assert "<td class=\"n\">428</td>" in html
    assert "WO-2019-10017" in html
    assert "31/02/2019" in html
    assert "correct the date in the export" in html
    assert "Errors: rows quarantined, not loaded" in html
    assert "Warnings: rows loaded, one value left out" in html


def test_html_renders_optional_sections(html):
    assert "Amélie Müller" in html
    assert "Water &amp; Sewer" in html
    assert "New Request" in html
    assert "<code>res.partner</code>" in html
    assert "<code>phone</code>" in html
    assert "adopted 3 res.partner records" in html
    assert "2 records were changed in Odoo after the run" in html


def test_html_escapes_source_values(html):
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Employee</b>" not in html


def test_html_self_contained(journal_path, full_run, tmp_path):
    output = tmp_path / "report.html"
    write_html(journal_path, full_run, output)
    html = output.read_text(encoding="utf-8")
    assert "<svg" in html
    assert "<script" not in html
    assert "src=" not in html
    assert "<link" not in html
    assert "url(" not in html


def test_html_without_optional_sections(journal_path, tmp_path):
    run_id = make_journal(journal_path)
    output = tmp_path / "report.html"
    write_html(journal_path, run_id, output)
    html = output.read_text(encoding="utf-8")
    assert "Value maps used" not in html
    assert "<h2>Verification</h2>" not in html
    assert "Pat Doe" in html


def test_summary_lines(journal_path, full_run):
    lines = summary_lines(journal_path, full_run)
    assert lines[0] == f"run {full_run} done (full) in 12.5 s"
    assert any(line.strip().startswith("customer") and "rows    126" in line for line in lines)
    assert "  3 rows quarantined, 3 values left out with a warning" in lines


@pytest.mark.parametrize("value", ["=1+1", "+x", "-x", "@x", "\tx", "\rx", "=HYPERLINK(\"http://a\")", "-", "-1+2"])
def test_csv_safe_neutralises(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["abc", "12", "-5", "-0.25", "-.5", "", "a=b", 12, None])
def test_csv_safe_keeps(value):
    assert csv_safe(value) == value


def test_rejects_csv_neutralised(journal_path, full_run, tmp_path):
    output = tmp_path / "rejects.csv"
    assert write_rejects_csv(journal_path, full_run, output) == 6
    with open(output, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6
    notes = next(row for row in rows if row["novo_id"] == "C5040")
    assert notes["value"] == "'=HYPERLINK(\"x\")"
    assert notes["column"] == "Notes"
    dates = next(row for row in rows if row["novo_id"] == "WO-2019-10017")
    assert dates["value"] == "31/02/2019"
    assert dates["row"] == "18"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium to render the report; "
                                                   "install Debian's chromium package to run this test")
def test_html_screenshot(journal_path, full_run, tmp_path):
    output = tmp_path / "report.html"
    write_html(journal_path, full_run, output)
    shot = tmp_path / "shot.png"
    profile = tmp_path / "profile"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1280,2000",
               output.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.exists(), result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # A blank 1280x2000 page compresses to a few kilobytes; the rendered report is far larger.
    assert shot.stat().st_size > 50_000
    shutil.rmtree(profile, ignore_errors=True)
