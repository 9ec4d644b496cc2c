"""Time propose, confirm, migrate, a second migrate and verify on a synthetic export.

Each CLI step runs as its own subprocess through bench/cli_probe.py, which counts the HTTP RPC
round trips. For each step the script records the wall time, the peak RSS of the process (from
``os.wait4``) and the round trips. Records written per second are the created, updated and
merged records of the first migrate run, from the journal, divided by that run's wall time.
The result goes to a JSON file, and one Markdown table row is printed. The JSON file also
records the git commit of the checkout and whether ``src/`` had uncommitted changes, before the
first step and after the last, so a run whose code changed midway can be spotted.

Sandbox target (a new SQLite file in the work folder)::

    python bench/run_benchmark.py --work-orders 10000

Real Odoo (the password comes from NOVO2ODOO_PASSWORD)::

    NOVO2ODOO_PASSWORD=... python bench/run_benchmark.py --work-orders 10000 \\
        --target URL --db DB --user USER
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from novo2odoo.synthetic import generate_export

BENCH_DIR = Path(__file__).resolve().parent
PROBE = BENCH_DIR / "cli_probe.py"
TABLE_COLUMNS = (
    "target", "work orders", "export rows", "propose s", "migrate s", "records written", "records/s",
    "migrate peak RSS MiB", "migrate round trips", "round trips per 1,000 records", "rerun s",
    "rerun round trips", "verify s", "verify peak RSS MiB", "verify result",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-orders", type=int, required=True, help="number of work orders in the export")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic export (default 0)")
    parser.add_argument("--work-dir", type=Path,
                        help="folder for the export, mapping, journal, sandbox and logs "
                             "(default /tmp/novo2odoo-bench/<target kind>-<work orders>)")
    parser.add_argument("--export", type=Path,
                        help="reuse this export folder instead of generating one in the work folder")
    parser.add_argument("--target", help="Odoo URL; default: a new sandbox:<work folder>/target.sqlite")
    parser.add_argument("--db", help="database on the Odoo server (with --target URL)")
    parser.add_argument("--user", help="login on the Odoo server (with --target URL)")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds after which a step is killed (default 3600); a killed migrate stops the benchmark")
    parser.add_argument("--skip-verify", action="store_true", help="do not run novo2odoo verify")
    parser.add_argument("--json", dest="json_path", type=Path,
                        help="result file (default <work folder>/result.json)")
    return parser


def source_state() -> dict:
    """Return the git commit of the checkout and the files under src/ with uncommitted changes."""
    root = BENCH_DIR.parent

    def git(*arguments: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *arguments], capture_output=True, text=True, check=True)
        except (OSError, subprocess.CalledProcessError):
            return None
        return done.stdout.strip()

    # None in a field means that git failed, for example outside a checkout.
    changed = git("status", "--porcelain", "--", "src")
    uncommitted = None
    if changed is not None:
        uncommitted = changed.splitlines()
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_src": uncommitted}


def run_step(name: str, arguments: list[str], work_dir: Path, timeout: float) -> dict:
    """Run ``novo2odoo ARGUMENTS`` under the probe; return wall time, peak RSS and round trips."""
    stats_path = work_dir / f"{name}.stats.json"
    stats_path.unlink(missing_ok=True)
    command = [sys.executable, str(PROBE), str(stats_path), *arguments]
    with open(work_dir / f"{name}.stdout", "wb") as stdout, open(work_dir / f"{name}.stderr", "wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=work_dir)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        # os.wait4 returns the resource usage of this one child, so the peak RSS is its own.
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    step = {
        "command": ["novo2odoo", *arguments],
        "exit_code": process.returncode,
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "user_cpu_s": round(usage.ru_utime, 2),
        "system_cpu_s": round(usage.ru_stime, 2),
    }
    if stats_path.exists():
        probe = json.loads(stats_path.read_text(encoding="utf-8"))
        step.update(http_posts=probe["http_posts"], rpc_calls=probe["rpc_calls"],
                    calls_by_method=probe["calls_by_method"],
                    call_seconds_by_method=probe["call_seconds_by_method"])
    print(f"{name}: exit {step['exit_code']}, {step['seconds']} s, peak RSS {step['peak_rss_mib']} MiB, "
          f"{step.get('http_posts', '?')} HTTP POSTs", file=sys.stderr, flush=True)
    return step


def run_counts(journal_path: Path, run_id: int) -> dict:
    """Return the per-object counts and seconds that the journal stores for one run."""
    with sqlite3.connect(journal_path) as db:
        row = db.execute("SELECT stats FROM runs WHERE id = ?", (run_id,)).fetchone()
    stats = json.loads(row[0] or "{}") if row else {}
    counts = stats.get("counts", {})
    totals = {key: sum(value.get(key, 0) for value in counts.values())
              for key in ("created", "updated", "unchanged", "merged", "rejected", "warnings")}
    return {"by_object": counts, "totals": totals, "journal_seconds": stats.get("seconds")}


def count_csv_rows(path: Path) -> int:
    """Count the data rows of a CSV file. A quoted value may span several lines."""
    # latin-1 decodes any byte, and the row count depends only on quotes and line ends.
    with path.open(encoding="latin-1", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def last_run_id(journal_path: Path) -> int:
    with sqlite3.connect(journal_path) as db:
        return db.execute("SELECT max(id) FROM runs").fetchone()[0]


def markdown_row(result: dict) -> str:
    steps = result["steps"]
    migrate, rerun = steps["migrate"], steps.get("migrate_again", {})
    verify = steps.get("verify", {})
    written = result["records_written"]
    posts = migrate.get("http_posts")
    per_thousand = f"{posts / written * 1000:.1f}" if posts and written else "-"
    cells = (
        result["target_kind"], f"{result['work_orders']:,}", f"{result['export_rows']:,}",
        f"{steps['propose']['seconds']:.1f}", f"{migrate['seconds']:.1f}", f"{written:,}",
        f"{result['records_per_second']:.0f}", f"{migrate['peak_rss_mib']:.0f}", f"{posts:,}" if posts else "-",
        per_thousand, f"{rerun.get('seconds', 0):.1f}" if rerun else "-",
        f"{rerun.get('http_posts', 0):,}" if rerun else "-",
        f"{verify['seconds']:.1f}" if verify else "-", f"{verify['peak_rss_mib']:.0f}" if verify else "-",
        result.get("verify_result", "-"),
    )
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    is_sandbox = args.target is None
    if not is_sandbox and not (args.db and args.user):
        raise SystemExit("--target URL needs --db and --user")
    if not is_sandbox and not os.environ.get("NOVO2ODOO_PASSWORD"):
        raise SystemExit("set NOVO2ODOO_PASSWORD for the Odoo login")
    kind = "sandbox" if is_sandbox else "odoo"
    work_dir = (args.work_dir or Path("/tmp/novo2odoo-bench") / f"{kind}-{args.work_orders}").resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("target.sqlite", "journal.sqlite", "mapping.yaml"):
        (work_dir / stale).unlink(missing_ok=True)

    export_dir = (args.export or work_dir / "export").resolve()
    generate_seconds = None
    if args.export is None:
        started = time.perf_counter()
        stats = generate_export(export_dir, args.work_orders, seed=args.seed)
        generate_seconds = round(time.perf_counter() - started, 2)
        rows = stats.rows
        print(f"generated {export_dir} in {generate_seconds} s", file=sys.stderr, flush=True)
    else:
        rows = {path.stem: count_csv_rows(path) for path in export_dir.glob("*.csv")}

    target = args.target or f"sandbox:{work_dir / 'target.sqlite'}"
    target_args = ["--target", target]
    if not is_sandbox:
        target_args += ["--db", args.db, "--user", args.user]
    mapping = work_dir / "mapping.yaml"
    journal = work_dir / "journal.sqlite"

    source_before = source_state()
    steps: dict[str, dict] = {}
    steps["propose"] = run_step("propose", ["propose", str(export_dir), *target_args, "--create-missing-users",
                                            "-o", str(mapping)], work_dir, args.timeout)
    steps["confirm"] = run_step("confirm", ["confirm", str(mapping), "--by", "benchmark"], work_dir, args.timeout)
    migrate_args = ["migrate", str(export_dir), "--mapping", str(mapping), *target_args,
                    "--journal", str(journal)]
    steps["migrate"] = run_step("migrate", migrate_args, work_dir, args.timeout)
    if steps["migrate"]["exit_code"] != 0:
        raise SystemExit(f"migrate failed with exit code {steps['migrate']['exit_code']}; see {work_dir}/migrate.stderr")
    first_run = last_run_id(journal)
    steps["migrate_again"] = run_step("migrate_again", migrate_args, work_dir, args.timeout)
    second_run = last_run_id(journal)
    if not args.skip_verify:
        steps["verify"] = run_step("verify", ["verify", str(first_run), *target_args, "--journal", str(journal)],
                                   work_dir, args.timeout)

    source_after = source_state()
    if source_after != source_before:
        print(f"warning: the checkout changed during the benchmark: {source_before} -> {source_after}",
              file=sys.stderr)
    first = run_counts(journal, first_run)
    second = run_counts(journal, second_run)
    written = first["totals"]["created"] + first["totals"]["updated"] + first["totals"]["merged"]
    result = {
        "target_kind": kind,
        "target": target,
        "work_orders": args.work_orders,
        "seed": args.seed,
        "export": str(export_dir),
        "export_rows_by_file": rows,
        "export_rows": sum(rows.values()),
        "generate_seconds": generate_seconds,
        "python": platform.python_version(),
        "source_before": source_before,
        "source_after": source_after,
        "steps": steps,
        "first_run": first,
        "second_run": second,
        "records_written": written,
        "records_per_second": written / steps["migrate"]["seconds"] if steps["migrate"]["seconds"] else 0,
    }
    if "verify" in steps:
        verify_out = (work_dir / "verify.stdout").read_text(encoding="utf-8", errors="replace")
        summary = [line for line in verify_out.splitlines() if " matched, " in line]
        result["verify_summary"] = summary[-1] if summary else None
        result["verify_result"] = "ok" if steps["verify"]["exit_code"] == 0 else "differences"

    json_path = args.json_path or work_dir / "result.json"
    json_path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"result: {json_path}", file=sys.stderr)
    print("| " + " | ".join(TABLE_COLUMNS) + " |")
    print(markdown_row(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
