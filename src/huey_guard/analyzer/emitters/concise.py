"""``--format concise``: one line per finding, ``path:line:col: CODE message``."""

from __future__ import annotations

from typing import TextIO

from huey_guard.analyzer.emitters.report import Report


def emit(report: Report, out: TextIO, *, color: bool = False) -> None:
    for f in report.findings:
        out.write(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}\n")
