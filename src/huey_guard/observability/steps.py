"""What one guard event means to an operator: the handling step, its exception and its outcome.

JSON logs, metrics and alerts all read events through ``StepReader.read`` so that a log record
and a metric increment can never disagree about what happened (tests compare their counts).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from huey_guard import events
from huey_guard.none_errors import is_none_dereference

# The name SPEC.md uses for a None dereference, reported beside the Python type.
NULL_POINTER_ALIAS = "NullPointerException"

# Event kind -> step name in logs. TASK_STARTED is no handling step; TASK_SUCCEEDED becomes
# one ("recovered") only when earlier attempts had failed.
STEP_NAMES: Mapping[str, str] = {
    events.EXCEPTION_CLASSIFIED: "exception_classified",
    events.RETRY_SCHEDULED: "retry_scheduled",
    events.RETRY_DEFERRED: "retry_deferred",
    events.FINAL_FAILURE: "final_failure",
    events.VALIDATION_FAILED: "validation_failed",
    events.ARGUMENT_REPAIRED: "argument_repaired",
    events.SAFE_CALL_RECOVERED: "safe_call_recovered",
    events.FAULT_INJECTED: "fault_injected",
    events.LOAD_SHED: "load_shed",
    events.LOCK_EVENT: "lock_event",
    events.RESOURCE_EVENT: "resource_event",
}
RECOVERED = "recovered"

# Recovery outcomes: which steps close a recovery, and how.
OUTCOMES: Mapping[str, str] = {
    RECOVERED: "success",
    "safe_call_recovered": "success",
    "final_failure": "failure",
}
SAFE_CALL_STRATEGY = "SAFE_CALL"
_MEMORY_SIZE = 10_000


@dataclass(frozen=True)
class Step:
    """One handling step, as logs and metrics report it."""

    name: str
    event: events.GuardEvent
    exception_type: str | None
    exception_alias: str | None
    category: str | None
    strategy: Mapping[str, Any] | None
    outcome: str | None  # "success" | "failure" when the step closes a recovery
    injected: bool

    @property
    def strategy_type(self) -> str:
        return str((self.strategy or {}).get("type") or "NONE")


class StepReader:
    """Turns events into steps, remembering each task's last strategy.

    The retry policy names its strategy on the failure events; the success event of the retried
    attempt may not repeat it, so the reader remembers it per task id (bounded) to report which
    strategy a recovery owes its success to.
    """

    def __init__(self, memory_size: int = _MEMORY_SIZE) -> None:
        self._memory: OrderedDict[str, Mapping[str, Any]] = OrderedDict()
        self._size = memory_size
        self._lock = threading.Lock()

    def read(self, event: events.GuardEvent) -> Step | None:
        name = self._step_name(event)
        if name is None:
            return None
        strategy = self._strategy(name, event)
        exc = event.exception
        if name == "safe_call_recovered" and not strategy:
            strategy = {"type": SAFE_CALL_STRATEGY}
        return Step(
            name=name,
            event=event,
            exception_type=_type_name(exc) if exc is not None else None,
            exception_alias=NULL_POINTER_ALIAS if exc is not None and _is_none(exc) else None,
            category=event.category,
            strategy=strategy,
            outcome=OUTCOMES.get(name),
            injected=bool(event.injected or getattr(exc, "huey_guard_injected", False)),
        )

    @staticmethod
    def _step_name(event: events.GuardEvent) -> str | None:
        if event.kind == events.TASK_SUCCEEDED:
            return RECOVERED if event.attempt > 0 else None
        return STEP_NAMES.get(event.kind)

    def _strategy(self, name: str, event: events.GuardEvent) -> Mapping[str, Any] | None:
        key = event.task_id
        with self._lock:
            if event.strategy and key is not None:
                self._memory[key] = event.strategy
                self._memory.move_to_end(key)
                while len(self._memory) > self._size:
                    self._memory.popitem(last=False)
            if name in OUTCOMES and key is not None:
                remembered = self._memory.pop(key, None)
                return event.strategy or remembered
        return event.strategy


def _type_name(exc: BaseException) -> str:
    return type(exc).__name__


def _is_none(exc: BaseException) -> bool:
    try:
        return is_none_dereference(exc)
    except Exception:  # pragma: no cover - str(exc) of a hostile exception
        return False
