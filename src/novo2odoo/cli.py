"""Command-line interface: a thin layer over the library modules."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .errors import Novo2OdooError, SourceError
from .odoo.client import TargetSpec, connect_target

console = Console(stderr=True)
log = logging.getLogger("novo2odoo")


class State:
    quiet = False


def echo_table(headers: list[str], rows: list[list[str]]) -> None:
    """Print rows as plain aligned columns, which stay readable in logs and narrow terminals."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    for line in [headers, ["-" * width for width in widths], *rows]:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())


def target_options(function):
    """Options that name the Odoo target, shared by the commands that talk to one."""
    options = [
        click.option("--target", "-t", default="sandbox:novo2odoo-sandbox.sqlite", show_default=True,
                     help="Odoo URL (http://host:8069) or sandbox:PATH for the embedded sandbox target."),
        click.option("--db", help="Database name on the Odoo server (needed with a URL)."),
        click.option("--user", help="Login on the Odoo server (needed with a URL). The password or API key "
                                    "comes from NOVO2ODOO_PASSWORD or NOVO2ODOO_API_KEY, else a prompt."),
        click.option("--protocol", type=click.Choice(["auto", "xmlrpc", "jsonrpc", "json2"]), default="auto",
                     show_default=True, help="RPC protocol; auto uses JSON-2 with an API key on Odoo 19+, else XML-RPC."),
        click.option("--sandbox-odoo", type=click.Choice(["18.0", "19.0"]), default=None,
                     help="Odoo version a new sandbox target imitates (default 18.0; an existing sandbox "
                          "file keeps its own)."),
        click.option("--sandbox-modules", type=click.Choice(["maintenance", "crm-only"]), default=None,
                     help="Modules a new sandbox target has installed (default maintenance; an existing "
                          "sandbox file keeps its own)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def open_target(target, db, user, protocol, sandbox_odoo, sandbox_modules):
    spec = TargetSpec(target, db, user, protocol, sandbox_odoo, sandbox_modules)
    secret = None
    if not spec.is_sandbox and not (os.environ.get("NOVO2ODOO_PASSWORD") or os.environ.get("NOVO2ODOO_API_KEY")):
        if not sys.stdin.isatty():
            raise click.UsageError("set NOVO2ODOO_PASSWORD or NOVO2ODOO_API_KEY; no terminal to prompt on")
        secret = click.prompt(f"Password or API key for {user} on {target}", hide_input=True)
    return connect_target(spec, secret)


@contextmanager
def progress_factory():
    """Yield a function that opens one progress bar per object."""
    if State.quiet:
        yield None
        return
    with Progress(TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        @contextmanager
        def bar(obj, source):
            task = progress.add_task(obj, total=source.count_rows())

            class Bar:
                def advance(self):
                    progress.advance(task)
            yield Bar()

        yield bar


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="novo2odoo")
@click.option("-v", "--verbose", count=True, help="Log more: -v for each batch, -vv for every RPC call.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final summary; no progress bars.")
def cli(verbose: int, quiet: bool) -> None:
    """Migrate a Novo Work Order CSV export into Odoo CRM and Maintenance.

    The usual sequence is inspect, propose, confirm, migrate; then report, verify,
    and, if needed, rollback. Every command prints what it did; `--help` on each
    command lists its options.
    """
    State.quiet = quiet
    if quiet:
        level = logging.ERROR
    elif verbose > 1:
        level = logging.DEBUG
    elif verbose:
        level = logging.INFO
    else:
        level = logging.WARNING
    logging.basicConfig(level=level, format="%(message)s", handlers=[RichHandler(console=console, show_path=False)])
    if verbose < 2:
        logging.getLogger("httpx").setLevel(logging.WARNING)


@cli.command()
@click.argument("export_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the inspection as JSON.")
def inspect(export_dir: Path, as_json: bool) -> None:
    """Recognise and profile the files of EXPORT_DIR and list their data problems.

    Files are recognised by their headers and values, not their names. For each
    file it prints the object, encoding, delimiter, date style and row count. Then it
    lists every problem found (dangling references, invalid e-mails, duplicates,
    unreadable dates, missing or unsafe attachment files) with file, row and column.
    """
    from .source import open_export
    from .source.inspect import inspect_export

    export = open_export(export_dir)
    if not export.files:
        names = ", ".join(source.name for source in export.unrecognised)
        raise SourceError(f"no file in {export_dir} looks like a Novo export ({names}): check the folder")
    result = inspect_export(export)
    if as_json:
        click.echo(json.dumps({
            "files": [{"file": f.file, "object": f.object, "rows": f.rows,
                       "encoding": export.files[f.object].encoding.value,
                       "delimiter": export.files[f.object].delimiter.value,
                       "date_style": (export.files[f.object].date_style or None) and export.files[f.object].date_style.value,
                       "columns": [{"header": c.header, "column": c.key, "filled": c.filled,
                                    "distinct": len(c.distinct), "examples": c.examples} for c in f.columns]}
                      for f in result.files],
            "findings": [vars(f) for f in result.findings],
            "unrecognised": result.unrecognised,
        }, indent=2, ensure_ascii=False))
        return
    rows = []
    for profile in result.files:
        source = export.files[profile.object]
        rows.append([profile.file, profile.object, f"{source.object_confidence:.2f}", source.encoding.value,
                     repr(source.delimiter.value), source.date_style.value if source.date_style else "-",
                     str(profile.rows)])
    click.echo(f"Novo export {export_dir}")
    echo_table(["file", "object", "confidence", "encoding", "delimiter", "dates", "rows"], rows)
    for name in result.unrecognised:
        click.echo(f"not recognised: {name} (left out)")
    for profile in result.files:
        click.echo(f"\n{profile.file} ({profile.object})")
        for column in profile.columns:
            fill = f"{column.filled}/{profile.rows}"
            distinct = f"{len(column.distinct)}{'+' if len(column.distinct) >= 50 else ''}"
            click.echo(f"  {column.header:<30} -> {column.key or 'custom field':<16} filled {fill:<10} "
                       f"distinct {distinct:<4} e.g. {', '.join(column.examples)}")
    counts = result.counts()
    click.echo(f"\n{len(result.findings)} data problems: "
               + ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())))
    for finding in result.findings:
        click.echo(f"  {finding.file} row {finding.row}, {finding.column} = {finding.value!r}: {finding.message}")


