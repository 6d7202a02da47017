"""``--format text`` (the default): findings with a code frame, the None source and the trace.

Rendered through rich. Colour is decided by the caller (only on a terminal, never with
``NO_COLOR``); the same layout prints without colour, so redirected output reads the same.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from huey_guard.analyzer.emitters.report import Report
from huey_guard.analyzer.model import CODES, Finding, Severity
from huey_guard.analyzer.source_text import line_at

_CODE_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "cyan"}


def console_for(out: TextIO, *, color: bool) -> Console:
    """A console that writes to ``out``, coloured only when asked, never wrapping lines."""
    return Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        soft_wrap=True,
        width=200,
    )


def _marker(source_line: str, column: int, width: int, char: str) -> str:
    # Keep tabs as tabs so the marker lines up under the code whatever the tab width.
    pad = "".join("\t" if ch == "\t" else " " for ch in source_line[: column - 1])
    return pad + char * max(width, 1)


def _frame(report: Report, f: Finding) -> list[Text]:
    rows: list[tuple[int, str, str | None, str]] = []  # (line, code, marker, label)
    if f.source is not None and f.source.line != f.line:
        src = line_at(report.texts, f.path, f.source.line)
        if src:
            rows.append((f.source.line, src, _marker(src, f.source.column, 1, "-"), "None here"))
    here = line_at(report.texts, f.path, f.line)
    if here:
        width = (f.end_column - f.column) if f.end_line == f.line else len(here) - f.column + 1
        rows.append((f.line, here, _marker(here, f.column, width, "^"), ""))
    if not rows:
        return []
    gutter = len(str(max(r[0] for r in rows)))
    out = [Text(f"{'':>{gutter}} |", style="blue")]
    previous = None
    for number, code, marker, label in sorted(rows):
        if previous is not None and number > previous + 1:
            out.append(Text(f"{'':>{gutter}} :", style="blue"))
        line = Text()
        line.append(f"{number:>{gutter}} | ", style="blue")  # the code itself stays unstyled
        line.append(code.rstrip())
        out.append(line)
        if marker:
            mark = Text()
            mark.append(f"{'':>{gutter}} | ", style="blue")
            mark.append(marker, style="bold red" if label == "" else "yellow")
            if label:
                mark.append(f" {label}", style="yellow")
            out.append(mark)
        previous = number
    return out


def render_finding(report: Report, f: Finding) -> list[Text]:
    """The lines printed for one finding (public so the guards CLI can reuse the layout)."""
    head = Text()
    head.append(f"{f.path}:{f.line}:{f.column}:", style="bold")
    head.append(" ")
    head.append(f.code, style=_CODE_STYLE[f.severity])
    head.append(f" {f.message}")
    lines = [head, *_frame(report, f)]
    pad = " " * (len(str(f.line)) + 1)
    if f.source is not None:
        lines.append(
            Text(f"{pad}= None source (line {f.source.line}): {f.source.description}", "dim")
        )
    if f.trace:
        lines.append(Text(f"{pad}= trace:", style="dim"))
        for number, step in enumerate(f.trace, 1):
            lines.append(
                Text(f"{pad}    {number}. line {step.line}: {step.description}", style="dim")
            )
    if f.task:
        lines.append(Text(f"{pad}= in task {f.task}", style="dim"))
    return lines


def summary_line(report: Report) -> Text:
    s = report.summary
    scanned = (
        f"{s.files} file{'s' * (s.files != 1)} scanned ({s.task_modules} task "
        f"module{'s' * (s.task_modules != 1)}, {s.tasks} task{'s' * (s.tasks != 1)}) "
        f"in {s.seconds:.2f}s"
    )
    hidden = [
        f"{n} {what}"
        for n, what in ((report.suppressed, "suppressed"), (report.baselined, "in baseline"))
        if n
    ]
    extra = f"; {', '.join(hidden)}" if hidden else ""
    if not report.findings:
        return Text(f"All clear: no findings. {scanned}{extra}.", style="green")
    files = len({f.path for f in report.findings})
    per_code = ", ".join(f"{n} {code}" for code, n in report.counts_by_code())
    n = len(report.findings)
    return Text(
        f"Found {n} finding{'s' * (n != 1)} ({per_code}) in {files} "
        f"file{'s' * (files != 1)}. {scanned}{extra}.",
        style="bold",
    )


def statistics(report: Report, out: TextIO, *, color: bool = False) -> None:
    """``--statistics``: one row per code with its count and readable name."""
    console = console_for(out, color=color)
    for code, n in report.counts_by_code():
        name = CODES[code].name if code in CODES else ""
        console.print(Text(f"{n:>5}  {code}  {name}"))


def emit(report: Report, out: TextIO, *, color: bool = False, quiet: bool = False) -> None:
    console = console_for(out, color=color)
    for f in report.findings:
        for line in render_finding(report, f):
            console.print(line)
        console.print()
    if not quiet:
        console.print(summary_line(report))
