"""Finding the .py files to scan, and the dotted module name huey will see for each."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from huey_guard.analyzer.errors import UsageError

_SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "node_modules",
        ".eggs",
        "site-packages-cache",
    }
)


@dataclass(frozen=True)
class SourceFile:
    display: str  # as given on the command line joined with the path below it
    real: str  # path to open
    module: str  # dotted module name
    is_package: bool  # an __init__.py


def module_name(real: str) -> tuple[str, bool]:
    """Dotted name from the nearest directory that is not a package (no __init__.py)."""
    path = os.path.abspath(real)
    directory, filename = os.path.split(path)
    stem = filename[:-3] if filename.endswith(".py") else filename
    is_package = stem == "__init__"
    parts = [] if is_package else [stem]
    for _ in range(64):
        if not os.path.isfile(os.path.join(directory, "__init__.py")):
            break
        parent, name = os.path.split(directory)
        parts.insert(0, name)
        if parent == directory:
            break
        directory = parent
    return ".".join(parts) or stem, is_package


def _excluded(rel: str, patterns: Sequence[str]) -> bool:
    parts = rel.split("/")
    return any(
        fnmatch.fnmatch(rel, p) or any(fnmatch.fnmatch(part, p) for part in parts) for p in patterns
    )


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> list[SourceFile]:
    """Every file to scan, in a stable order. A path that does not exist is a usage error."""
    out: list[SourceFile] = []
    seen: set[str] = set()
    for given in paths:
        if not os.path.lexists(given):
            raise UsageError(f"{given}: no such file or directory")
        if not os.path.isdir(given):
            candidates: Iterator[tuple[str, str]] = iter([(given, given)])
        else:
            candidates = _walk(given, exclude)
        for display, real in candidates:
            key = os.path.abspath(real)
            if key in seen:
                continue
            seen.add(key)
            module, is_package = module_name(real)
            out.append(SourceFile(display, real, module, is_package))
    return out


def _walk(root: str, exclude: Sequence[str]) -> Iterator[tuple[str, str]]:
    visited: set[tuple[int, int]] = set()
    for directory, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            info = os.stat(directory)
        except OSError:
            dirnames[:] = []
            continue
        ident = (info.st_dev, info.st_ino)
        if ident in visited:  # a symlink loop (or a second link to the same tree)
            dirnames[:] = []
            continue
        visited.add(ident)
        rel_dir = os.path.relpath(directory, root)
        kept = []
        for d in sorted(dirnames):
            rel = d if rel_dir == "." else f"{rel_dir}/{d}"
            if d in _SKIP_DIRS or d.endswith(".egg-info") or _excluded(rel, exclude):
                continue
            if os.path.exists(os.path.join(directory, d, "pyvenv.cfg")):
                continue  # a virtualenv under another name
            kept.append(d)
        dirnames[:] = kept
        for f in sorted(filenames):
            if not f.endswith(".py"):
                continue
            rel = f if rel_dir == "." else f"{rel_dir}/{f}"
            if _excluded(rel, exclude):
                continue
            yield os.path.join(root, rel), os.path.join(directory, f)
