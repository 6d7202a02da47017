"""The progress display: only on a terminal, only for scans that outlast the delay."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence

from huey_guard.analyzer.model import FileResult, ScanResult
from huey_guard.analyzer.options import ScanOptions
from huey_guard.cli.nullscan_progress import scan_with_progress


class Terminal(io.StringIO):
    """A stream that says it is a terminal and signals its first write."""

    def __init__(self) -> None:
        super().__init__()
        self.written = threading.Event()

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written.set()
        return super().write(text)


def _scanner(wait_for: threading.Event | None) -> Callable[..., ScanResult]:
    def scan(
        paths: Sequence[str], options: ScanOptions, progress: Callable[[int, int], None]
    ) -> ScanResult:
        for done in range(1, len(paths) + 1):
            progress(done, len(paths))
        if wait_for is not None:
            assert wait_for.wait(10), "the progress display never appeared"
        return ScanResult(files=tuple(FileResult(path=p) for p in paths))

    return scan


def test_no_progress_on_a_pipe() -> None:
    stream = io.StringIO()
    result = scan_with_progress(_scanner(None), ["a.py"], ScanOptions(), stream=stream, delay=0)
    assert len(result.files) == 1
    assert stream.getvalue() == ""


def test_progress_on_a_terminal_for_a_long_scan() -> None:
    stream = Terminal()
    files = ["a.py", "b.py", "c.py"]
    result = scan_with_progress(_scanner(stream.written), files, ScanOptions(), stream=stream,
                                delay=0)  # fmt: skip
    assert [f.path for f in result.files] == files
    assert "scanning 3 files" in stream.getvalue()


def test_a_quick_scan_shows_nothing() -> None:
    stream = Terminal()
    scan_with_progress(_scanner(None), ["a.py"], ScanOptions(), stream=stream, delay=30)
    assert stream.getvalue() == ""


def test_disabled_shows_nothing() -> None:
    stream = Terminal()
    scan_with_progress(_scanner(None), ["a.py"], ScanOptions(), stream=stream, delay=0,
                       enabled=False)  # fmt: skip
    assert stream.getvalue() == ""
