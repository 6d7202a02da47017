"""Dynamic retry end to end: a real consumer (thread workers) on real Redis and on SQLite.

Delays are shortened with ``GLOBAL_CONFIG['time_scale']``; the ETAs huey stores in the message
are read back through huey's EXECUTING signal and compared with the failure times the tasks record,
so "the delays follow the policy" is checked on what huey actually scheduled.
"""

from __future__ import annotations

import datetime
import json
import pathlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import huey as plain_huey
import pytest
from huey import signals

import huey_guard
from huey_guard import events, install, runtime_of
from huey_guard.config import load_config
from tests.consumer import running_consumer, wait_for

NETWORK_NO_JITTER = {"NETWORK": {"jitter": 0.0}}


def utcnow() -> datetime.datetime:
    # huey stores naive UTC ETAs (utc=True is its default); compare like with like.
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


@dataclass
class Recorder:
    """What happened to the tasks of one queue: huey's signals and huey-guard's events."""

    queue: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    executing: list[tuple[str, datetime.datetime | None, int]] = field(default_factory=list)
    failures: list[datetime.datetime] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    errors: list[tuple[str, int]] = field(default_factory=list)  # (exception type, retries left)
    events: list[events.GuardEvent] = field(default_factory=list)

    def connect(self, app: Any) -> None:
        @app.signal(signals.SIGNAL_EXECUTING)
        def on_executing(signal: str, task: Any, *args: Any) -> None:
            with self.lock:
                self.executing.append((task.id, task.eta, task.retries))

        @app.signal(signals.SIGNAL_COMPLETE)
        def on_complete(signal: str, task: Any, *args: Any) -> None:
            with self.lock:
                self.completed.append(task.id)

        @app.signal(signals.SIGNAL_ERROR)
        def on_error(signal: str, task: Any, exc: BaseException | None = None, *a: Any) -> None:
            with self.lock:
                self.errors.append((type(exc).__name__, task.retries))

    def on_event(self, event: events.GuardEvent) -> None:
        if event.queue == self.queue:
            with self.lock:
                self.events.append(event)

    def fail_now(self) -> None:
        with self.lock:
            self.failures.append(utcnow())

    def kinds(self, kind: str) -> list[events.GuardEvent]:
        with self.lock:
            return [e for e in self.events if e.kind == kind]

    @property
    def final_errors(self) -> list[tuple[str, int]]:
        with self.lock:
            return [e for e in self.errors if e[1] == 0]

    def eta_gaps(self) -> list[float]:
        """Seconds between each recorded failure and the ETA of the attempt that followed."""
        etas = [eta for _, eta, _ in self.executing[1:]]
        return [
            (eta - failed).total_seconds()
            for eta, failed in zip(etas, self.failures, strict=False)
            if eta is not None
        ]


@pytest.fixture(params=["redis", "sqlite"])
def backend(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Iterator[Callable[..., Any]]:
    """``make(kind="plain"|"guarded"|"priority", config=...)``: a fresh Huey on the backend."""
    name = f"hg-retry-{request.node.name.split('[')[0][-24:]}-{id(tmp_path) % 100000}"
    if request.param == "redis":
        redis_url = request.getfixturevalue("redis_url")

        def make(kind: str = "guarded", config: Any = None) -> Any:
            if kind == "plain":
                return plain_huey.RedisHuey(name, url=redis_url)
            cls = huey_guard.PriorityRedisHuey if kind == "priority" else huey_guard.RedisHuey
            return cls(name, url=redis_url, config=config)

        yield make
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"*{name}*"))
        if keys:
            client.delete(*keys)
        client.close()
    else:
        filename = str(tmp_path / "queue.db")

        def make(kind: str = "guarded", config: Any = None) -> Any:
            if kind == "plain":
                return plain_huey.SqliteHuey(name, filename=filename)
            return huey_guard.SqliteHuey(name, filename=filename, config=config)

        yield make


@pytest.fixture
def record() -> Iterator[Callable[[Any], Recorder]]:
    unsubscribe: list[Callable[[], None]] = []

    def attach(app: Any) -> Recorder:
        recorder = Recorder(app.name)
        recorder.connect(app)
        unsubscribe.append(events.default_bus.subscribe(recorder.on_event))
        return recorder

    yield attach
    for stop in unsubscribe:
        stop()


