"""Turn a scan's findings into a guard manifest (one entry per task, keyed by registered name).

- NS201 (unguarded task parameter) and NS1xx findings whose None source is a parameter of the
  task → a not-None check on that parameter.
- Annotated parameters → a type check.
- Any other NS1xx finding in the task's own body → ``safe_call``, since no argument check can
  prevent it, with a default return derived from the return annotation.
Annotations are read with ``ast`` from the task's file (the analyzer's model carries names only).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from huey_guard._version import __version__
from huey_guard.analyzer.model import FileResult, Finding, ScanResult, TaskInfo
from huey_guard.guards.manifest import (
    Evidence,
    Manifest,
    ParameterGuard,
    TaskGuards,
    default_spec,
)

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Param:
    name: str
    line: int
    column: int  # 1-based
    annotation: str | None
    none_default: bool


def build_manifest(scan: ScanResult, generator: str | None = None) -> Manifest:
    tasks: dict[str, TaskGuards] = {}
    for file_result in sorted(scan.files, key=lambda fr: fr.path):
        if not file_result.tasks:
            continue
        functions = _functions(file_result.path)
        for task in file_result.tasks:
            tasks[task.registered_name] = task_guards(task, file_result, functions)
    return Manifest(tasks=tasks, generator=generator or f"huey-nullscan {__version__}")


def task_guards(
    task: TaskInfo, file_result: FileResult, functions: dict[str, FunctionNode]
) -> TaskGuards:
    node = functions.get(task.function) or _by_line(functions, task.line)
    params = _parameters(node) if node is not None else {}
    not_none: dict[str, ParameterGuard] = {}
    safe: Evidence | None = None
    for finding in sorted(_findings_of(task, file_result.findings), key=Finding.sort_key):
        evidence = Evidence(finding.path, finding.line, finding.code, finding.subject)
        if finding.code == "NS201":
            name = finding.subject.split(".")[0] or _param_in_text(finding.message, params)
            if name and name not in not_none:
                not_none[name] = ParameterGuard(name, evidence, _annotation(params, name))
        elif finding.code.startswith("NS1"):
            param = _parameter_source(finding, params, node)
            if param is not None:
                not_none.setdefault(
                    param, ParameterGuard(param, evidence, _annotation(params, param))
                )
            elif safe is None:
                safe = evidence
    type_check = tuple(
        ParameterGuard(p.name, Evidence(task.path, p.line, "annotation", p.name), p.annotation)
        for p in params.values()
        if p.annotation is not None and p.name != "task"
    )
    returns = ast.unparse(node.returns) if node is not None and node.returns else None
    return TaskGuards(
        task=task.registered_name,
        function=task.function,
        path=task.path,
        line=task.line,
        not_none=tuple(sorted(not_none.values(), key=lambda g: g.parameter)),
        type_check=tuple(sorted(type_check, key=lambda g: g.parameter)),
        safe_call=safe,
        default_return=default_spec(returns) if safe is not None else None,
    )


def _findings_of(task: TaskInfo, findings: Iterable[Finding]) -> Iterable[Finding]:
    for finding in findings:
        if finding.task == task.registered_name or (
            finding.task is None and finding.function == task.function
        ):
            yield finding


def _parameter_source(
    finding: Finding, params: dict[str, Param], node: FunctionNode | None
) -> str | None:
    """The parameter a finding's None comes from (a None default or Optional annotation)."""
    source = finding.source
    if source is None or node is None:
        return None
    for param in params.values():
        if (param.line, param.column) == (source.line, source.column):
            return param.name
    header_end = node.body[0].lineno if node.body else node.lineno
    if not node.lineno <= source.line < max(header_end, node.lineno + 1):
        return None
    root = finding.subject.split(".")[0].split("[")[0].split("(")[0]
    if root in params:
        return root
    return _param_in_text(source.description, params)


def _param_in_text(text: str, params: dict[str, Param]) -> str | None:
    words = set(text.replace("'", " ").replace("`", " ").replace('"', " ").split())
    found = [name for name in params if name in words]
    return found[0] if len(found) == 1 else None


def _annotation(params: dict[str, Param], name: str) -> str | None:
    param = params.get(name)
    return param.annotation if param else None


def _functions(path: str) -> dict[str, FunctionNode]:
    """Qualified name -> function node for every function in the file (empty if unreadable)."""
    try:
        tree = ast.parse(Path(path).read_bytes(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return {}
    found: dict[str, FunctionNode] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[prefix + stmt.name] = stmt
                visit(stmt.body, f"{prefix}{stmt.name}.<locals>.")
            elif isinstance(stmt, ast.ClassDef):
                visit(stmt.body, f"{prefix}{stmt.name}.")
            elif isinstance(stmt, (ast.If, ast.Try)):
                visit(stmt.body, prefix)
                visit(getattr(stmt, "orelse", []), prefix)

    visit(tree.body, "")
    return found


def _by_line(functions: dict[str, FunctionNode], line: int) -> FunctionNode | None:
    for node in functions.values():
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        if first <= line <= node.lineno:
            return node
    return None


def _parameters(node: FunctionNode) -> dict[str, Param]:
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = [
        *zip(positional, defaults, strict=True),
        *zip(args.kwonlyargs, args.kw_defaults, strict=True),
    ]
    return {
        arg.arg: Param(
            name=arg.arg,
            line=arg.lineno,
            column=arg.col_offset + 1,
            annotation=ast.unparse(arg.annotation) if arg.annotation is not None else None,
            none_default=isinstance(default, ast.Constant) and default.value is None,
        )
        for arg, default in pairs
    }
