"""Inline suppressions: ``# nullscan: ignore[NS101, NS102]`` or a bare ``# nullscan: ignore``.

Comments are found with :mod:`tokenize`, so the marker inside a string literal never counts.
A suppression applies to findings that start on its line. Codes may be prefixes (``NS1``) the
same way ``--select`` takes them.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from huey_guard.analyzer.model import Finding, Severity

UNUSED_CODE = "NS003"

# "nullscan: ignore" optionally followed by "[CODE, CODE]"; case-insensitive like noqa.
_MARKER = re.compile(
    r"#\s*nullscan\s*:\s*ignore(?:\[(?P<codes>[^\]]*)\])?(?![\w\[])", re.IGNORECASE
)
_CODE = re.compile(r"^NS\d{0,3}$")


@dataclass(frozen=True)
class Suppression:
    """One suppression comment. ``codes`` empty means "every code on this line"."""

    path: str
    line: int
    column: int
    codes: tuple[str, ...] = ()

    def covers(self, code: str) -> bool:
        return not self.codes or any(code.startswith(prefix) for prefix in self.codes)

    def label(self) -> str:
        return "# nullscan: ignore" + (f"[{', '.join(self.codes)}]" if self.codes else "")


def parse(path: str, text: str) -> tuple[Suppression, ...]:
    """Every suppression comment in ``text``; a file that does not tokenize has none."""
    if "nullscan" not in text.lower():
        return ()  # the cheap pre-filter: most files have no marker at all
    found: list[Suppression] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _MARKER.search(token.string)
            if match is None:
                continue
            raw = match.group("codes")
            codes = tuple(c.strip().upper() for c in raw.split(",") if c.strip()) if raw else ()
            found.append(
                Suppression(path, token.start[0], token.start[1] + match.start() + 1, codes)
            )
    except (tokenize.TokenError, SyntaxError):
        return tuple(found)
    return tuple(found)


def invalid_codes(suppression: Suppression) -> tuple[str, ...]:
    """Codes in the comment that are not codes at all (a typo such as ``NSI01``)."""
    return tuple(code for code in suppression.codes if not _CODE.match(code))


def apply(
    findings: Iterable[Finding], source_text_by_path: Mapping[str, str]
) -> tuple[tuple[Finding, ...], tuple[Suppression, ...]]:
    """Drop suppressed findings. Returns (kept findings, suppressions that suppressed nothing).

    Only files present in ``source_text_by_path`` are examined for comments; a lazy mapping
    (see :class:`~huey_guard.analyzer.source_text.SourceTexts`) reads them on demand.
    """
    findings = tuple(findings)
    by_path: dict[str, dict[int, list[Suppression]]] = {}
    paths = {f.path for f in findings} | set(source_text_by_path)
    for path in sorted(paths):
        for suppression in parse(path, source_text_by_path.get(path, "") or ""):
            by_path.setdefault(path, {}).setdefault(suppression.line, []).append(suppression)
    used: set[Suppression] = set()
    kept: list[Finding] = []
    for finding in findings:
        match = next(
            (
                s
                for s in by_path.get(finding.path, {}).get(finding.line, ())
                if s.covers(finding.code)
            ),
            None,
        )
        if match is None:
            kept.append(finding)
        else:
            used.add(match)
    unused = tuple(
        s for lines in by_path.values() for sups in lines.values() for s in sups if s not in used
    )
    return tuple(kept), tuple(sorted(unused, key=lambda s: (s.path, s.line, s.column)))


def unused_findings(unused: Iterable[Suppression]) -> tuple[Finding, ...]:
    """NS003 findings for ``--warn-unused-ignores``, one per comment that suppressed nothing."""
    return tuple(
        Finding(
            path=s.path,
            line=s.line,
            column=s.column,
            end_line=s.line,
            end_column=s.column + len(s.label()),
            code=UNUSED_CODE,
            message=f"unused suppression `{s.label()}`: no finding"
            + (f" with code {', '.join(s.codes)}" if s.codes else "")
            + " starts on this line",
            severity=Severity.WARNING,
            subject=s.label(),
        )
        for s in unused
    )
