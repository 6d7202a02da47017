"""A per-file result cache on disk: safe under concurrent runs and corrupt entries.

Entries are pickles named by a hash of everything that determines them (content hash, path,
module name, tool version, options fingerprint): one per file for its phase-1 summary, and one
per scan for the whole result (keyed by every file's key, so any change misses it). Writes go to
a temporary file in the same directory and are renamed into place, so a reader sees either the
old entry, the new one or none; an entry that fails to load is treated as missing.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from huey_guard._version import __version__

_FORMAT = "1"


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


class Cache:
    def __init__(self, directory: Path | None, fingerprint: str) -> None:
        self.directory = directory
        self.salt = digest(_FORMAT, __version__, fingerprint)

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
