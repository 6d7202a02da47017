"""Validators: not-None (bare, configured, composed) and typeguard checks, on both checkpoints."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from huey import FileHuey, MemoryHuey, SqliteHuey

from huey_guard import events, install
from huey_guard.runtime import STATE_KEY
from huey_guard.validation import (
    ArgumentValidationError,
    TaskCall,
    not_none_validator,
    type_validator,
)


def call(fn: Any, *args: Any, **kwargs: Any) -> TaskCall:
    return TaskCall.build("app.task", fn, args, kwargs)


def charge(order_id, user, note=None, retries=3):
    return order_id


def typed(amount: int, tags: list[str], label: str | None = None) -> int:
    return amount


def test_bare_not_none_checks_every_parameter_but_none_defaults() -> None:
    not_none_validator(call(charge, 1, "u"))
    not_none_validator(call(charge, 1, "u", None))  # note=None is the author's own default
    with pytest.raises(ArgumentValidationError) as info:
        not_none_validator(call(charge, 1, None))
    assert info.value.parameter == "user" and info.value.task == "app.task"
    assert "parameter 'user' of task app.task" in str(info.value)
    with pytest.raises(ArgumentValidationError):
        not_none_validator(call(charge, 1, "u", retries=None))


def test_configured_not_none_checks_only_named_parameters() -> None:
    only_user = not_none_validator("user")
    only_user(call(charge, None, "u"))
    with pytest.raises(ArgumentValidationError, match="'user'"):
        only_user(call(charge, 1, user=None))
    # A named parameter left out falls back to its default, which may be None.
    with pytest.raises(ArgumentValidationError, match="'note'"):
        not_none_validator("note")(call(charge, 1, "u"))
    assert repr(not_none_validator("a", "b")) == "not_none_validator('a', 'b')"
    with pytest.raises(TypeError):
        not_none_validator(3)


def test_guard_state_kwarg_is_never_validated() -> None:
    not_none_validator(call(charge, 1, "u", **{STATE_KEY: None}))


def test_type_validator_names_parameter_expected_and_actual() -> None:
    type_validator(call(typed, 3, ["a"]))
    type_validator(call(typed, 3, ["a"], None))
    with pytest.raises(ArgumentValidationError) as info:
        type_validator(call(typed, "3", ["a"]))
    message = str(info.value)
    assert info.value.parameter == "amount"
    assert "expected int" in message and "got str" in message
    with pytest.raises(ArgumentValidationError, match=r"'tags'.*expected list\[str\]"):
        type_validator(call(typed, 3, ["a", 4]))


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("repr is broken")


def test_a_value_whose_repr_raises_still_gets_the_validation_error() -> None:
    with pytest.raises(ArgumentValidationError, match=r"'amount'.*repr failed: RuntimeError"):
        type_validator(call(typed, BadRepr(), ["a"]))


def _app(kind: str, tmp_path: pathlib.Path) -> Any:
    if kind == "memory":
        return MemoryHuey(f"v-{kind}")
    if kind == "sqlite":
        return SqliteHuey(f"v-{kind}", filename=str(tmp_path / "q.db"))
    return FileHuey(f"v-{kind}", path=str(tmp_path / "files"), use_thread_lock=True)


@pytest.mark.parametrize("kind", ["memory", "sqlite", "file"])
def test_producer_gets_error_and_nothing_is_enqueued(kind: str, tmp_path: pathlib.Path) -> None:
    app = _app(kind, tmp_path)
    install(app, config={"GLOBAL_CONFIG": {"startup_scan": "off"}})
    seen: list[events.GuardEvent] = []
    runtime = app.guard
    runtime.bus = events.EventBus()
    runtime.bus.subscribe(seen.append)

    def positive(c: TaskCall) -> bool:
        return c.arguments.get("amount", 1) > 0

    @app.task(validate_args=[not_none_validator("order_id"), type_validator, positive])
    def pay(order_id: str, amount: int = 1) -> str:
        return order_id.upper()

    with pytest.raises(ArgumentValidationError, match="order_id"):
        pay(None)
    with pytest.raises(ArgumentValidationError, match="amount"):
        pay("a", "1")
    with pytest.raises(ArgumentValidationError, match="returned False"):
        pay("a", -1)
    assert app.pending_count() == 0
    assert [e.kind for e in seen] == [events.VALIDATION_FAILED] * 3
    assert seen[0].extra["checkpoint"] == "enqueue" and seen[0].extra["parameter"] == "order_id"
    pay("a", 2)
    assert app.pending_count() == 1


def test_worker_rejects_unguarded_message_and_never_retries() -> None:
    app = MemoryHuey("v-worker")

    @app.task(retries=3, validate_args=not_none_validator)
    def ship(order_id):
        return order_id.upper()

    # Written by a producer with no huey-guard: goes straight into the queue.
    app.enqueue(ship.s(None))
    install(app, config={"GLOBAL_CONFIG": {"startup_scan": "off"}})
    seen: list[events.GuardEvent] = []
    app.guard.bus = events.EventBus()
    app.guard.bus.subscribe(seen.append)
    task = app.dequeue()
    app.execute(task)
    assert app.pending_count() == 0 and app.scheduled_count() == 0  # final, no retry
    assert [e.extra["checkpoint"] for e in seen if e.kind == events.VALIDATION_FAILED] == [
        "execute"
    ]
    # Counted as a failure, and final exactly once, like any failure the retry policy ends.
    final = [e for e in seen if e.kind == events.FINAL_FAILURE]
    assert [(e.category, e.strategy["type"]) for e in final] == [("VALIDATION", "NO_RETRY")]
    assert [e.category for e in seen if e.kind == events.EXCEPTION_CLASSIFIED] == ["VALIDATION"]
    with pytest.raises(Exception) as info:
        app.result(task.id)
    assert "order_id" in str(info.value)
    assert ArgumentValidationError.retryable is False
    assert ArgumentValidationError.huey_guard_category == "VALIDATION"


def test_immediate_mode_validates_like_a_consumer() -> None:
    app = MemoryHuey("v-immediate", immediate=True)
    install(app, config={"GLOBAL_CONFIG": {"startup_scan": "off"}})

    @app.task(validate_args=not_none_validator)
    def double(n):
        return n * 2

    assert double(4)() == 8
    with pytest.raises(ArgumentValidationError):
        double(None)
