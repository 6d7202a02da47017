"""The analyzer's result types: findings, their None sources and traces, and the code table.

Every type here is a frozen dataclass so results can be cached, compared and shipped across
process boundaries (``--jobs``) without anyone mutating them on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How loud a finding is. ``error`` findings fail CI by default."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class CodeInfo:
    """One stable finding code: its readable name, severity and one-line summary."""

    code: str
    name: str
    severity: Severity
    summary: str


# The code table is data: emitters, docs and `--select`/`--ignore` all read it from here.
CODES: dict[str, CodeInfo] = {
    info.code: info
    for info in (
        CodeInfo("NS001", "syntax-error", Severity.ERROR, "the file cannot be parsed"),
        CodeInfo("NS002", "unreadable-file", Severity.ERROR, "the file cannot be read or decoded"),
        CodeInfo(
            "NS003",
            "unused-suppression",
            Severity.WARNING,
            "a `# nullscan: ignore` comment suppresses nothing (--warn-unused-ignores)",
        ),
        CodeInfo(
            "NS101",
            "none-attribute",
            Severity.ERROR,
            "attribute access or method call on a value that may be None",
        ),
        CodeInfo(
            "NS102", "none-subscript", Severity.ERROR, "subscript of a value that may be None"
        ),
        CodeInfo("NS103", "none-call", Severity.ERROR, "call of a value that may be None"),
        CodeInfo(
            "NS104",
            "none-iteration",
            Severity.ERROR,
            "iteration or unpacking of a value that may be None",
        ),
        CodeInfo(
            "NS105",
            "none-operation",
            Severity.ERROR,
            "operator, len(), `in` or `with` applied to a value that may be None",
        ),
        CodeInfo(
            "NS201",
            "unguarded-task-parameter",
            Severity.INFO,
            "a task parameter is dereferenced with no None check; guard it with a validator",
        ),
        CodeInfo(
            "NS901",
            "internal-error",
            Severity.ERROR,
            "the analyzer failed on this file (see the debug log)",
        ),
    )
}


@dataclass(frozen=True)
class Position:
    """A 1-based line and 1-based column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class NoneSource:
    """Where a possibly-None value comes from, in plain words."""

    line: int
    column: int
    description: str


@dataclass(frozen=True)
class TraceStep:
    """One step of the path from the None source to the dereference."""

    line: int
    column: int
    description: str


@dataclass(frozen=True)
class Finding:
    """One diagnostic. Lines and columns are 1-based; ``path`` is as the user gave it."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    task: str | None = None
    source: NoneSource | None = None
    trace: tuple[TraceStep, ...] = ()
    # Symbol and expression text the finding is about (e.g. "order.customer"); used by guard
    # manifests and baseline fingerprints, which must not depend on line numbers.
    subject: str = ""
    function: str | None = None

    @property
    def code_info(self) -> CodeInfo:
        return CODES[self.code]

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_json(self) -> dict[str, object]:
        """The JSON shape of the output contract (see docs/output.md)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "task": self.task,
            "function": self.function,
            "subject": self.subject,
            "source": None
            if self.source is None
            else {
                "line": self.source.line,
                "column": self.source.column,
                "description": self.source.description,
            },
            "trace": [
                {"line": s.line, "column": s.column, "description": s.description}
                for s in self.trace
            ],
        }


@dataclass(frozen=True)
class TaskInfo:
    """A huey task found in a module: the name huey registers it under and where it is."""

    registered_name: str  # "module.function" or the explicit name= given to the decorator
    function: str  # qualified name inside the module
    path: str
    line: int
    parameters: tuple[str, ...] = ()
    decorator: str = ""  # e.g. "huey.task", "db_periodic_task"


@dataclass(frozen=True)
class FileResult:
    """Everything the analyzer learnt from one file; the unit the cache stores."""

    path: str
    findings: tuple[Finding, ...] = ()
    tasks: tuple[TaskInfo, ...] = ()
    is_task_module: bool = False
    lines: int = 0


@dataclass(frozen=True)
class ScanResult:
    """The result of one scan over many files."""

    files: tuple[FileResult, ...] = ()
    seconds: float = 0.0
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(sorted((f for fr in self.files for f in fr.findings), key=Finding.sort_key))

    @property
    def tasks(self) -> tuple[TaskInfo, ...]:
        return tuple(t for fr in self.files for t in fr.tasks)

    @property
    def task_modules(self) -> int:
        return sum(1 for fr in self.files if fr.is_task_module)
