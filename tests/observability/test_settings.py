"""The observability config section: read from a validated huey-guard config."""

from __future__ import annotations

import pytest

from huey_guard.config import load_config
from huey_guard.config_schema import ConfigError
from huey_guard.observability.channels import EmailChannel, SlackChannel, WebhookChannel
from huey_guard.observability.settings import ObservabilitySettings, parse_settings
from huey_guard.observability.snapshot import REDACTED, snapshot_args


def _settings(section: dict) -> ObservabilitySettings:
    config = load_config({"PROTECTION_CONFIG": {"observability": section}})
    return parse_settings(config.observability)


def test_a_full_section() -> None:
    settings = _settings(
        {
            "json_logs": True,
            "log_handler": "none",
            "redact_keys": ["ssn"],
            "snapshot_max_chars": 64,
            "metrics": {"enabled": True, "port": 0, "multiprocess_dir": "/tmp/m"},
            "alerts": {
                "threshold": 0.1,
                "window_seconds": 60,
                "min_tasks": 5,
                "cooldown_seconds": 30,
                "webhook_url": "http://127.0.0.1:1/x",
                "slack_webhook_url": "http://127.0.0.1:1/y",
                "email": {"host": "h", "sender": "s@x", "recipients": ["r@x"], "starttls": True},
            },
        }
    )
    assert settings.json_logs and settings.log_handler == "none"
    assert settings.metrics.port == 0 and settings.metrics.host == "127.0.0.1"
    alerts = settings.alerts
    assert (alerts.policy.threshold, alerts.policy.window, alerts.policy.min_tasks) == (0.1, 60, 5)
    assert [type(c) for c in alerts.channels] == [WebhookChannel, SlackChannel, EmailChannel]
    policy = settings.snapshot
    snap = snapshot_args((), {"ssn": 1, "password": 2}, policy)
    assert snap == {"args": [], "kwargs": {"ssn": REDACTED, "password": REDACTED}}
    assert policy.max_repr == 64


def test_nothing_configured_switches_nothing_on() -> None:
    assert not _settings({}).any


def test_alerts_without_a_channel_are_an_error() -> None:
    with pytest.raises(ValueError, match="needs a channel"):
        _settings({"alerts": {"threshold": 0.1}})


def test_unknown_keys_fail_when_the_config_loads() -> None:
    with pytest.raises(ConfigError, match=r"observability\.metrics\.prot"):
        load_config({"PROTECTION_CONFIG": {"observability": {"metrics": {"prot": 1}}}})
