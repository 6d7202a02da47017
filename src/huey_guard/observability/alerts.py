"""Exception-rate alerts: a sliding window of task outcomes, fired once, reminded, resolved.

The rate is exceptions / attempts over the last ``window`` seconds. An alert needs at least
``min_tasks`` attempts in the window (one failure out of two is not an alert), fires once when
the rate exceeds ``threshold``, repeats only after ``cooldown`` while it stays high, and sends a
resolved message when the rate drops back (or traffic stops). Time comes from an injected clock;
notifications leave through ``AlertDispatcher`` on a background thread, never on the task's path.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

FIRING = "alert"
RESOLVED = "resolved"
_BUCKETS = 100  # the window is kept as this many buckets: O(1) per task, bounded memory


@dataclass(frozen=True)
class AlertPolicy:
    threshold: float = 0.05
    window: float = 300.0
    min_tasks: int = 20
    cooldown: float = 900.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold < 1.0:
            raise ValueError("alert threshold must be a fraction between 0 and 1 (0.05 = 5 %)")
        if self.window <= 0 or self.cooldown < 0 or self.min_tasks < 1:
            raise ValueError("alert window must be > 0, cooldown >= 0 and min_tasks >= 1")


@dataclass(frozen=True)
class Alert:
    """One notification: an alert (or reminder) or a resolved message."""

    kind: str  # FIRING | RESOLVED
    queue: str | None
    rate: float
    exceptions: int
    tasks: int
    threshold: float
    window: float
    timestamp: float
    repeat: bool = False

    @property
    def title(self) -> str:
        where = f"queue {self.queue}" if self.queue else "huey"
        if self.kind == RESOLVED:
            return f"[resolved] huey-guard: exception rate on {where} back to {self.rate:.1%}"
        return (
            f"[alert] huey-guard: exception rate on {where} is {self.rate:.1%} "
            f"(threshold {self.threshold:.1%})"
        )

    def text(self) -> str:
        return (
            f"{self.title}\n{self.exceptions} exceptions in {self.tasks} task attempts over the "
            f"last {self.window:g} s."
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "title": self.title}


class RateWindow:
    """Exception and attempt counts over a sliding window, bucketed for constant cost."""

    def __init__(self, window: float) -> None:
        self.width = window / _BUCKETS
        self._buckets: deque[list[float]] = deque()  # [bucket start, exceptions, attempts]
        self.exceptions = 0
        self.tasks = 0

    def add(self, now: float, exception: bool) -> None:
        start = now - (now % self.width)
        if not self._buckets or self._buckets[-1][0] < start:
            self._buckets.append([start, 0, 0])
        bucket = self._buckets[-1]
        bucket[1] += exception
        bucket[2] += 1
        self.exceptions += exception
        self.tasks += 1

    def expire(self, now: float) -> None:
        horizon = now - self.width * _BUCKETS
        while self._buckets and self._buckets[0][0] + self.width <= horizon:
            _, exceptions, tasks = self._buckets.popleft()
            self.exceptions -= int(exceptions)
            self.tasks -= int(tasks)


class AlertManager:
    """Decides when to notify. ``notify`` receives each ``Alert`` (normally a dispatcher)."""

    def __init__(
        self,
        policy: AlertPolicy,
        notify: Callable[[Alert], None],
        clock: Callable[[], float] = time.time,
        queue: str | None = None,
    ) -> None:
        self.policy = policy
        self.notify = notify
        self.clock = clock
        self.queue = queue
        self.firing = False
        self._window = RateWindow(policy.window)
        self._last_sent: float | None = None
        self._lock = threading.Lock()

    def record(self, exception: bool) -> Alert | None:
        """Count one task attempt (``exception`` when it raised) and re-evaluate."""
        with self._lock:
            now = self.clock()
            self._window.add(now, exception)
            alert = self._evaluate(now)
        if alert is not None:
            self.notify(alert)
        return alert

    def evaluate(self) -> Alert | None:
        """Re-evaluate without a new attempt (a quiet queue must still resolve)."""
        with self._lock:
            alert = self._evaluate(self.clock())
        if alert is not None:
            self.notify(alert)
        return alert

    def _evaluate(self, now: float) -> Alert | None:
        window, policy = self._window, self.policy
        window.expire(now)
        rate = window.exceptions / window.tasks if window.tasks else 0.0
        enough = window.tasks >= policy.min_tasks
        cooled = self._last_sent is None or now - self._last_sent >= policy.cooldown
        if not self.firing:
            if enough and rate > policy.threshold and cooled:
                self.firing = True
                return self._alert(FIRING, now, rate)
            return None
        if window.tasks == 0 or (enough and rate <= policy.threshold):
            self.firing = False
            return self._alert(RESOLVED, now, rate)
        if cooled:  # still high after a full cool-down: remind once more
            return self._alert(FIRING, now, rate, repeat=True)
        return None

    def _alert(self, kind: str, now: float, rate: float, repeat: bool = False) -> Alert:
        if kind == FIRING:
            self._last_sent = now
        return Alert(
            kind=kind,
            queue=self.queue,
            rate=rate,
            exceptions=int(self._window.exceptions),
            tasks=int(self._window.tasks),
            threshold=self.policy.threshold,
            window=self.policy.window,
            timestamp=now,
            repeat=repeat,
        )
