"""Output formats for huey-nullscan, one module per format, chosen by ``--format``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from huey_guard.analyzer.emitters import concise, github, json, sarif, text
from huey_guard.analyzer.emitters.report import Report, Summary

Emitter = Callable[..., None]

# name -> emit(report, out, *, color=...); the text emitter also takes quiet=.
FORMATS: dict[str, Emitter] = {
    "text": text.emit,
    "concise": concise.emit,
    "json": json.emit,
    "sarif": sarif.emit,
    "github": github.emit,
}

# Formats read by machines: nothing else may go to stdout with them.
MACHINE_FORMATS = frozenset({"json", "sarif", "github"})


def emit(
    fmt: str, report: Report, out: TextIO, *, color: bool = False, quiet: bool = False
) -> None:
    if fmt == "text":
        text.emit(report, out, color=color, quiet=quiet)
    else:
        FORMATS[fmt](report, out, color=color)


__all__ = ["FORMATS", "MACHINE_FORMATS", "Report", "Summary", "emit"]
