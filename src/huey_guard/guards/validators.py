"""Argument validators for huey tasks: not-None and type checks, composable, with clear errors.

A validator is any callable taking one :class:`TaskCall` (the task's name, its function and the
arguments bound to the function's parameters). It reports a problem by raising
:class:`ArgumentValidationError` (other ``ValueError``/``TypeError`` are wrapped into one) or by
returning ``False``; anything else means "valid". ``validate_args`` accepts one validator or a
list of them (``[not_none_validator, type_validator, my_check]``).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import typeguard

from huey_guard.runtime import STATE_KEY


class ArgumentValidationError(ValueError):
    """A task argument failed validation. Final: retrying cannot fix an argument.

    ``huey_guard_category``/``retryable`` tell the exception classifier (and any other policy)
    that this failure must not be retried.
    """

    huey_guard_category = "VALIDATION"
    retryable = False

    def __init__(self, task: str, parameter: str | None, message: str) -> None:
        self.task = task
        self.parameter = parameter
        self.detail = message
        where = f"parameter {parameter!r} of task {task}" if parameter else f"task {task}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        # huey pickles task errors into the result store; keep the three fields on the way.
        return (type(self), (self.task, self.parameter, self.detail))


@dataclass(frozen=True)
class TaskCall:
    """One call of a task as validators see it."""

    task: str  # the name huey registers the task under
    function: Callable[..., Any] | None
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]
    # Parameter name -> value for every parameter the call supplies (defaults not applied).
    arguments: Mapping[str, Any] = field(default_factory=dict)
    signature: inspect.Signature | None = None

    @classmethod
    def build(
        cls, task: str, function: Callable[..., Any] | None, args: Any, kwargs: Any
    ) -> TaskCall:
        args = tuple(args or ())
        kwargs = {k: v for k, v in dict(kwargs or {}).items() if k != STATE_KEY}
        signature = signature_of(function)
        arguments: dict[str, Any] = {}
        if signature is not None:
            try:
                bound = signature.bind_partial(*args, **kwargs)
            except TypeError:
                bound = None  # a wrong call fails in the task itself; not ours to judge
            if bound is not None:
                arguments = dict(bound.arguments)
        return cls(task, function, args, kwargs, arguments, signature)

    def value(self, name: str) -> tuple[bool, Any]:
        """(present, value) of parameter ``name``; a missing parameter takes its default."""
        if name in self.arguments:
            return True, self.arguments[name]
        if name in self.kwargs:
            return True, self.kwargs[name]
        if self.signature is not None and name in self.signature.parameters:
            default = self.signature.parameters[name].default
            if default is not inspect.Parameter.empty:
                return True, default
        return False, None


@functools.lru_cache(maxsize=4096)
def signature_of(function: Callable[..., Any] | None) -> inspect.Signature | None:
    if function is None:
        return None
    try:
        return inspect.signature(function)
    except (TypeError, ValueError):
        return None


@functools.lru_cache(maxsize=4096)
def type_hints_of(function: Callable[..., Any]) -> Mapping[str, Any]:
    """Resolved annotations (string annotations included); empty when they cannot resolve."""
    try:
        hints = typing.get_type_hints(inspect.unwrap(function))
    except Exception:  # an unresolvable forward reference must not break the task
        return {}
    hints.pop("return", None)
    return hints


_PLAIN = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
_CHECKABLE = (*_PLAIN, inspect.Parameter.KEYWORD_ONLY)


class _ParameterValidator:
    """A validator of named parameters, usable three ways.

    Called with a ``TaskCall`` it validates; called with parameter names it returns a copy
    configured for them; called with a function it decorates it (``guard_function``).
    """

    label = ""  # the public name, for repr and usage errors
    example = ""  # a parameter name for the usage error

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        self.names = names

    def __call__(self, *args: Any) -> Any:
        if len(args) == 1 and isinstance(args[0], TaskCall):
            return self.validate(args[0])
        if len(args) == 1 and callable(args[0]):
            return guard_function(args[0], self)
        if args and all(isinstance(a, str) for a in args):
            return type(self)(tuple(dict.fromkeys((*self.names, *args))))
        raise TypeError(f"{self.label} takes parameter names, e.g. {self.label}({self.example!r})")

    def validate(self, call: TaskCall) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        inner = ", ".join(repr(n) for n in self.names)
        return f"{self.label}({inner})" if self.names else self.label


class NotNoneValidator(_ParameterValidator):
    """Rejects None arguments.

    Bare (``validate_args=not_none_validator``) it checks every named parameter except those
    whose default is None (the signature already says None is acceptable there) and huey's
    injected ``task``. Configured (``not_none_validator("order_id", "user")``) it checks exactly
    the named parameters, an omitted one by its default.
    """

    label = "not_none_validator"
    example = "order_id"

    def parameters(self, call: TaskCall) -> Iterable[str]:
        if self.names:
            return self.names
        if call.signature is None:
            return [name for name in call.kwargs if name != "task"]
        return [
            name
            for name, p in call.signature.parameters.items()
            if p.kind in _CHECKABLE and p.default is not None and name != "task"
        ]

    def validate(self, call: TaskCall) -> None:
        for name in self.parameters(call):
            present, value = call.value(name)
            if present and value is None:
                raise ArgumentValidationError(call.task, name, "must not be None, got None")
        if call.signature is None and not self.names and None in call.args:
            position = call.args.index(None)
            raise ArgumentValidationError(
                call.task, f"#{position}", "positional argument must not be None, got None"
            )


class TypeValidator(_ParameterValidator):
    """Checks arguments against the task function's annotations with typeguard."""

    label = "type_validator"
    example = "amount"

    def validate(self, call: TaskCall) -> None:
        if call.function is None:
            return
        hints = type_hints_of(call.function)
        for name, expected in hints.items():
            if self.names and name not in self.names:
                continue
            if name not in call.arguments:
                continue  # omitted: the default applies, and defaults are the author's word
            param = call.signature.parameters.get(name) if call.signature else None
            if param is not None and param.kind not in _CHECKABLE:
                continue  # *args/**kwargs annotations describe elements, not the tuple/dict
            value = call.arguments[name]
            try:
                typeguard.check_type(
                    value,
                    expected,
                    collection_check_strategy=typeguard.CollectionCheckStrategy.ALL_ITEMS,
                )
            except typeguard.TypeCheckError as exc:
                raise ArgumentValidationError(
                    call.task,
                    name,
                    f"expected {_type_name(expected)}, got {type(value).__name__} "
                    f"({_short(value)}): {exc}",
                ) from None


