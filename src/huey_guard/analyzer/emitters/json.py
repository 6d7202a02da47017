"""``--format json``: the output contract other tools rely on (see docs/nullscan/output.md)."""

from __future__ import annotations

import json
from typing import TextIO

from huey_guard.analyzer.emitters.report import Report


def document(report: Report) -> dict[str, object]:
    return {
        "version": report.version,
        "findings": [f.to_json() for f in report.findings],
        "summary": report.summary.to_json(),
    }


def emit(report: Report, out: TextIO, *, color: bool = False) -> None:
    out.write(json.dumps(document(report), indent=2) + "\n")
