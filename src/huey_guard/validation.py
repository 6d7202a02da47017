"""Public guard API: argument validators, ``safe_call`` and argument repair for huey tasks.

    @huey.task(validate_args=not_none_validator)            # every parameter
    @huey.task(validate_args=not_none_validator("order_id"))  # the named ones
    @huey.task(validate_args=[not_none_validator, type_validator, my_check])
    @safe_call(default_return=lambda: None)

Validators run when the task is enqueued (the producer gets ``ArgumentValidationError`` and
nothing is stored) and again in the worker before it runs; ``install()`` applies them.
"""

from __future__ import annotations

from huey_guard.guards.safe_call import safe_call
from huey_guard.guards.validators import (
    ArgumentValidationError,
    NotNoneValidator,
    TaskCall,
    TypeValidator,
    not_none_validator,
    type_validator,
)
from huey_guard.repair import repair_arguments  # the NULL_POINTER strategy's argument repair

__all__ = [
    "ArgumentValidationError",
    "NotNoneValidator",
    "TaskCall",
    "TypeValidator",
    "not_none_validator",
    "repair_arguments",
    "safe_call",
    "type_validator",
]
