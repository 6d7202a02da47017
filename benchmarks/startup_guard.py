"""Start-up cost of the guards: 50 task modules, warm analyzer cache, scan + instrumentation.

    .venv/bin/python benchmarks/startup_guard.py [--modules 50] [--runs 5]

Prints the median milliseconds that install() plus the consumer start-up scan add; the target
is under 150 ms with a warm cache.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

MODULE = """\
from huey import MemoryHuey
from bench_app.queue import huey

SETTINGS = {{}}


@huey.task()
def fetch_{i}(key, fallback: str = "x") -> str:
    value = SETTINGS.get(key)
    return value.strip() + fallback


@huey.task()
def count_{i}(items: list) -> int:
    return len([item for item in items if item])


@huey.task()
def label_{i}(order_id: int) -> str:
    found = SETTINGS.get(order_id)
    if found is None:
        return "missing"
    return found.upper()
"""


def build_tree(root: Path, modules: int) -> list[str]:
    package = root / "bench_app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "queue.py").write_text("from huey import MemoryHuey\nhuey = MemoryHuey('bench')\n")
    names = []
    for i in range(modules):
        (package / f"tasks_{i}.py").write_text(MODULE.format(i=i))
        names.append(f"bench_app.tasks_{i}")
    return names


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from huey import MemoryHuey

    from huey_guard import install, uninstall
    from huey_guard.guards.startup import run_startup_scan

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["HUEY_GUARD_CACHE_DIR"] = str(root / "cache")
        sys.path.insert(0, tmp)
        names = build_tree(root, args.modules)
        queue = importlib.import_module("bench_app.queue")
        for name in names:
            importlib.import_module(name)
        huey: MemoryHuey = queue.huey
        tasks = len(huey._registry._registry)
        # Cold run: fills the analyzer cache.
        started = time.perf_counter()
        run_startup_scan(install(huey))
        cold = time.perf_counter() - started
        uninstall(huey)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            runtime = install(huey)
            report = run_startup_scan(runtime)
            timings.append(time.perf_counter() - started)
            uninstall(huey)
        assert report is not None and report.files, "the scan analysed nothing"
    warm = statistics.median(timings) * 1000
    print(f"{args.modules} task modules, {tasks} tasks")
    print(f"cold scan + install: {cold * 1000:.1f} ms")
    print(f"warm scan + install (median of {args.runs}): {warm:.1f} ms  (target < 150 ms)")
    return 0 if warm < 150 else 1


if __name__ == "__main__":
    sys.exit(main())
