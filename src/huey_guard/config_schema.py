"""The shape of ``huey_config.py`` as a data table, and the validator that walks it.

Every problem is reported with its full key path (``EXCEPTIONS_CONFIG.retry_strategies.NETWORK
.max_retrys``) and, for an unknown key, the closest valid one (difflib). A runtime module that
needs a new key adds it to ``SCHEMA`` below — one line — and reads it from ``runtime.config``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from huey_guard.signatures import CATEGORIES


@dataclass(frozen=True)
class ConfigProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ConfigError(ValueError):
    """The configuration is invalid; ``problems`` lists every reason, not just the first."""

    def __init__(self, problems: list[ConfigProblem], source: str = "configuration") -> None:
        self.problems = problems
        self.source = source
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid huey-guard {source}:\n{lines}")


@dataclass(frozen=True)
class Field:
    """A leaf: accepted kinds, and optional choices / bounds."""

    kind: str  # "bool" | "int" | "number" | "str" | "str_list" | "callable" | "type_or_str"
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Section:
    keys: Mapping[str, Any]  # name -> Field | Section | MapOf | ListOf


@dataclass(frozen=True)
class MapOf:
    """A mapping whose keys are free (``keys=None``) or drawn from a closed set."""

    value: Any
    keys: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ListOf:
    item: Any


def _strategy_names() -> tuple[str, ...]:
    from huey_guard.strategies import strategy_names  # custom strategies register late

    return strategy_names()


_NUM0 = Field("number", minimum=0)
_INT0 = Field("int", minimum=0)
_BOOL = Field("bool")

RETRY_POLICY = Section(
    {
        "strategy": Field("str", choices=_strategy_names),
        "max_retries": _INT0,
        "initial_delay": _NUM0,
        "max_delay": _NUM0,
        "multiplier": Field("number", minimum=1),
        "jitter": Field("number", minimum=0, maximum=1),
        "memory_threshold": Field("number", minimum=0, maximum=100),
        "max_wait": _NUM0,
    }
)

SIGNATURE = Section(
    {
        "pattern": Field("str"),
        "category": Field("str", choices=CATEGORIES),
        "recovery_strategy": Field("str", choices=_strategy_names),
        "exception_type": Field("type_or_str"),
        "name": Field("str"),
    }
)

OBSERVABILITY = Section(
    {
        "json_logs": _BOOL,
        "log_handler": Field("str", choices=("stderr", "none")),
        "redact_keys": Field("str_list"),
        "snapshot_max_chars": Field("int", minimum=1),
        "metrics": Section(
            {
                "enabled": _BOOL,
                "port": Field("int", minimum=0, maximum=65535),
                "host": Field("str"),
                "multiprocess_dir": Field("str"),
            }
        ),
        "alerts": Section(
            {
                "threshold": Field("number", minimum=0, maximum=1),
                "window_seconds": Field("number", minimum=1),
                "min_tasks": _INT0,
                "cooldown_seconds": _NUM0,
                "evaluate_seconds": Field("number", minimum=0.01),
                "webhook_url": Field("str"),
                "slack_webhook_url": Field("str"),
                "email": Section(
                    {
                        "host": Field("str"),
                        "port": Field("int", minimum=0, maximum=65535),
                        "sender": Field("str"),
                        "recipients": Field("str_list"),
                        "starttls": _BOOL,
                        "username": Field("str"),
                        "password": Field("str"),
                        "cafile": Field("str"),
                    }
                ),
            }
        ),
    }
)

SCHEMA = Section(
    {
        "EXCEPTIONS_CONFIG": Section(
            {
                "retry_strategies": MapOf(RETRY_POLICY, keys=CATEGORIES),
                "signatures": ListOf(SIGNATURE),
                "critical_max_retries": _INT0,
                "priorities": MapOf(Field("int")),
            }
        ),
        "PROTECTION_CONFIG": Section(
            {
                "null_pointer_protection": Section(
                    {"enabled": _BOOL, "repairs": MapOf(MapOf(Field("callable")))}
                ),
                "argument_validation": Section({"enabled": _BOOL, "type_checks": _BOOL}),
                "safe_call": Section({"enabled": _BOOL}),
                # Where install() finds the guard manifest and the analyzer's cache at start-up.
                "guards": Section({"manifest": Field("str"), "cache_dir": Field("str")}),
                "observability": OBSERVABILITY,
            }
        ),
        "GLOBAL_CONFIG": Section(
            {
                "enabled": _BOOL,
                "mode": Field("str", choices=("enforce", "observe")),
                "performance_threshold": _NUM0,
                "time_scale": Field("number", minimum=0),
                "startup_scan": Field("str", choices=("off", "warn", "fail")),
                "allow_fault_injection": _BOOL,
            }
        ),
    }
)

_KIND_NAMES = {
    "bool": "a bool",
    "int": "an int",
    "number": "a number",
    "str": "a string",
    "str_list": "a list of strings",
    "callable": "a callable",
    "type_or_str": "an exception class or its qualified name",
}


def validate(data: Any, node: Any = SCHEMA, path: str = "") -> list[ConfigProblem]:
    """Every problem in ``data`` against ``node``; an empty list means valid."""
    if isinstance(node, Section):
        return _section(data, node, path)
    if isinstance(node, MapOf):
        return _mapping(data, node, path)
    if isinstance(node, ListOf):
        if not isinstance(data, (list, tuple)):
            return [ConfigProblem(path, f"expected a list, got {type(data).__name__}")]
        problems: list[ConfigProblem] = []
        for i, item in enumerate(data):
            problems += validate(item, node.item, f"{path}[{i}]")
        return problems
    return _leaf(data, node, path)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _unknown(path: str, key: Any, valid: Any) -> ConfigProblem:
    close = difflib.get_close_matches(str(key), [str(v) for v in valid], n=1, cutoff=0.6)
    hint = (
        f"; did you mean {close[0]!r}?" if close else f"; valid keys: {', '.join(map(str, valid))}"
    )
    return ConfigProblem(_join(path, str(key)), f"unknown key{hint}")


def _section(data: Any, node: Section, path: str) -> list[ConfigProblem]:
    if not isinstance(data, Mapping):
        return [ConfigProblem(path or "<root>", f"expected a dict, got {type(data).__name__}")]
    problems: list[ConfigProblem] = []
    for key, value in data.items():
        if key not in node.keys:
            problems.append(_unknown(path, key, node.keys))
        else:
            problems += validate(value, node.keys[key], _join(path, key))
    return problems


def _mapping(data: Any, node: MapOf, path: str) -> list[ConfigProblem]:
    if not isinstance(data, Mapping):
        return [ConfigProblem(path, f"expected a dict, got {type(data).__name__}")]
    problems: list[ConfigProblem] = []
    for key, value in data.items():
        if not isinstance(key, str):
            problems.append(ConfigProblem(path, f"keys must be strings, got {key!r}"))
        elif node.keys is not None and key not in node.keys:
            problems.append(_unknown(path, key, node.keys))
        else:
            problems += validate(value, node.value, _join(path, key))
    return problems


def _leaf(value: Any, node: Field, path: str) -> list[ConfigProblem]:
    if not _kind_ok(value, node.kind):
        got = f"{type(value).__name__} ({value!r})"
        return [ConfigProblem(path, f"expected {_KIND_NAMES[node.kind]}, got {got}")]
    choices = node.choices() if callable(node.choices) else node.choices
    if choices is not None and value not in choices:
        close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return [ConfigProblem(path, f"{value!r} is not one of {', '.join(choices)}{hint}")]
    if node.minimum is not None and value < node.minimum:
        return [ConfigProblem(path, f"must be >= {node.minimum}, got {value!r}")]
    if node.maximum is not None and value > node.maximum:
        return [ConfigProblem(path, f"must be <= {node.maximum}, got {value!r}")]
    return []


def _kind_ok(value: Any, kind: str) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "str_list":
        return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
    if kind == "callable":
        return callable(value)
    return isinstance(value, str) or (isinstance(value, type) and issubclass(value, BaseException))


__all__ = [
    "SCHEMA",
    "ConfigError",
    "ConfigProblem",
    "Field",
    "ListOf",
    "MapOf",
    "Section",
    "validate",
]