def test_connection_error_twice_then_success_with_policy_etas(backend, record) -> None:
    config = {
        "GLOBAL_CONFIG": {"time_scale": 0.25},
        "EXCEPTIONS_CONFIG": {"retry_strategies": {"NETWORK": {"jitter": 0.0, "initial_delay": 2}}},
    }
    app = backend(config=config)
    rec = record(app)
    calls: list[int] = []

    @app.task()
    def fetch(n):
        calls.append(n)
        if len(calls) < 3:
            rec.fail_now()
            raise ConnectionRefusedError(111, "Connection refused")
        return n + 1

    with running_consumer(app, workers=2):
        result = fetch(41)
        wait_for(lambda: rec.completed, timeout=20)
    assert calls == [41, 41, 41]
    assert result.get() == 42
    scheduled = rec.kinds(events.RETRY_SCHEDULED)
    # initial_delay 2 s doubling, scaled by 0.25: 0.5 s then 1.0 s.
    assert [e.strategy for e in scheduled] == [
        {"type": "RETRY_EXPONENTIAL", "delay": 0.5, "attempt": 1, "max_attempts": 8},
        {"type": "RETRY_EXPONENTIAL", "delay": 1.0, "attempt": 2, "max_attempts": 8},
    ]
    gaps = rec.eta_gaps()
    assert len(gaps) == 2
    for gap, expected in zip(gaps, (0.5, 1.0), strict=True):
        assert expected - 0.02 <= gap <= expected + 0.25, (gaps, expected)
    assert [e.category for e in rec.kinds(events.EXCEPTION_CLASSIFIED)] == ["NETWORK"] * 2
    succeeded = rec.kinds(events.TASK_SUCCEEDED)
    assert len(succeeded) == 1 and succeeded[0].attempt == 2 and succeeded[0].duration >= 0
    assert rec.kinds(events.FINAL_FAILURE) == []


def test_data_format_error_is_not_retried(backend, record) -> None:
    app = backend(config={})
    rec = record(app)
    calls: list[str] = []

    @app.task(retries=3, retry_delay=1)
    def parse(text):
        calls.append(text)
        return json.loads(text)

    with running_consumer(app):
        parse("{not json")
        wait_for(lambda: rec.final_errors, timeout=10)
    assert calls == ["{not json"]
    assert rec.final_errors == [("JSONDecodeError", 0)]
    final = rec.kinds(events.FINAL_FAILURE)
    assert len(final) == 1 and final[0].category == "DATA_FORMAT"
    assert final[0].strategy["type"] == "NO_RETRY"
    assert app.pending_count() == 0 and app.scheduled_count() == 0


def test_null_pointer_failure_is_retried_with_the_repaired_argument(backend, record) -> None:
    app = backend(config={})
    rec = record(app)
    seen: list[Any] = []

    @app.task()
    def greet(name, greeting="hello"):
        seen.append(greeting)
        return greeting.upper() + " " + name

    with running_consumer(app):
        result = greet("ada", greeting=None)
        wait_for(lambda: rec.completed, timeout=10)
    assert seen == [None, "hello"]
    assert result.get() == "HELLO ada"
    repaired = rec.kinds(events.ARGUMENT_REPAIRED)
    assert len(repaired) == 1 and repaired[0].extra["repaired"] == {"greeting": "default"}
    assert rec.kinds(events.RETRY_SCHEDULED)[0].strategy["type"] == "RETRY_WITH_PARAM_FIX"


def test_unrepairable_null_pointer_fails_at_once(backend, record) -> None:
    app = backend(config={})
    rec = record(app)
    calls: list[Any] = []

    @app.task(retries=2)
    def shout(word):
        calls.append(word)
        return word.upper()

    with running_consumer(app):
        shout(None)
        wait_for(lambda: rec.final_errors, timeout=10)
    assert calls == [None]
    assert rec.kinds(events.FINAL_FAILURE)[0].extra["reason"] == "no argument repair possible"


@pytest.mark.slow
def test_critical_task_gets_sixteen_retries(backend, record) -> None:
    app = backend(kind="priority", config={"GLOBAL_CONFIG": {"time_scale": 0.001}})
    rec = record(app)
    calls: list[int] = []

    @app.task(priority="critical")
    def pay():
        calls.append(1)
        raise ConnectionResetError(104, "Connection reset by peer")

    assert pay.task_class.default_priority == 100  # the word became a number huey can order
    with running_consumer(app, workers=2):
        pay()
        wait_for(lambda: rec.final_errors, timeout=60)
    assert len(calls) == 17  # the first attempt and 16 retries
    scheduled = rec.kinds(events.RETRY_SCHEDULED)
    assert [e.strategy["attempt"] for e in scheduled] == list(range(1, 17))
    assert {e.strategy["max_attempts"] for e in scheduled} == {16}
    assert len(rec.kinds(events.FINAL_FAILURE)) == 1
    assert rec.final_errors == [("ConnectionResetError", 0)]


def test_max_retries_zero_turns_retries_off(backend, record) -> None:
    app = backend(config={})
    rec = record(app)
    calls: list[int] = []

    @app.task(retries=3, retry_delay=1, max_retries=0)
    def push():
        calls.append(1)
        raise ConnectionRefusedError(111, "Connection refused")

    with running_consumer(app):
        push()
        wait_for(lambda: rec.final_errors, timeout=10)
    assert calls == [1]
    final = rec.kinds(events.FINAL_FAILURE)
    assert len(final) == 1 and final[0].extra["reason"] == "retries disabled (max_retries=0)"
    assert app.scheduled_count() == 0 and app.pending_count() == 0


