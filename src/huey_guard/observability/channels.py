"""Alert channels (generic webhook, Slack incoming webhook, SMTP email) and their sender thread.

``AlertDispatcher`` owns one daemon thread and a bounded queue: ``AlertManager`` hands it alerts
from the task's thread without waiting, and a dead endpoint only costs the sender thread its
timeout. Every delivery error is logged and counted, never raised.
"""

from __future__ import annotations

import email.policy
import json
import logging
import os
import queue
import smtplib
import ssl
import threading
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol

from huey_guard.observability.alerts import RESOLVED, Alert

logger = logging.getLogger("huey_guard.alerts")


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, alert: Alert) -> None: ...


def _post_json(url: str, body: Mapping[str, Any], timeout: float, headers: Mapping[str, str]):
    data = json.dumps(body, default=str).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


@dataclass(frozen=True)
class WebhookChannel:
    """POSTs the alert as a JSON object (``Alert.as_dict()``)."""

    url: str
    timeout: float = 5.0
    headers: Mapping[str, str] = field(default_factory=dict)
    name: str = "webhook"

    def send(self, alert: Alert) -> None:
        _post_json(self.url, alert.as_dict(), self.timeout, self.headers)


@dataclass(frozen=True)
class SlackChannel:
    """Posts to a Slack incoming webhook: ``{"text": ..., "attachments": [...]}``."""

    url: str
    timeout: float = 5.0
    name: str = "slack"

    def send(self, alert: Alert) -> None:
        color = "good" if alert.kind == RESOLVED else "danger"
        fields = [
            {"title": "Exception rate", "value": f"{alert.rate:.1%}", "short": True},
            {"title": "Threshold", "value": f"{alert.threshold:.1%}", "short": True},
            {"title": "Attempts", "value": str(alert.tasks), "short": True},
            {"title": "Window", "value": f"{alert.window:g} s", "short": True},
        ]
        body = {
            "text": alert.title,
            "attachments": [{"color": color, "fields": fields, "ts": int(alert.timestamp)}],
        }
        _post_json(self.url, body, self.timeout, {})


@dataclass(frozen=True)
class EmailChannel:
    """Sends a plain-text email over SMTP, with STARTTLS and login when configured."""

    host: str
    sender: str
    recipients: Sequence[str]
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    cafile: str | None = None
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)
    name: str = "email"

    def send(self, alert: Alert) -> None:
        message = EmailMessage(policy=email.policy.SMTP)
        message["Subject"] = alert.title
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message.set_content(alert.text())
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                context = self.ssl_context or ssl.create_default_context(cafile=self.cafile)
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


Counter = Callable[[str, str], None]  # (channel name, outcome "sent:<kind>" | "error")


class AlertDispatcher:
    """Delivers alerts to every channel from one background thread.

    ``tick`` (when given) runs every ``tick_interval`` seconds of quiet so that an alert can
    resolve even when no task runs any more.
    """

    def __init__(
        self,
        channels: Sequence[Channel],
        count: Counter | None = None,
        tick: Callable[[], Any] | None = None,
        tick_interval: float = 10.0,
        maxsize: int = 1000,
    ) -> None:
        self.channels = tuple(channels)
        self.count = count
        self.tick = tick
        self.tick_interval = tick_interval
        self.errors = 0
        self.sent = 0
        self._maxsize = maxsize
        self._start_lock = threading.Lock()
        self._pid: int | None = None  # the process whose thread is running
        self._queue: queue.Queue[Alert | None] = queue.Queue(maxsize=maxsize)
        self._thread: threading.Thread | None = None

    def __call__(self, alert: Alert) -> None:
        """Queue ``alert`` for delivery; never blocks the caller."""
        self.start()
        try:
            self._queue.put_nowait(alert)
        except queue.Full:
            self.errors += 1
            logger.error("alert queue full; dropped %s", alert.title)

    def start(self) -> None:
        """Start the sender thread in this process (again after a fork: threads do not survive
        one, so a process worker forked from the consumer gets its own)."""
        if self._pid == os.getpid():
            return
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._queue = queue.Queue(maxsize=self._maxsize)
            self._thread = threading.Thread(
                target=self._run, args=(self._queue,), name="huey-guard-alerts", daemon=True
            )
            self._thread.start()
            self._pid = os.getpid()

    def close(self, timeout: float = 10.0) -> None:
        """Deliver what is queued, then stop the thread."""
        if self._pid == os.getpid() and self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._pid = None

    def _run(self, alerts: queue.Queue[Alert | None]) -> None:
        while True:
            try:
                alert = alerts.get(timeout=self.tick_interval)
            except queue.Empty:
                self._safely_tick()
                continue
            if alert is None:
                return
            for channel in self.channels:
                self._deliver(channel, alert)

    def _safely_tick(self) -> None:
        if self.tick is None:
            return
        try:
            self.tick()
        except Exception:
            logger.exception("alert evaluation failed")

    def _deliver(self, channel: Channel, alert: Alert) -> None:
        try:
            channel.send(alert)
        except Exception as exc:
            self.errors += 1
            logger.error("alert via %s failed: %s: %s", channel.name, type(exc).__name__, exc)
            self._count(channel.name, "error")
        else:
            self.sent += 1
            self._count(channel.name, f"sent:{alert.kind}")

    def _count(self, channel: str, outcome: str) -> None:
        if self.count is not None:
            try:
                self.count(channel, outcome)
            except Exception:  # pragma: no cover - a metrics failure must not stop delivery
                logger.exception("counting alert delivery failed")
