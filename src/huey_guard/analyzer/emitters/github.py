"""``--format github``: GitHub Actions workflow commands, which annotate the pull request diff.

Property values and messages are escaped as the runner expects (``%``, CR, LF, and in
properties also ``:`` and ``,``), otherwise a colon in a message would cut it short.
"""

from __future__ import annotations

from typing import TextIO

from huey_guard.analyzer.emitters.report import Report
from huey_guard.analyzer.model import Severity

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def emit(report: Report, out: TextIO, *, color: bool = False) -> None:
    for f in report.findings:
        props = ",".join(
            (
                f"file={_prop(f.path)}",
                f"line={f.line}",
                f"endLine={f.end_line}",
                f"col={f.column}",
                f"endColumn={f.end_column}",
                f"title={_prop(f.code)}",
            )
        )
        message = f.message
        if f.task:
            message += f" [task {f.task}]"
        out.write(f"::{_COMMAND[f.severity]} {props}::{_data(message)}\n")