@cli.command()
@click.argument("export_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@target_options
@click.option("--timezone", "timezone_name", default="America/Denver", show_default=True,
              help="IANA timezone of the timestamps in the export; they are converted to UTC.")
@click.option("--country", default="US", show_default=True, help="ISO code of the country used when a row has none.")
@click.option("--create-missing-users", is_flag=True,
              help="Propose to create an Odoo user for staff whose e-mail matches no user.")
@click.option("--fallback-user", metavar="LOGIN", help="Propose to assign unmatched staff's records to this login.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("mapping.yaml"),
              show_default=True, help="Mapping file to write.")
def propose(export_dir, target, db, user, protocol, sandbox_odoo, sandbox_modules, timezone_name, country,
            create_missing_users, fallback_user, output) -> None:
    """Propose how EXPORT_DIR maps onto the target and write the mapping file.

    Reads the live target's schema (fields_get), stages, teams and users, and
    writes every file, column and value map with a confidence and a reason. Review
    the file, edit what is wrong, then run `novo2odoo confirm`.
    """
    from .mapping import propose as build, save
    from .source import open_export

    export = open_export(export_dir)
    with open_target(target, db, user, protocol, sandbox_odoo, sandbox_modules) as opened:
        given = click.get_current_context().get_parameter_source("timezone_name") != click.core.ParameterSource.DEFAULT
        document = build(export, opened.client, timezone_name=timezone_name, country=country,
                         create_missing_users=create_missing_users, fallback_user=fallback_user,
                         timezone_given=given)
    save(document, output)
    low = [(obj, header, column["confidence"]) for obj, spec in document["objects"].items()
           for header, column in spec["columns"].items() if column.get("confidence", 1) < 0.7]
    click.echo(f"wrote {output}: {len(document['objects'])} files, {len(document['custom_fields'])} custom fields, "
              f"work orders to {document['target']['work_orders_to']}")
    staff = document["value_maps"]["staff"]
    actions = {}
    for entry in staff.values():
        actions[entry["action"]] = actions.get(entry["action"], 0) + 1
    click.echo("staff: " + ", ".join(f"{count} {action}" for action, count in sorted(actions.items())))
    for obj, header, confidence in low:
        click.echo(f"check {obj}.{header}: confidence {confidence}")
    click.echo(f"next: review {output}, then run `novo2odoo confirm {output}`")


@cli.command()
@click.argument("mapping_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", help="Name recorded as the approver (default: the current OS user).")
def confirm(mapping_file: Path, by: str | None) -> None:
    """Approve MAPPING_FILE after printing a summary of what it approves.

    Records who approved it, when, and the SHA-256 of its content. Any later edit
    invalidates the approval, and `migrate` refuses the file until it is confirmed
    again.
    """
    from .mapping import confirm as approve, load

    document = load(mapping_file)
    click.echo(f"Mapping {mapping_file} for {document.get('target', {}).get('url', '?')} "
              f"({document.get('target', {}).get('odoo_version', '?')})")
    for obj, spec in document["objects"].items():
        fields = sorted({t["field"] for c in spec["columns"].values() for t in c.get("targets") or [] if t["field"]})
        click.echo(f"  {spec['file']:<30} -> {spec['model'] or 'not loaded'}: {len(fields)} fields")
    click.echo(f"  custom fields to create: {len(document['custom_fields'])}")
    maps = document["value_maps"]
    for raw, entry in maps["status"].items():
        click.echo(f"  status {raw!r} -> stage {entry['stage']!r}{' (new)' if entry.get('create') else ''}")
    for raw, entry in maps["priority"].items():
        click.echo(f"  priority {raw!r} -> {entry['value']}")
    actions = {}
    for entry in maps["staff"].values():
        actions[entry["action"]] = actions.get(entry["action"], 0) + 1
    click.echo("  staff: " + ", ".join(f"{count} {action}" for action, count in sorted(actions.items())))
    document = approve(mapping_file, by)
    approval = document["approval"]
    click.echo(f"confirmed by {approval['by']} at {approval['at']} (sha256 {approval['sha256'][:12]})")


@cli.command()
@click.argument("export_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--mapping", "mapping_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Confirmed mapping file.")
@target_options
@click.option("--journal", "journal_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("novo2odoo-journal.sqlite"), show_default=True, help="SQLite journal of runs.")
@click.option("--sample", type=click.IntRange(min=1), default=None, metavar="N",
              help="Load about N work orders with everything they reference, covering every status, "
                   "priority, department and custom field value.")
@click.option("--since", metavar="TIMESTAMP",
              help="Delta run: only work orders created, scheduled or completed on or after this local "
                   "ISO date or datetime, with their activity and attachments; other objects are compared "
                   "and only changed records are written.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the HTML report of the run here (default: JOURNAL-run-RUN.html next to the journal).")
def migrate(export_dir, mapping_file, target, db, user, protocol, sandbox_odoo, sandbox_modules, journal_path,
            sample, since, report_path) -> None:
    """Load EXPORT_DIR into the target as the confirmed mapping specifies.

    Prepares the target (custom fields, teams, stages, categories, users), then
    loads customers, locations, assets, work orders, preventive schedules,
    attachments and activity in that order, in batches. Every record gets an
    external ID in module novo_migration; running again updates what changed and
    creates nothing twice. Rejected rows are journaled with file, row, column,
    value and reason, and the run goes on.
    """
    from .run import run_migration

    with open_target(target, db, user, protocol, sandbox_odoo, sandbox_modules) as opened:
        with progress_factory() as progress:
            result = run_migration(export_dir, mapping_file, opened.client, journal_path, target,
                                   sample=sample, since=since, progress=progress)
    from .report import summary_lines, write_html

    html_path = report_path or journal_path.with_name(f"{journal_path.stem}-run-{result.run_id}.html")
    write_html(journal_path, result.run_id, html_path)
    for line in summary_lines(journal_path, result.run_id):
        click.echo(line)
    click.echo(f"report: {html_path}")


@cli.command()
@click.option("--journal", "journal_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("novo2odoo-journal.sqlite"), show_default=True, help="SQLite journal of runs.")
def runs(journal_path: Path) -> None:
    """List the runs recorded in the journal with their state and counts."""
    from .load.journal import Journal

    journal = Journal(journal_path)
    click.echo(f"{'run':>4}  {'started':<20}  {'finished':<20}  {'state':<12}  {'mode':<7}  "
               f"{'created':>8}  {'updated':>8}  {'rejected':>8}  target")
    for row in journal.runs():
        totals = journal.action_counts(row["id"])
        totals = {key: totals.get(key, 0) for key in ("created", "updated", "rejected")}
        click.echo(f"{row['id']:>4}  {row['started_at']:<20}  {row['finished_at'] or '-':<20}  {row['state']:<12}  "
                   f"{row['mode']:<7}  {totals['created']:>8}  {totals['updated']:>8}  {totals['rejected']:>8}  "
                   f"{row['target']}")


@cli.command()
@click.argument("run_id", type=int)
@click.option("--journal", "journal_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("novo2odoo-journal.sqlite"), show_default=True, help="SQLite journal of runs.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (default: JOURNAL-run-RUN.html next to the journal).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write JSON here.")
@click.option("--rejects-csv", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every rejected row and warning of the run to this CSV file.")
def report(run_id: int, journal_path: Path, output: Path | None, json_path: Path | None,
           rejects_csv: Path | None) -> None:
    """Write a self-contained HTML report of run RUN_ID for a project manager.

    The page shows counts per object, rejected rows grouped by reason, staff and
    what was done with them, the value maps used, the verification result and the
    run's duration. Cells of the CSV that start like a spreadsheet formula are
    prefixed with an apostrophe.
    """
    from .report import report_data, summary_lines, write_html, write_rejects_csv

    if rejects_csv:
        count = write_rejects_csv(journal_path, run_id, rejects_csv)
        click.echo(f"rejects: {rejects_csv} ({count} rows)")

    output = output or journal_path.with_name(f"{journal_path.stem}-run-{run_id}.html")
    write_html(journal_path, run_id, output)
    if json_path:
        json_path.write_text(json.dumps(report_data(journal_path, run_id), indent=2, default=str), encoding="utf-8")
    for line in summary_lines(journal_path, run_id):
        click.echo(line)
    click.echo(f"report: {output}")


@cli.command()
@click.argument("run_id", type=int)
@target_options
@click.option("--journal", "journal_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("novo2odoo-journal.sqlite"), show_default=True, help="SQLite journal of runs.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every difference as CSV (default: JOURNAL-verify-RUN.csv next to the journal).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every difference as JSON (default: JOURNAL-verify-RUN.json next to the journal).")
def verify(run_id, target, db, user, protocol, sandbox_odoo, sandbox_modules, journal_path, csv_path,
           json_path) -> None:
    """Compare every record of run RUN_ID in Odoo with the value the mapping gives it.

    Reads each record the run created or updated through its external ID and
    compares each mapped field: dates and UTC datetimes, floats within 0.005,
    many2one by the linked record, selection keys, HTML as text and attachment
    checksums. Prints matched, mismatched and missing values per model and field,
    writes the full difference list as CSV and JSON, and exits with status 1 on
    any difference. Records whose write date is after the run are listed too.
    """
    from .verify import verify_run, write_differences

    with open_target(target, db, user, protocol, sandbox_odoo, sandbox_modules) as opened:
        with progress_factory() as progress:
            result = verify_run(journal_path, run_id, opened.client, progress=progress)
    csv_path = csv_path or journal_path.with_name(f"{journal_path.stem}-verify-{run_id}.csv")
    json_path = json_path or journal_path.with_name(f"{journal_path.stem}-verify-{run_id}.json")
    write_differences(result, csv_path, json_path)
    rows = [[model, name, str(tally.matched), str(tally.mismatched), str(tally.missing)]
            for model, fields in sorted(result.tallies.items()) for name, tally in sorted(fields.items())]
    click.echo(f"verification of run {run_id}")
    echo_table(["model", "field", "matched", "mismatched", "missing"], rows)
    totals = result.totals()
    click.echo(f"{totals['matched']} matched, {totals['mismatched']} mismatched, {totals['missing']} missing; "
               f"{totals['changed_after_run']} records changed in Odoo after the run")
    click.echo(f"differences: {csv_path} and {json_path}")
    if not result.ok:
        sys.exit(1)


@cli.command()
@click.argument("run_id", type=int)
@target_options
@click.option("--journal", "journal_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path("novo2odoo-journal.sqlite"), show_default=True, help="SQLite journal of runs.")
@click.option("--force", is_flag=True,
              help="Roll back even if records of the run were changed in Odoo after it, or later runs exist.")
def rollback(run_id, target, db, user, protocol, sandbox_odoo, sandbox_modules, journal_path, force) -> None:
    """Undo run RUN_ID: delete what it created and restore what it updated.

    Deletes the run's records newest first (messages and attachments before
    requests, requests before equipment and contacts) and writes back the
    previous values of the records it updated. Refuses, listing the records, when
    someone changed them in Odoo after the run, unless --force. An interrupted
    rollback resumes when run again.
    """
    from .rollback import rollback_run

    with open_target(target, db, user, protocol, sandbox_odoo, sandbox_modules) as opened:
        result = rollback_run(journal_path, run_id, opened.client, force=force)
    for model, count in result.deleted.items():
        click.echo(f"deleted  {count:>6} {model}")
    for model, count in result.restored.items():
        click.echo(f"restored {count:>6} {model}")
    click.echo(f"run {run_id} rolled back")


def main() -> None:
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Novo2OdooError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