not_none_validator = NotNoneValidator()
type_validator = TypeValidator()

Validator = Callable[[TaskCall], Any]


# Validators a function carries from being decorated with one (read by the validation hook so
# the producer-side check runs too, and by the analyzer through guards/recognise.py).
VALIDATORS_ATTR = "__huey_guard_validators__"


def guard_function(fn: Callable[..., Any], validator: Validator) -> Callable[..., Any]:
    """Use a validator as a decorator: every call of ``fn`` is validated first.

    Placed below ``@huey.task()``, huey registers the guarded function; the validation hook
    also finds the validator on it and checks at enqueue time, before anything is stored.
    """
    name = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__name__', fn)}"
    inner = getattr(fn, VALIDATORS_ATTR, ())

    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        run_validators((validator,), TaskCall.build(name, fn, args, kwargs))
        return fn(*args, **kwargs)

    setattr(guarded, VALIDATORS_ATTR, (validator, *inner))
    return guarded


def declared_validators(
    task_class: type, function: Callable[..., Any] | None
) -> tuple[Validator, ...]:
    """What a task declares itself: ``validate_args=`` on the task, then validator decorators."""
    declared = as_validators(getattr(task_class, "validate_args", None))
    return declared + tuple(getattr(function, VALIDATORS_ATTR, ()))


def as_validators(spec: Any) -> tuple[Validator, ...]:
    """Normalise a ``validate_args`` value: None, one validator or a list/tuple of them."""
    if spec is None:
        return ()
    if isinstance(spec, (list, tuple)):
        return tuple(v for item in spec for v in as_validators(item))
    if not callable(spec):
        raise TypeError(f"validate_args must be callable or a list of callables, not {spec!r}")
    return (spec,)


def run_validators(validators: Iterable[Validator], call: TaskCall) -> None:
    """Run each validator in order; the first failure raises ArgumentValidationError."""
    for validator in validators:
        try:
            outcome = validator(call)
        except ArgumentValidationError:
            raise
        except (ValueError, TypeError) as exc:
            raise ArgumentValidationError(
                call.task, getattr(exc, "parameter", None), f"{validator!r} rejected it: {exc}"
            ) from exc
        if outcome is False:
            raise ArgumentValidationError(call.task, None, f"{validator!r} returned False")


def _type_name(annotation: Any) -> str:
    if isinstance(annotation, type):
        return annotation.__qualname__
    return repr(annotation).replace("typing.", "")


def _short(value: Any, limit: int = 40) -> str:
    # Only for error messages: a repr that raises must not replace the validation error.
    try:
        text = repr(value)
    except Exception as exc:
        text = f"<{type(value).__name__} (repr failed: {type(exc).__name__})>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
