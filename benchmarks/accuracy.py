"""Precision, recall and F1 of huey-nullscan, mypy and pyright on the fixture corpus.

Usage: .venv/bin/python benchmarks/accuracy.py [--tools nullscan,mypy,pyright] [--details]

Ground truth is the NS1xx expectation comments in fixtures/nullscan/ (NS201 is a suggestion,
not a bug). Everything is compared per line: a tool "finds" a line when it reports a
None-related diagnostic that starts there. mypy runs with --check-untyped-defs, one process per
case so that multi-file cases resolve their own imports; pyright runs once with one execution
environment per multi-file case.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.analyzer.corpus import Case, cases, run_case  # noqa: E402
from tests.analyzer.expectations import outside_scope_lines  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
Line = tuple[str, int]  # (absolute path, 1-based line)

# mypy messages that mean "this value may be None and the operation fails on None".
MYPY_NONE = re.compile(
    r'Item "None" of|"None" (?:not callable|has no attribute|object is not iterable)'
    r"|Value of type .*None.* is not indexable|Unsupported target for indexed assignment .*None"
    r'|Unsupported (?:left |right )?operand types? for .*"None"|None.* not callable'
    r'|Argument 1 to "len" has incompatible type .*None'
    r'|Unsupported right operand type for in .*None|"None" has no attribute'
)
MYPY_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?:\d+:)? error: (?P<msg>.*?)(?:  \[[\w-]+\])?$"
)

PYRIGHT_OPTIONAL_RULES = frozenset(
    {
        "reportOptionalMemberAccess",
        "reportOptionalSubscript",
        "reportOptionalCall",
        "reportOptionalIterable",
        "reportOptionalOperand",
        "reportOptionalContextManager",
    }
)
# General rules count only when their message is about None.
PYRIGHT_GENERAL_RULES = frozenset(
    {
        "reportAttributeAccessIssue",
        "reportCallIssue",
        "reportOperatorIssue",
        "reportIndexIssue",
        "reportArgumentType",
        "reportGeneralTypeIssues",
    }
)


@dataclass(frozen=True)
class Score:
    tool: str
    found: frozenset[Line]
    expected: frozenset[Line]
    seconds: float

    @property
    def true_positives(self) -> int:
        return len(self.found & self.expected)

    @property
    def precision(self) -> float:
        return self.true_positives / len(self.found) if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / len(self.expected) if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def ignored_lines(corpus: Iterable[Case]) -> frozenset[Line]:
    """Lines no tool is scored on: real bugs outside the analyzer's scope."""
    return frozenset(
        (str(file.resolve()), line)
        for case in corpus
        for file in case.files()
        for line in outside_scope_lines(file.read_text(encoding="utf-8"))
    )


def expected_lines(corpus: Iterable[Case]) -> frozenset[Line]:
    found: set[Line] = set()
    for case in corpus:
        base = case.path if case.is_project else case.path.parent
        for e in case.expectations():
            if e.code.startswith("NS1"):
                found.add((str((base / e.path).resolve()), e.line))
    return frozenset(found)


def run_nullscan(corpus: list[Case]) -> frozenset[Line]:
    found: set[Line] = set()
    for case in corpus:
        base = case.path if case.is_project else case.path.parent
        for e in run_case(case):
            if e.code.startswith("NS1"):
                found.add((str((base / e.path).resolve()), e.line))
    return frozenset(found)


def _mypy_target(case: Case) -> tuple[Path, list[str]]:
    """Working directory and arguments so that the case's own imports resolve."""
    if not case.is_project:
        return case.path.parent, [case.path.name]
    if (case.path / "__init__.py").exists():
        return case.path.parent, [case.path.name]
    return case.path, [p.name for p in case.files()]


