"""huey-nullscan: static detection of possible None dereferences in huey task modules."""

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
]
