"""Argument repair for RETRY_WITH_PARAM_FIX: defaults, configured repairs, or fail now."""

from __future__ import annotations

import datetime
from typing import Any

from huey import MemoryHuey

from huey_guard import events, install
from huey_guard.config import load_config
from huey_guard.repair import repair_arguments
from huey_guard.task_classes import task_function

FAR = datetime.datetime(2100, 1, 1)


def report(title, limit=10, *, fmt="csv", owner=None):
    return (title, limit, fmt, owner)


def test_none_with_a_default_is_replaced_keeping_positional_shape() -> None:
    fixed = repair_arguments(report, ("q3", None), {"fmt": None})
    assert fixed is not None
    assert fixed.args == ("q3", 10) and fixed.kwargs == {"fmt": "csv"}
    assert fixed.repaired == {"limit": "default", "fmt": "default"}


def test_none_default_and_no_default_are_not_repairable() -> None:
    assert repair_arguments(report, (None,), {}) is None  # title has no default
    assert repair_arguments(report, ("q3",), {"owner": None}) is None  # default is None
    assert repair_arguments(report, ("q3",), {}) is None  # nothing arrived as None


def test_repair_functions_with_and_without_arguments() -> None:
    repairs = {"owner": lambda: "ops", "title": lambda arguments: f"untitled-{arguments['limit']}"}
    fixed = repair_arguments(report, (None, 5), {"owner": None}, repairs)
    assert fixed is not None
    assert fixed.args == ("untitled-5", 5) and fixed.kwargs == {"owner": "ops"}
    assert fixed.repaired == {"title": "repair", "owner": "repair"}


def test_a_failing_repair_function_means_not_repairable() -> None:
    def broken() -> Any:
        raise RuntimeError("no")

    assert repair_arguments(report, (None,), {}, {"title": broken}) is None


def test_arguments_that_do_not_fit_are_not_repairable() -> None:
    assert repair_arguments(report, (1, 2, 3), {}) is None


def test_task_function_is_found_behind_the_task_class() -> None:
    app = MemoryHuey("fn")

    @app.task()
    def work(x=1):
        return x

    assert task_function(work.task_class) is work.func


def test_configured_and_task_attribute_repairs_drive_the_retry() -> None:
    config = {
        "PROTECTION_CONFIG": {
            "null_pointer_protection": {
                "enabled": True,
                "repairs": {"tests.runtime.test_repair.label": {"name": lambda: "anon"}},
            }
        }
    }
    app = MemoryHuey("repairs", immediate=True)
    install(app, load_config(config))
    seen: dict[str, list[Any]] = {"label": [], "pad": []}
    collected: list[events.GuardEvent] = []
    unsubscribe = events.default_bus.subscribe(collected.append)

    @app.task()
    def label(name):
        seen["label"].append(name)
        return name.title()

    @app.task(repair_args={"size": lambda: 3})
    def pad(text, size):
        seen["pad"].append(size)
        return text + " " * (size - 1) + "|"

    try:
        first, second = label(None), pad("a", None)
        for _ in range(3):
            for task in app.read_schedule(FAR):
                app.execute(task, FAR)
    finally:
        unsubscribe()
    assert first.get() == "Anon" and second.get() == "a  |"
    assert seen == {"label": [None, "anon"], "pad": [None, 3]}
    repaired = [e.extra["repaired"] for e in collected if e.kind == events.ARGUMENT_REPAIRED]
    assert repaired == [{"name": "repair"}, {"size": "repair"}]
