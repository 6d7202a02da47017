"""Retry strategies as small composable callables of a retry state (tenacity style).

A wait is ``f(state) -> seconds``; waits add with ``+``; jitter takes an injected random source,
so tests build a ``RetryState`` and read the delay without ever sleeping. A ``RetryStrategy``
bundles a wait with a retry cap and what else the strategy needs (argument repair, the resource
gate). The waiting itself is huey's schedule: the delay becomes the ETA of a re-enqueued task.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

RandomSource = Callable[[], float]  # returns a float in [0, 1)


@dataclass(frozen=True)
class RetryState:
    """What a wait may look at: ``attempt`` is the retry about to be scheduled (1 = first)."""

    attempt: int
    exception: BaseException | None = None
    task: Any = None
    previous_delay: float | None = None


class Wait:
    """A delay function; ``a + b`` adds two waits."""

    def __call__(self, state: RetryState) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def __add__(self, other: Wait) -> Wait:
        return wait_combine(self, other)


# Lower-case class names, as in tenacity: they read as phrases (``wait_fixed(2) + wait_random()``).
@dataclass(frozen=True)
class wait_fixed(Wait):
    seconds: float

    def __call__(self, state: RetryState) -> float:
        return self.seconds


@dataclass(frozen=True)
class wait_exponential(Wait):
    """``initial * multiplier ** (attempt - 1)``, capped at ``maximum``."""

    initial: float = 1.0
    multiplier: float = 2.0
    maximum: float = 30.0

    def __call__(self, state: RetryState) -> float:
        exponent = max(state.attempt - 1, 0)
        try:
            delay = self.initial * self.multiplier**exponent
        except OverflowError:
            delay = self.maximum
        return min(delay, self.maximum)


@dataclass(frozen=True)
class wait_random(Wait):
    """A uniform extra delay in [low, high), from an injected random source."""

    low: float = 0.0
    high: float = 1.0
    rng: RandomSource = field(default=random.random, compare=False)

    def __call__(self, state: RetryState) -> float:
        return self.low + (self.high - self.low) * self.rng()


@dataclass(frozen=True)
class wait_jittered(Wait):
    """Take up to ``fraction`` off the wrapped delay at random (never above the wrapped cap).

    Subtracting keeps the cap a cap (Celery's full jitter is ``fraction=1``); spreading retries
    of many tasks that failed together is what prevents a thundering herd.
    """

    wait: Wait
    fraction: float = 0.1
    rng: RandomSource = field(default=random.random, compare=False)

    def __call__(self, state: RetryState) -> float:
        delay = self.wait(state)
        return delay - delay * self.fraction * self.rng() if self.fraction else delay


@dataclass(frozen=True)
class wait_combine(Wait):
    first: Wait
    second: Wait

    def __call__(self, state: RetryState) -> float:
        return self.first(state) + self.second(state)


@dataclass(frozen=True)
class RetryStrategy:
    """A named recovery strategy: whether to retry, how long to wait, at most how often."""

    name: str
    wait: Wait = field(default_factory=lambda: wait_fixed(0.0))
    max_retries: int = 0
    retry: bool = True
    repair_arguments: bool = False  # RETRY_WITH_PARAM_FIX
    resource_gate: bool = False  # RETRY_WHEN_RESOURCES_FREE
    defer_to_huey: bool = False  # HUEY_DEFAULT: huey's own retries/retry_delay decide
    # Resource gate parameters (percent of system memory; seconds of total deferral).
    memory_threshold: float = 80.0
    max_wait: float = 600.0

    def delay(self, state: RetryState) -> float:
        return max(0.0, float(self.wait(state)))

    def describe(self) -> dict[str, Any]:
        """A JSON-able summary for ``huey-guard signatures`` and the docs."""
        return {"type": self.name, "max_retries": self.max_retries, "wait": repr(self.wait)}


StrategyFactory = Callable[[Mapping[str, Any], RandomSource], RetryStrategy]


def _exponential(p: Mapping[str, Any], rng: RandomSource) -> RetryStrategy:
    base = wait_exponential(p["initial_delay"], p["multiplier"], p["max_delay"])
    wait: Wait = wait_jittered(base, p["jitter"], rng) if p["jitter"] else base
    return RetryStrategy("RETRY_EXPONENTIAL", wait, p["max_retries"])


def _fixed(p: Mapping[str, Any], rng: RandomSource) -> RetryStrategy:
    base = wait_fixed(p["initial_delay"])
    wait: Wait = wait_jittered(base, p["jitter"], rng) if p["jitter"] else base
    return RetryStrategy("RETRY_FIXED_DELAY", wait, p["max_retries"])


def _param_fix(p: Mapping[str, Any], rng: RandomSource) -> RetryStrategy:
    return RetryStrategy(
        "RETRY_WITH_PARAM_FIX",
        wait_fixed(p["initial_delay"]),
        p["max_retries"],
        repair_arguments=True,
    )


def _resources(p: Mapping[str, Any], rng: RandomSource) -> RetryStrategy:
    return RetryStrategy(
        "RETRY_WHEN_RESOURCES_FREE",
        wait_exponential(p["initial_delay"], p["multiplier"], p["max_delay"]),
        p["max_retries"],
        resource_gate=True,
        memory_threshold=p["memory_threshold"],
        max_wait=p["max_wait"],
    )


def _no_retry(p: Mapping[str, Any], rng: RandomSource) -> RetryStrategy:
    return RetryStrategy("NO_RETRY", retry=False)


def _huey_default(p: Mapping[str, Any], rng: RandomSource) -> RetryStrategy:
    return RetryStrategy("HUEY_DEFAULT", defer_to_huey=True)


# Parameters every strategy receives; a category's defaults and its config override them.
BASE_PARAMETERS: dict[str, Any] = {
    "max_retries": 3,
    "initial_delay": 1.0,
    "max_delay": 30.0,
    "multiplier": 2.0,
    "jitter": 0.0,
    "memory_threshold": 80.0,
    "max_wait": 600.0,
}

# SPEC.md Part 1 §1: network 1 s doubling to 30 s, 8 retries; None 2 retries; resource 5 s, 80 %.
CATEGORY_PARAMETERS: dict[str, dict[str, Any]] = {
    "NETWORK": {"max_retries": 8, "initial_delay": 1.0, "max_delay": 30.0, "jitter": 0.1},
    "TIMEOUT": {"max_retries": 3, "initial_delay": 2.0, "max_delay": 60.0, "jitter": 0.1},
    "NULL_POINTER": {"max_retries": 2, "initial_delay": 0.0},
    "RESOURCE": {"max_retries": 5, "initial_delay": 5.0, "max_delay": 60.0},
    "FILESYSTEM": {"max_retries": 3, "initial_delay": 5.0},
    "PERMISSION": {"max_retries": 0},
    "DATA_FORMAT": {"max_retries": 0},
    "UNKNOWN": {},
}

_FACTORIES: dict[str, StrategyFactory] = {
    "RETRY_EXPONENTIAL": _exponential,
    "RETRY_FIXED_DELAY": _fixed,
    "RETRY_WITH_PARAM_FIX": _param_fix,
    "RETRY_WHEN_RESOURCES_FREE": _resources,
    "NO_RETRY": _no_retry,
    "HUEY_DEFAULT": _huey_default,
}


def register_strategy(name: str, factory: StrategyFactory) -> None:
    """Make a custom strategy available by ``name`` (to signatures and to the config).

    ``factory(parameters, rng)`` receives the merged parameters of the category being handled
    and the random source, and returns a ``RetryStrategy``.
    """
    if not name or not name.replace("_", "").isalnum() or name != name.upper():
        raise ValueError(f"strategy names are UPPER_SNAKE_CASE, got {name!r}")
    if not callable(factory):
        raise TypeError(f"the factory for {name} must be callable")
    _FACTORIES[name] = factory


def strategy_names() -> tuple[str, ...]:
    return tuple(_FACTORIES)


def parameters_for(category: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Base parameters, then the category's defaults, then the configured overrides."""
    merged = {**BASE_PARAMETERS, **CATEGORY_PARAMETERS.get(category, {})}
    merged.update({k: v for k, v in (overrides or {}).items() if k != "strategy"})
    return merged


def build_strategy(
    name: str, parameters: Mapping[str, Any], rng: RandomSource = random.random
) -> RetryStrategy:
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(
            f"unknown recovery strategy {name!r}; known: {', '.join(sorted(_FACTORIES))}"
        ) from None
    return factory(parameters, rng)
