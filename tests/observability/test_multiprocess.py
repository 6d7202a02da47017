"""Metrics with process workers: a real ``huey_consumer -k process -w 2``, scraped and summed."""

from __future__ import annotations

import importlib
import os
import pathlib
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.consumer import wait_for
from tests.observability.conftest import final_value, total

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONSUMER = pathlib.Path(sys.executable).with_name("huey_consumer")
N = 40
RETRIED = [n for n in range(N) if n % 4 == 0 and n % 10 != 5]
FAILED = [n for n in range(N) if n % 10 == 5]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def consumer(redis_huey_kwargs: Any, tmp_path: pathlib.Path, monkeypatch) -> Iterator[Any]:
    env = {
        "HG_MP_QUEUE": str(redis_huey_kwargs["name"]),
        "HG_MP_REDIS": str(redis_huey_kwargs["url"]),
        "HG_MP_PORT": str(_free_port()),
        "HG_MP_DIR": str(tmp_path / "metrics"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("HG_MP_CONSUMER", raising=False)
    proc = subprocess.Popen(
        [str(CONSUMER), "tests.observability.mp_app.huey", "-k", "process", "-w", "2"],
        cwd=ROOT,
        env={**os.environ, **env, "HG_MP_CONSUMER": "1", "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app = importlib.reload(importlib.import_module("tests.observability.mp_app"))
    try:
        yield app, env, proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _scrape(port: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


@pytest.mark.slow
def test_a_scrape_sums_every_worker_process(consumer: Any) -> None:
    app, env, proc = consumer
    results = [app.work(n) for n in range(N)]
    pids = set()
    for n, result in enumerate(results):
        if n in FAILED:
            continue
        pids.add(final_value(app.huey, result, timeout=60))
    assert len(pids) == 2, f"both worker processes should have run tasks: {pids}"

    def settled() -> str | None:
        page = _scrape(env["HG_MP_PORT"])
        done = total(page, "huey_recoveries_total") == len(RETRIED) + len(FAILED)
        return page if done else None

    page = wait_for(settled, timeout=30, interval=0.2)
    task = "tests.observability.mp_app.work"
    assert total(page, "huey_exceptions_total", task=task) == len(RETRIED) + len(FAILED)
    assert total(page, "huey_retries_total", task=task) == len(RETRIED)
    assert total(page, "huey_recoveries_total", outcome="success") == len(RETRIED)
    assert total(page, "huey_recoveries_total", outcome="failure") == len(FAILED)
    assert total(page, "huey_failed_tasks", task=task) == len(FAILED)
    assert total(page, "huey_task_duration_seconds_count", task=task) == N - len(FAILED)
    # The ratio is computed from the summed counters, not averaged per process.
    expected = len(RETRIED) / (len(RETRIED) + len(FAILED))
    assert total(page, "huey_recoveries_success_ratio") == pytest.approx(expected)
    files = {p.name for p in pathlib.Path(env["HG_MP_DIR"]).iterdir()}
    assert {f"histogram_{pid}.db" for pid in pids} <= files

    # `huey-guard metrics --once --dir` reads the same files to the same totals.
    printed = subprocess.run(
        [
            sys.executable,
            "-m",
            "huey_guard.cli.guard",
            "metrics",
            "--once",
            "--dir",
            env["HG_MP_DIR"],
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert printed.returncode == 0, printed.stderr
    assert total(printed.stdout, "huey_recoveries_success_ratio") == pytest.approx(expected)
    assert total(printed.stdout, "huey_exceptions_total", task=task) == len(RETRIED) + len(FAILED)
    assert proc.poll() is None
