"""A rich progress display for scans that take more than a moment, on a terminal only.

It appears after ``DELAY`` seconds (a quick pre-commit run never flashes a bar), writes to
stderr only when stderr is a terminal, and disappears when the scan ends. When the engine's
``scan`` accepts a ``progress(done, total)`` callback the bar counts files; otherwise it is a
spinner with the elapsed time.
"""

from __future__ import annotations

import inspect
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TextIO

from huey_guard.analyzer.model import ScanResult
from huey_guard.analyzer.options import ScanOptions

DELAY = 0.5
Scanner = Callable[..., ScanResult]


def _accepts_progress(scan: Scanner) -> bool:
    try:
        return "progress" in inspect.signature(scan).parameters
    except (TypeError, ValueError):
        return False


def scan_with_progress(
    scan: Scanner,
    files: Sequence[str],
    options: ScanOptions,
    *,
    enabled: bool = True,
    stream: TextIO | None = None,
    delay: float = DELAY,
) -> ScanResult:
    stream = stream if stream is not None else sys.stderr
    counted = _accepts_progress(scan)
    if not enabled or not getattr(stream, "isatty", lambda: False)():
        if counted:
            return scan(list(files), options, progress=lambda done, total: None)
        return scan(list(files), options)
    # Imported here: the pre-commit case (one file, no terminal) should not pay for it.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TimeElapsedColumn,
    )

    progress = Progress(
        SpinnerColumn(),
        "[progress.description]{task.description}",
        *((BarColumn(), MofNCompleteColumn()) if counted else ()),
        TimeElapsedColumn(),
        console=Console(file=stream),
        transient=True,
    )
    task = progress.add_task(f"scanning {len(files)} files", total=len(files) or None)
    lock = threading.Lock()
    state = {"started": False, "finished": False}

    def start() -> None:
        with lock:
            if not state["finished"]:
                progress.start()
                state["started"] = True

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    try:
        if counted:
            return scan(list(files), options, progress=advance)
        return scan(list(files), options)
    finally:
        timer.cancel()
        with lock:
            state["finished"] = True
            if state["started"]:
                progress.stop()
