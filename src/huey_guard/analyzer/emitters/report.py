"""What every emitter receives: the findings to show, the scan summary and the source texts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from huey_guard._version import __version__
from huey_guard.analyzer.model import Finding


@dataclass(frozen=True)
class Summary:
    """The ``summary`` object of the JSON contract."""

    files: int
    task_modules: int
    tasks: int
    findings: int
    seconds: float

    def to_json(self) -> dict[str, object]:
        return {
            "files": self.files,
            "task_modules": self.task_modules,
            "tasks": self.tasks,
            "findings": self.findings,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Report:
    """The findings left after filtering, suppressions and the baseline, ready to print.

    ``root`` is the directory SARIF URIs and fingerprints are made relative to (the project
    root); ``texts`` maps a finding's path to its source text, read lazily.
    """

    findings: tuple[Finding, ...]
    summary: Summary
    texts: Mapping[str, str] = field(default_factory=dict, compare=False)
    root: Path = field(default_factory=Path.cwd)
    version: str = __version__
    suppressed: int = 0
    baselined: int = 0

    def counts_by_code(self) -> list[tuple[str, int]]:
        """(code, count) pairs, most frequent first, then by code."""
        counts = Counter(f.code for f in self.findings)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
