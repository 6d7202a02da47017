"""``FaultInjectionHook``: applies the stored fault rules before a task attempt runs.

It exists only on consumers whose config sets ``allow_fault_injection`` (the factory returns no
hook otherwise), so a production consumer never reads the rules at all. The rules are re-read
from storage at most every ``refresh`` seconds; the dice roll is seeded per (seed, task id,
attempt) when a seed is given, so a run is repeatable whatever the worker interleaving.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

from huey_guard import events
from huey_guard.config import GuardConfig
from huey_guard.fault_injector.faults import make_fault, members
from huey_guard.fault_injector.rules import FaultRule, load_rules
from huey_guard.runtime import ExecutionContext, Hook

logger = logging.getLogger("huey_guard.fault_injector")


class FaultInjectionHook(Hook):
    order = 30
    name = "fault-injection"

    def __init__(
        self,
        huey: Any,
        clock: Callable[[], float] = time.time,
        refresh: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.huey = huey
        self.clock = clock
        self.refresh = refresh
        self.sleep = sleep
        self.rng = rng
        self._rules: list[FaultRule] = []
        self._read_at: float | None = None

    def rules(self, now: float) -> list[FaultRule]:
        """The stored rules, cached for ``refresh`` seconds; a storage error keeps the last."""
        if self._read_at is None or now - self._read_at >= self.refresh:
            self._read_at = now
            try:
                self._rules = load_rules(self.huey)
            except Exception as exc:  # a storage hiccup must not fail the task
                logger.warning("could not read fault rules: %s", exc)
        return self._rules

    def before_execute(self, ctx: ExecutionContext) -> None:
        now = self.clock()
        rules = self.rules(now)
        if not rules:
            return
        task_name = ctx.task_name
        for index, rule in enumerate(rules):
            if not (rule.active(now) and rule.matches(task_name)):
                continue
            dice = self._dice(rule, ctx, index)
            if dice.random() >= rule.rate:
                continue
            if rule.latency > 0:
                ctx.event(
                    events.FAULT_INJECTED,
                    injected=True,
                    extra={"fault": "latency", "latency": rule.latency},
                )
                self.sleep(rule.latency)
            if rule.fault is not None:
                choices = members(rule.fault)
                fault = choices[int(dice.random() * len(choices)) % len(choices)]
                exc = make_fault(fault)
                ctx.event(
                    events.FAULT_INJECTED,
                    exception=exc,
                    injected=True,
                    extra={"fault": fault, "rule": rule.fault},
                )
                raise exc

    def _dice(self, rule: FaultRule, ctx: ExecutionContext, index: int) -> Any:
        if rule.seed is None:
            return _Unseeded(self.rng)
        return random.Random(f"{rule.seed}:{ctx.task.id}:{ctx.attempt}:{index}")


class _Unseeded:
    """The ``random()`` face of the injected generator when no seed was given."""

    def __init__(self, rng: Callable[[], float]) -> None:
        self.random = rng


def allowed(config: GuardConfig) -> bool:
    """True when the consumer's config opts in (GLOBAL_CONFIG ``allow_fault_injection``)."""
    return config.allow_fault_injection


def hook_factory(runtime: Any, manifest: Any = None) -> Hook | None:
    """``integration._hook_factories`` entry: a hook only when the config allows injection."""
    if not allowed(runtime.config):
        return None
    logger.warning(
        "fault injection is ALLOWED on queue %s (allow_fault_injection)", runtime.huey.name
    )
    return FaultInjectionHook(runtime.huey, clock=runtime.clock)
