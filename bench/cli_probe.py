"""Run one novo2odoo CLI command in this process and count its HTTP RPC round trips.

Usage::

    python bench/cli_probe.py STATS_JSON novo2odoo-arguments...

The probe wraps ``httpx.Client.post`` (every transport of novo2odoo sends each RPC as one POST)
and ``OdooClient.call`` (one model method call), then runs ``novo2odoo.cli.main`` with the
remaining arguments. On exit it writes STATS_JSON with the POST count per URL path, the call
count per ``model.method`` with the wall time spent in it, and this process's peak RSS from
``getrusage(RUSAGE_SELF)``. It changes nothing that novo2odoo sends. With a ``sandbox:`` target the sandbox server runs in this process
too, so its requests are counted once (on the client side) and its memory is part of the RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from novo2odoo.odoo.client import OdooClient


def install_counters(posts: Counter, calls: Counter, seconds: Counter) -> None:
    """Wrap ``httpx.Client.post`` and ``OdooClient.call`` to count calls and time each model method."""
    original_post = httpx.Client.post
    original_call = OdooClient.call

    def counting_post(self, url, *args, **kwargs):
        posts[urlsplit(str(url)).path] += 1
        return original_post(self, url, *args, **kwargs)

    def counting_call(self, model, method, **kwargs):
        key = f"{model}.{method}"
        calls[key] += 1
        started = time.perf_counter()
        try:
            return original_call(self, model, method, **kwargs)
        finally:
            seconds[key] += time.perf_counter() - started

    httpx.Client.post = counting_post
    OdooClient.call = counting_call


def write_stats(path: Path, posts: Counter, calls: Counter, seconds: Counter, started: float,
                exit_code: object) -> None:
    # ru_maxrss is in kilobytes on Linux.
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    path.write_text(json.dumps({
        "http_posts": sum(posts.values()),
        "posts_by_path": dict(posts.most_common()),
        "rpc_calls": sum(calls.values()),
        "calls_by_method": dict(calls.most_common()),
        "call_seconds_by_method": {key: round(value, 3) for key, value in seconds.most_common()},
        "peak_rss_kib": peak_kib,
        "seconds_in_process": round(time.perf_counter() - started, 3),
        "exit_code": exit_code,
    }, indent=2), encoding="utf-8")


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit("usage: python bench/cli_probe.py STATS_JSON novo2odoo-arguments...")
    stats_path = Path(sys.argv[1])
    posts: Counter = Counter()
    calls: Counter = Counter()
    seconds: Counter = Counter()
    install_counters(posts, calls, seconds)

    from novo2odoo.cli import main as cli_main

    sys.argv = ["novo2odoo", *sys.argv[2:]]
    started = time.perf_counter()
    exit_code: object = 0
    try:
        cli_main()
    except SystemExit as exc:
        exit_code = exc.code
        raise
    finally:
        write_stats(stats_path, posts, calls, seconds, started, exit_code)


if __name__ == "__main__":
    main()
