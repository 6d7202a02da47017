"""The guard event bus: every handling step is published here once, and observers subscribe.

Runtime modules (validation, retry policy, fault injection, locks) *emit* events; the
observability layer (JSON logs, metrics, alerts) *subscribes*. Neither side imports the other,
which keeps the execute path free of logging and metrics code when nobody listens.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("huey_guard.events")

# Event kinds (a closed vocabulary: observers switch on these strings).
TASK_STARTED = "task_started"
TASK_SUCCEEDED = "task_succeeded"
EXCEPTION_CLASSIFIED = "exception_classified"
RETRY_SCHEDULED = "retry_scheduled"
RETRY_DEFERRED = "retry_deferred"  # pushed back without spending an attempt (resource gate)
FINAL_FAILURE = "final_failure"
VALIDATION_FAILED = "validation_failed"
ARGUMENT_REPAIRED = "argument_repaired"
SAFE_CALL_RECOVERED = "safe_call_recovered"
FAULT_INJECTED = "fault_injected"
LOAD_SHED = "load_shed"
LOCK_EVENT = "lock_event"
RESOURCE_EVENT = "resource_event"

KINDS = frozenset(
    {
        TASK_STARTED,
        TASK_SUCCEEDED,
        EXCEPTION_CLASSIFIED,
        RETRY_SCHEDULED,
        RETRY_DEFERRED,
        FINAL_FAILURE,
        VALIDATION_FAILED,
        ARGUMENT_REPAIRED,
        SAFE_CALL_RECOVERED,
        FAULT_INJECTED,
        LOAD_SHED,
        LOCK_EVENT,
        RESOURCE_EVENT,
    }
)


@dataclass(frozen=True)
class GuardEvent:
    """One handling step. Fields that do not apply to a kind stay at their defaults."""

    kind: str
    task_id: str | None = None
    task_name: str | None = None
    timestamp: float = field(default_factory=time.time)
    exception: BaseException | None = None
    category: str | None = None
    # {"type": "RETRY_EXPONENTIAL", "delay": 2.0, "attempt": 1, "max_attempts": 8}
    strategy: Mapping[str, Any] | None = None
    attempt: int = 0
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    injected: bool = False
    duration: float | None = None
    # The huey queue name; observers use it to tell instances apart.
    queue: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def strategy_info(name: str, delay: float | None, attempt: int, cap: int) -> dict[str, Any]:
    """The ``strategy`` mapping of a retry step (see ``GuardEvent.strategy``)."""
    return {"type": name, "delay": delay, "attempt": attempt, "max_attempts": cap}


Subscriber = Callable[[GuardEvent], None]


class EventBus:
    """A list of subscribers. A failing subscriber is logged and skipped, never raised.

    huey's own signals follow the same law: an observer must never break a task that would
    otherwise have run.
    """

    def __init__(self) -> None:
        self._subscribers: tuple[Subscriber, ...] = ()
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add ``subscriber``; returns a function that removes it again."""
        with self._lock:
            self._subscribers = (*self._subscribers, subscriber)
        return lambda: self.unsubscribe(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers = tuple(s for s in self._subscribers if s is not subscriber)

    def is_subscribed(self, subscriber: Subscriber) -> bool:
        return any(s is subscriber for s in self._subscribers)

    @property
    def active(self) -> bool:
        """True when someone listens; emitters may skip building costly payloads otherwise."""
        return bool(self._subscribers)

    def emit(self, event: GuardEvent) -> None:
        for subscriber in self._subscribers:  # a tuple snapshot: safe against concurrent edits
            try:
                subscriber(event)
            except Exception:
                logger.exception("event subscriber %r failed on %s", subscriber, event.kind)


# The process-wide default bus. Standalone helpers such as ``safe_call`` (which may run with no
# huey instance at all) publish here; a GuardRuntime uses it unless given its own.
default_bus = EventBus()
