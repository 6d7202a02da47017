"""Time huey-nullscan against pyright and mypy (--check-untyped-defs) on the same trees.

Trees: a generated tree of >= 100k lines of task modules (benchmarks/gen_tree.py) and a real
installed package (huey by default). For each tree it prints wall time and lines/second for
huey-nullscan cold (empty cache), warm (unchanged tree, cache filled), pyright and mypy (each
with a fresh cache), the ratios, and the single-file (pre-commit) time including interpreter
start. huey-nullscan runs through its CLI when it is installed, else through the Python API.

    python benchmarks/speed_nullscan.py [--lines 100000] [--package huey] [--skip-mypy]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def _count_lines(root: Path) -> int:
    total = 0
    for path in root.rglob("*.py"):
        with open(path, "rb") as fh:
            total += sum(1 for _ in fh)
    return total


def _timed(cmd: Sequence[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # 1 = findings / type errors: a normal outcome
        print(f"  ! {cmd[0]} exited {proc.returncode}: {proc.stderr.strip()[:300]}")
    return elapsed


def nullscan_cmd(paths: Sequence[str], cache: Path | None) -> list[str]:
    cli = BIN / "huey-nullscan"
    if cli.exists():
        cache_args = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
        return [str(cli), "--format", "json", "-q", *cache_args, *paths]
    code = (
        "import sys; from pathlib import Path; "
        "from huey_guard.analyzer import scan, ScanOptions; "
        f"c = {str(cache)!r} if {cache is not None} else None; "
        "r = scan(sys.argv[1:], ScanOptions(cache_dir=Path(c) if c else None)); "
        "print(len(r.findings))"
    )
    return [sys.executable, "-c", code, *paths]


def bench_tree(label: str, root: Path, skip_mypy: bool) -> None:
    lines = _count_lines(root)
    print(f"\n== {label}: {root} ({lines:,} lines)")
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "nullscan-cache"
        results["huey-nullscan cold"] = _timed(nullscan_cmd([str(root)], cache))
        results["huey-nullscan warm"] = _timed(nullscan_cmd([str(root)], cache))
        results["huey-nullscan no-cache"] = _timed(nullscan_cmd([str(root)], None))
        if shutil.which("pyright") or (BIN / "pyright").exists():
            pyright = str(BIN / "pyright") if (BIN / "pyright").exists() else "pyright"
            results["pyright"] = _timed([pyright, str(root)])
        if not skip_mypy:
            packages = [p.name for p in root.iterdir() if (p / "__init__.py").exists()]
            targets = [a for name in packages for a in ("-p", name)] or [str(root)]
            results["mypy --check-untyped-defs"] = _timed(
                [
                    str(BIN / "mypy"),
                    "--check-untyped-defs",
                    "--ignore-missing-imports",
                    "--cache-dir",
                    str(Path(tmp) / "mypy-cache"),
                    "--no-error-summary",
                    *targets,
                ],
                cwd=root,
            )
    for name, seconds in results.items():
        print(f"  {name:<28} {seconds:7.2f} s  {lines / seconds:>12,.0f} lines/s")
    cold = results["huey-nullscan cold"]
    for other in ("pyright", "mypy --check-untyped-defs"):
        if other in results:
            print(f"  cold ratio vs {other:<26} {results[other] / cold:6.1f}x faster")


def bench_single_file(path: Path) -> None:
    runs = [_timed(nullscan_cmd([str(path)], None)) for _ in range(5)]
    print(f"\n== single file (pre-commit case): {path}")
    print(
        f"  best of 5 incl. interpreter start: {min(runs) * 1000:.0f} ms "
        f"(median {sorted(runs)[2] * 1000:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--package", default="huey", help="installed package to scan")
    parser.add_argument("--tree", type=Path, help="reuse a generated tree")
    parser.add_argument("--skip-mypy", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from gen_tree import generate

    tree = args.tree or Path(tempfile.mkdtemp(prefix="nullscan-bench-"))
    if args.tree is None or not tree.exists():
        generate(tree, args.lines)
    bench_tree("generated task modules", tree, args.skip_mypy)
    spec = importlib.util.find_spec(args.package)
    if spec is not None and spec.submodule_search_locations:
        # A copy outside site-packages: every tool then treats it as project code.
        source = Path(next(iter(spec.submodule_search_locations)))
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(
                source, Path(tmp) / args.package, ignore=shutil.ignore_patterns("__pycache__")
            )
            bench_tree(f"installed package {args.package} (copied)", Path(tmp), args.skip_mypy)
    first_task = sorted(tree.rglob("tasks_*.py"))[0]
    bench_single_file(first_task)
    if args.tree is None:
        shutil.rmtree(tree, ignore_errors=True)


if __name__ == "__main__":
    main()
