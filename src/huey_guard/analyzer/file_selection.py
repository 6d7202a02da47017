"""Which files a run scans: walk the given paths, honouring include, exclude and .gitignore.

Patterns are gitignore-style (see :mod:`huey_guard.analyzer.gitignore`), relative to the
project root. Exclusions apply to files named explicitly too, so a pre-commit hook that passes
every changed file still skips excluded ones; ``include`` only filters directory walks (a file
named on the command line is scanned whatever its suffix). Symlinked directories are not
followed, so a symlink loop cannot hang the walk.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from huey_guard.analyzer.gitignore import Pattern, compile_patterns, is_ignored, read_ignore_file

# Never worth scanning, whatever the configuration says.
ALWAYS_EXCLUDED = (
    ".git/", ".hg/", ".svn/", ".tox/", ".nox/", ".venv/", "venv/", "__pycache__/",
    "node_modules/", ".mypy_cache/", ".ruff_cache/", ".pytest_cache/", ".huey-nullscan-cache/",
    "site-packages/", "*.egg-info/",
)  # fmt: skip


class PathError(Exception):
    """A path given on the command line does not exist (a usage error: exit status 2)."""


@dataclass(frozen=True)
class Selector:
    """Decides, for paths under ``anchor``, whether they are scanned."""

    root: Path
    anchor: Path  # the git work tree when .gitignore is honoured, else the project root
    include: tuple[Pattern, ...]
    exclude: tuple[Pattern, ...]
    respect_gitignore: bool
    # Patterns per directory, read once per run (the selector lives exactly as long as a run).
    chains: dict[str, tuple[Pattern, ...]] = field(default_factory=dict, compare=False)

    def _rel(self, path: Path) -> str | None:
        try:
            return path.relative_to(self.anchor).as_posix()
        except ValueError:
            return None

    def _ignore_patterns(self, directory: str) -> tuple[Pattern, ...]:
        if not self.respect_gitignore:
            return self.exclude
        return self._chain(directory) + self.exclude

    def _chain(self, directory: str) -> tuple[Pattern, ...]:
        """.git/info/exclude and every .gitignore from the anchor down to ``directory``."""
        chain = self.chains.get(directory)
        if chain is None:
            if directory in ("", "."):
                chain = read_ignore_file(self.anchor / ".git" / "info" / "exclude", "")
                chain += read_ignore_file(self.anchor / ".gitignore", "")
            else:
                parent = directory.rsplit("/", 1)[0] if "/" in directory else ""
                chain = self._chain(parent)
                chain += read_ignore_file(self.anchor / directory / ".gitignore", directory)
            self.chains[directory] = chain
        return chain

    def excluded(self, path: Path, is_dir: bool) -> bool:
        rel = self._rel(path)
        if rel is None or rel == ".":
            return False
        parent = rel.rsplit("/", 1)[0] if "/" in rel else ""
        return is_ignored(self._ignore_patterns(parent), rel, is_dir)

    def included(self, path: Path) -> bool:
        rel = self._rel(path) or path.name
        return is_ignored(self.include, rel, False)  # "ignored" by include == matched


def _git_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def make_selector(
    root: Path, include: Sequence[str], exclude: Sequence[str], respect_gitignore: bool
) -> Selector:
    root = root.resolve()
    anchor = (_git_root(root) if respect_gitignore else None) or root
    base = "" if anchor == root else root.relative_to(anchor).as_posix()
    return Selector(
        root=root,
        anchor=anchor,
        include=compile_patterns(include, base),
        exclude=compile_patterns((*ALWAYS_EXCLUDED, *exclude), base),
        respect_gitignore=respect_gitignore,
    )


def _walk(given: str, selector: Selector) -> Iterator[str]:
    top = Path(os.path.abspath(given))
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not selector.excluded(here / d, True)
            # A virtualenv under any other name (env/, .py311/) is never project code.
            and not (here / d / "pyvenv.cfg").exists()
        )
        for name in sorted(filenames):
            path = here / name
            if selector.included(path) and not selector.excluded(path, False):
                rel = os.path.relpath(path, top)
                yield rel if given in (".", "./") else os.path.join(given, rel)


def select_files(paths: Sequence[str], selector: Selector) -> list[str]:
    """The files to scan, each as the given path joined with its path below it, deduplicated."""
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise PathError(f"path does not exist: {', '.join(missing)}")
    seen: set[str] = set()
    files: list[str] = []
    for given in paths:
        if os.path.isdir(given):
            if selector.excluded(Path(os.path.abspath(given)), True):
                continue
            candidates: Iterator[str] = _walk(given, selector)
        elif selector.excluded(Path(os.path.abspath(given)), False):
            continue
        else:
            candidates = iter((given,))
        for path in candidates:
            key = os.path.normcase(os.path.abspath(path))
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files
