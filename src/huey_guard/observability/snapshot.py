"""Safe argument snapshots for logs: secret-looking values redacted, every repr bounded.

A snapshot is taken on the task's own thread while it is being handled, so it must never raise
and never cost much: a repr that raises is replaced by a marker, a huge repr is cut at
``max_repr`` characters, and containers are walked only a few levels deep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Substrings that mark a key as secret (matched case-insensitively, "-" and "_" ignored).
DEFAULT_SECRET_KEYS: tuple[str, ...] = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "authorization",
    "auth",
    "cookie",
    "session",
    "credential",
    "signature",
    "dsn",
)

REDACTED = "***redacted***"
_MAX_DEPTH = 3  # nested containers deeper than this are shown as a bounded repr
_MAX_ITEMS = 50  # container entries beyond this are summarised


@dataclass(frozen=True)
class SnapshotPolicy:
    """How arguments are rendered into logs."""

    max_repr: int = 256
    secret_keys: tuple[str, ...] = DEFAULT_SECRET_KEYS
    enabled: bool = True
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_repr < 8:
            raise ValueError("max_repr must be at least 8 characters")
        alternatives = "|".join(re.escape(_normalise(k)) for k in self.secret_keys if k)
        object.__setattr__(self, "_pattern", re.compile(alternatives or r"(?!x)x"))

    def is_secret(self, key: Any) -> bool:
        return isinstance(key, str) and bool(self._pattern.search(_normalise(key)))


def _normalise(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def safe_repr(value: Any, max_repr: int = 256) -> str:
    """``repr(value)`` cut to ``max_repr`` characters; never raises."""
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not break the task being logged
        text = f"<unrepresentable {_type_name(value)}: {type(exc).__name__}>"
    if not isinstance(text, str):  # pragma: no cover - repr() enforces str, but be safe
        text = f"<{_type_name(value)}>"
    if len(text) > max_repr:
        return text[: max_repr - 3] + "..."
    return text


def safe_str(value: Any, max_repr: int = 256) -> str:
    """``str(value)`` cut to ``max_repr`` characters; never raises."""
    try:
        text = str(value)
    except Exception:  # a broken __str__ falls back to the (equally safe) repr
        return safe_repr(value, max_repr)
    return text if len(text) <= max_repr else text[: max_repr - 3] + "..."


def snapshot_value(value: Any, policy: SnapshotPolicy, depth: int = 0) -> Any:
    """A JSON-able rendering of ``value``: scalars kept, containers walked, the rest repr'd."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return value if len(value) <= policy.max_repr else safe_repr(value, policy.max_repr)
    if depth < _MAX_DEPTH:
        try:
            if isinstance(value, Mapping):
                return _snapshot_mapping(value, policy, depth + 1)
            if isinstance(value, (list, tuple, set, frozenset)):
                return _snapshot_items(value, policy, depth + 1)
        except Exception:  # a container whose iteration raises is shown by its repr
            pass
    return safe_repr(value, policy.max_repr)


def _snapshot_mapping(value: Mapping[Any, Any], policy: SnapshotPolicy, depth: int) -> Any:
    out: dict[str, Any] = {}
    for index, (key, item) in enumerate(value.items()):
        if index >= _MAX_ITEMS:
            out["..."] = f"{len(value) - _MAX_ITEMS} more"
            break
        name = key if isinstance(key, str) else safe_repr(key, policy.max_repr)
        out[name] = REDACTED if policy.is_secret(key) else snapshot_value(item, policy, depth)
    return out


def _snapshot_items(value: Iterable[Any], policy: SnapshotPolicy, depth: int) -> list[Any]:
    out: list[Any] = []
    for index, item in enumerate(value):
        if index >= _MAX_ITEMS:
            out.append("...")
            break
        out.append(snapshot_value(item, policy, depth))
    return out


def snapshot_args(
    args: Iterable[Any], kwargs: Mapping[str, Any], policy: SnapshotPolicy | None = None
) -> dict[str, Any] | None:
    """``{"args": [...], "kwargs": {...}}`` safe for a log line; None when snapshots are off."""
    policy = policy or SnapshotPolicy()
    if not policy.enabled:
        return None
    try:
        return {
            "args": _snapshot_items(args, policy, 1),
            "kwargs": _snapshot_mapping(kwargs, policy, 1),
        }
    except Exception as exc:  # belt and braces: a snapshot never breaks the handling step
        return {"error": f"snapshot failed: {type(exc).__name__}"}


def _type_name(value: Any) -> str:
    try:
        return type(value).__qualname__
    except Exception:  # pragma: no cover - type() of anything has a name
        return "object"
