"""``huey-guard signatures`` and ``huey-guard config check``: output and exit codes."""

from __future__ import annotations

import json
import pathlib

from huey_guard.cli.guard import main
from huey_guard.exception_handler import exception_handler
from huey_guard.signatures import BUILTIN_SIGNATURES


def test_signatures_lists_builtins_and_custom_in_precedence_order(capsys) -> None:
    signature = exception_handler.add_exception_signature(
        pattern="Database connection failed.*", category="NETWORK", name="cli-test-db"
    )
    try:
        assert main(["signatures", "--format", "json"]) == 0
    finally:
        exception_handler.remove_exception_signature(signature.name)
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {
        "name": "cli-test-db",
        "category": "NETWORK",
        "strategy": "RETRY_EXPONENTIAL",
        "source": "custom",
        "types": [],
        "errnos": [],
        "pattern": "Database connection failed.*",
        "predicate": None,
    }
    assert [r["name"] for r in rows[1:]] == [s.name for s in BUILTIN_SIGNATURES]


def test_signatures_with_config_shows_configured_strategies(tmp_path, capsys) -> None:
    config = tmp_path / "conf.py"
    config.write_text(
        "EXCEPTIONS_CONFIG = {'retry_strategies': {'NETWORK': {'strategy': 'RETRY_FIXED_DELAY'}},"
        " 'signatures': [{'pattern': '^upstream 5..', 'category': 'NETWORK', 'name': 'up'}]}\n"
    )
    assert main(["signatures", "--config", str(config), "--category", "NETWORK"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].split()[:5] == ["1", "up", "NETWORK", "RETRY_FIXED_DELAY", "custom"]
    assert "RETRY_EXPONENTIAL" not in out and "DATA_FORMAT" not in out


def test_config_check_exit_codes(tmp_path: pathlib.Path, capsys, monkeypatch) -> None:
    (tmp_path / "huey_config.py").write_text(
        "GLOBAL_CONFIG = {'enabled': True, 'mode': 'observe'}\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["config", "check", "huey_config"]) == 0
    assert "valid (mode=observe" in capsys.readouterr().out

    bad = tmp_path / "bad.py"
    bad.write_text("EXCEPTIONS_CONFIG = {'retry_strategies': {'NETWORK': {'max_retrys': 1}}}\n")
    assert main(["config", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "EXCEPTIONS_CONFIG.retry_strategies.NETWORK.max_retrys" in err
    assert "did you mean 'max_retries'?" in err
    assert main(["config"]) == 2
