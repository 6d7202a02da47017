"""Observability for huey-guard: JSON step logs, Prometheus metrics and exception-rate alerts.

Switched on from config (``PROTECTION_CONFIG["observability"]``, see ``settings``) when a Huey
instance is guarded, or piece by piece through the objects exported here. Everything listens to
the guard event bus; nothing here is imported by the code that emits events.
"""

from __future__ import annotations

from huey_guard.observability.alerts import Alert, AlertManager, AlertPolicy, RateWindow
from huey_guard.observability.channels import (
    AlertDispatcher,
    EmailChannel,
    SlackChannel,
    WebhookChannel,
)
from huey_guard.observability.logs import EVENT_LOGGER, JsonFormatter, StepLogger, step_record
from huey_guard.observability.settings import ObservabilitySettings, parse_settings
from huey_guard.observability.setup import attach, detach, hub_for, observability_of
from huey_guard.observability.snapshot import SnapshotPolicy, safe_repr, snapshot_args
from huey_guard.observability.steps import NULL_POINTER_ALIAS, Step, StepReader

__all__ = [
    "EVENT_LOGGER",
    "NULL_POINTER_ALIAS",
    "Alert",
    "AlertDispatcher",
    "AlertManager",
    "AlertPolicy",
    "EmailChannel",
    "JsonFormatter",
    "ObservabilitySettings",
    "RateWindow",
    "SlackChannel",
    "SnapshotPolicy",
    "Step",
    "StepLogger",
    "StepReader",
    "WebhookChannel",
    "attach",
    "detach",
    "hub_for",
    "observability_of",
    "parse_settings",
    "safe_repr",
    "snapshot_args",
    "step_record",
]
