"""safe_call: recovers from None dereferences only, on every kind of callable and task."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from huey import MemoryHuey

from huey_guard import events, install
from huey_guard.validation import safe_call


def _recorder() -> tuple[list[events.GuardEvent], Any]:
    seen: list[events.GuardEvent] = []
    return seen, events.default_bus.subscribe(seen.append)


def test_plain_function_recovers_only_from_none() -> None:
    seen, unsubscribe = _recorder()
    try:

        @safe_call(default_return="none")
        def email(user: Any) -> str:
            return user.email

        assert email(None) == "none"
        with pytest.raises(AttributeError):
            email(object())  # a genuine AttributeError propagates
        with pytest.raises(TypeError):
            email(1, 2)  # wrong argument count propagates
    finally:
        unsubscribe()
    assert [e.kind for e in seen] == [events.SAFE_CALL_RECOVERED]
    assert seen[0].category == "NULL_POINTER"


def test_default_forms_value_zero_arg_and_task_arguments() -> None:
    @safe_call(default_return=lambda: "zero")
    def a(x: Any) -> Any:
        return x["k"]

    @safe_call(default_return=lambda x: f"for {x!r}")
    def b(x: Any) -> Any:
        return x["k"]

    @safe_call(default_return=list)
    def c(x: Any) -> Any:
        return list(x)

    assert a(None) == "zero" and b(None) == "for None"
    assert c(None) == [] and c(None) is not c(None)


def test_methods_generators_and_async() -> None:
    class Repo:
        @safe_call(default_return=0)
        def size(self, items: Any) -> int:
            return len(items)

    @safe_call(default_return="done")
    def gen(items: Any) -> Any:
        yield 1
        yield from items

    @safe_call(default_return=-1)
    async def fetch(obj: Any) -> int:
        return obj.value

    assert Repo().size(None) == 0 and Repo().size([1]) == 1
    g = gen(None)
    assert next(g) == 1
    with pytest.raises(StopIteration) as stop:
        next(g)
    assert stop.value.value == "done"
    assert asyncio.run(fetch(None)) == -1


@pytest.mark.parametrize("placement", ["below", "above"])
def test_huey_task_above_or_below_the_decorator(placement: str) -> None:
    app = MemoryHuey(f"safe-{placement}", immediate=True)
    install(app, config={"GLOBAL_CONFIG": {"startup_scan": "off"}})

    def lookup(key: Any) -> Any:
        return {"a": "A"}.get(key).lower()

    if placement == "below":
        task = app.task(retries=3)(safe_call(default_return="?")(lookup))
    else:
        task = safe_call(default_return="?")(app.task(retries=3)(lookup))
    assert task("a")() == "a"
    assert task("b")() == "?"
    assert task.call_local("b") == "?"
    assert app.scheduled_count() == 0  # recovered inside the pipeline: nothing to retry
