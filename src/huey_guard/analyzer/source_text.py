"""Lazy, cached source text of scanned files, for code frames, suppressions and fingerprints.

The engine already read every file once; the CLI needs the text again only for files that have
findings or suppression comments, so it is read on demand and at most once per run.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Iterable, Iterator, Mapping


def decode_source(data: bytes) -> str:
    """Decode Python source the way the interpreter does (PEP 263 cookie, BOM, else UTF-8)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding, errors="replace")


class SourceTexts(Mapping[str, str]):
    """A read-only mapping path -> text that reads each file the first time it is asked for.

    Unreadable files map to "" rather than raising: the engine reports them (NS002), and an
    emitter drawing a code frame must not be the thing that crashes the run.
    """

    def __init__(self, preset: Mapping[str, str] | None = None, paths: Iterable[str] = ()) -> None:
        self._texts: dict[str, str] = dict(preset or {})
        # Paths iteration should cover even before they are read (suppression scanning).
        self._known: dict[str, None] = dict.fromkeys(paths)
        self._lines: dict[str, list[str]] = {}

    def __getitem__(self, path: str) -> str:
        text = self._texts.get(path)
        if text is None:
            try:
                with open(path, "rb") as handle:
                    text = decode_source(handle.read())
            except (OSError, SyntaxError, LookupError):
                text = ""
            self._texts[path] = text
        return text

    def __iter__(self) -> Iterator[str]:
        return iter({**self._known, **dict.fromkeys(self._texts)})

    def __len__(self) -> int:
        return len({**self._known, **dict.fromkeys(self._texts)})

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str)

    def line(self, path: str, line: int) -> str:
        """Line ``line`` (1-based) of ``path`` without its newline; "" when out of range."""
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = self[path].splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""


def line_at(texts: Mapping[str, str], path: str, line: int) -> str:
    """Line ``line`` (1-based) of ``path`` from any path -> text mapping; "" if absent."""
    if isinstance(texts, SourceTexts):
        return texts.line(path, line)
    lines = (texts.get(path, "") or "").splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""
