"""The fixture corpus under fixtures/nullscan/: its cases, and how to run the analyzer on one."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .expectations import Expectation, parse_file

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "fixtures" / "nullscan"
BUG_PREFIX = "NS1"


@dataclass(frozen=True)
class Case:
    """One test case: a single module, or a directory scanned as one project."""

    path: Path  # a .py file or a directory, inside a family directory

    @property
    def id(self) -> str:
        return self.path.relative_to(CORPUS).as_posix()

    @property
    def family(self) -> str:
        return self.path.relative_to(CORPUS).parts[0]

    @property
    def is_project(self) -> bool:
        return self.path.is_dir()

    def files(self) -> list[Path]:
        if not self.is_project:
            return [self.path]
        return sorted(p for p in self.path.rglob("*.py") if "__pycache__" not in p.parts)

    def expectations(self) -> frozenset[Expectation]:
        base = self.path if self.is_project else self.path.parent
        found: set[Expectation] = set()
        for file in self.files():
            found |= parse_file(file, relative_to=base)
        return frozenset(found)

    def is_silent_on_bugs(self) -> bool:
        """True for correct code: no NS1xx expectation (NS2xx suggestions may remain)."""
        return not any(e.code.startswith(BUG_PREFIX) for e in self.expectations())


def cases(corpus: Path = CORPUS) -> list[Case]:
    """Every case: each .py file and each directory directly inside a family directory."""
    found: list[Case] = []
    for family in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for entry in sorted(family.iterdir()):
            if entry.name.startswith((".", "_")):
                continue
            if entry.suffix == ".py" or entry.is_dir():
                found.append(Case(entry))
    return found


def suppressions_module():  # -> module | None
    """The user-suppression filter, when the CLI side has built it."""
    try:
        return importlib.import_module("huey_guard.analyzer.suppressions")
    except ImportError:
        return None


def run_case(case: Case, findings_of: Iterable | None = None) -> dict[Expectation, str]:
    """Run the analyzer on ``case``; map each (path, line, code) found to its message."""
    from huey_guard.analyzer import ScanOptions, analyze_source, scan

    options = ScanOptions(jobs=1, cache_dir=None)
    base = case.path if case.is_project else case.path.parent
    if case.is_project:
        findings = scan([str(case.path)], options).findings
    else:
        source = case.path.read_text(encoding="utf-8")
        findings = analyze_source(source, str(case.path), options).findings
    module = suppressions_module()
    if module is not None:
        texts = {f.path: Path(f.path).read_text(encoding="utf-8") for f in findings}
        findings, _unused = module.apply(findings, texts)
    found: dict[Expectation, str] = {}
    for f in findings:
        rel = Path(f.path).resolve().relative_to(base.resolve()).as_posix()
        found[Expectation(rel, f.line, f.code)] = f.message
    return found
