"""``safe_call``: recover from exceptions caused by dereferencing None, and from nothing else.

Which exceptions count is decided by :mod:`huey_guard.none_errors` (the same table the
NULL_POINTER classifier uses). A genuine ``AttributeError`` on a real object, or a ``TypeError``
from a wrong argument count, propagates unchanged.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

from huey_guard import events
from huey_guard.none_errors import none_dereference
from huey_guard.task_classes import ORIGINAL_EXECUTE, task_name

logger = logging.getLogger("huey_guard.safe_call")

# Marks a callable that already recovers, so nothing wraps it twice (install twice, manifest
# plus explicit decorator).
SAFE_MARK = "__huey_guard_safe_call__"


class DefaultReturn:
    """The value a recovery returns: a value, a zero-argument callable, or a callable that
    accepts the task's arguments (decided once, from its signature)."""

    def __init__(self, default: Any) -> None:
        self.default = default
        self.mode = _mode_of(default)

    def __call__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if self.mode == "value":
            return self.default
        if self.mode == "args":
            return self.default(*args, **kwargs)
        return self.default()


def _mode_of(default: Any) -> str:
    if not callable(default):
        return "value"
    if isinstance(default, type):
        return "zero"  # ``default_return=list`` means "a fresh list()"
    try:
        signature = inspect.signature(default)
    except (TypeError, ValueError):
        return "zero"
    params = signature.parameters.values()
    takes_args = any(
        p.kind is inspect.Parameter.VAR_POSITIONAL
        or (p.default is inspect.Parameter.empty and p.kind is not inspect.Parameter.VAR_KEYWORD)
        for p in params
    )
    return "args" if takes_args else "zero"


def recovered(
    name: str,
    exc: BaseException,
    default: DefaultReturn,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    bus: events.EventBus | None = None,
    task_id: str | None = None,
) -> Any:
    """Log and publish one recovery, then compute the default."""
    found = none_dereference(exc)
    logger.warning("safe_call recovered %s from a None dereference: %s", name, exc)
    (bus or events.default_bus).emit(
        events.GuardEvent(
            kind=events.SAFE_CALL_RECOVERED,
            task_id=task_id,
            task_name=name,
            exception=exc,
            category="NULL_POINTER",
            args=args,
            kwargs=dict(kwargs),
            extra={"kind": found.kind if found else "", "detail": str(exc)},
        )
    )
    return default(args, kwargs)


def wrap_function(
    fn: Callable[..., Any], default: DefaultReturn, name: str | None = None
) -> Callable[..., Any]:
    """A wrapper of ``fn`` (plain, method, generator or coroutine function) that recovers."""
    label = name or f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', fn)}"

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return (yield from fn(*args, **kwargs))
            except (AttributeError, TypeError) as exc:
                if none_dereference(exc) is None:
                    raise
                # Items yielded before the failure stay delivered; the default becomes the
                # generator's return value (what ``yield from`` evaluates to).
                return recovered(label, exc, default, args, kwargs)

        wrapper: Callable[..., Any] = gen_wrapper
    elif inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except (AttributeError, TypeError) as exc:
                if none_dereference(exc) is None:
                    raise
                return recovered(label, exc, default, args, kwargs)

        wrapper = async_wrapper
    else:

        @functools.wraps(fn)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except (AttributeError, TypeError) as exc:
                if none_dereference(exc) is None:
                    raise
                return recovered(label, exc, default, args, kwargs)

        wrapper = sync_wrapper
    setattr(wrapper, SAFE_MARK, default)
    return wrapper


def wrap_execute(
    execute: Callable[..., Any], default: DefaultReturn, name: str
) -> Callable[..., Any]:
    """Wrap a huey task class's ``execute(task)`` so a None dereference returns the default."""

    @functools.wraps(execute)
    def safe_execute(task: Any) -> Any:
        try:
            return execute(task)
        except (AttributeError, TypeError) as exc:
            if none_dereference(exc) is None:
                raise
            bus = getattr(getattr(getattr(task, "huey", None), "guard", None), "bus", None)
            args, kwargs = _task_arguments(task)
            return recovered(name, exc, default, args, kwargs, bus=bus, task_id=task.id)

    setattr(safe_execute, SAFE_MARK, default)
    return safe_execute


def _task_arguments(task: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    data: Any = getattr(task, "data", None) or ((), {})
    args, kwargs = data
    return tuple(args or ()), dict(kwargs or {})


def safe_call(default_return: Any = None) -> Callable[[Any], Any]:
    """Decorator: return ``default_return`` when the call fails because something was None.

    ``default_return`` is a value, a callable with no arguments (``lambda: None``), or a callable
    that accepts the task's arguments (``lambda order_id: {"order": order_id}``).

    Works below ``@huey.task()`` (huey wraps the safe function) and above it (the task's
    function and its class's ``execute`` are made safe; the TaskWrapper is returned unchanged).
    """
    default = DefaultReturn(default_return)

    def decorate(target: Any) -> Any:
        if _is_task_wrapper(target):
            return _guard_task_wrapper(target, default)
        if getattr(target, SAFE_MARK, None) is not None:
            return target
        if isinstance(target, (staticmethod, classmethod)):
            return type(target)(wrap_function(target.__func__, default))
        return wrap_function(target, default)

    return decorate


def _is_task_wrapper(obj: Any) -> bool:
    return hasattr(obj, "task_class") and hasattr(obj, "huey") and hasattr(obj, "func")


def _guard_task_wrapper(wrapper: Any, default: DefaultReturn) -> Any:
    """Make an existing huey task safe: ``call_local`` and the worker's ``execute`` both."""
    from huey_guard.integration import instrument_task_class, runtime_of

    task_class = wrapper.task_class
    name = task_name(task_class)
    if getattr(wrapper.func, SAFE_MARK, None) is None:
        wrapper.func = wrap_function(wrapper.func, default, name=name)
    # An instrumented class calls the original execute from the guard pipeline; the safe
    # wrapper must sit *inside* the pipeline so the retry policy never sees a recovered error.
    original = task_class.__dict__.get(ORIGINAL_EXECUTE)
    runtime = runtime_of(wrapper.huey)
    base = original if original is not None else task_class.execute
    if getattr(base, SAFE_MARK, None) is not None:
        return wrapper
    task_class.execute = wrap_execute(base, default, name)
    if original is not None and runtime is not None:
        delattr(task_class, ORIGINAL_EXECUTE)
        instrument_task_class(runtime, task_class)
    return wrapper
