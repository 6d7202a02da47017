"""Classifying exceptions: which category a failure belongs to and which strategy recovers it.

``exception_handler`` is the process-wide handler; ``add_exception_signature`` registers a user
signature (validated at registration, so a typo fails at import time, not at 3 a.m.).
``classify(exc)`` walks, in order: the exception itself, then its ``__cause__`` and (unless
suppressed) ``__context__`` chain; on each link the user signatures are tried before the
built-ins (``huey_guard.signatures``, in table order). The first signature that matches wins;
nothing matching is ``UNKNOWN``.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from huey_guard.signatures import (
    BUILTIN_SIGNATURES,
    CATEGORIES,
    DEFAULT_STRATEGIES,
    Signature,
    class_key,
    type_key,
)
from huey_guard.strategies import strategy_names

_MAX_CHAIN = 8  # causes deeper than this are not worth the walk (and protect against cycles)
_counter = itertools.count(1)


@dataclass(frozen=True)
class Classification:
    """The verdict on one exception."""

    category: str
    strategy: str
    signature: Signature | None  # None for UNKNOWN
    exception: BaseException  # the link of the chain that matched (the exception itself if none)

    @property
    def signature_name(self) -> str | None:
        return self.signature.name if self.signature is not None else None


class ExceptionHandler:
    """User signatures over built-ins; ``parent`` lets a per-instance handler (config-defined
    signatures) sit in front of the process-wide one and still see signatures added to it later.
    """

    def __init__(
        self,
        parent: ExceptionHandler | None = None,
        category_strategies: Mapping[str, str] | None = None,
        builtins: tuple[Signature, ...] = BUILTIN_SIGNATURES,
    ) -> None:
        self.parent = parent
        self.category_strategies = {**DEFAULT_STRATEGIES, **(category_strategies or {})}
        self._builtins = builtins if parent is None else ()
        self._user: tuple[Signature, ...] = ()
        self._lock = threading.Lock()
        self._version = next(_counter)
        # exception class -> (versions seen, candidate signatures in precedence order)
        self._candidates: dict[type, tuple[tuple[int, ...], tuple[Signature, ...]]] = {}

    # -- registration ---------------------------------------------------------------------
    def add_exception_signature(
        self,
        pattern: str | None = None,
        category: str = "UNKNOWN",
        recovery_strategy: str | None = None,
        exception_type: type[BaseException] | str | None = None,
        name: str | None = None,
    ) -> Signature:
        """Register a signature that takes precedence over the built-ins (newest first).

        ``pattern`` is a regular expression searched in ``str(exc)``; ``exception_type`` a class
        or a qualified name (``"requests.exceptions.SSLError"``); at least one is required.
        ``recovery_strategy`` defaults to the category's strategy.
        """
        signature = make_signature(pattern, category, recovery_strategy, exception_type, name)
        with self._lock:
            self._user = (signature, *self._user)
            self._version = next(_counter)
            self._candidates = {}
        return signature

    def remove_exception_signature(self, name: str) -> bool:
        with self._lock:
            kept = tuple(s for s in self._user if s.name != name)
            removed = len(kept) != len(self._user)
            self._user, self._version, self._candidates = kept, next(_counter), {}
        return removed

    def signatures(self) -> tuple[Signature, ...]:
        """Every active signature, in precedence order."""
        inherited = self.parent.signatures() if self.parent is not None else ()
        return (*self._user, *inherited, *self._builtins)

    # -- classification -------------------------------------------------------------------
    def classify(self, exc: BaseException) -> Classification:
        for link in _chain(exc):
            signature = self._match(link)
            if signature is not None:
                strategy = signature.strategy or self.category_strategies[signature.category]
                return Classification(signature.category, strategy, signature, link)
        return Classification("UNKNOWN", self.category_strategies["UNKNOWN"], None, exc)

    def _versions(self) -> tuple[int, ...]:
        own = (self._version,)
        return own + self.parent._versions() if self.parent is not None else own

    def _match(self, exc: BaseException) -> Signature | None:
        cls = type(exc)
        versions = self._versions()
        cached = self._candidates.get(cls)
        if cached is None or cached[0] != versions:
            keys = {class_key(k) for k in cls.__mro__}
            candidates = tuple(s for s in self.signatures() if not s.types or s.types & keys)
            cached = (versions, candidates)
            self._candidates[cls] = cached
        for signature in cached[1]:
            if signature.matches(exc):
                return signature
        return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, then what caused it: explicit ``__cause__`` first, else ``__context__``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < _MAX_CHAIN:
        seen.add(id(current))
        yield current
        if current.__cause__ is not None:
            current = current.__cause__
        elif not current.__suppress_context__:
            current = current.__context__
        else:
            current = None


def make_signature(
    pattern: str | None,
    category: str,
    recovery_strategy: str | None = None,
    exception_type: type[BaseException] | str | None = None,
    name: str | None = None,
) -> Signature:
    """Validate a user signature; every mistake is a ``ValueError`` that says what is wrong."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; known: {', '.join(CATEGORIES)}")
    if recovery_strategy is not None and recovery_strategy not in strategy_names():
        raise ValueError(
            f"unknown recovery_strategy {recovery_strategy!r}; "
            f"known: {', '.join(sorted(strategy_names()))}"
        )
    if pattern is None and exception_type is None:
        raise ValueError("a signature needs a pattern, an exception_type, or both")
    compiled = None
    if pattern is not None:
        try:
            compiled = re.compile(pattern)
        except re.error as err:
            raise ValueError(f"invalid pattern {pattern!r}: {err}") from None
    types: frozenset[tuple[str, str]] = frozenset()
    if isinstance(exception_type, str):
        types = frozenset({type_key(exception_type)})
    elif isinstance(exception_type, type) and issubclass(exception_type, BaseException):
        types = frozenset({class_key(exception_type)})
    elif exception_type is not None:
        raise ValueError(f"exception_type must be an exception class or a name: {exception_type!r}")
    label = name or f"custom:{pattern or ''}{'@' if pattern and types else ''}" + (
        ",".join(f"{p}.{n}" for p, n in sorted(types))
    )
    return Signature(
        name=label,
        category=category,
        types=types,
        pattern=compiled,
        strategy=recovery_strategy,
        description="user signature",
        builtin=False,
    )


def with_config(
    parent: ExceptionHandler, exceptions_config: Mapping[str, object]
) -> ExceptionHandler:
    """A handler for one guarded instance: its config's signatures and strategies in front."""
    retry = exceptions_config.get("retry_strategies") or {}
    strategies = {
        cat: spec["strategy"]
        for cat, spec in retry.items()  # type: ignore[attr-defined]
        if isinstance(spec, Mapping) and spec.get("strategy")
    }
    handler = ExceptionHandler(
        parent=parent, category_strategies={**parent.category_strategies, **strategies}
    )
    for spec in reversed(list(exceptions_config.get("signatures") or ())):  # type: ignore[call-overload]
        handler.add_exception_signature(**dict(spec))
    return handler


exception_handler = ExceptionHandler()
add_exception_signature = exception_handler.add_exception_signature
classify = exception_handler.classify

__all__ = [
    "Classification",
    "ExceptionHandler",
    "add_exception_signature",
    "classify",
    "exception_handler",
    "make_signature",
    "with_config",
]
