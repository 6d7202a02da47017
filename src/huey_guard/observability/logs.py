"""JSON logs of every handling step: a ``logging.Formatter`` and the event subscriber feeding it.

Records go through the standard ``logging`` module (logger ``huey_guard.events`` by default), so
users route them like any other log; ``JsonFormatter`` renders them one JSON object per line.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import socket
import threading
from collections.abc import Mapping
from typing import Any

from huey_guard.observability.snapshot import (
    SnapshotPolicy,
    safe_repr,
    safe_str,
    snapshot_args,
)
from huey_guard.observability.steps import Step

EVENT_LOGGER = "huey_guard.events"
RECORD_ATTR = "huey_guard"  # the structured payload rides on the LogRecord under this name

# Steps an operator must look at are logged louder than routine ones.
_LEVELS: Mapping[str, int] = {
    "final_failure": logging.ERROR,
    "exception_classified": logging.WARNING,
    "validation_failed": logging.WARNING,
    "load_shed": logging.WARNING,
}
_HOSTNAME = socket.gethostname()


class JsonFormatter(logging.Formatter):
    """One JSON object per record; guard steps keep their structured fields at the top level."""

    def format(self, record: logging.LogRecord) -> str:
        payload = getattr(record, RECORD_ATTR, None)
        if isinstance(payload, Mapping):
            data: dict[str, Any] = dict(payload)
        else:
            data = {"timestamp": record.created, "message": record.getMessage()}
        data.setdefault("level", record.levelname)
        data.setdefault("logger", record.name)
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, sort_keys=False)


def node_info() -> dict[str, Any]:
    """Where this step ran: host, process and the worker (thread or process) name."""
    process = multiprocessing.current_process().name
    worker = threading.current_thread().name if process == "MainProcess" else process
    return {"hostname": _HOSTNAME, "pid": os.getpid(), "worker": worker}


def step_record(step: Step, policy: SnapshotPolicy) -> dict[str, Any]:
    """The JSON-able record of one handling step (the fields the issue and SPEC.md name)."""
    event = step.event
    exc = event.exception
    strategy = dict(step.strategy) if step.strategy else None
    record: dict[str, Any] = {
        "timestamp": event.timestamp,
        "event": step.name,
        "task_id": event.task_id,
        "task_name": event.task_name,
        "queue": event.queue,
        "exception_type": step.exception_type,
        "exception_alias": step.exception_alias,
        "exception_message": safe_str(exc, policy.max_repr) if exc else None,
        "error_category": step.category,
        "recovery_strategy": _strategy_fields(strategy),
        "outcome": step.outcome,
        "retries": event.attempt,
        "args_snapshot": snapshot_args(event.args, event.kwargs, policy),
        "node": node_info(),
        "injected": step.injected,
    }
    if event.duration is not None:
        record["duration"] = event.duration
    if event.extra:
        record["extra"] = {str(k): _jsonable(v, policy) for k, v in event.extra.items()}
    return record


def _strategy_fields(strategy: dict[str, Any] | None) -> dict[str, Any] | None:
    if strategy is None:
        return None
    out = {key: strategy.get(key) for key in ("type", "delay", "attempt", "max_attempts")}
    out.update({k: v for k, v in strategy.items() if k not in out})
    return out


def _jsonable(value: Any, policy: SnapshotPolicy) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return safe_repr(value, policy.max_repr)


class StepLogger:
    """Writes one log record per handling step to ``logger``."""

    def __init__(self, logger: logging.Logger | None = None, policy: SnapshotPolicy | None = None):
        self.logger = logger or logging.getLogger(EVENT_LOGGER)
        self.policy = policy or SnapshotPolicy()

    def __call__(self, step: Step) -> None:
        level = _LEVELS.get(step.name, logging.INFO)
        if not self.logger.isEnabledFor(level):
            return
        record = step_record(step, self.policy)
        self.logger.log(level, "huey-guard %s", step.name, extra={RECORD_ATTR: record})


def json_handler(stream: Any = None) -> logging.Handler:
    """A stream handler (stderr by default) rendering records with ``JsonFormatter``."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    return handler
