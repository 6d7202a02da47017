"""Retry strategies built from states (never by sleeping), and the policy hook's decisions.

The policy tests drive huey's own machinery in-process: a MemoryHuey in immediate mode, whose
retries land in its schedule and are executed by hand with ``huey.execute`` — real huey code,
with the clock in the test's hands.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from huey import MemoryHuey

from huey_guard import events, install
from huey_guard.config import load_config
from huey_guard.retry import RetryPolicyHook
from huey_guard.strategies import (
    RetryState,
    build_strategy,
    parameters_for,
    wait_exponential,
    wait_fixed,
    wait_jittered,
    wait_random,
)

FAR = datetime.datetime(2100, 1, 1)


def delays(strategy_or_wait: Any, attempts: int) -> list[float]:
    fn = getattr(strategy_or_wait, "delay", strategy_or_wait)
    return [fn(RetryState(attempt=n)) for n in range(1, attempts + 1)]


def test_network_defaults_follow_the_spec_table() -> None:
    params = parameters_for("NETWORK")
    strategy = build_strategy("RETRY_EXPONENTIAL", params, rng=lambda: 0.0)
    assert strategy.max_retries == 8
    assert delays(strategy, 8) == [1, 2, 4, 8, 16, 30, 30, 30]


def test_jitter_takes_at_most_its_fraction_off_and_never_exceeds_the_cap() -> None:
    wait = wait_jittered(wait_exponential(1, 2, 30), fraction=0.1, rng=lambda: 1.0)
    assert delays(wait, 6) == pytest.approx([0.9, 1.8, 3.6, 7.2, 14.4, 27.0])
    halfway = wait_jittered(wait_fixed(10), fraction=0.5, rng=lambda: 0.5)
    assert halfway(RetryState(1)) == 7.5


def test_waits_compose_with_plus() -> None:
    wait = wait_fixed(2) + wait_random(0, 1, rng=lambda: 0.25) + wait_exponential(1, 3, 100)
    assert delays(wait, 3) == [3.25, 5.25, 11.25]


def test_config_overrides_category_defaults() -> None:
    params = parameters_for("NETWORK", {"max_retries": 10, "initial_delay": 2, "jitter": 0})
    strategy = build_strategy("RETRY_EXPONENTIAL", params)
    assert strategy.max_retries == 10
    assert delays(strategy, 5) == [2, 4, 8, 16, 30]


def test_other_strategies() -> None:
    resource = build_strategy("RETRY_WHEN_RESOURCES_FREE", parameters_for("RESOURCE"))
    assert resource.resource_gate and resource.memory_threshold == 80.0
    assert delays(resource, 2) == [5.0, 10.0]
    fix = build_strategy("RETRY_WITH_PARAM_FIX", parameters_for("NULL_POINTER"))
    assert fix.repair_arguments and fix.max_retries == 2
    assert not build_strategy("NO_RETRY", parameters_for("DATA_FORMAT")).retry
    fixed = build_strategy("RETRY_FIXED_DELAY", parameters_for("FILESYSTEM"))
    assert delays(fixed, 3) == [5.0, 5.0, 5.0]
    with pytest.raises(ValueError, match="unknown recovery strategy"):
        build_strategy("RETRY_LATER", {})


def test_exponential_overflow_is_capped() -> None:
    assert wait_exponential(1, 10, 30)(RetryState(attempt=10_000)) == 30


# -- the policy hook on real huey machinery ------------------------------------------------


@pytest.fixture
def seen() -> Iterator[list[events.GuardEvent]]:
    collected: list[events.GuardEvent] = []
    unsubscribe = events.default_bus.subscribe(collected.append)
    yield collected
    unsubscribe()


def drain(app: Any, rounds: int = 30) -> None:
    for _ in range(rounds):
        for task in app.read_schedule(FAR):
            app.execute(task, FAR)


def guarded(name: str, config: dict[str, Any] | None = None) -> MemoryHuey:
    app = MemoryHuey(name, immediate=True)
    install(app, load_config(config or {}))
    return app


def test_explicit_retries_is_the_cap(seen) -> None:
    app = guarded("cap")
    calls: list[int] = []

    @app.task(retries=3)
    def call():
        calls.append(1)
        raise ConnectionResetError("reset")

    call()
    drain(app)
    assert len(calls) == 4
    mine = [e for e in seen if e.queue == "cap"]
    assert [e.strategy["max_attempts"] for e in mine if e.kind == events.RETRY_SCHEDULED] == [3] * 3
    finals = [e for e in mine if e.kind == events.FINAL_FAILURE]
    assert len(finals) == 1 and finals[0].extra["reason"] == "gave up after 3 retries"


def test_priority_word_is_mapped_per_class_and_per_call() -> None:
    app = guarded("prio", {"EXCEPTIONS_CONFIG": {"priorities": {"urgent": 70}}})

    @app.task(priority="critical")
    def a():
        return 1

    @app.task()
    def b():
        return 2

    assert a.task_class.default_priority == 100
    app.immediate = False
    assert b.s().priority is None  # a plain signature keeps huey's default
    task = b.s(priority="urgent")
    app.enqueue(task)
    assert task.priority == 70
    policy = app.guard.hook("retry-policy")
    assert isinstance(policy, RetryPolicyHook) and policy.settings(a.task_class).critical


def test_unknown_category_leaves_huey_retries_in_charge(seen) -> None:
    app = guarded("unknown")
    calls: list[int] = []

    @app.task(retries=2)
    def call():
        calls.append(1)
        raise KeyError("missing")

    call()
    drain(app)
    assert len(calls) == 3  # huey's own retries=2
    mine = [e for e in seen if e.queue == "unknown"]
    assert [e.kind for e in mine].count(events.FINAL_FAILURE) == 1
    assert {e.category for e in mine if e.kind == events.EXCEPTION_CLASSIFIED} == {"UNKNOWN"}


def test_no_events_are_built_without_subscribers() -> None:
    app = guarded("quiet")
    app.guard.bus = events.EventBus()  # a bus of its own: other tests may listen on the default
    built: list[str] = []
    original = events.GuardEvent.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(kwargs.get("kind", args[0] if args else "?"))
        original(self, *args, **kwargs)

    @app.task()
    def ok():
        return 1

    events.GuardEvent.__init__ = spy  # type: ignore[method-assign]
    try:
        assert not app.guard.bus.active
        assert ok().get() == 1
    finally:
        events.GuardEvent.__init__ = original  # type: ignore[method-assign]
    assert built == []
