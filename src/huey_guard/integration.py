"""``install()`` / ``uninstall()``: instrument an existing Huey instance without forking huey.

Three seams, all on the *instance* (huey's classes are never patched, so two Huey objects in one
process can be guarded differently, and ``uninstall()`` restores exactly what was there):

- every task class registered now or later gets a guarded ``execute`` (the registry's
  ``register`` is wrapped, which catches ``task``, ``periodic_task``, ``context_task``, custom
  wrapper classes and the ``huey.task()(func)`` call form alike);
- ``enqueue`` runs the producer-side hooks (argument validation) before anything is stored;
- ``create_consumer`` runs the runtime's consumer start-up callbacks (the start-up scan, the
  metrics endpoint) in the process that consumes, and only there;
- the runtime object hangs off the instance as ``huey.guard``.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from huey_guard.runtime import HUEY_MAJOR, GuardRuntime, Hook
from huey_guard.task_classes import ORIGINAL_EXECUTE

logger = logging.getLogger("huey_guard")

_RUNTIME_ATTR = "guard"


def install(
    huey: Any,
    config: Any = None,
    manifest: Any = None,
    hooks: list[Hook] | None = None,
) -> GuardRuntime:
    """Guard ``huey``: every registered task and every task defined later.

    ``config`` is what ``huey_guard.config.load_config`` returns (or a mapping / module name it
    accepts). ``manifest`` is a guard manifest written by ``huey-nullscan --emit-guards`` (a path
    or a loaded mapping). Installing twice returns the runtime already installed.
    """
    existing = getattr(huey, _RUNTIME_ATTR, None)
    if isinstance(existing, GuardRuntime):
        return existing

    runtime = GuardRuntime(huey, config)
    if not runtime.config.enabled:
        # Disabled means huey behaves exactly as without huey-guard: touch nothing.
        logger.info("huey-guard is disabled by GLOBAL_CONFIG; %s is left untouched", huey.name)
        return runtime

    for hook in hooks if hooks is not None else default_hooks(runtime, manifest):
        runtime.add_hook(hook)
    setattr(huey, _RUNTIME_ATTR, runtime)

    registry = huey._registry
    original_register = registry.register

    @functools.wraps(original_register)
    def register(task_class: type) -> Any:
        result = original_register(task_class)
        instrument_task_class(runtime, task_class)
        return result

    registry.register = register
    for task_class in list(registry._registry.values()):
        instrument_task_class(runtime, task_class)

    original_enqueue = huey.enqueue

    @functools.wraps(original_enqueue)
    def enqueue(task: Any) -> Any:
        if _is_single_task(task):
            runtime.before_enqueue(task)
        return original_enqueue(task)

    huey.enqueue = enqueue

    original_create_consumer = huey.create_consumer

    @functools.wraps(original_create_consumer)
    def create_consumer(**options: Any) -> Any:
        for before in runtime.before_consumer:
            before()
        consumer = original_create_consumer(**options)
        for after in runtime.after_consumer:
            after(consumer)
        return consumer

    huey.create_consumer = create_consumer
    _forget_intermediate_errors(huey)
    return runtime


_RETRY_RESULT_HOOK = "huey_guard:drop-intermediate-error"


def _forget_intermediate_errors(huey: Any) -> None:
    """On huey 2.x, drop the error result stored for an attempt that the guard is retrying.

    huey 2.x stores an ``Error`` result for every failed attempt, ``RetryTask`` included, so a
    producer blocking on ``result.get()`` would see a failure for a task that is only being
    retried. huey 3.x already keeps retrying exceptions out of the result store.
    """
    if not huey.results or HUEY_MAJOR >= 3:
        return

    def drop(task: Any, value: Any, exception: BaseException | None) -> None:
        if getattr(exception, "huey_guard_retry", False):
            huey.delete(task.id)

    huey.post_execute(name=_RETRY_RESULT_HOOK)(drop)


def uninstall(huey: Any) -> None:
    """Remove every guard ``install()`` added; a no-op when none is installed."""
    runtime = getattr(huey, _RUNTIME_ATTR, None)
    if not isinstance(runtime, GuardRuntime):
        return
    for task_class in list(huey._registry._registry.values()):
        original = task_class.__dict__.get(ORIGINAL_EXECUTE)
        if original is not None:
            task_class.execute = original
            delattr(task_class, ORIGINAL_EXECUTE)
    # The wrappers were set as instance attributes; deleting them uncovers the class methods.
    for name in ("enqueue", "create_consumer"):
        huey.__dict__.pop(name, None)
    huey._registry.__dict__.pop("register", None)
    huey._post_execute.pop(_RETRY_RESULT_HOOK, None)
    delattr(huey, _RUNTIME_ATTR)


def runtime_of(huey: Any) -> GuardRuntime | None:
    """The runtime installed on ``huey``, if any."""
    runtime = getattr(huey, _RUNTIME_ATTR, None)
    return runtime if isinstance(runtime, GuardRuntime) else None


def instrument_task_class(runtime: GuardRuntime, task_class: type) -> None:
    """Replace ``task_class.execute`` with the guarded pipeline (once)."""
    if ORIGINAL_EXECUTE in task_class.__dict__:
        return
    original = task_class.execute  # type: ignore[attr-defined]
    for hook in runtime.hooks:
        prepare = getattr(hook, "prepare_task_class", None)
        if prepare is not None:
            try:
                prepare(task_class)
            except Exception:
                logger.exception("guard hook %s could not prepare %s", hook.name, task_class)

    # Hooks with ``wrap_call`` (safe_call) wrap the original call, inside the pipeline, so the
    # retry policy never sees a failure they recovered from; uninstall still restores `original`.
    call = original
    for hook in runtime.hooks:
        wrap = getattr(hook, "wrap_call", None)
        if wrap is not None:
            try:
                call = wrap(task_class, call) or call
            except Exception:
                logger.exception("guard hook %s could not wrap %s", hook.name, task_class)

    def execute(task: Any) -> Any:
        return runtime.execute(task, call)

    execute.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(task_class, ORIGINAL_EXECUTE, original)
    task_class.execute = execute  # type: ignore[attr-defined]


def default_hooks(runtime: GuardRuntime, manifest: Any = None) -> list[Hook]:
    """The hooks every guarded instance gets, built from its config.

    Each runtime module contributes one factory; the order of the pipeline comes from each
    hook's ``order`` attribute, not from this list.
    """
    hooks: list[Hook] = []
    for factory in _hook_factories():
        hook = factory(runtime, manifest)
        if hook is not None:
            hooks.append(hook)
    return hooks


def _hook_factories() -> list[Any]:
    # Imported lazily: a producer that never executes tasks pays only for what it uses.
    factories: list[Any] = []
    from huey_guard.guards import hooks as guard_hooks
    from huey_guard.guards import startup as guard_startup

    factories += [guard_hooks.validation_factory, guard_hooks.safe_call_factory]
    factories.append(guard_startup.startup_factory)
    from huey_guard import budget, resource_gate, retry

    factories += [resource_gate.resource_gate_factory, retry.policy_hook_factory]
    factories += [budget.mark_factory, budget.meter_factory]
    from huey_guard.fault_injector import hook as fault_hook
    from huey_guard.observability import setup as observability_setup

    factories += [fault_hook.hook_factory, observability_setup.hook_factory]
    return factories


def _is_single_task(task: Any) -> bool:
    from huey.api import Task

    return isinstance(task, Task)
