"""The manifest built from constructed findings: parameters vs body, defaults, JSON round trip."""

from __future__ import annotations

import json
import pathlib

import pytest

from huey_guard.analyzer.model import FileResult, Finding, NoneSource, ScanResult, TaskInfo
from huey_guard.guards.build import build_manifest
from huey_guard.guards.manifest import ManifestError, load, validate

SOURCE = """\
from typing import Optional

@huey.task()
def send(order_id: int, options: Optional[dict] = None, *, note=None) -> list[str]:
    order = ORDERS.get(order_id)
    x = options.get("a")
    return order.items
"""


def _scan(path: str) -> ScanResult:
    task = TaskInfo("app.send", "send", path, 3, ("order_id", "options", "note"))
    findings = (
        Finding(path, 5, 13, 5, 21, "NS201", "m", task="app.send", subject="order_id"),
        Finding(
            path,
            6,
            9,
            6,
            16,
            "NS101",
            "m",
            task="app.send",
            subject="options",
            source=NoneSource(4, 25, "parameter `options` is declared Optional"),
        ),
        Finding(
            path,
            7,
            12,
            7,
            17,
            "NS101",
            "m",
            task="app.send",
            subject="order",
            source=NoneSource(5, 13, "ORDERS.get(order_id) returns None"),
        ),
    )
    return ScanResult((FileResult(path, findings, (task,), True, 7),))


def test_parameters_get_not_none_and_the_body_gets_safe_call(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SOURCE)
    entry = build_manifest(_scan(str(path))).tasks["app.send"]
    assert entry.not_none_parameters == ("options", "order_id")
    assert entry.type_check_parameters == ("options", "order_id")
    assert entry.safe_call is not None and entry.safe_call.line == 7
    assert entry.default_return is not None and entry.default_return.make() == []


def test_json_is_deterministic_and_round_trips(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SOURCE)
    manifest = build_manifest(_scan(str(path)), generator="test")
    text = manifest.dumps()
    assert text == build_manifest(_scan(str(path)), generator="test").dumps()
    assert load(text).dumps() == text
    file = tmp_path / "guards.json"
    file.write_text(text)
    assert load(str(file)).tasks["app.send"].not_none_parameters == ("options", "order_id")


def test_validation_names_every_problem() -> None:
    assert validate([]) == ["the manifest must be a JSON object"]
    bad = {"schema": "x", "schema_version": 9, "tasks": {"t": {"function": 1, "not_none": [1]}}}
    problems = validate(bad)
    assert any("schema_version 9" in p for p in problems)
    assert any("tasks['t']: function must be str" in p for p in problems)
    assert any("not_none must be a list" in p for p in problems)
    with pytest.raises(ManifestError):
        load(json.dumps(bad))
