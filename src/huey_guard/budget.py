"""The performance budget: measure huey-guard's own added time per task and shed optional work.

``GLOBAL_CONFIG['performance_threshold']`` (ms) turns it on. Two hooks bracket the pipeline: the
first (lowest order) marks the moment the task body returned, the last (highest order) adds the
time spent since then to the ``before_execute`` time the runtime already measured. A moving
average over budget switches ``runtime.budget.shedding`` on (a log line and a LOAD_SHED event);
the optional work — the argument snapshot every worker-side event copies for the logs
(``ExecutionContext.event``) — is then skipped. Under half the budget, shedding switches off
again (hysteresis, so it does not flap).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from huey_guard import events
from huey_guard.runtime import ExecutionContext, Hook

logger = logging.getLogger("huey_guard.budget")

_MARK = "_huey_guard_body_done"


class PerformanceBudget:
    """An exponentially weighted average of the added seconds per successful task."""

    def __init__(self, threshold_ms: float, weight: float = 0.1) -> None:
        self.threshold = threshold_ms / 1000.0
        self.weight = weight
        self.average = 0.0
        self.samples = 0
        self.shedding = False

    def record(self, seconds: float) -> bool | None:
        """Add one measurement; returns the new shedding state when it changed, else None."""
        self.samples += 1
        if self.samples == 1:
            self.average = seconds
        else:
            self.average += self.weight * (seconds - self.average)
        if not self.shedding and self.average > self.threshold:
            self.shedding = True
            return True
        if self.shedding and self.average < self.threshold / 2:
            self.shedding = False
            return False
        return None


SHED_WORK = ("argument_snapshots",)  # what shedding skips (the LOAD_SHED event names it)


def is_shedding(runtime: Any) -> bool:
    """True when optional work should be skipped on ``runtime`` (no budget: never)."""
    budget = runtime.budget
    return bool(budget is not None and budget.shedding)


class BudgetMarkHook(Hook):
    order = -1000
    name = "performance-budget-mark"

    def on_success(self, ctx: ExecutionContext, value: Any) -> None:
        setattr(ctx, _MARK, time.perf_counter())


class BudgetMeterHook(Hook):
    order = 1000
    name = "performance-budget-meter"

    def __init__(self, budget: PerformanceBudget) -> None:
        self.budget = budget

    def on_success(self, ctx: ExecutionContext, value: Any) -> None:
        mark = getattr(ctx, _MARK, None)
        added = ctx.overhead + (time.perf_counter() - mark if mark is not None else 0.0)
        changed = self.budget.record(added)
        if changed is None:
            return
        added_ms, threshold_ms = self.budget.average * 1000, self.budget.threshold * 1000
        if changed:
            logger.warning(
                "huey-guard adds %.2f ms per task (budget %.2f ms): shedding optional work",
                added_ms,
                threshold_ms,
            )
        else:
            logger.info("huey-guard back under budget (%.2f ms): optional work resumed", added_ms)
        ctx.event(
            events.LOAD_SHED,
            duration=added,
            extra={
                "shedding": changed,
                "added_ms": added_ms,
                "threshold_ms": threshold_ms,
                "shed": list(SHED_WORK),
            },
        )


def mark_factory(runtime: Any, manifest: Any = None) -> Hook | None:
    if runtime.config.performance_threshold is None:
        return None
    return BudgetMarkHook()


def meter_factory(runtime: Any, manifest: Any = None) -> Hook | None:
    threshold = runtime.config.performance_threshold
    if threshold is None:
        return None
    runtime.budget = PerformanceBudget(threshold)
    return BudgetMeterHook(runtime.budget)
