"""Consumer start-up work runs where a consumer is created, and only there: the start-up scan
may refuse the start, and the metrics endpoint comes up once the consumer exists."""

from __future__ import annotations

import pathlib
import urllib.request
from typing import Any

import pytest
from huey import MemoryHuey

from examples.shop import tasks as shop
from huey_guard import install
from huey_guard.guards.startup import StartupScanFailed
from huey_guard.observability import detach, observability_of


def _shop_app(name: str, cache: pathlib.Path, startup_scan: str) -> tuple[Any, Any]:
    """A guarded app carrying the shop's send_receipt (a task with a None dereference)."""
    app = MemoryHuey(name)
    app.task()(shop.send_receipt.func)
    config = {
        "GLOBAL_CONFIG": {"startup_scan": startup_scan},
        "PROTECTION_CONFIG": {
            "guards": {"cache_dir": str(cache)},
            "observability": {"metrics": {"enabled": True, "port": 0}},
        },
    }
    return app, install(app, config)


def test_a_failing_start_up_scan_refuses_the_consumer_before_the_endpoint_starts(
    tmp_path: pathlib.Path, clean_hub: None
) -> None:
    app, runtime = _shop_app("start-refused", tmp_path, "fail")
    try:
        with pytest.raises(StartupScanFailed, match="possible None dereference"):
            app.create_consumer(workers=1)
        assert observability_of(runtime).servers == []
    finally:
        detach(runtime)


def test_the_metrics_endpoint_starts_with_the_consumer_not_with_the_producer(
    tmp_path: pathlib.Path, clean_hub: None
) -> None:
    app, runtime = _shop_app("start-metrics", tmp_path, "off")
    state = observability_of(runtime)
    try:
        assert state.servers == []  # importing and enqueueing never opens a port
        app.create_consumer(workers=1)
        app.create_consumer(workers=1)  # a second consumer in the process: still one endpoint
        (server,) = state.servers
        with urllib.request.urlopen(server.url, timeout=5) as response:
            assert "huey_exceptions_total" in response.read().decode("utf-8")
    finally:
        detach(runtime)
