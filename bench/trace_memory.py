"""Show which Python allocations grow during ``novo2odoo migrate``, with tracemalloc.

Usage::

    python bench/trace_memory.py OUT_TXT novo2odoo migrate EXPORT --mapping M --target T --journal J

The command runs in this process with tracemalloc on. A snapshot is taken when the prepare step
returns, before each object is loaded, and when the load ends (while the migration's structures
are still alive). OUT_TXT gets the traced size at each point and the 25 source lines whose live
allocations grew most between the first and the last snapshot, split into the client code
(novo2odoo outside the sandbox package) and everything else. With a ``sandbox:`` target the
sandbox server runs in this process too, so its allocations appear in the second list.
tracemalloc slows Python code down several times, so the timings of this run mean nothing.
"""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

FRAMES = 8
TOP = 25


def is_client_frame(filename: str) -> bool:
    return "novo2odoo" in filename and "/sandbox/" not in filename


def top_growth(old: tracemalloc.Snapshot, new: tracemalloc.Snapshot, client: bool) -> list[str]:
    """Return the source lines whose live allocations grew most.

    With ``client`` an allocation counts for the innermost novo2odoo client frame on its stack.
    Otherwise only allocations with no client frame on their stack count, at their own line.
    """
    stats = new.compare_to(old, "traceback")
    by_line: dict[str, list[int]] = {}
    for stat in stats:
        # tracemalloc orders frames from the oldest call to the allocation itself.
        frames = list(reversed(stat.traceback))
        client_frame = next((f for f in frames if is_client_frame(f.filename)), None)
        if client:
            frame = client_frame
        elif client_frame is None:
            frame = frames[0]
        else:
            frame = None
        if frame is None:
            continue
        key = f"{frame.filename}:{frame.lineno}"
        total = by_line.setdefault(key, [0, 0])
        total[0] += stat.size_diff
        total[1] += stat.count_diff
    ranked = sorted(by_line.items(), key=lambda item: item[1][0], reverse=True)[:TOP]
    return [f"{size / 1024:10.1f} KiB {count:+9d} blocks  {line}" for line, (size, count) in ranked]


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit("usage: python bench/trace_memory.py OUT_TXT novo2odoo migrate ...")
    out_path = Path(sys.argv[1])
    arguments = sys.argv[3:]

    from novo2odoo.load import migrate as migrate_module
    from novo2odoo.load import prepare as prepare_module
    from novo2odoo.source.vocabulary import LOAD_ORDER

    snapshots: list[tuple[str, tracemalloc.Snapshot, int]] = []

    def take(label: str) -> None:
        current, _peak = tracemalloc.get_traced_memory()
        # Leave out the memory of earlier snapshots and of this script.
        snapshot = tracemalloc.take_snapshot().filter_traces([
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, __file__),
        ])
        snapshots.append((label, snapshot, current))

    original_prepare = prepare_module.prepare
    original_run = migrate_module.Migration.run

    def traced_prepare(*args, **kwargs):
        result = original_prepare(*args, **kwargs)
        take("after prepare")
        return result

    def traced_run(self):
        for obj in LOAD_ORDER:
            name = f"load_{obj}"
            if hasattr(self, name):
                loader = getattr(self, name)

                def traced_loader(source, spec, _loader=loader, _name=name):
                    take(f"before {_name}")
                    return _loader(source, spec)

                setattr(self, name, traced_loader)
        result = original_run(self)
        take("end of load")
        return result

    prepare_module.prepare = traced_prepare
    migrate_module.Migration.run = traced_run

    from novo2odoo.cli import main as cli_main

    sys.argv = ["novo2odoo", *arguments]
    tracemalloc.start(FRAMES)
    try:
        cli_main()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        lines = [f"tracemalloc peak: {peak / 1024 / 1024:.1f} MiB", "traced memory at each point:"]
        lines += [f"  {size / 1024 / 1024:8.1f} MiB  {label}" for label, _snap, size in snapshots]
        if len(snapshots) >= 2:
            first, last = snapshots[0][1], snapshots[-1][1]
            lines.append(f"\ngrowth from '{snapshots[0][0]}' to '{snapshots[-1][0]}', novo2odoo client code:")
            lines += top_growth(first, last, client=True)
            lines.append("\nsame, attributed to other code (sandbox server, libraries):")
            lines += top_growth(first, last, client=False)
        out_path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
