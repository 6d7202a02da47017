"""JSON step logs and Prometheus metrics: fields, the injected marker, and their agreement."""

from __future__ import annotations

import datetime
import io
import json
import logging
import math
import os
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from huey import MemoryHuey
from prometheus_client import CollectorRegistry

from huey_guard import events, install
from huey_guard.config import load_config
from huey_guard.fault_injector import make_fault
from huey_guard.observability import JsonFormatter, SnapshotPolicy, StepLogger, StepReader
from huey_guard.observability.exposition import render, start_metrics_server
from huey_guard.observability.logs import EVENT_LOGGER, RECORD_ATTR
from huey_guard.observability.metrics import GuardMetrics
from huey_guard.observability.snapshot import REDACTED
from tests.observability.conftest import total


def _none_error() -> AttributeError:
    try:
        None.strip()  # type: ignore[union-attr]
    except AttributeError as exc:
        return exc
    raise AssertionError("unreachable")


def event(kind: str, **fields: Any) -> events.GuardEvent:
    fields.setdefault("task_id", "t-1")
    fields.setdefault("task_name", "app.tasks.charge")
    fields.setdefault("queue", "orders")
    return events.GuardEvent(kind=kind, **fields)


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.stream = io.StringIO()
        self.formatter = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write(self.format(record) + "\n")

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture
def capture() -> Iterator[Capture]:
    handler = Capture()
    logger = logging.getLogger(EVENT_LOGGER)
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_a_none_dereference_record_has_every_field(capture: Capture) -> None:
    reader, log = StepReader(), StepLogger(policy=SnapshotPolicy(max_repr=32))
    step = reader.read(
        event(
            events.RETRY_SCHEDULED,
            exception=_none_error(),
            category="NULL_POINTER",
            strategy={
                "type": "RETRY_WITH_PARAM_FIX",
                "delay": 0.5,
                "attempt": 1,
                "max_attempts": 2,
            },
            attempt=0,
            args=("card-42", "x" * 100),
            kwargs={"api_key": "sk_live_1", "amount": 3},
            timestamp=1635789012.123,
        )
    )
    assert step is not None
    log(step)
    (record,) = capture.records()
    assert record["timestamp"] == 1635789012.123
    assert record["event"] == "retry_scheduled"
    assert (record["task_id"], record["task_name"]) == ("t-1", "app.tasks.charge")
    assert record["exception_type"] == "AttributeError"
    assert record["exception_alias"] == "NullPointerException"
    assert record["error_category"] == "NULL_POINTER"
    assert record["recovery_strategy"] == {
        "type": "RETRY_WITH_PARAM_FIX",
        "delay": 0.5,
        "attempt": 1,
        "max_attempts": 2,
    }
    assert record["retries"] == 0
    assert record["args_snapshot"] == {
        "args": ["card-42", "'" + "x" * 28 + "..."],
        "kwargs": {"api_key": REDACTED, "amount": 3},
    }
    assert record["node"]["pid"] == os.getpid() and record["node"]["hostname"]
    assert record["node"]["worker"] == "MainThread"
    assert record["injected"] is False
    assert record["level"] == "INFO" and record["logger"] == EVENT_LOGGER


def test_plain_records_are_json_too() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", ("now",), None)
    data = json.loads(JsonFormatter().format(record))
    assert data["message"] == "boom now" and data["level"] == "ERROR"
    assert RECORD_ATTR not in data


def test_injected_faults_are_marked_in_logs_and_metrics(capture: Capture) -> None:
    registry = CollectorRegistry()
    metrics, reader, log = GuardMetrics(registry), StepReader(), StepLogger()
    fault = make_fault("ConnectionTimeout")
    for item in (
        event(events.FAULT_INJECTED, exception=fault, injected=True, extra={"fault": "x"}),
        event(events.EXCEPTION_CLASSIFIED, exception=fault, category="NETWORK"),
        event(events.EXCEPTION_CLASSIFIED, exception=TimeoutError(), category="TIMEOUT"),
    ):
        step = reader.read(item)
        assert step is not None
        log(step)
        metrics.observe(item, step)
    assert [r["injected"] for r in capture.records()] == [True, True, False]
    page = render(registry=registry)
    assert total(page, "huey_exceptions_total", injected="true", type="ConnectionTimeout") == 1
    assert total(page, "huey_exceptions_total", injected="false", type="TimeoutError") == 1
    assert total(page, "huey_faults_injected_total", fault="x") == 1


