"""Bad input: every faulty row is quarantined or warned about, and the rest of the run goes on."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from conftest import EXAMPLE
from helpers import edit_mapping, invoke, migrate, propose_and_confirm, run_counts, unique_export, xmlid_res_id
from novo2odoo.errors import MappingError
from novo2odoo.mapping import load
from novo2odoo.source import open_export
from novo2odoo.source.inspect import inspect_export, safe_path


def rewrite(path: Path, change) -> None:
    """Apply ``change(rows)`` to a CSV file of the export, keeping its encoding and header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def rejects(journal: Path, run_id: int = 1) -> list[tuple]:
    with sqlite3.connect(journal) as db:
        return db.execute("SELECT object, severity, file, row, novo_id, column_name, value, reason FROM rejects "
                          "WHERE run_id = ?", (run_id,)).fetchall()


@pytest.fixture
def dirty_export(tmp_path, module):
    """The example export with a duplicate id, a ragged row, a NUL byte and an overlong path."""
    export = unique_export(tmp_path, module, EXAMPLE)

    def work_orders(rows):
        header = rows[0]
        title = header.index("Title")
        rows[6][0] = rows[5][0]               # row 6 repeats the id of row 5
        rows[6][title] = "SECOND COPY"
        rows[8] = rows[8][:5]                 # row 8 lost most of its columns

    def customers(rows):
        rows[1][rows[0].index("Company Name")] = "Acme\x00 Plumbing LLC"

    def attachments(rows):
        rows[1][rows[0].index("File Path")] = "attachments/" + "x" * 300 + ".pdf"

    rewrite(export / "work_orders.csv", work_orders)
    rewrite(export / "customers.csv", customers)
    rewrite(export / "work_order_attachments.csv", attachments)
    return export


def test_dirty_rows_quarantined_rest_loaded(dirty_export, tmp_path, odoo_target, module):
    mapping = propose_and_confirm(dirty_export, odoo_target, module, tmp_path)
    journal = tmp_path / "journal.sqlite"
    result = migrate(dirty_export, mapping, odoo_target, journal)
    assert result.exit_code == 0, result.output + repr(result.exception)
    found = rejects(journal)

    duplicate = [r for r in found if "duplicate id" in r[7]]
    assert len(duplicate) == 1
    assert duplicate[0][:5] == ("work_order", "error", "work_orders.csv", 6, "WO-2019-10004")
    assert "row 5" in duplicate[0][7]

    ragged = [r for r in found if "columns where the header has" in r[7]]
    assert [(r[3], r[4]) for r in ragged] == [(8, "WO-2019-10007")]

    control = [r for r in found if "control characters" in r[7]]
    assert control
    assert control[0][0] == "customer"
    assert control[0][1] == "warning"

    long_path = [r for r in found if r[0] == "attachment" and "cannot be read" in r[7]]
    assert len(long_path) == 1

    counts = run_counts(journal, 1)
    assert counts["work_order"]["created"] == 298
    assert counts["work_order"]["rejected"] == 2

    client = odoo_target.client()
    copies = client.search_read("maintenance.request", [("x_novo_id", "=", "WO-2019-10004")], ["name"],
                                context={"active_test": False})
    ours = xmlid_res_id(client, module, "work_order_wo_2019_10004")
    assert [c["name"] for c in copies if c["id"] == ours] != ["SECOND COPY"]
    company = client.read("res.partner", [xmlid_res_id(client, module, "customer_c5001")], ["name"])[0]
    assert company["name"] == "Acme Plumbing LLC"

    again = migrate(dirty_export, mapping, odoo_target, journal)
    assert again.exit_code == 0, again.output
    assert all(value["created"] == 0 for value in run_counts(journal, 2).values())


def test_inspect_reports_ragged_rows(dirty_export):
    result = inspect_export(open_export(dirty_export))
    ragged = [f for f in result.findings if f.kind == "ragged row"]
    assert [(f.file, f.row) for f in ragged] == [("work_orders.csv", 8)]
    assert any(f.kind == "duplicate id" and f.value == "WO-2019-10004" for f in result.findings)


@pytest.mark.parametrize("path", ["/etc/passwd", "../../etc/passwd", "C:\\Novo\\Uploads\\a.pdf",
                                  "\\\\server\\share\\a.pdf", "attachments/../../x"])
def test_safe_path_rejects_escapes(tmp_path, path):
    assert safe_path(tmp_path, path) is None


def test_safe_path_rejects_symlink_outside(tmp_path):
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "link.txt").symlink_to("/etc/hostname")
    assert safe_path(tmp_path, "attachments/link.txt") is None


def test_safe_path_accepts_backslashes(tmp_path):
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "a.txt").write_text("x")
    assert safe_path(tmp_path, "attachments\\a.txt") == (tmp_path / "attachments" / "a.txt").resolve()


def test_unknown_stage_stops_before_writing(tmp_path, odoo_target, module):
    mapping = propose_and_confirm(EXAMPLE, odoo_target, module, tmp_path)
    edit_mapping(mapping, lambda document: document["value_maps"]["status"]["Open"].update(
        stage="Nonexistent Stage", create=False))
    result = migrate(EXAMPLE, mapping, odoo_target, tmp_path / "journal.sqlite")
    assert isinstance(result.exception, MappingError)
    assert "Nonexistent Stage" in str(result.exception)
    client = odoo_target.client()
    assert client.search_read("maintenance.stage", [("name", "=", "Nonexistent Stage")], ["id"]) == []


def test_sample_must_be_positive(tmp_path, odoo_target):
    result = invoke(["migrate", str(EXAMPLE), "--mapping", str(tmp_path / "m.yaml"), "--sample", "0"])
    assert result.exit_code == 2


def test_mapping_for_other_version_refused(tmp_path):
    target19 = ["--target", f"sandbox:{tmp_path / 't19.sqlite'}", "--sandbox-odoo", "19.0"]
    mapping = tmp_path / "mapping.yaml"
    assert invoke(["-q", "propose", str(EXAMPLE), *target19, "-o", str(mapping)]).exit_code == 0
    assert invoke(["confirm", str(mapping)]).exit_code == 0
    result = invoke(["-q", "migrate", str(EXAMPLE), "--mapping", str(mapping),
                     "--target", f"sandbox:{tmp_path / 't18.sqlite'}"])
    assert isinstance(result.exception, MappingError)
    assert "proposed for Odoo 19.0" in str(result.exception)


def test_existing_sandbox_keeps_its_version(tmp_path):
    path = tmp_path / "t19.sqlite"
    mapping = tmp_path / "mapping.yaml"
    assert invoke(["-q", "propose", str(EXAMPLE), "--target", f"sandbox:{path}", "--sandbox-odoo", "19.0",
                   "-o", str(mapping)]).exit_code == 0
    result = invoke(["-q", "propose", str(EXAMPLE), "--target", f"sandbox:{path}", "-o", str(mapping)])
    assert result.exit_code == 0, result.output
    assert load(mapping)["target"]["odoo_version"] == "19.0"
    assert load(mapping)["target"]["url"] == f"sandbox:{path}"
    clash = invoke(["-q", "propose", str(EXAMPLE), "--target", f"sandbox:{path}", "--sandbox-odoo", "18.0",
                    "-o", str(mapping)])
    assert "created for Odoo 19.0" in str(clash.exception)


def test_empty_csv_left_out(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "work_orders.csv").write_bytes((EXAMPLE / "work_orders.csv").read_bytes())
    (export / "empty.csv").write_bytes(b"")
    loaded = open_export(export)
    assert "work_order" in loaded.files
    assert all(source.name != "empty.csv" for source in loaded.unrecognised)
