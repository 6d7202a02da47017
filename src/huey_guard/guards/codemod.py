"""``huey-nullscan --fix`` / ``--diff``: write the manifest's guards into the source with libcst.

Each guarded task gets explicit decorators from ``huey_guard.validation`` directly *below* its
huey decorator (so huey wraps the guarded function):

    @huey.task()
    @not_none_validator("code", "total")
    @safe_call(default_return=0.0)
    def apply_coupon(code, total): ...

The import is added once; comments and formatting are preserved (libcst round-trips them); a
second run changes nothing (existing validators are merged, an existing safe_call is kept).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.codemod import (
    CodemodContext,
    TransformFailure,
    TransformResult,
    TransformSuccess,
    VisitorBasedCodemodCommand,
    transform_module,
)
from libcst.codemod.visitors import AddImportsVisitor

from huey_guard.guards.manifest import DefaultSpec, Manifest

MODULE = "huey_guard.validation"
_TASK_DECORATORS = ("task", "periodic_task", "db_task", "db_periodic_task", "on_commit_task")
# Defaults written as a fresh-value factory rather than a shared mutable literal.
_FACTORY_SOURCE = {"[]": "list", "{}": "dict"}


@dataclass(frozen=True)
class FunctionGuards:
    parameters: tuple[str, ...] = ()
    safe_default: str | None = None  # source text of default_return, None: no safe_call


@dataclass(frozen=True)
class FileChange:
    path: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Call):
        return _dotted(node.func)
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return node.value if isinstance(node, cst.Name) else ""


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


class AddGuardDecorators(VisitorBasedCodemodCommand):
    """Adds ``@not_none_validator(...)``/``@safe_call(...)`` below each task's huey decorator."""

    DESCRIPTION = "Write huey-guard validators and safe_call wrappers into task source."

    def __init__(self, context: CodemodContext, guards: Mapping[str, FunctionGuards]) -> None:
        super().__init__(context)
        self.guards = guards
        self.scope: list[str] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.append(node.name.value)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self.scope.pop()
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope.append(node.name.value)

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        qualname = ".".join(self.scope)
        self.scope.pop()
        wanted = self.guards.get(qualname)
        if wanted is None:
            return updated
        decorators = list(updated.decorators)
        names = [_last(_dotted(d.decorator)) for d in decorators]
        huey_at = next((i for i, n in enumerate(names) if n in _TASK_DECORATORS), None)
        if huey_at is None:
            return updated  # not visibly a huey task here; leave the source alone
        insert_at = huey_at + 1
        new: list[cst.Decorator] = []
        if wanted.parameters:
            existing = next((i for i, n in enumerate(names) if n == "not_none_validator"), None)
            if existing is None:
                new.append(self._validator(wanted.parameters))
            else:
                decorators[existing] = self._merge(decorators[existing], wanted.parameters)
        has_safe = "safe_call" in names
        if wanted.safe_default is not None and not has_safe:
            call = cst.parse_expression(f"safe_call(default_return={wanted.safe_default})")
            new.append(cst.Decorator(decorator=call))
            AddImportsVisitor.add_needed_import(self.context, MODULE, "safe_call")
        decorators[insert_at:insert_at] = new
        return updated.with_changes(decorators=decorators)

    def _validator(self, parameters: Sequence[str]) -> cst.Decorator:
        AddImportsVisitor.add_needed_import(self.context, MODULE, "not_none_validator")
        args = ", ".join(f'"{p}"' for p in parameters)
        return cst.Decorator(decorator=cst.parse_expression(f"not_none_validator({args})"))

    def _merge(self, decorator: cst.Decorator, parameters: Sequence[str]) -> cst.Decorator:
        node = decorator.decorator
        if not isinstance(node, cst.Call):
            return decorator  # the bare validator already guards every parameter
        present = {
            a.value.evaluated_value for a in node.args if isinstance(a.value, cst.SimpleString)
        }
        missing = [p for p in parameters if p not in present]
        if not missing:
            return decorator
        args = [*node.args]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        args += [cst.Arg(cst.SimpleString(f'"{p}"')) for p in missing]
        return decorator.with_changes(decorator=node.with_changes(args=args))


def default_source(spec: DefaultSpec | None) -> str:
    """Source text for ``default_return=`` (mutable defaults as a factory, fresh per call)."""
    if spec is None:
        return "None"
    if spec.factory is not None:
        return spec.factory
    if isinstance(spec.value, str):
        return json.dumps(spec.value)  # double quotes, like the surrounding code usually has
    text = repr(spec.value)
    return _FACTORY_SOURCE.get(text, text)


def guards_by_file(manifest: Manifest) -> dict[str, dict[str, FunctionGuards]]:
    """path -> function qualname -> the decorators to write there."""
    files: dict[str, dict[str, FunctionGuards]] = {}
    for entry in manifest.tasks.values():
        safe = default_source(entry.default_return) if entry.safe_call is not None else None
        if not entry.not_none and safe is None:
            continue
        files.setdefault(entry.path, {})[entry.function] = FunctionGuards(
            entry.not_none_parameters, safe
        )
    return files


def fix_source(source: str, guards: Mapping[str, FunctionGuards]) -> TransformResult:
    """Transform one module's text; never raises (failures are TransformFailure values)."""
    context = CodemodContext()
    return transform_module(AddGuardDecorators(context, guards), source)


def fix_files(manifest: Manifest, write: bool) -> list[FileChange]:
    """Apply the manifest's guards to its files; ``write=False`` only computes the changes."""
    changes: list[FileChange] = []
    for path, guards in sorted(guards_by_file(manifest).items()):
        before = Path(path).read_text(encoding="utf-8")
        result = fix_source(before, guards)
        if isinstance(result, TransformFailure):
            raise RuntimeError(f"cannot rewrite {path}: {result.error}")
        after = result.code if isinstance(result, TransformSuccess) else before
        change = FileChange(path, before, after)
        if write and change.changed:
            Path(path).write_text(after, encoding="utf-8")
        changes.append(change)
    return changes