def test_metrics_page_parsed_with_the_prometheus_parser() -> None:
    registry = CollectorRegistry()
    metrics, reader = GuardMetrics(registry), StepReader()
    retry = {"type": "RETRY_EXPONENTIAL", "delay": 1.0, "attempt": 1, "max_attempts": 8}
    sequence = [
        # task a: fails twice, then succeeds on attempt 2 -> one successful recovery
        event(events.EXCEPTION_CLASSIFIED, task_id="a", exception=OSError(), category="NETWORK"),
        event(events.RETRY_SCHEDULED, task_id="a", strategy=retry, category="NETWORK"),
        event(events.EXCEPTION_CLASSIFIED, task_id="a", exception=OSError(), category="NETWORK"),
        event(events.RETRY_SCHEDULED, task_id="a", strategy=retry, attempt=1),
        event(events.TASK_SUCCEEDED, task_id="a", attempt=2, duration=0.02),
        # task b: a data-format error is final at once -> one failed recovery
        event(events.EXCEPTION_CLASSIFIED, task_id="b", exception=ValueError(), category="X"),
        event(events.FINAL_FAILURE, task_id="b", strategy={"type": "NO_RETRY"}, category="X"),
        # task c: first-attempt success -> no recovery, only a duration
        event(events.TASK_SUCCEEDED, task_id="c", duration=0.3),
        event(events.SAFE_CALL_RECOVERED, task_id="d", exception=_none_error()),
        event(events.VALIDATION_FAILED, task_id="e"),
        event(events.LOAD_SHED, extra={"work": "args_snapshot"}),
    ]
    for item in sequence:
        metrics.observe(item, reader.read(item))
    page = render(registry=registry)
    assert total(page, "huey_exceptions_total") == 3
    assert total(page, "huey_exceptions_total", type="OSError", category="NETWORK") == 2
    assert total(page, "huey_retries_total", strategy="RETRY_EXPONENTIAL") == 2
    assert (
        total(page, "huey_recoveries_total", strategy="RETRY_EXPONENTIAL", outcome="success") == 1
    )
    assert total(page, "huey_recoveries_total", strategy="SAFE_CALL", outcome="success") == 1
    assert total(page, "huey_recoveries_total", strategy="NO_RETRY", outcome="failure") == 1
    assert total(page, "huey_recoveries_success_ratio") == pytest.approx(2 / 3)
    assert total(page, "huey_failed_tasks") == 1
    assert total(page, "huey_validation_failures_total") == 1
    assert total(page, "huey_load_shed_total", work="args_snapshot") == 1
    assert total(page, "huey_task_duration_seconds_count") == 2
    assert total(page, "huey_task_duration_seconds_sum") == pytest.approx(0.32)


def test_load_shed_counts_what_the_budget_names_and_not_its_recovery() -> None:
    registry = CollectorRegistry()
    metrics, reader = GuardMetrics(registry), StepReader()
    for shedding in (True, False):  # the budget reports switching on, then back off
        item = event(events.LOAD_SHED, extra={"shedding": shedding, "shed": ["argument_snapshots"]})
        metrics.observe(item, reader.read(item))
    page = render(registry=registry)
    assert total(page, "huey_load_shed_total") == 1
    assert total(page, "huey_load_shed_total", work="argument_snapshots") == 1


def test_ratio_is_nan_before_any_recovery_ended() -> None:
    registry = CollectorRegistry()
    GuardMetrics(registry)
    assert math.isnan(total(render(registry=registry), "huey_recoveries_success_ratio"))


