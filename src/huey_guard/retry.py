"""Dynamic retry: the retry-policy hook (order 60).

On a failure the policy hook classifies the exception, picks the category's strategy, and
returns a ``FailureDecision``: retry after a computed delay (huey re-enqueues the task with that
ETA; the attempt count travels in the message), or fail now. A RETRY_WHEN_RESOURCES_FREE retry
also arms the resource gate (``huey_guard.resource_gate``) for the attempt it schedules.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from huey_guard import events
from huey_guard.config import GuardConfig
from huey_guard.exception_handler import ExceptionHandler, exception_handler, with_config
from huey_guard.repair import Repair, repair_arguments
from huey_guard.resource_gate import GATE_KEY
from huey_guard.runtime import PASSTHROUGH, ExecutionContext, FailureDecision, Hook
from huey_guard.strategies import RandomSource, RetryState, RetryStrategy, build_strategy
from huey_guard.strategies import parameters_for as _parameters_for
from huey_guard.task_classes import task_function, task_name

logger = logging.getLogger("huey_guard.retry")


@dataclass(frozen=True)
class TaskSettings:
    """What the policy needs to know about a task class, computed once per class."""

    func: Callable[..., Any] | None = None
    critical: bool = False
    max_retries: int | None = None  # the task's ``max_retries=`` attribute; 0 turns retries off
    repairs: Mapping[str, Repair] = field(default_factory=dict)


class RetryPolicyHook(Hook):
    """Classify every failure and decide: retry through huey's schedule, or fail now."""

    order = 60
    name = "retry-policy"

    def __init__(
        self,
        config: GuardConfig,
        handler: ExceptionHandler | None = None,
        rng: RandomSource = random.random,
    ) -> None:
        self.config = config
        self.handler = handler or with_config(exception_handler, config.exceptions)
        self.rng = rng
        self.observe = config.observe
        self.time_scale = config.time_scale
        self.priorities = config.priorities
        self._settings: dict[type, TaskSettings] = {}
        self._strategies: dict[tuple[str, str], RetryStrategy] = {}

    # -- per class, once ------------------------------------------------------------------
    def prepare_task_class(self, task_class: type) -> None:
        self._settings[task_class] = self._compute_settings(task_class)

    def settings(self, task_class: type) -> TaskSettings:
        found = self._settings.get(task_class)
        if found is None:
            found = self._settings[task_class] = self._compute_settings(task_class)
        return found

    def _compute_settings(self, task_class: type) -> TaskSettings:
        priority = getattr(task_class, "default_priority", None)
        critical = priority == "critical" or priority == self.priorities["critical"]
        if isinstance(priority, str):
            # huey's priority storages order numbers; a word would break (Redis) or mis-sort.
            if priority in self.priorities:
                task_class.default_priority = self.priorities[priority]  # type: ignore[attr-defined]
            else:
                logger.warning("task %s: unknown priority %r", task_class.__name__, priority)
        name = task_name(task_class)
        configured = self.config.null_pointer_protection.get("repairs", {})
        repairs = {**configured.get("*", {}), **configured.get(name, {})}
        repairs.update(getattr(task_class, "repair_args", None) or {})
        max_retries = getattr(task_class, "max_retries", None)
        return TaskSettings(
            func=task_function(task_class),
            critical=critical,
            max_retries=int(max_retries) if max_retries is not None else None,
            repairs=repairs,
        )

    def strategy(self, category: str, name: str) -> RetryStrategy:
        key = (category, name)
        found = self._strategies.get(key)
        if found is None:
            params = _parameters_for(category, self.config.retry_strategies.get(category))
            found = self._strategies[key] = build_strategy(name, params, self.rng)
        return found

    # -- producer side: a priority word given per call ------------------------------------
    def before_enqueue(self, runtime: Any, task: Any) -> None:
        if isinstance(task.priority, str) and task.priority in self.priorities:
            task.priority = self.priorities[task.priority]

    # -- worker side ----------------------------------------------------------------------
    def on_success(self, ctx: ExecutionContext, value: Any) -> None:
        if ctx.runtime.bus.active:
            # The strategy travels in the message, so a recovery is credited to it even when
            # the successful attempt runs in another worker process than the failed one.
            recovered_by = ctx.state.get("strategy") if ctx.attempt else None
            ctx.event(
                events.TASK_SUCCEEDED,
                duration=time.perf_counter() - ctx.started,
                category=ctx.state.get("category") if recovered_by else None,
                strategy={"type": recovered_by, "attempt": ctx.attempt} if recovered_by else None,
            )

    def on_failure(self, ctx: ExecutionContext, exc: BaseException) -> FailureDecision | None:
        found = self.handler.classify(exc)
        category, strategy = found.category, self.strategy(found.category, found.strategy)
        task = ctx.task
        emit = ctx.runtime.bus.active
        if emit:
            ctx.event(
                events.EXCEPTION_CLASSIFIED,
                exception=exc,
                category=category,
                strategy={"type": strategy.name},
                extra={"signature": found.signature_name, "mode": self.config.mode},
            )
        if self.observe:
            return self._huey_decides(ctx, exc, category, strategy, emit)

        settings = self.settings(type(task))
        cap = self._cap(settings, strategy, task)
        retry_number = ctx.attempt + 1
        if settings.max_retries == 0:
            return self._final(ctx, exc, category, strategy, 0, "retries disabled (max_retries=0)")
        if strategy.defer_to_huey:
            return self._huey_decides(ctx, exc, category, strategy, emit)
        if not strategy.retry:
            return self._final(ctx, exc, category, strategy, cap, f"{category} is not retryable")
        if ctx.attempt >= cap:
            return self._final(ctx, exc, category, strategy, cap, f"gave up after {cap} retries")

        args = kwargs = None
        if strategy.repair_arguments:
            fixed = None
            if settings.func is not None:
                fixed = repair_arguments(settings.func, task.args, task.kwargs, settings.repairs)
            if fixed is None:
                return self._final(ctx, exc, category, strategy, cap, "no argument repair possible")
            args, kwargs = fixed.args, dict(fixed.kwargs)
            if emit:
                ctx.event(
                    events.ARGUMENT_REPAIRED,
                    exception=exc,
                    category=category,
                    extra={
                        "repaired": dict(fixed.repaired),
                        "new_args": args,
                        "new_kwargs": dict(kwargs),
                    },
                )

        state = RetryState(retry_number, exc, task, ctx.state.get("last_delay"))
        delay = strategy.delay(state) * self.time_scale
        new_state = {
            **ctx.state,
            "attempt": retry_number,
            "category": category,
            "strategy": strategy.name,
            "last_delay": delay,
        }
        if strategy.resource_gate:
            new_state[GATE_KEY] = {
                "threshold": strategy.memory_threshold,
                "delay": delay,
                "max_wait": strategy.max_wait * self.time_scale,
                "deferred": 0.0,
                "max_attempts": cap,
            }
        if emit:
            ctx.event(
                events.RETRY_SCHEDULED,
                exception=exc,
                category=category,
                strategy=events.strategy_info(strategy.name, delay, retry_number, cap),
            )
        reason = f"{category}: {strategy.name} retry {retry_number}/{cap} in {delay:.3f}s"
        return FailureDecision(
            retry=True, delay=delay, state=new_state, args=args, kwargs=kwargs, reason=reason
        )

    def _cap(self, settings: TaskSettings, strategy: RetryStrategy, task: Any) -> int:
        if settings.max_retries is not None:
            return settings.max_retries
        # Guard retries never spend huey's counter (RetryTask leaves it as it was), so a task's
        # ``retries`` here is still the N it was declared or enqueued with.
        if task.retries:
            return int(task.retries)
        critical = settings.critical or task.priority == self.priorities["critical"]
        return self.config.critical_max_retries if critical else strategy.max_retries

    def _final(
        self,
        ctx: ExecutionContext,
        exc: BaseException,
        category: str,
        strategy: RetryStrategy,
        cap: int,
        reason: str,
    ) -> FailureDecision:
        if ctx.runtime.bus.active:
            ctx.event(
                events.FINAL_FAILURE,
                exception=exc,
                category=category,
                strategy=events.strategy_info(strategy.name, None, ctx.attempt, cap),
                extra={"reason": reason},
            )
        return FailureDecision(retry=False, reason=reason)

    def _huey_decides(
        self,
        ctx: ExecutionContext,
        exc: BaseException,
        category: str,
        strategy: RetryStrategy,
        emit: bool,
    ) -> FailureDecision:
        """Observe mode and HUEY_DEFAULT: report what huey is about to do, change nothing."""
        if emit:
            task = ctx.task
            if task.retries:
                kind, delay = events.RETRY_SCHEDULED, float(task.retry_delay or 0)
            else:
                kind, delay = events.FINAL_FAILURE, None
            ctx.event(
                kind,
                exception=exc,
                category=category,
                strategy=events.strategy_info("HUEY_DEFAULT", delay, ctx.attempt + 1, task.retries),
                extra={"reason": "huey's own retry settings decide", "advised": strategy.name},
            )
        return PASSTHROUGH


def policy_hook_factory(runtime: Any, manifest: Any = None) -> Hook:
    return RetryPolicyHook(runtime.config)
