"""Steps shared by the integration tests: propose, confirm and migrate through the CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import csv
import shutil

from click.testing import CliRunner

from novo2odoo.cli import cli
from novo2odoo.mapping import load, save


def invoke(args: list[str], env: dict | None = None):
    result = CliRunner().invoke(cli, args, env=env or {}, catch_exceptions=True)
    return result


def propose_and_confirm(export: Path, target, module: str, workdir: Path, extra: tuple = ()) -> Path:
    """Write a mapping for ``export`` with its own external ID module and confirm it."""
    mapping = workdir / "mapping.yaml"
    result = invoke(["-q", "propose", str(export), *target.cli_args(), "--create-missing-users",
                     "-o", str(mapping), *extra], target.env())
    assert result.exit_code == 0, result.output + repr(result.exception)
    edit_mapping(mapping, lambda document: document["settings"].update(module=module))
    return mapping


def edit_mapping(mapping: Path, change, confirm_again: bool = True) -> None:
    """Apply ``change(document)`` to a mapping file and, unless told otherwise, confirm it again."""
    document = load(mapping)
    change(document)
    save(document, mapping)
    if confirm_again:
        result = invoke(["confirm", str(mapping), "--by", "tester"])
        assert result.exit_code == 0, result.output


def migrate(export: Path, mapping: Path, target, journal: Path, extra: tuple = ()):
    return invoke(["-q", "migrate", str(export), "--mapping", str(mapping), *target.cli_args(),
                   "--journal", str(journal), *extra], target.env())


def run_counts(journal: Path, run_id: int) -> dict:
    with sqlite3.connect(journal) as db:
        stats = db.execute("SELECT stats FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
    return json.loads(stats)["counts"]


def xmlid_res_id(client, module: str, name: str) -> int | None:
    rows = client.search_read("ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"])
    return rows[0]["res_id"] if rows else None


def read_one(client, model: str, module: str, name: str, fields: list[str]) -> dict:
    res_id = xmlid_res_id(client, module, name)
    assert res_id, f"external ID {module}.{name} not found"
    return client.read(model, [res_id], fields, context={"active_test": False})[0]


def unique_export(workdir: Path, module: str, source: Path) -> Path:
    """Copy an export, making asset serial numbers unique to ``module``.

    Odoo rejects a second equipment with the same serial number, so tests that migrate the
    same export into one live database need serials of their own.
    """
    from novo2odoo.source import open_export

    export = workdir / "export"
    shutil.copytree(source, export)
    for path in export.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    assets = open_export(export).files["asset"]
    encoding, delimiter = assets.encoding.value, assets.delimiter.value
    with assets.path.open(encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    column = [h.replace("\ufeff", "") for h in rows[0]].index(assets.header_for("serial"))
    for row in rows[1:]:
        if len(row) > column and row[column]:
            row[column] = f"{row[column]}-{module[-6:]}"
    with assets.path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return export
