"""The two guard hooks: argument validation (order 20) and safe_call recovery (order 40).

Validation runs twice: in the producer before anything is stored (the caller gets the error,
the queue stays empty) and in the worker before the task runs (a message from an unguarded
producer, or written into the queue by hand). A failure in the worker is final: the hook's own
``on_failure`` returns a no-retry decision ahead of the retry policy (order 60), and the error
class carries ``huey_guard_category = "VALIDATION"`` / ``retryable = False`` for classifiers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey_guard import events
from huey_guard.guards.manifest import load as load_manifest
from huey_guard.guards.safe_call import SAFE_MARK, recovered
from huey_guard.guards.table import GuardTable, table_for
from huey_guard.guards.validators import (
    ArgumentValidationError,
    TaskCall,
    Validator,
    declared_validators,
    run_validators,
)
from huey_guard.none_errors import none_dereference
from huey_guard.runtime import ExecutionContext, FailureDecision, GuardRuntime, Hook
from huey_guard.task_classes import task_function, task_name

_TaskFacts = tuple[str, Callable[..., Any] | None, tuple[Validator, ...]]
FINAL = FailureDecision(retry=False, reason="argument validation failed; retrying cannot fix it")


class ValidationHook(Hook):
    order = 20
    name = "validation"

    def __init__(self, runtime: GuardRuntime, table: GuardTable) -> None:
        self.runtime = runtime
        self.table = table
        # Fixed per task class, so computed once: its name, function and declared validators.
        self._classes: dict[type, _TaskFacts] = {}

    def _task(self, task_class: type) -> _TaskFacts:
        found = self._classes.get(task_class)
        if found is None:
            function = task_function(task_class)
            declared = declared_validators(task_class, function)
            found = self._classes[task_class] = (task_name(task_class), function, declared)
        return found

    def _check(self, task: Any) -> ArgumentValidationError | None:
        name, function, declared = self._task(type(task))
        # The manifest's part is looked up per call: the start-up scan may put it in force later.
        validators = declared + self.table.validators_for(name)
        if not validators:
            return None
        call = TaskCall.build(name, function, task.args, task.kwargs)
        try:
            run_validators(validators, call)
        except ArgumentValidationError as exc:
            return exc
        return None

    def before_enqueue(self, runtime: GuardRuntime, task: Any) -> None:
        error = self._check(task)
        if error is None:
            return
        runtime.bus.emit(
            events.GuardEvent(
                kind=events.VALIDATION_FAILED,
                task_id=task.id,
                task_name=error.task,
                exception=error,
                category="VALIDATION",
                args=tuple(task.args),
                kwargs=dict(task.kwargs),
                queue=runtime.huey.name,
                extra={"checkpoint": "enqueue", "parameter": error.parameter},
            )
        )
        raise error

    def before_execute(self, ctx: ExecutionContext) -> None:
        error = self._check(ctx.task)
        if error is None:
            return
        ctx.event(
            events.VALIDATION_FAILED,
            exception=error,
            category="VALIDATION",
            extra={"checkpoint": "execute", "parameter": error.parameter},
        )
        raise error

    def on_failure(self, ctx: ExecutionContext, exc: BaseException) -> FailureDecision | None:
        if not isinstance(exc, ArgumentValidationError):
            return None
        if ctx.runtime.bus.active:
            # This decision pre-empts the retry policy, so it reports the two steps the policy
            # would have: the failure is counted, and it is final exactly once.
            strategy = {"type": "NO_RETRY", "delay": None, "attempt": ctx.attempt}
            ctx.event(
                events.EXCEPTION_CLASSIFIED, exception=exc, category="VALIDATION", strategy=strategy
            )
            ctx.event(
                events.FINAL_FAILURE,
                exception=exc,
                category="VALIDATION",
                strategy=strategy,
                extra={"reason": FINAL.reason},
            )
        return FINAL


class SafeCallHook(Hook):
    """Wraps each task's call so a None dereference returns the manifest's default.

    The wrapper looks the task up at call time, so guards from a manifest that arrives after
    instrumentation (the start-up scan) apply too; tasks with no safe_call entry pay one dict
    lookup.
    """

    order = 40
    name = "safe_call"

    def __init__(self, runtime: GuardRuntime, table: GuardTable) -> None:
        self.runtime = runtime
        self.table = table

    def wrap_call(self, task_class: type, call: Callable[[Any], Any]) -> Callable[[Any], Any]:
        if getattr(call, SAFE_MARK, None) is not None:
            return call  # the task carries an explicit @safe_call already
        name = self.runtime.task_name(task_class)
        table = self.table
        bus = self.runtime.bus

        def guarded_call(task: Any) -> Any:
            default = table.default_for(name)
            if default is None:
                return call(task)
            try:
                return call(task)
            except (AttributeError, TypeError) as exc:
                if none_dereference(exc) is None:
                    raise
                return recovered(
                    name, exc, default, tuple(task.args), dict(task.kwargs), bus, task.id
                )

        return guarded_call


def validation_factory(runtime: GuardRuntime, manifest: Any = None) -> Hook | None:
    """Factory for integration.default_hooks: the validation hook, with the manifest loaded.

    PROTECTION_CONFIG ``argument_validation.enabled = False`` leaves validation out entirely.
    """
    table = _guard_table(runtime, "argument_validation", manifest)
    return None if table is None else ValidationHook(runtime, table)


def safe_call_factory(runtime: GuardRuntime, manifest: Any = None) -> Hook | None:
    """The safe_call hook (PROTECTION_CONFIG ``safe_call.enabled = False`` leaves it out)."""
    table = _guard_table(runtime, "safe_call", manifest)
    return None if table is None else SafeCallHook(runtime, table)


def _guard_table(runtime: GuardRuntime, section: str, manifest: Any) -> GuardTable | None:
    """The runtime's guard table with the manifest loaded once, or None when ``section`` is off.

    The manifest is ``install(manifest=...)``'s, else PROTECTION_CONFIG ``guards.manifest``.
    """
    if not runtime.config.protection_setting(section, "enabled", True):
        return None
    table = table_for(runtime)
    manifest = manifest if manifest is not None else configured_manifest(runtime)
    if manifest is not None and table.manifest is None:
        table.update(load_manifest(manifest))
    return table


def configured_manifest(runtime: GuardRuntime) -> str | None:
    """PROTECTION_CONFIG ``guards.manifest``: a manifest path when ``install()`` got none."""
    found = runtime.config.protection_setting("guards", "manifest")
    return str(found) if found else None
