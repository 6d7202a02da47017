"""Gitignore-style pattern matching, for ``.gitignore`` files and the include/exclude settings.

Implements the pattern rules of gitignore(5) that matter for selecting source files: comments,
escaped ``#``/``!``, trailing-space trimming, ``!`` negation, directory-only patterns (trailing
``/``), anchoring (a ``/`` at the start or in the middle), ``*``, ``?``, ``[...]`` classes and
``**`` in its three positions. The last matching pattern wins, and deeper ``.gitignore`` files
override shallower ones. Written here rather than taking a dependency for ~100 lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern; ``base`` is the directory (posix, relative) it is relative to."""

    regex: re.Pattern[str]
    negated: bool
    dir_only: bool
    base: str
    text: str

    def matches(self, relpath: str, is_dir: bool) -> bool:
        """Whether this pattern matches ``relpath`` (posix, relative to the scan root)."""
        if self.dir_only and not is_dir:
            return False
        if self.base:
            if not relpath.startswith(self.base + "/"):
                return False
            relpath = relpath[len(self.base) + 1 :]
        return self.regex.fullmatch(relpath) is not None


def _translate_glob(glob: str) -> str:
    """Regex for a gitignore glob (no ``**`` handling here; see :func:`compile_pattern`)."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        ch = glob[i]
        if ch == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = glob.find("]", i + 2 if glob[i + 1 : i + 2] in ("!", "^", "]") else i + 1)
            if end == -1:
                out.append(re.escape(ch))
            else:
                body = glob[i + 1 : end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def compile_pattern(line: str, base: str = "") -> Pattern | None:
    """Compile one gitignore line; None for blank lines and comments."""
    text = line.rstrip("\n").rstrip("\r")
    # Trailing spaces are ignored unless escaped with a backslash.
    stripped = text.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(text):
        stripped += " "
    text = stripped
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated or text.startswith(("\\#", "\\!")):
        text = text[1:]
    dir_only = text.endswith("/")
    text = text.rstrip("/")
    if not text:
        return None
    anchored = "/" in text
    text = text.lstrip("/")
    parts = text.split("/")
    regex = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            # Leading "**/" and middle "/**/" match zero or more directories; a trailing
            # "/**" matches everything inside.
            regex += ".*" if last else "(?:.*/)?"
        else:
            regex += _translate_glob(part) + ("" if last else "/")
    if not anchored:
        regex = "(?:.*/)?" + regex
    return Pattern(re.compile(regex), negated, dir_only, base, line.strip())


def compile_patterns(lines: Iterable[str], base: str = "") -> tuple[Pattern, ...]:
    return tuple(p for p in (compile_pattern(line, base) for line in lines) if p is not None)


def last_match(patterns: Sequence[Pattern], relpath: str, is_dir: bool) -> Pattern | None:
    """The last pattern matching ``relpath`` itself (its directories are not consulted)."""
    for pattern in reversed(patterns):
        if pattern.matches(relpath, is_dir):
            return pattern
    return None


def is_ignored(patterns: Sequence[Pattern], relpath: str, is_dir: bool) -> bool:
    """Whether ``relpath`` is ignored, as git decides it.

    A path inside an ignored directory is ignored whatever later patterns say, because git
    never looks inside an excluded directory (gitignore(5): "It is not possible to re-include
    a file if a parent directory of that file is excluded").
    """
    parts = relpath.split("/")
    for depth in range(1, len(parts)):
        match = last_match(patterns, "/".join(parts[:depth]), True)
        if match is not None and not match.negated:
            return True
    match = last_match(patterns, relpath, is_dir)
    return match is not None and not match.negated


def read_ignore_file(path: Path, base: str) -> tuple[Pattern, ...]:
    """Patterns of one ignore file (``.gitignore``, ``.git/info/exclude``); () if unreadable."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    return compile_patterns(text.splitlines(), base)
