"""The guard manifest: which validators and safe_call wrappers each task needs, and why.

Built from a scan (NS201 and parameter-sourced NS1xx findings → not-None checks; annotated
parameters → type checks; other NS1xx findings in the task body → safe_call with a default
derived from the return annotation), written as deterministic JSON (sorted keys and lists, no
timestamps, paths as scanned), loaded and validated at consumer start-up.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey_guard.guards.defaults import default_for_annotation

SCHEMA = "huey-guard/guard-manifest"
SCHEMA_VERSION = 1


class ManifestError(ValueError):
    """A manifest that cannot be read or does not match the schema."""


@dataclass(frozen=True)
class Evidence:
    """The finding that justifies a guard: where it is and what it says."""

    path: str
    line: int
    code: str
    subject: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "code": self.code, "subject": self.subject}


@dataclass(frozen=True)
class ParameterGuard:
    parameter: str
    evidence: Evidence
    annotation: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"parameter": self.parameter, **self.evidence.to_json()}
        if self.annotation is not None:
            data["annotation"] = self.annotation
        return data


@dataclass(frozen=True)
class DefaultSpec:
    """A JSON-able default return: a literal ``value`` or a ``factory`` name (set, tuple)."""

    annotation: str | None
    value: Any = None
    factory: str | None = None

    def make(self) -> Any:
        """A fresh default (never shared between calls: the value may be a list or dict)."""
        if self.factory is not None:
            return _FACTORIES[self.factory]()
        return copy.deepcopy(self.value)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"annotation": self.annotation}
        if self.factory is not None:
            data["factory"] = self.factory
        else:
            data["value"] = self.value
        return data


_FACTORIES: dict[str, Any] = {"set": set, "frozenset": frozenset, "tuple": tuple, "bytes": bytes}


@dataclass(frozen=True)
class TaskGuards:
    """The guards of one task, keyed in the manifest by the name huey registers it under."""

    task: str
    function: str
    path: str
    line: int
    not_none: tuple[ParameterGuard, ...] = ()
    type_check: tuple[ParameterGuard, ...] = ()
    safe_call: Evidence | None = None
    default_return: DefaultSpec | None = None

    @property
    def not_none_parameters(self) -> tuple[str, ...]:
        return tuple(g.parameter for g in self.not_none)

    @property
    def type_check_parameters(self) -> tuple[str, ...]:
        return tuple(g.parameter for g in self.type_check)

    def to_json(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "path": self.path,
            "line": self.line,
            "not_none": [g.to_json() for g in self.not_none],
            "type_check": [g.to_json() for g in self.type_check],
            "safe_call": None if self.safe_call is None else self.safe_call.to_json(),
            "default_return": None
            if self.default_return is None
            else self.default_return.to_json(),
        }


@dataclass(frozen=True)
class Manifest:
    tasks: Mapping[str, TaskGuards]
    generator: str = ""

    def get(self, task: str) -> TaskGuards | None:
        return self.tasks.get(task)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "generator": self.generator,
            "tasks": {name: self.tasks[name].to_json() for name in sorted(self.tasks)},
        }

    def dumps(self) -> str:
        """The canonical text: the same scan gives byte-identical output."""
        return json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load(source: Any) -> Manifest:
    """A Manifest from a Manifest, a mapping, JSON text, or a path to a manifest file."""
    if isinstance(source, Manifest):
        return source
    if isinstance(source, Path) or (
        isinstance(source, str) and not source.lstrip().startswith("{")
    ):
        try:
            source = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise ManifestError(f"cannot read guard manifest {source}: {exc}") from exc
    if isinstance(source, (str, bytes)):
        try:
            source = json.loads(source)
        except ValueError as exc:
            raise ManifestError(f"guard manifest is not valid JSON: {exc}") from exc
    problems = validate(source)
    if problems:
        raise ManifestError("invalid guard manifest: " + "; ".join(problems[:5]))
    return _from_json(source)


def validate(data: Any) -> list[str]:
    """Every way ``data`` departs from the schema (empty when it is a valid manifest)."""
    if not isinstance(data, Mapping):
        return ["the manifest must be a JSON object"]
    problems: list[str] = []
    if data.get("schema") != SCHEMA:
        problems.append(f"schema must be {SCHEMA!r}, got {data.get('schema')!r}")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        problems.append(f"schema_version {version!r} is not supported (expected {SCHEMA_VERSION})")
    tasks = data.get("tasks")
    if not isinstance(tasks, Mapping):
        return [*problems, "tasks must be an object keyed by registered task name"]
    for name, entry in tasks.items():
        problems.extend(f"tasks[{name!r}]: {p}" for p in _validate_task(entry))
    return problems


def _validate_task(entry: Any) -> list[str]:
    if not isinstance(entry, Mapping):
        return ["must be an object"]
    problems = [
        f"{key} must be {kind.__name__}"
        for key, kind in (("function", str), ("path", str), ("line", int))
        if not isinstance(entry.get(key), kind)
    ]
    for key in ("not_none", "type_check"):
        items = entry.get(key, [])
        if not isinstance(items, list) or not all(
            isinstance(i, Mapping) and isinstance(i.get("parameter"), str) for i in items
        ):
            problems.append(f"{key} must be a list of objects with a 'parameter' string")
    safe = entry.get("safe_call")
    if safe is not None and not (isinstance(safe, Mapping) and isinstance(safe.get("line"), int)):
        problems.append("safe_call must be null or an object with a 'line'")
    default = entry.get("default_return")
    if default is not None:
        if not isinstance(default, Mapping):
            problems.append("default_return must be null or an object")
        elif default.get("factory") is not None and default["factory"] not in _FACTORIES:
            problems.append(f"default_return.factory must be one of {sorted(_FACTORIES)}")
    return problems


def _evidence(data: Mapping[str, Any], entry: Mapping[str, Any]) -> Evidence:
    return Evidence(
        path=str(data.get("path", entry.get("path", ""))),
        line=int(data.get("line", 0)),
        code=str(data.get("code", "")),
        subject=str(data.get("subject", "")),
    )


def _from_json(data: Mapping[str, Any]) -> Manifest:
    tasks: dict[str, TaskGuards] = {}
    for name, entry in data["tasks"].items():
        default = entry.get("default_return")
        tasks[name] = TaskGuards(
            task=name,
            function=entry["function"],
            path=entry["path"],
            line=entry["line"],
            not_none=tuple(
                ParameterGuard(g["parameter"], _evidence(g, entry), g.get("annotation"))
                for g in entry.get("not_none", [])
            ),
            type_check=tuple(
                ParameterGuard(g["parameter"], _evidence(g, entry), g.get("annotation"))
                for g in entry.get("type_check", [])
            ),
            safe_call=None
            if entry.get("safe_call") is None
            else _evidence(entry["safe_call"], entry),
            default_return=None
            if default is None
            else DefaultSpec(
                default.get("annotation"), default.get("value"), default.get("factory")
            ),
        )
    return Manifest(tasks=tasks, generator=str(data.get("generator", "")))


def default_spec(annotation: str | None) -> DefaultSpec:
    """The default return for a return annotation (see guards/defaults.py for the table)."""
    value, factory = default_for_annotation(annotation)
    return DefaultSpec(annotation=annotation, value=value, factory=factory)
