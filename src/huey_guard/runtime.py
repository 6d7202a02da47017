"""The per-task guard pipeline: what runs around every task execution and every enqueue.

Flow (SPEC.md §7): argument validation → None checks → timeout control → the task →
exception capture → classification → dynamic retry → resource cleanup. Each stage is a *hook*
contributed by one runtime module; this module only orders the hooks, carries the per-attempt
state that travels inside the task message, and turns a hook's decision into huey's own retry
machinery (``RetryTask`` with a delay: a scheduled re-enqueue, never a sleep in a worker).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import huey
from huey.exceptions import CancelExecution, RetryTask, TaskLockedException

from huey_guard import events
from huey_guard.task_classes import task_name

if TYPE_CHECKING:
    from huey_guard.budget import PerformanceBudget

logger = logging.getLogger("huey_guard.runtime")

# The guard state travels with the task message, under this reserved keyword argument, so the
# attempt count and the delays survive a worker restart. It is removed before the task runs.
STATE_KEY = "__huey_guard__"

# The installed huey's major version: the one place huey-guard asks (2.5.4 and 3.x differ).
HUEY_MAJOR = int(huey.__version__.split(".")[0])

# huey's control-flow exceptions are decisions already made by huey or the task author.
# They pass through the guard untouched.
HUEY_CONTROL_FLOW: tuple[type[BaseException], ...] = (
    RetryTask,
    CancelExecution,
    TaskLockedException,
    KeyboardInterrupt,
)
if HUEY_MAJOR >= 3:  # pragma: no branch - depends on the installed huey major
    from huey.exceptions import RateLimitExceeded, TaskTimeout

    HUEY_CONTROL_FLOW += (RateLimitExceeded, TaskTimeout)


@dataclass
class ExecutionContext:
    """What the hooks know about one attempt of one task."""

    task: Any  # a huey.api.Task
    runtime: GuardRuntime
    # Persistent state from the message: {"attempt": int, ...}; hooks may add JSON-able keys.
    state: MutableMapping[str, Any]
    started: float = field(default_factory=time.perf_counter)
    # Seconds spent inside guard code for this attempt (for the performance budget).
    overhead: float = 0.0

    @property
    def task_name(self) -> str:
        return task_name(type(self.task))

    @property
    def attempt(self) -> int:
        """How many attempts ran before this one (0 on the first run)."""
        return int(self.state.get("attempt", 0))

    def event(self, kind: str, **fields: Any) -> events.GuardEvent:
        """Build and emit an event about this task; returns it.

        While the performance budget is shedding, the event carries no argument snapshot.
        """
        budget = self.runtime.budget
        snapshot = budget is None or not budget.shedding
        event = events.GuardEvent(
            kind=kind,
            task_id=self.task.id,
            task_name=self.task_name,
            attempt=self.attempt,
            args=tuple(self.task.args) if snapshot else (),
            kwargs=dict(self.task.kwargs) if snapshot else {},
            queue=self.runtime.huey.name,
            **fields,
        )
        self.runtime.bus.emit(event)
        return event


def guard_retry(reason: str, delay: float) -> RetryTask:
    """A ``RetryTask`` that re-enqueues after ``delay`` seconds, marked as the guard's own.

    The mark lets the huey 2.x result clean-up (see ``integration``) tell a guard retry from
    one the task raised itself.
    """
    retry = RetryTask(f"huey-guard: {reason}", delay=delay)
    retry.huey_guard_retry = True
    return retry


@dataclass(frozen=True)
class FailureDecision:
    """What to do with a failed attempt.

    ``retry`` re-enqueues the task after ``delay`` seconds with ``state`` (and, when given,
    repaired ``args``/``kwargs``). ``retry=False`` makes this failure final: huey records the
    error and does not retry either. ``passthrough`` leaves huey's own behaviour untouched
    (observe mode, or no opinion).
    """

    retry: bool = False
    delay: float = 0.0
    state: Mapping[str, Any] | None = None
    args: tuple[Any, ...] | None = None
    kwargs: Mapping[str, Any] | None = None
    passthrough: bool = False
    reason: str = ""


PASSTHROUGH = FailureDecision(passthrough=True)


class Hook:
    """A stage of the pipeline. Subclasses override what they need; ``order`` sorts them.

    - ``before_enqueue`` runs in the producer; raising stops the enqueue.
    - ``before_execute`` runs in the worker; raising fails (or, with ``RetryTask``, defers) it.
    - ``wrap_call`` may wrap the task's callable (e.g. ``safe_call``) — applied once per class.
    - ``on_failure`` returns a decision or None (no opinion); the first decision wins.
    - ``on_success`` observes a successful attempt.
    """

    order = 50
    name = "hook"

    def before_enqueue(self, runtime: GuardRuntime, task: Any) -> None:
        return None

    def before_execute(self, ctx: ExecutionContext) -> None:
        return None

    def on_failure(self, ctx: ExecutionContext, exc: BaseException) -> FailureDecision | None:
        return None

    def on_success(self, ctx: ExecutionContext, value: Any) -> None:
        return None


class GuardRuntime:
    """The guards installed on one Huey instance: its config, its hooks, its event bus."""

    def __init__(
        self,
        huey: Any,
        config: Any = None,
        hooks: list[Hook] | None = None,
        bus: events.EventBus | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from huey_guard.config import coerce_config

        self.huey = huey
        self.config = coerce_config(config)
        self.bus = bus if bus is not None else events.default_bus
        self.clock = clock
        # The performance budget (budget.meter_factory sets it when performance_threshold is).
        self.budget: PerformanceBudget | None = None
        # Work for the process that creates a consumer, not for producers (install() wraps
        # huey.create_consumer once): ``before_consumer`` callbacks may refuse the start by
        # raising; ``after_consumer`` callbacks receive the consumer.
        self.before_consumer: list[Callable[[], Any]] = []
        self.after_consumer: list[Callable[[Any], Any]] = []
        self._set_hooks(hooks or [])

    def add_hook(self, hook: Hook) -> None:
        self._set_hooks([*self.hooks, hook])

    def _set_hooks(self, hooks: list[Hook]) -> None:
        self.hooks: list[Hook] = sorted(hooks, key=lambda h: h.order)
        # The worker-side stages run per task: each calls only the hooks that override it.
        self._before_execute = [h for h in self.hooks if _overrides(h, "before_execute")]
        self._on_failure = [h for h in self.hooks if _overrides(h, "on_failure")]
        self._on_success = [h for h in self.hooks if _overrides(h, "on_success")]

    def hook(self, name: str) -> Hook | None:
        return next((h for h in self.hooks if h.name == name), None)

    def task_name(self, task_class: type) -> str:
        """The name huey registers the task class under ("module.function")."""
        return task_name(task_class)

    # -- producer side ----------------------------------------------------------------------
    def before_enqueue(self, task: Any) -> None:
        for hook in self.hooks:
            hook.before_enqueue(self, task)

    # -- worker side --------------------------------------------------------------------------
    def execute(self, task: Any, run: Callable[[Any], Any]) -> Any:
        """Run one attempt of ``task`` (``run(task)`` calls the original execute)."""
        state: dict[str, Any] = dict(task.kwargs.pop(STATE_KEY, None) or {})
        ctx = ExecutionContext(task=task, runtime=self, state=state)
        guard_start = time.perf_counter()
        try:
            for hook in self._before_execute:
                hook.before_execute(ctx)
        except BaseException as exc:
            ctx.overhead += time.perf_counter() - guard_start
            return self._fail(ctx, exc)
        ctx.overhead += time.perf_counter() - guard_start

        try:
            value = run(task)
        except BaseException as exc:
            return self._fail(ctx, exc)

        for hook in self._on_success:
            try:
                hook.on_success(ctx, value)
            except Exception:
                logger.exception("guard hook %s failed; the task result is unaffected", hook.name)
        return value

    def _fail(self, ctx: ExecutionContext, exc: BaseException) -> Any:
        if isinstance(exc, HUEY_CONTROL_FLOW):
            if isinstance(exc, RetryTask) and ctx.state:
                # A deliberate deferral keeps its guard state in the re-enqueued message.
                ctx.task.kwargs[STATE_KEY] = dict(ctx.state)
            raise exc
        decision = PASSTHROUGH
        for hook in self._on_failure:
            try:
                found = hook.on_failure(ctx, exc)
            except Exception:
                logger.exception("guard hook %s failed while handling %r", hook.name, exc)
                continue
            if found is not None:
                decision = found
                break
        if decision.passthrough:
            raise exc
        if not decision.retry:
            ctx.task.retries = 0  # final: huey must not retry what the policy gave up on
            raise exc
        if decision.args is not None:
            ctx.task.args = tuple(decision.args)
        if decision.kwargs is not None:
            ctx.task.kwargs = dict(decision.kwargs)
        ctx.task.kwargs[STATE_KEY] = dict(
            decision.state if decision.state is not None else ctx.state
        )
        raise guard_retry(decision.reason or "retrying", decision.delay) from exc


def _overrides(hook: Hook, stage: str) -> bool:
    """True unless ``hook``'s ``stage`` is the no-op ``Hook`` default."""
    return getattr(getattr(hook, stage), "__func__", None) is not getattr(Hook, stage)
