"""Parse `# expect: NS101` comments in fixture files into the set of expected (path, line, code)."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

# `# expect: NS101, NS102` or `# expect(+1): NS101` / `# expect(-2): NS105`.
_EXPECT = re.compile(r"#\s*expect(?:\((?P<offset>[+-]\d+)\))?\s*:\s*(?P<codes>.*)$")
_CODE = re.compile(r"NS\d{3}")


class ExpectationError(ValueError):
    """A malformed expectation comment; the fixture itself is wrong, so the test must say so."""


@dataclass(frozen=True, order=True)
class Expectation:
    path: str
    line: int
    code: str


def parse_source(source: str, path: str = "<fixture>") -> frozenset[Expectation]:
    """Expectations of one file. `tokenize` is used so a `#` inside a string is never read."""
    expected: set[Expectation] = set()
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        match = _EXPECT.match(tok.string)
        if match is None:
            if re.match(r"#\s*expect\b", tok.string):
                where = f"{path}:{tok.start[0]}"
                raise ExpectationError(f"{where}: malformed expectation {tok.string!r}")
            continue
        line = tok.start[0] + int(match.group("offset") or 0)
        items = [item.strip() for item in match.group("codes").split(",")]
        if not items or any(not _CODE.fullmatch(item) for item in items):
            raise ExpectationError(f"{path}:{tok.start[0]}: malformed codes in {tok.string!r}")
        expected.update(Expectation(path, line, code) for code in items)
    return frozenset(expected)


def parse_file(file: Path, relative_to: Path | None = None) -> frozenset[Expectation]:
    """Expectations of a fixture file, with paths relative to ``relative_to`` when given."""
    name = file.relative_to(relative_to).as_posix() if relative_to is not None else str(file)
    return parse_source(file.read_text(encoding="utf-8"), name)


def outside_scope_lines(source: str) -> frozenset[int]:
    """Lines marked ``# outside-scope``: a real bug the analyzer deliberately does not examine
    (not in a task module and not called by a task). No finding is expected there, and the
    accuracy benchmark leaves these lines out of every tool's score."""
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT and re.match(r"#\s*outside-scope\b", tok.string):
            lines.add(tok.start[0])
    return frozenset(lines)
