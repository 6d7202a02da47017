"""Options that steer one scan; the CLI and the pyproject configuration both produce these."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ScanOptions:
    """What to analyse and how. Defaults match a bare ``huey-nullscan PATH`` run."""

    # Analyse every function in every module, not only task modules and what tasks call.
    all_functions: bool = False
    # Extra None-returning callables, by qualified name ("myapp.db.find_user") or by
    # method name with a leading dot (".maybe_get").
    extra_none_sources: tuple[str, ...] = ()
    # Extra task decorators by qualified or dotted name ("myapp.queue.task").
    extra_task_decorators: tuple[str, ...] = ()
    # Worker processes; 0 means "all cores".
    jobs: int = 0
    # Per-file result cache; None disables caching.
    cache_dir: Path | None = None
    # Paths (globs relative to the scan root) to leave out.
    exclude: tuple[str, ...] = field(default_factory=tuple)

    def fingerprint(self) -> str:
        """What of these options changes per-file results (part of the cache key)."""
        return repr(
            (
                self.all_functions,
                sorted(self.extra_none_sources),
                sorted(self.extra_task_decorators),
            )
        )
