"""Reading and parsing one file; every failure becomes an NS0xx/NS9xx finding, never a raise."""

from __future__ import annotations

import ast
import io
import logging
import os
import stat
import tokenize
from dataclasses import dataclass

from huey_guard.analyzer.model import CODES, Finding

log = logging.getLogger("huey_guard.analyzer")

_PY2_HINTS = ("print ", "exec ", "except ", "raise ", "ur'", 'ur"', "0777", "<>")


@dataclass(frozen=True)
class Parsed:
    tree: ast.Module | None
    lines: int
    problem: Finding | None


def problem(path: str, code: str, message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding(path, line, column, line, column, code, message, CODES[code].severity)


def read_bytes(real: str, display: str) -> bytes | Finding:
    """The file's bytes, or an NS002 finding saying why it cannot be read."""
    try:
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode):
            return problem(display, "NS002", f"{display} is not a regular file")
        with open(real, "rb") as fh:
            return fh.read()
    except OSError as exc:
        return problem(display, "NS002", f"{display} cannot be read: {exc.strerror or exc}")


def decode(data: bytes, display: str) -> str | Finding:
    if b"\x00" in data:
        return problem(
            display,
            "NS002",
            f"{display} looks like a binary file (it contains NUL bytes), not Python source",
        )
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        return problem(display, "NS002", f"{display} cannot be decoded: {reason}", line)


def parse(source: str, display: str) -> Parsed:
    lines = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    try:
        return Parsed(ast.parse(source, filename=display), lines, None)
    except SyntaxError as exc:
        line = exc.lineno or 1
        text = (exc.text or "").strip()
        reason = exc.msg
        if any(text.startswith(h) or f" {h}" in text for h in _PY2_HINTS) or "print" in reason:
            reason += " (this looks like Python 2 code; huey-nullscan reads Python 3 only)"
        return Parsed(
            None,
            lines,
            problem(
                display,
                "NS001",
                f"{display}:{line}: cannot parse: {reason}",
                line,
                max(exc.offset or 1, 1),
            ),
        )
    except (RecursionError, MemoryError) as exc:
        log.debug("parse of %s failed", display, exc_info=True)
        return Parsed(
            None,
            lines,
            problem(
                display,
                "NS001",
                f"{display}: cannot parse: nesting too deep for the Python parser "
                f"({type(exc).__name__})",
            ),
        )
    except ValueError as exc:  # e.g. source with NUL bytes after decoding
        return Parsed(None, lines, problem(display, "NS001", f"{display}: cannot parse: {exc}"))
