"""``--emit-guards FILE``: build the guard manifest from a scan and write it deterministically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from huey_guard.analyzer.model import ScanResult
from huey_guard.guards.build import build_manifest
from huey_guard.guards.manifest import Manifest


def emit_guards(result: ScanResult, path: Path | None = None) -> Manifest:
    """Build the manifest; when ``path`` is given, write it atomically (no half-written file
    for a consumer starting at the same moment)."""
    manifest = build_manifest(result)
    if path is not None:
        text = manifest.dumps()
        directory = path.parent if str(path.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=".guards-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    return manifest
