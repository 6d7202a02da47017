"""Argument repair for the RETRY_WITH_PARAM_FIX strategy: replace None arguments, or give up.

A parameter that arrived as None is repairable when the function's signature gives it a non-None
default, or when a repair function is configured for it (``PROTECTION_CONFIG
['null_pointer_protection']['repairs'][task_name][param]`` or the task attribute
``@huey.task(repair_args={"param": fn})``). A repair function is called with no arguments, or —
when it takes one — with a dict of the bound arguments. When no None argument can be repaired
the result is None: the task fails now instead of burning retries on an unrepairable input.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("huey_guard.repair")

Repair = Callable[..., Any]


@dataclass(frozen=True)
class RepairResult:
    """The arguments to retry with, and what was repaired how (param -> "default" | "repair")."""

    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    repaired: Mapping[str, str]


def repair_arguments(
    func: Callable[..., Any],
    args: tuple[Any, ...] | list[Any],
    kwargs: Mapping[str, Any],
    repairs: Mapping[str, Repair] | None = None,
) -> RepairResult | None:
    """Repaired ``(args, kwargs)`` for a retry of ``func``, or None when nothing is repairable."""
    try:
        signature = inspect.signature(func)
        bound = signature.bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return None  # the call itself does not fit the function: repairing cannot help
    repairs = repairs or {}
    snapshot = dict(bound.arguments)
    repaired: dict[str, str] = {}
    for name, value in snapshot.items():
        if value is not None:
            continue
        parameter = signature.parameters[name]
        if name in repairs:
            fixed = _call_repair(repairs[name], snapshot, name)
            if fixed is not None:
                bound.arguments[name] = fixed
                repaired[name] = "repair"
                continue
        if parameter.default is not inspect.Parameter.empty and parameter.default is not None:
            bound.arguments[name] = parameter.default
            repaired[name] = "default"
    if not repaired:
        return None
    return RepairResult(args=tuple(bound.args), kwargs=dict(bound.kwargs), repaired=repaired)


def _call_repair(repair: Repair, arguments: Mapping[str, Any], name: str) -> Any:
    try:
        takes_arguments = any(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
            for p in inspect.signature(repair).parameters.values()
        )
    except (TypeError, ValueError):
        takes_arguments = False
    try:
        return repair(dict(arguments)) if takes_arguments else repair()
    except Exception:
        # A broken repair function must not turn one failure into another: not repairable.
        logger.exception("repair function for %r failed", name)
        return None