def run_mypy(corpus: list[Case]) -> frozenset[Line]:
    caches: dict[int, str] = {}
    tmp = tempfile.mkdtemp(prefix="nullscan-mypy-")

    def one(case: Case) -> set[Line]:
        cache = caches.setdefault(threading.get_ident(), f"{tmp}/{len(caches)}")
        cwd, targets = _mypy_target(case)
        cmd = [str(VENV_BIN / "mypy"), "--check-untyped-defs", "--ignore-missing-imports"]
        cmd += ["--no-error-summary", "--show-column-numbers", "--cache-dir", cache]
        cmd += ["--explicit-package-bases", "--namespace-packages", *targets]
        env = {**os.environ, "MYPYPATH": str(cwd)}
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env).stdout
        lines: set[Line] = set()
        for raw in out.splitlines():
            m = MYPY_LINE.match(raw)
            if m and MYPY_NONE.search(m.group("msg")):
                lines.add((str((cwd / m.group("path")).resolve()), int(m.group("line"))))
        return lines

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return frozenset(line for lines in pool.map(one, corpus) for line in lines)


def run_pyright(corpus: list[Case]) -> frozenset[Line]:
    with tempfile.TemporaryDirectory(prefix="nullscan-pyright-") as tmp:

        def rel(path: Path) -> str:  # pyright wants paths relative to its config file
            return os.path.relpath(path, tmp)

        environments = []
        for case in corpus:
            if case.is_project:
                is_package = (case.path / "__init__.py").exists()
                extra = [rel(case.path.parent)] if is_package else []
                environments.append({"root": rel(case.path), "extraPaths": extra})
        config = {
            "include": [rel(c.path) for c in corpus],
            "executionEnvironments": environments,
            "pythonVersion": "3.11",
            "typeCheckingMode": "standard",
            "venvPath": rel(ROOT),
            "venv": ".venv",
        }
        (Path(tmp) / "pyrightconfig.json").write_text(json.dumps(config))
        cmd = [str(VENV_BIN / "pyright"), "--outputjson", "-p", tmp]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp).stdout
    report = json.loads(out)
    found: set[Line] = set()
    for diag in report.get("generalDiagnostics", []):
        rule = diag.get("rule", "")
        about_none = rule in PYRIGHT_OPTIONAL_RULES or (
            rule in PYRIGHT_GENERAL_RULES and "None" in diag.get("message", "")
        )
        if diag.get("severity") == "error" and about_none:
            line = diag["range"]["start"]["line"] + 1
            found.add((str(Path(diag["file"]).resolve()), line))
    return frozenset(found)


TOOLS: dict[str, Callable[[list[Case]], frozenset[Line]]] = {
    "huey-nullscan": run_nullscan,
    "mypy": run_mypy,
    "pyright": run_pyright,
}


def measure(
    tool: str, corpus: list[Case], expected: frozenset[Line], ignored: frozenset[Line]
) -> Score | str:
    start = time.perf_counter()
    try:
        found = TOOLS[tool](corpus) - ignored
    except Exception as exc:  # a tool that cannot run is reported, not a crash of the table
        return f"{tool}: not available ({type(exc).__name__}: {exc})"
    return Score(tool, found, expected, time.perf_counter() - start)


def _rel(line: Line) -> str:
    return f"{Path(line[0]).relative_to(ROOT)}:{line[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated tool names")
    parser.add_argument("--details", action="store_true", help="list misses and false alarms")
    args = parser.parse_args(argv)
    # Suppression cases test the user's "ignore" comments, which only huey-nullscan reads.
    corpus = [c for c in cases() if c.family != "suppressions"]
    expected = expected_lines(corpus)
    ignored = ignored_lines(corpus)
    print(
        f"corpus: {len(corpus)} cases, {len(expected)} buggy lines (NS1xx expectations), "
        f"{len(ignored)} out-of-scope lines not scored\n"
    )
    print(f"{'tool':<15}{'precision':>10}{'recall':>8}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}{'s':>7}")
    for tool in args.tools.split(","):
        score = measure(tool.strip(), corpus, expected, ignored)
        if isinstance(score, str):
            print(score)
            continue
        fp, fn = score.found - expected, expected - score.found
        print(
            f"{score.tool:<15}{score.precision:>10.2f}{score.recall:>8.2f}{score.f1:>7.2f}"
            f"{score.true_positives:>5}{len(fp):>5}{len(fn):>5}{score.seconds:>7.1f}"
        )
        if args.details:
            for line in sorted(fp):
                print(f"    false alarm  {_rel(line)}")
            for line in sorted(fn):
                print(f"    missed       {_rel(line)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
