"""The ``PROTECTION_CONFIG["observability"]`` section, read into frozen settings.

The keys are declared in ``config_schema.OBSERVABILITY`` (validated when the config loads)::

    "observability": {
        "json_logs": True,                   # the one switch for JSON step logs
        "log_handler": "stderr",             # or "none": route logger huey_guard.events yourself
        "redact_keys": ["ssn"],              # added to the built-in secret-looking keys
        "snapshot_max_chars": 256,
        "metrics": {"enabled": True, "port": 9108, "host": "127.0.0.1",
                    "multiprocess_dir": "/run/huey-metrics"},
        "alerts": {"threshold": 0.05, "window_seconds": 300, "min_tasks": 20,
                   "cooldown_seconds": 900, "evaluate_seconds": 10,
                   "webhook_url": ..., "slack_webhook_url": ...,
                   "email": {"host": ..., "port": 587, "starttls": True, "username": ...,
                             "password": ..., "sender": ..., "recipients": [...]}},
    }
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from huey_guard.observability.alerts import AlertPolicy
from huey_guard.observability.channels import Channel, EmailChannel, SlackChannel, WebhookChannel
from huey_guard.observability.snapshot import DEFAULT_SECRET_KEYS, SnapshotPolicy

SECTION = "observability"


@dataclass(frozen=True)
class MetricsSettings:
    enabled: bool = False
    port: int | None = None
    host: str = "127.0.0.1"
    multiprocess_dir: str | None = None


@dataclass(frozen=True)
class AlertSettings:
    policy: AlertPolicy
    channels: tuple[Channel, ...]
    evaluate_every: float = 10.0


@dataclass(frozen=True)
class ObservabilitySettings:
    json_logs: bool = False
    log_handler: str = "stderr"
    logger: str = "huey_guard.events"
    snapshot: SnapshotPolicy = field(default_factory=SnapshotPolicy)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    alerts: AlertSettings | None = None

    @property
    def any(self) -> bool:
        return self.json_logs or self.metrics.enabled or self.alerts is not None


def parse_settings(raw: Mapping[str, Any]) -> ObservabilitySettings:
    """Read the section (already validated by the config loader; values are coerced here)."""
    handler = str(raw.get("log_handler", "stderr"))
    if handler not in ("stderr", "none"):
        raise ValueError(f"{SECTION}.log_handler must be 'stderr' or 'none', not {handler!r}")
    return ObservabilitySettings(
        json_logs=bool(raw.get("json_logs", False)),
        log_handler=handler,
        snapshot=SnapshotPolicy(
            max_repr=int(raw.get("snapshot_max_chars", 256)),
            secret_keys=DEFAULT_SECRET_KEYS + tuple(raw.get("redact_keys", ())),
        ),
        metrics=_metrics(raw.get("metrics") or {}),
        alerts=_alerts(raw.get("alerts") or {}),
    )


def _metrics(raw: Mapping[str, Any]) -> MetricsSettings:
    if not raw:
        return MetricsSettings()
    port = raw.get("port")
    return MetricsSettings(
        enabled=bool(raw.get("enabled", True)),
        port=int(port) if port is not None else None,
        host=str(raw.get("host", "127.0.0.1")),
        multiprocess_dir=raw.get("multiprocess_dir"),
    )


def _alerts(raw: Mapping[str, Any]) -> AlertSettings | None:
    channels: list[Channel] = []
    if raw.get("webhook_url"):
        channels.append(WebhookChannel(str(raw["webhook_url"])))
    if raw.get("slack_webhook_url"):
        channels.append(SlackChannel(str(raw["slack_webhook_url"])))
    email = raw.get("email")
    if email:
        channels.append(_email(email))
    if not raw:
        return None
    if not channels:
        raise ValueError(
            f"{SECTION}.alerts needs a channel: webhook_url, slack_webhook_url or email"
        )
    policy = AlertPolicy(
        threshold=float(raw.get("threshold", 0.05)),
        window=float(raw.get("window_seconds", 300.0)),
        min_tasks=max(1, int(raw.get("min_tasks", 20))),
        cooldown=float(raw.get("cooldown_seconds", 900.0)),
    )
    return AlertSettings(policy, tuple(channels), float(raw.get("evaluate_seconds", 10.0)))


def _email(raw: Mapping[str, Any]) -> EmailChannel:
    missing = [key for key in ("host", "sender", "recipients") if not raw.get(key)]
    if missing:
        raise ValueError(f"{SECTION}.alerts.email needs {', '.join(missing)}")
    return EmailChannel(
        host=str(raw["host"]),
        port=int(raw.get("port", 25)),
        sender=str(raw["sender"]),
        recipients=tuple(raw["recipients"]),
        starttls=bool(raw.get("starttls", False)),
        username=raw.get("username"),
        password=raw.get("password"),
        cafile=raw.get("cafile"),
    )
