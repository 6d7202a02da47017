"""What huey-guard reads off a huey task class: its registered name and the function it runs.

Every runtime module asks here, so the validation hook, the retry policy's argument repair and
``safe_call`` can never disagree about which task (or which function) they are looking at.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

# ``install()`` keeps a task class's own ``execute`` under this class attribute while the
# guarded pipeline stands in for it (and ``uninstall()`` puts it back).
ORIGINAL_EXECUTE = "_huey_guard_original_execute"

_MAX_WRAPPERS = 8  # execute wrappers deeper than this are not ours (and protect against cycles)


def task_name(task_class: type) -> str:
    """The name huey registers the task class under ("module.function")."""
    return f"{task_class.__module__}.{task_class.__name__}"


def task_function(task_class: type) -> Callable[..., Any] | None:
    """The function huey wraps in ``task_class`` (from its execute closure), if findable.

    huey keeps the function in the closure of the ``execute`` it generates; wrappers around
    that ``execute`` (the guard pipeline, ``safe_call``) are followed through ``__wrapped__``.
    """
    execute = task_class.__dict__.get(ORIGINAL_EXECUTE) or getattr(task_class, "execute", None)
    for _ in range(_MAX_WRAPPERS):
        if execute is None:
            return None
        try:
            closure = inspect.getclosurevars(execute).nonlocals
        except (TypeError, ValueError):
            return None
        func = closure.get("func")
        if callable(func):
            return func  # signature/annotation readers follow the function's __wrapped__ themselves
        execute = getattr(execute, "__wrapped__", None)
    return None
