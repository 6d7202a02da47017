"""Recognising exceptions that were caused by dereferencing None, and nothing else.

Both ``safe_call`` (which recovers from these) and the exception classifier (which files them
under NULL_POINTER) ask this module, so the two can never disagree. CPython gives no flag on
such errors, so we read the interpreter's own messages; the table below lists the shapes
CPython 3.10-3.13 produces. A genuine ``AttributeError`` on a real object, or a ``TypeError`` from
a wrong argument count, matches none of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class NoneDereference:
    """What kind of operation hit None, mirroring the analyzer's NS1xx codes."""

    kind: str  # "attribute" | "subscript" | "call" | "iteration" | "operation" | "argument"
    detail: str  # the interpreter's message


# (exception type, kind, pattern). Order matters only for which `kind` is reported.
_PATTERNS: tuple[tuple[type[BaseException], str, re.Pattern[str]], ...] = tuple(
    (exc_type, kind, re.compile(pattern))
    for exc_type, kind, pattern in (
        (AttributeError, "attribute", r"^'NoneType' object has no attribute "),
        (TypeError, "subscript", r"^'NoneType' object is not subscriptable"),
        (TypeError, "subscript", r"^'NoneType' object does not support item (assignment|deletion)"),
        (TypeError, "call", r"^'NoneType' object is not callable"),
        (TypeError, "iteration", r"'NoneType' object is not (iterable|a mapping)"),
        (TypeError, "iteration", r"^cannot unpack non-iterable NoneType object"),
        (TypeError, "iteration", r"after \*\*? must be an? (iterable|mapping), not NoneType"),
        (TypeError, "iteration", r"^argument of type 'NoneType' is not iterable"),
        (TypeError, "operation", r"^unsupported operand type\(s\) for .*'NoneType'"),
        (TypeError, "operation", r"^bad operand type for .*'NoneType'"),
        (TypeError, "operation", r"^can't multiply sequence by non-int of type 'NoneType'"),
        (TypeError, "operation", r"^type NoneType doesn't define __\w+__ method"),
        (TypeError, "operation", r"not supported between instances of .*'NoneType'"),
        (TypeError, "operation", r"^object of type 'NoneType' has no len\(\)"),
        (TypeError, "operation", r"'NoneType' object does not support the (asynchronous )?context"),
        (TypeError, "operation", r"^object NoneType can't be used in 'await' expression"),
        (TypeError, "operation", r"^can only concatenate \w+ \(not \"NoneType\"\)"),
        # A builtin that was handed None where it needed a value (int(None), "".join([None]), …).
        (TypeError, "argument", r"\bnot '?NoneType'?$|NoneType found$"),
        (TypeError, "argument", r"^'NoneType' object cannot be interpreted as an integer"),
    )
)


def none_dereference(exc: BaseException) -> NoneDereference | None:
    """Describe ``exc`` when it was raised because an operand was None, else return None."""
    if not isinstance(exc, (AttributeError, TypeError)):
        return None
    message = str(exc)
    if "NoneType" not in message:  # the cheap test first: nearly every other error stops here
        return None
    for exc_type, kind, pattern in _PATTERNS:
        if isinstance(exc, exc_type) and pattern.search(message):
            return NoneDereference(kind=kind, detail=message)
    return None


def is_none_dereference(exc: BaseException) -> bool:
    """True when ``exc`` is an AttributeError/TypeError caused by an operand being None."""
    return none_dereference(exc) is not None
