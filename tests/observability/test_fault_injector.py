"""The fault injector: rule storage, the command line, and the hook's dice, globs and expiry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from huey import MemoryHuey, RedisHuey

from huey_guard import events
from huey_guard.cli.guard import main as guard_main
from huey_guard.fault_injector import (
    FAULTS,
    INJECTED_ATTR,
    FaultInjectionHook,
    FaultRule,
    add_rule,
    clear_rules,
    load_rules,
    parse_duration,
    parse_rate,
)
from huey_guard.fault_injector import hook as hook_module
from huey_guard.fault_injector.faults import canonical
from huey_guard.none_errors import is_none_dereference
from huey_guard.runtime import ExecutionContext, GuardRuntime
from tests.observability import inject_app


@pytest.mark.parametrize(
    ("text", "rate"), [("30%", 0.3), ("0.3", 0.3), ("30", 0.3), ("100%", 1.0), ("0%", 0.0)]
)
def test_rates(text: str, rate: float) -> None:
    assert parse_rate(text) == pytest.approx(rate)


@pytest.mark.parametrize(
    ("text", "seconds"), [("500ms", 0.5), ("30s", 30), ("5m", 300), ("1h", 3600), ("2", 2)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["130%", "-1", "lots"])
def test_bad_rates_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_rate(bad)


def test_fault_names_aliases_and_groups() -> None:
    assert canonical("attributeerror") == "NullPointerException"
    assert canonical("MemoryError") == "OutOfMemoryError"
    assert canonical("network") == "NETWORK"
    with pytest.raises(ValueError, match="choose one of: NullPointerException"):
        canonical("Gremlins")


def test_injected_exceptions_are_what_the_classifier_expects() -> None:
    from huey_guard.exception_handler import exception_handler

    for name, fault in FAULTS.items():
        exc = hook_module.make_fault(name)
        assert getattr(exc, INJECTED_ATTR) is True
        assert exception_handler.classify(exc).category == fault.category, name
    assert is_none_dereference(hook_module.make_fault("NullPointerException"))


def test_rules_live_in_redis_and_replace_per_fault_and_task(redis_huey_kwargs: Any) -> None:
    producer = RedisHuey(**redis_huey_kwargs)
    consumer_side = RedisHuey(**redis_huey_kwargs)  # another process/machine, same queue
    add_rule(producer, FaultRule("NETWORK", 0.3), now=100.0)
    add_rule(producer, FaultRule("NETWORK", 0.5), now=101.0)
    add_rule(producer, FaultRule("JSONDecodeError", 1.0, task="parse_*"), now=102.0)
    rules = load_rules(consumer_side)
    assert [(r.fault, r.rate, r.task) for r in rules] == [
        ("NETWORK", 0.5, "*"),
        ("JSONDecodeError", 1.0, "parse_*"),
    ]
    assert clear_rules(producer) == 2
    assert load_rules(consumer_side) == []


def _run_module(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUEY_GUARD_")}
    return subprocess.run(
        [sys.executable, "-m", "huey_guard.fault_injector", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
    )


def test_python_dash_m_arms_lists_and_clears(redis_huey_kwargs: Any) -> None:
    where = ["--redis-url", str(redis_huey_kwargs["url"]), "--name", str(redis_huey_kwargs["name"])]
    armed = _run_module(
        *where,
        *("--inject", "NullPointerException", "--rate", "30%", "--task", "send_*"),
        *("--duration", "10m", "--seed", "7", "--json"),
    )
    assert armed.returncode == 0, armed.stderr
    rule = json.loads(armed.stdout)["armed"]
    assert (rule["fault"], rule["rate"], rule["task"], rule["seed"]) == (
        "NullPointerException",
        0.3,
        "send_*",
        7,
    )
    assert rule["expires"] - rule["created"] == pytest.approx(600)

    listed = _run_module(*where, "--list", "--json")
    data = json.loads(listed.stdout)
    assert [r["fault"] for r in data["rules"]] == ["NullPointerException"]
    assert data["rules"][0]["active"] is True
    assert set(FAULTS) <= set(data["faults"])

    cleared = _run_module(*where, "--clear")
    assert cleared.returncode == 0 and "cleared 1" in cleared.stdout
    assert load_rules(RedisHuey(**redis_huey_kwargs)) == []


def test_the_issue_command_line_with_the_queue_from_the_environment(
    redis_huey_kwargs: Any,
) -> None:
    env = {
        "HUEY_GUARD_REDIS_URL": str(redis_huey_kwargs["url"]),
        "HUEY_GUARD_QUEUE": str(redis_huey_kwargs["name"]),
    }
    done = _run_module("--inject", "NullPointerException", "--rate", "30%", **env)
    assert done.returncode == 0, done.stderr
    assert "armed: NullPointerException, rate 30%" in done.stdout
    assert [(r.fault, r.rate) for r in load_rules(RedisHuey(**redis_huey_kwargs))] == [
        ("NullPointerException", 0.3)
    ]


def test_usage_errors_exit_2() -> None:
    assert _run_module("--inject", "NETWORK").returncode == 2  # no queue named
    bad = _run_module("--redis-url", "redis://127.0.0.1:1/0", "--name", "x", "--inject", "Nope")
    assert bad.returncode == 2 and "unknown fault" in bad.stderr


def test_huey_guard_inject_refuses_an_app_that_disallows_it(capsys: Any) -> None:
    app = "tests.observability.inject_app:production_huey"
    assert guard_main(["inject", "--app", app, "--inject", "NETWORK"]) == 1
    assert "refused" in capsys.readouterr().err
    assert load_rules(inject_app.production_huey) == []
    assert guard_main(["inject", "--app", app, "--inject", "NETWORK", "--force"]) == 0
    clear_rules(inject_app.production_huey)

    allowed = "tests.observability.inject_app.allowed_huey"  # huey_consumer's dotted form
    assert guard_main(["inject", "--app", allowed, "--inject", "MemoryError", "--rate", "5%"]) == 0
    assert [(r.fault, r.rate) for r in load_rules(inject_app.allowed_huey)] == [
        ("OutOfMemoryError", 0.05)
    ]
    clear_rules(inject_app.allowed_huey)


def test_only_consumers_that_allow_it_get_the_hook() -> None:
    allowed = GuardRuntime(MemoryHuey("a"), {"GLOBAL_CONFIG": {"allow_fault_injection": True}})
    refused = GuardRuntime(MemoryHuey("b"), {"GLOBAL_CONFIG": {}})
    assert isinstance(hook_module.hook_factory(allowed), FaultInjectionHook)
    assert hook_module.hook_factory(refused) is None


class Harness:
    """A FaultInjectionHook on a MemoryHuey, with a controlled clock and sleeper."""

    def __init__(self) -> None:
        self.huey = MemoryHuey("hook-harness")
        self.bus = events.EventBus()
        self.seen: list[events.GuardEvent] = []
        self.bus.subscribe(self.seen.append)
        self.runtime = GuardRuntime(self.huey, bus=self.bus)
        self.now = 1000.0
        self.slept: list[float] = []
        self.hook = FaultInjectionHook(
            self.huey, clock=lambda: self.now, refresh=5.0, sleep=self.slept.append
        )

        @self.huey.task()
        def send_mail(n: int) -> int:
            return n

        @self.huey.task()
        def other(n: int) -> int:
            return n

        self.tasks = {"send_mail": send_mail, "other": other}

    def attempt(self, name: str, task_id: str, attempt: int = 0) -> BaseException | None:
        task = self.tasks[name].s(1)
        task.id = task_id
        ctx = ExecutionContext(task=task, runtime=self.runtime, state={"attempt": attempt})
        try:
            self.hook.before_execute(ctx)
        except Exception as exc:
            return exc
        return None


def test_seeded_injection_is_repeatable_and_near_the_rate() -> None:
    harness = Harness()
    add_rule(harness.huey, FaultRule("NETWORK", 0.3, seed=11), now=harness.now)
    first = [harness.attempt("send_mail", f"id-{i}") is not None for i in range(1000)]
    again = [harness.attempt("send_mail", f"id-{i}") is not None for i in range(1000)]
    retried = [harness.attempt("send_mail", f"id-{i}", attempt=1) is not None for i in range(1000)]
    assert first == again  # same seed, same task ids and attempts: the same hits
    assert first != retried  # a retry rolls again
    assert 0.25 < sum(first) / 1000 < 0.35  # 30 % +- more than 3 standard deviations
    assert {e.kind for e in harness.seen} == {events.FAULT_INJECTED}
    faults = {e.extra["fault"] for e in harness.seen}
    assert faults == {"ConnectionTimeout", "ReadTimeout", "ConnectionRefused"}
    assert all(e.injected and getattr(e.exception, INJECTED_ATTR) for e in harness.seen)


def test_task_globs_expiry_latency_and_refresh() -> None:
    harness = Harness()
    rule = FaultRule("FileNotFoundError", 1.0, task="send_*", latency=0.25)
    add_rule(harness.huey, FaultRule(**{**rule.to_dict(), "expires": harness.now + 60}), 0)
    assert isinstance(harness.attempt("send_mail", "a"), FileNotFoundError)
    assert harness.slept == [0.25]
    assert harness.attempt("other", "b") is None  # the glob does not match
    harness.now += 61  # past --duration: switched itself off
    assert harness.attempt("send_mail", "c") is None

    add_rule(harness.huey, FaultRule("PermissionError", 1.0), now=harness.now)
    assert harness.attempt("other", "d") is None  # rules are cached for `refresh` seconds
    harness.now += 5
    assert isinstance(harness.attempt("other", "e"), PermissionError)


def test_an_unreachable_storage_never_fails_the_task() -> None:
    dead = RedisHuey("dead", url="redis://127.0.0.1:1/0")
    hook = FaultInjectionHook(dead)
    runtime = GuardRuntime(dead, bus=events.EventBus())

    @dead.task()
    def noop() -> None:
        return None

    ctx = ExecutionContext(task=noop.s(), runtime=runtime, state={})
    hook.before_execute(ctx)  # logs a warning, injects nothing, raises nothing


def test_huey_guard_help_lists_inject_and_metrics(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exited:
        guard_main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "inject" in out and "metrics" in out
