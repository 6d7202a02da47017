"""A per-file result cache on disk: safe under concurrent runs and corrupt entries.

Entries are pickles named by a hash of everything that determines them (content hash, path,
module name, tool version, options fingerprint, engine fingerprint): one per file for its
phase-1 summary, and one per scan for the whole result (keyed by every file's key, so any
change misses it). Writes go to a temporary file in the same directory and are renamed into
place, so a reader sees either the old entry, the new one or none; an entry that fails to
load is treated as missing.

The engine fingerprint hashes the analyzer's own source, so a development checkout or an
upgrade that forgot to bump the version never serves results computed by other code.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

from huey_guard._version import __version__

_FORMAT = "1"

_PACKAGE = Path(__file__).resolve().parent
# Modules the scan's results depend on besides this package's own: task/guard recognition.
_ALSO_ENGINE = (_PACKAGE.parent / "guards" / "recognise.py",)
# The CLI's modules: they act on results after the scan, so editing them keeps the cache.
_NOT_ENGINE = frozenset(
    {"baseline.py", "file_selection.py", "gitignore.py", "project_config.py", "suppressions.py"}
)


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def engine_files(package: Path = _PACKAGE) -> list[Path]:
    """The source files whose code determines a scan's findings, in a stable order."""
    own = [p for p in package.glob("*.py") if p.name not in _NOT_ENGINE]
    return sorted(own) + [p for p in _ALSO_ENGINE if package == _PACKAGE]


def fingerprint_files(files: list[Path]) -> str:
    """A hash over the names and bytes of ``files``; an unreadable one counts by its name."""
    parts: list[str | bytes] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            data = b"<unreadable>"
        parts += [path.name, data]
    return digest(*parts)


@cache  # the analyzer's source cannot change under a running process; ~1 ms once
def engine_fingerprint() -> str:
    return fingerprint_files(engine_files())


class Cache:
    def __init__(self, directory: Path | None, fingerprint: str, engine: str | None = None) -> None:
        self.directory = directory
        engine = engine_fingerprint() if engine is None else engine
        self.salt = digest(_FORMAT, __version__, engine, fingerprint)

    def key(self, *parts: str | bytes) -> str:
        return digest(self.salt, *parts)

    def _path(self, kind: str, key: str) -> Path:
        assert self.directory is not None
        return self.directory / kind / key[:2] / f"{key}.pickle"

    def load(self, kind: str, key: str) -> object | None:
        if self.directory is None:
            return None
        try:
            with open(self._path(kind, key), "rb") as fh:
                return pickle.load(fh)
        except Exception:  # missing, truncated, corrupt or from another version: recompute
            return None

    def store(self, kind: str, key: str, value: object) -> None:
        if self.directory is None:
            return
        target = self._path(kind, key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, target)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass  # a read-only or full cache directory must not fail the scan
