"""The issue's scenario: 1,000 tasks on real Redis with 30 % NETWORK faults injected.

A real consumer (thread workers) runs every task to completion through the retry policy; the
injector is armed and cleared through its real command line; JSON log records and metrics must
agree exactly; the webhook gets exactly one alert and one resolve; and a consumer whose config
does not allow fault injection ignores a 100 % rule on its own queue.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from huey import RedisHuey

from huey_guard import install
from huey_guard.config import load_config
from huey_guard.fault_injector import load_rules
from huey_guard.observability.exposition import render
from huey_guard.observability.logs import EVENT_LOGGER, RECORD_ATTR
from huey_guard.observability.setup import detach
from tests.consumer import running_consumer, wait_for
from tests.observability.conftest import Receiver, final_value, total

TASKS = 1000
NETWORK_FAULTS = {"ConnectionTimeout", "ReadTimeout", "ConnectionRefused"}


class Records(logging.Handler):
    """Keeps the structured payload of every step record (what JsonFormatter would print)."""

    def __init__(self, queue: str) -> None:
        super().__init__()
        self.queue = queue
        self.items: list[dict[str, Any]] = []
        self._lock2 = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        payload = getattr(record, RECORD_ATTR, None)
        if payload and payload.get("queue") == self.queue:
            with self._lock2:
                self.items.append(json.loads(json.dumps(payload, default=str)))

    def of(self, event: str) -> list[dict[str, Any]]:
        return [r for r in self.items if r["event"] == event]


@pytest.fixture
def records(unique_name: str, clean_hub: None) -> Iterator[Records]:
    handler = Records(unique_name)
    logger = logging.getLogger(EVENT_LOGGER)
    old = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


def _inject(redis_url: str, name: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "huey_guard.fault_injector",
            "--redis-url",
            redis_url,
            "--name",
            name,
            "--json",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _config(webhook: str | None, allow: bool) -> Any:
    observability: dict[str, Any] = {
        "json_logs": True,
        "log_handler": "none",  # the test routes logger huey_guard.events itself
        "metrics": {"enabled": True},
    }
    if webhook:
        observability["alerts"] = {
            "threshold": 0.05,
            "window_seconds": 2,
            "min_tasks": 50,
            "cooldown_seconds": 3600,
            "evaluate_seconds": 0.1,
            "webhook_url": webhook,
        }
    return load_config(
        {
            "EXCEPTIONS_CONFIG": {"retry_strategies": {"NETWORK": {"max_retries": 14}}},
            "PROTECTION_CONFIG": {"observability": observability},
            "GLOBAL_CONFIG": {"time_scale": 0.001, "allow_fault_injection": allow},
        }
    )


@pytest.mark.slow
def test_thousand_tasks_with_thirty_percent_network_faults(
    redis_huey_kwargs: Any, receiver: Receiver, records: Records
) -> None:
    name, url = str(redis_huey_kwargs["name"]), str(redis_huey_kwargs["url"])
    app = RedisHuey(**redis_huey_kwargs)
    runtime = install(app, _config(receiver.url, allow=True))

    @app.task()
    def fetch(n: int, token: str = "") -> int:
        return n * 2

    task_name = runtime.task_name(fetch.task_class)
    armed = _inject(url, name, "--inject", "NETWORK", "--rate", "30%", "--seed", "20261204")
    assert armed["armed"]["rate"] == 0.3
    before = render()
    started = time.monotonic()
    try:
        with running_consumer(app, workers=6):
            results = [fetch(n, token="secret-token") for n in range(TASKS)]
            values = [final_value(app, r, timeout=90) for r in results]
            elapsed = time.monotonic() - started
            _inject(url, name, "--clear")
            # Traffic stops; the 2 s window empties and the alert resolves on its own.
            wait_for(lambda: len(receiver.bodies) >= 2, timeout=15)
            time.sleep(0.5)  # nothing else may arrive
    finally:
        detach(runtime)
    after = render()
    assert values == [n * 2 for n in range(TASKS)], "every task completed"
    assert load_rules(app) == []

    def delta(metric: str, **labels: str) -> float:
        return total(after, metric, **labels) - total(before, metric, **labels)

    injected = records.of("fault_injected")
    classified = records.of("exception_classified")
    recovered = records.of("recovered")
    attempts = TASKS + len(classified)  # every attempt either succeeded or raised
    rate = len(injected) / attempts
    print(
        f"\n{TASKS} tasks, {attempts} attempts, {len(injected)} injected ({rate:.1%}) in "
        f"{elapsed:.1f}s"
    )
    # 30 % of attempts, within 5 standard deviations (sd ~ 1.2 points at ~1,400 attempts).
    assert abs(rate - 0.30) < 5 * (0.3 * 0.7 / attempts) ** 0.5
    assert {r["extra"]["fault"] for r in injected} == NETWORK_FAULTS
    # Every exception was an injected NETWORK fault, retried by the exponential strategy.
    assert len(classified) == len(injected)
    assert all(r["injected"] and r["error_category"] == "NETWORK" for r in classified)
    assert records.of("final_failure") == []
    retried_tasks = {r["task_id"] for r in classified}
    assert len(recovered) == len(retried_tasks)
    assert {r["recovery_strategy"]["type"] for r in recovered} == {"RETRY_EXPONENTIAL"}
    assert all(r["args_snapshot"]["kwargs"]["token"] == "***redacted***" for r in classified)

    # Metrics and JSON log records agree exactly.
    assert delta("huey_exceptions_total", task=task_name) == len(classified)
    assert delta("huey_exceptions_total", task=task_name, injected="true") == len(classified)
    assert delta("huey_recoveries_total") == len(recovered)
    assert delta("huey_recoveries_total", outcome="success") == len(recovered)
    assert delta("huey_retries_total", task=task_name) == len(records.of("retry_scheduled"))
    assert delta("huey_faults_injected_total", task=task_name) == len(injected)
    assert delta("huey_task_duration_seconds_count", task=task_name) == TASKS
    assert delta("huey_failed_tasks", task=task_name) == 0

    # Exactly one alert, then exactly one resolve.
    assert [body["kind"] for body in receiver.bodies] == ["alert", "resolved"]
    alert = receiver.bodies[0]
    assert alert["queue"] == name and alert["rate"] > 0.05 and alert["tasks"] >= 50
    assert delta("huey_alerts_sent_total", channel="webhook") == 2


def test_a_consumer_without_allow_fault_injection_ignores_the_injector(
    redis_huey_kwargs: Any, records: Records
) -> None:
    name, url = str(redis_huey_kwargs["name"]), str(redis_huey_kwargs["url"])
    app = RedisHuey(**redis_huey_kwargs)
    install(app, _config(None, allow=False))

    @app.task()
    def fetch(n: int) -> int:
        return n

    _inject(url, name, "--inject", "NETWORK", "--rate", "100%")
    assert len(load_rules(app)) == 1  # armed in storage ...
    with running_consumer(app, workers=2):
        results = [fetch(n) for n in range(50)]
        assert [final_value(app, r, timeout=30) for r in results] == list(range(50))
    assert records.items == []  # ... yet nothing was injected, raised or retried
    _inject(url, name, "--clear")
