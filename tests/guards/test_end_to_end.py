"""The issue's demonstration, end to end, on the example app (examples/shop) and a real Redis."""

from __future__ import annotations

import json
import logging
import pathlib
import shutil
import subprocess
import sys
from typing import Any

import pytest
from huey import RedisHuey

from examples.shop import tasks as shop
from examples.shop.models import ORDERS, Customer, Order
from huey_guard import events, install
from huey_guard.analyzer import ScanOptions, scan
from huey_guard.guards.build import build_manifest
from huey_guard.validation import ArgumentValidationError
from tests.consumer import running_consumer, wait_for

ROOT = pathlib.Path(__file__).resolve().parents[2]
NULLSCAN = [sys.executable, "-m", "huey_guard.cli.nullscan"]


def _app(kwargs: dict[str, Any], **config: Any) -> RedisHuey:
    """A RedisHuey carrying the shop's task functions (module examples.shop.tasks)."""
    app = RedisHuey(**kwargs)
    for wrapper in (shop.send_receipt, shop.apply_coupon, shop.notify, shop.order_total):
        app.task(retries=2)(wrapper.func)
    install(app, config=config or None)
    return app


def test_manifest_is_emitted_for_the_example_app(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "guards.json"
    run = [*NULLSCAN, "examples/shop", "--no-cache", "-q", "--emit-guards", str(out)]
    subprocess.run(run, cwd=ROOT, capture_output=True, check=False, timeout=60)
    data = json.loads(out.read_text())
    tasks = data["tasks"]
    assert data["schema_version"] == 1
    assert [g["parameter"] for g in tasks["shop.tasks.notify"]["not_none"]] == [
        "channel",
        "message",
    ]
    assert tasks["shop.tasks.send_receipt"]["safe_call"]["line"] == 15
    assert tasks["shop.tasks.send_receipt"]["default_return"] == {"annotation": "str", "value": ""}
    assert tasks["shop.tasks.order_total"]["safe_call"] is None
    again = tmp_path / "again.json"
    subprocess.run([*run[:-1], str(again)], cwd=ROOT, capture_output=True, timeout=60)
    assert again.read_bytes() == out.read_bytes()  # deterministic


@pytest.mark.redis
def test_consumer_start_warns_and_guards_both_checkpoints(
    redis_huey_kwargs: dict[str, Any],
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("HUEY_GUARD_CACHE_DIR", str(tmp_path / "cache"))
    app = _app(redis_huey_kwargs)
    seen: list[events.GuardEvent] = []
    app.guard.bus = events.EventBus()
    app.guard.bus.subscribe(seen.append)
    notify = app._registry.string_to_task("examples.shop.tasks.notify")
    # Written before the guards know anything: as an unguarded producer would.
    app.storage.enqueue(app.serialize_task(notify((None, "hi"), {})))
    assert app.pending_count() == 1

    with (
        caplog.at_level(logging.WARNING, logger="huey_guard.startup"),
        running_consumer(app, workers=2, worker_type="thread"),
    ):
        wait_for(lambda: app.pending_count() == 0)
        wait_for(lambda: any(e.kind == events.VALIDATION_FAILED for e in seen))
        # The producer side: a None argument never reaches the queue.
        wrapper_notify = shop.notify
        with pytest.raises(ArgumentValidationError, match="channel"):
            app.enqueue(notify((None, "x"), {}))
        assert app.pending_count() == 0
        ok = app.enqueue(notify(("sms", "hi"), {}))
        assert ok.get(blocking=True, timeout=10) == len("sms: hi")
        # safe_call from the start-up scan: the unknown order returns the default.
        receipt = app._registry.string_to_task("examples.shop.tasks.send_receipt")
        assert app.enqueue(receipt((404,), {})).get(blocking=True, timeout=10) == ""
    warnings = [r.getMessage() for r in caplog.records if r.name == "huey_guard.startup"]
    assert len(warnings) == 1  # once, not per worker
    assert "NS101 x2, NS105 x1, NS201 x5" in warnings[0]
    assert "examples/shop/tasks.py:15 NS101" in warnings[0]
    failed = [e for e in seen if e.kind == events.VALIDATION_FAILED]
    assert failed[0].extra == {"checkpoint": "execute", "parameter": "channel"}
    assert app.scheduled_count() == 0  # final: no retry of an invalid message
    assert wrapper_notify.call_local("a", "b") == 4


@pytest.mark.redis
def test_safe_call_returns_default_where_unguarded_task_crashes(
    redis_huey_kwargs: dict[str, Any],
) -> None:
    app = RedisHuey(**redis_huey_kwargs)
    from huey_guard.validation import safe_call

    plain = app.task(name="plain")(shop.send_receipt.func)
    safe = app.task(name="safe")(safe_call(default_return="no receipt")(shop.send_receipt.func))
    ORDERS[7] = Order(7, 10.0, Customer("a@example.test", "A"))
    with running_consumer(app):
        assert safe(7).get(blocking=True, timeout=10) == "receipt for a@example.test"
        assert safe(8).get(blocking=True, timeout=10) == "no receipt"
        with pytest.raises(Exception, match="NoneType"):
            plain(8).get(blocking=True, timeout=10)


def test_fix_rescans_clean_of_ns201(tmp_path: pathlib.Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    target = tmp_path / "examples" / "shop" / "tasks.py"
    before = scan([str(target)], ScanOptions())
    guarded = {
        (t, g.parameter) for t, e in build_manifest(before).tasks.items() for g in e.not_none
    }
    assert guarded
    run = [*NULLSCAN, "examples/shop", "--no-cache", "-q", "--fix"]
    subprocess.run(run, cwd=tmp_path, capture_output=True, timeout=60, check=False)
    text = target.read_text()
    assert '@not_none_validator("channel", "message")' in text
    assert "# Bug: an unknown order id gives None" in text  # comments preserved
    after = scan([str(target)], ScanOptions())
    assert [f for f in after.findings if f.code == "NS201"] == []
    subprocess.run(run, cwd=tmp_path, capture_output=True, timeout=60, check=False)
    assert target.read_text() == text  # idempotent
