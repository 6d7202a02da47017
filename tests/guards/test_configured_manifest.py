"""The manifest and the analyzer cache can come from huey_config instead of install() arguments."""

from __future__ import annotations

import importlib
import json
import pathlib

import pytest

from huey_guard import install
from huey_guard.cli.nullscan import main as nullscan_main
from huey_guard.config import load_config
from huey_guard.config_schema import ConfigError
from huey_guard.validation import ArgumentValidationError

TASKS = """
from huey import MemoryHuey

huey = MemoryHuey("configured-manifest")


@huey.task()
def ship(order_id):
    return order_id.upper()
"""


def test_manifest_named_in_config_guards_the_task(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "configured_shop.py").write_text(TASKS)
    manifest = tmp_path / "guards.json"
    assert (
        nullscan_main(
            [
                str(tmp_path / "configured_shop.py"),
                "--emit-guards",
                str(manifest),
                "--no-cache",
                "--quiet",
            ]
        )
        == 0  # only an NS201 suggestion (info level): the scan itself passes
    )
    assert "configured_shop.ship" in json.loads(manifest.read_text())["tasks"]

    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("configured_shop")
    config = load_config(
        {
            "PROTECTION_CONFIG": {"guards": {"manifest": str(manifest)}},
            "GLOBAL_CONFIG": {"startup_scan": "off"},
        }
    )
    install(module.huey, config=config)
    with pytest.raises(ArgumentValidationError, match="order_id"):
        module.ship(None)
    assert module.huey.pending_count() == 0
    module.ship("a1")
    assert module.huey.pending_count() == 1


def test_a_misspelt_guards_key_is_named_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as info:
        load_config({"PROTECTION_CONFIG": {"guards": {"manifset": "x.json"}}})
    assert "PROTECTION_CONFIG.guards.manifset" in str(info.value)
    assert "manifest" in str(info.value)


def test_sections_for_unbuilt_features_are_rejected_not_ignored() -> None:
    # Accepting a key that nothing reads would tell the user a protection is on when it is not.
    with pytest.raises(ConfigError, match=r"PROTECTION_CONFIG\.deadlock"):
        load_config({"PROTECTION_CONFIG": {"deadlock": {"lock_ttl": 300}}})