def test_endpoint_binds_loopback_and_serves_the_page() -> None:
    registry = CollectorRegistry()
    metrics = GuardMetrics(registry)
    metrics.observe(
        event(events.EXCEPTION_CLASSIFIED, exception=KeyError(), category="UNKNOWN"), None
    )
    metrics.observe(*_with_step(event(events.FINAL_FAILURE, strategy={"type": "NO_RETRY"})))
    server = start_metrics_server(0, registry=registry)
    try:
        assert server.host == "127.0.0.1"
        assert server.server.server_address[0] == "127.0.0.1"
        with urllib.request.urlopen(server.url, timeout=5) as response:
            page = response.read().decode()
    finally:
        server.close()
    assert total(page, "huey_failed_tasks", task="app.tasks.charge") == 1
    assert total(page, "huey_recoveries_success_ratio") == 0.0


def _with_step(item: events.GuardEvent) -> tuple[events.GuardEvent, Any]:
    return item, StepReader().read(item)


def test_installed_runtime_logs_and_counts_the_same_steps(capture: Capture, clean_hub) -> None:
    config = load_config(
        {
            "GLOBAL_CONFIG": {"time_scale": 0.0},
            "PROTECTION_CONFIG": {
                "observability": {
                    "json_logs": True,
                    "log_handler": "none",
                    "metrics": {"enabled": True},
                }
            },
        }
    )
    app = MemoryHuey("obs-installed", immediate=True)
    install(app, config)
    calls: list[int] = []

    @app.task()
    def flaky(password: str) -> int:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionResetError("reset by peer")
        return len(calls)

    @app.task()
    def broken() -> None:
        raise json.JSONDecodeError("bad", "doc", 0)

    before = render()
    flaky("hunter2")
    broken()
    far = datetime.datetime(2100, 1, 1)
    for _ in range(4):
        for task in app.read_schedule(far):
            app.execute(task, far)
    after = render()
    records = [r for r in capture.records() if r["queue"] == "obs-installed"]

    def delta(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    kinds = [r["event"] for r in records]
    assert kinds.count("exception_classified") == 3 == delta("huey_exceptions_total")
    assert kinds.count("retry_scheduled") == 2 == delta("huey_retries_total")
    outcomes = [r for r in records if r["outcome"]]
    assert len(outcomes) == delta("huey_recoveries_total") == 2
    assert {(r["event"], r["recovery_strategy"]["type"]) for r in outcomes} == {
        ("recovered", "RETRY_EXPONENTIAL"),
        ("final_failure", "NO_RETRY"),
    }
    assert all(r["args_snapshot"]["args"] in ([], ["hunter2"]) for r in records)
    assert delta("huey_failed_tasks") == 1


_SWITCH_SCRIPT = """
import datetime
from huey import MemoryHuey
from huey_guard import install

app = MemoryHuey("switch", immediate=True)
install(app, {"PROTECTION_CONFIG": {"observability": {"json_logs": True}},
              "GLOBAL_CONFIG": {"time_scale": 0.0}})

@app.task()
def parse(doc, secret=None):
    return doc.strip()

parse(None, secret="s3")
for task in app.read_schedule(datetime.datetime(2100, 1, 1)):
    app.execute(task, datetime.datetime(2100, 1, 1))
"""


def test_the_one_switch_prints_json_lines_on_stderr() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _SWITCH_SCRIPT], capture_output=True, text=True, timeout=60
    )
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    steps = [line["event"] for line in lines]
    assert steps[0] == "exception_classified", done.stderr
    assert "final_failure" in steps
    first = lines[0]
    assert first["exception_type"] == "AttributeError"
    assert first["exception_alias"] == "NullPointerException"
    assert first["error_category"] == "NULL_POINTER"
    assert first["args_snapshot"] == {"args": [None], "kwargs": {"secret": REDACTED}}
