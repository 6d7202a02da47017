"""huey-nullscan: static detection of possible None dereferences in huey task modules.

``scan(paths, options)`` analyses files and directories; ``analyze_source(source, path)``
analyses one in-memory module. Both return frozen result types from ``model``.
"""

from huey_guard.analyzer.errors import UsageError
from huey_guard.analyzer.model import (
    CODES,
    CodeInfo,
    FileResult,
    Finding,
    NoneSource,
    ScanResult,
    Severity,
    TaskInfo,
    TraceStep,
)
from huey_guard.analyzer.options import ScanOptions
from huey_guard.analyzer.scan import analyze_source, scan

__all__ = [
    "CODES",
    "CodeInfo",
    "FileResult",
    "Finding",
    "NoneSource",
    "ScanOptions",
    "ScanResult",
    "Severity",
    "TaskInfo",
    "TraceStep",
    "UsageError",
    "analyze_source",
    "scan",
]