def test_resource_retry_waits_while_memory_reading_is_high(backend, record) -> None:
    app = backend(config={"GLOBAL_CONFIG": {"time_scale": 0.05}})
    rec = record(app)
    memory = [95.0]
    runtime_of(app).hook("resource-gate").memory_reading = lambda: memory[0]
    calls: list[float] = []

    @app.task()
    def crunch():
        calls.append(memory[0])
        if len(calls) == 1:
            raise MemoryError()
        return "done"

    with running_consumer(app):
        result = crunch()
        wait_for(lambda: len(rec.kinds(events.RETRY_DEFERRED)) >= 2, timeout=15)
        assert calls == [95.0]  # pushed back, not run, while memory use is high
        memory[0] = 40.0
        wait_for(lambda: rec.completed, timeout=10)
    assert calls == [95.0, 40.0]
    assert result.get() == "done"
    deferred = rec.kinds(events.RETRY_DEFERRED)
    assert all(e.attempt == 1 and e.extra["memory_percent"] == 95.0 for e in deferred)
    # Deferrals spend no attempt: one retry was scheduled, and it ran as attempt 1.
    assert len(rec.kinds(events.RETRY_SCHEDULED)) == 1
    assert rec.kinds(events.TASK_SUCCEEDED)[0].attempt == 1


def test_restarting_the_consumer_keeps_the_attempt_count(backend, record) -> None:
    config = {
        "GLOBAL_CONFIG": {"time_scale": 0.75},
        "EXCEPTIONS_CONFIG": {"retry_strategies": NETWORK_NO_JITTER},
    }
    calls: list[int] = []

    def build() -> Any:
        app = backend(config=config)

        @app.task(retries=2)
        def sync():
            calls.append(1)
            raise ConnectionAbortedError(103, "Software caused connection abort")

        return app, sync

    first_app, sync = build()
    first = record(first_app)
    with running_consumer(first_app):
        sync()
        wait_for(lambda: first.kinds(events.RETRY_SCHEDULED), timeout=10)
    # Consumer and Huey object are gone; only the message in storage carries the state.
    assert calls == [1] and first_app.scheduled_count() == 1

    second_app, _ = build()
    second = record(second_app)
    with running_consumer(second_app):
        wait_for(lambda: second.final_errors, timeout=15)
    assert len(calls) == 3  # 1 + the cap of 2 retries, not 1 + 2 + 2
    assert [e.attempt for e in second.kinds(events.EXCEPTION_CLASSIFIED)] == [1, 2]
    assert [e.strategy["attempt"] for e in second.kinds(events.RETRY_SCHEDULED)] == [2]
    assert len(second.kinds(events.FINAL_FAILURE)) == 1


def _huey_retry_trace(app: Any, rec: Recorder) -> dict[str, Any]:
    """Run a task that always fails with a data-format error under huey's own retries."""

    @app.task(retries=2, retry_delay=1)
    def load():
        rec.fail_now()
        raise json.JSONDecodeError("Expecting value", "", 0)

    with running_consumer(app):
        result = load()
        wait_for(lambda: rec.final_errors, timeout=15)
    with pytest.raises(Exception) as caught:
        result.get(blocking=True, timeout=5)
    return {
        "retries_seen": [retries for _, _, retries in rec.executing],
        "eta_gaps": [round(g) for g in rec.eta_gaps()],
        "errors": rec.errors,
        "result": type(caught.value).__name__,
        "pending": (app.pending_count(), app.scheduled_count()),
    }


@pytest.mark.slow
def test_observe_mode_and_disabled_leave_huey_retries_unchanged(backend, record) -> None:
    traces = {}
    for label, kind, config in (
        ("plain", "plain", None),
        ("observe", "guarded", {"GLOBAL_CONFIG": {"mode": "observe"}}),
        ("disabled", "guarded", {"GLOBAL_CONFIG": {"enabled": False}}),
    ):
        app = backend(kind=kind, config=config)
        rec = record(app)
        traces[label] = _huey_retry_trace(app, rec)
        if label == "observe":
            classified = rec.kinds(events.EXCEPTION_CLASSIFIED)
            assert [e.category for e in classified] == ["DATA_FORMAT"] * 3
            assert len(rec.kinds(events.FINAL_FAILURE)) == 1
        if label == "disabled":
            assert rec.events == [] and runtime_of(app) is None
    assert traces["plain"]["retries_seen"] == [2, 1, 0]
    assert traces["plain"]["eta_gaps"] == [1, 1]
    assert traces["observe"] == traces["plain"]
    assert traces["disabled"] == traces["plain"]


def test_enforce_mode_differs_from_huey_for_the_same_task(backend, record) -> None:
    """The control for the test above: enforce mode does change what huey would do."""
    app = backend(config={})
    rec = record(app)
    trace = _huey_retry_trace(app, rec)
    assert trace["retries_seen"] == [2]
    assert trace["errors"] == [("JSONDecodeError", 0)]


def test_install_on_plain_instance_matches_the_subclass(backend) -> None:
    app = backend(kind="plain")
    runtime = install(app, load_config({"GLOBAL_CONFIG": {"time_scale": 0.5}}))
    assert runtime_of(app) is runtime and runtime.config.time_scale == 0.5
    assert runtime.hook("retry-policy") is not None and runtime.hook("resource-gate") is not None
