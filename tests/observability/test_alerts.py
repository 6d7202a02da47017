"""Exception-rate alerts: the window, min tasks, cool-down, resolve; real channels on loopback."""

from __future__ import annotations

import email
import email.policy
import smtplib
import socket
import ssl
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from huey_guard.observability.alerts import FIRING, RESOLVED, Alert, AlertManager, AlertPolicy
from huey_guard.observability.channels import (
    AlertDispatcher,
    EmailChannel,
    SlackChannel,
    WebhookChannel,
)
from tests.consumer import wait_for
from tests.observability.conftest import Receiver


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def manager(**policy: Any) -> tuple[AlertManager, list[Alert], Clock]:
    sent: list[Alert] = []
    clock = Clock()
    return AlertManager(AlertPolicy(**policy), sent.append, clock=clock, queue="q"), sent, clock


def feed(m: AlertManager, clock: Clock, outcomes: str, step: float = 1.0) -> None:
    """'x' = an attempt that raised, '.' = one that succeeded; ``step`` seconds apart."""
    for outcome in outcomes:
        clock.now += step
        m.record(exception=outcome == "x")


def test_no_alert_below_the_minimum_number_of_tasks() -> None:
    m, sent, clock = manager(min_tasks=10)
    feed(m, clock, "x.x.x")  # 60 % but only five attempts
    assert sent == []
    feed(m, clock, ".....")  # ten attempts, 30 %
    assert [a.kind for a in sent] == [FIRING]
    assert (sent[0].exceptions, sent[0].tasks) == (3, 10)


def test_fires_once_reminds_after_cooldown_and_resolves() -> None:
    m, sent, clock = manager(threshold=0.05, window=300, min_tasks=20, cooldown=600)
    feed(m, clock, "." * 19 + "x" * 2)  # 2/21 = 9.5 %
    assert [a.kind for a in sent] == [FIRING]
    feed(m, clock, "x." * 100)  # stays high for 200 s: no repeat inside the cool-down
    assert len(sent) == 1
    feed(m, clock, "x." * 210)  # 600 s after the first: one reminder
    assert [(a.kind, a.repeat) for a in sent] == [(FIRING, False), (FIRING, True)]
    feed(m, clock, "." * 400)  # the exceptions age out of the 300 s window
    assert [a.kind for a in sent][-1] == RESOLVED
    assert sent[-1].rate <= 0.05 and len(sent) == 3


def test_exactly_at_the_threshold_is_not_an_alert() -> None:
    m, sent, clock = manager(threshold=0.05, min_tasks=20)
    feed(m, clock, "x" + "." * 19)  # exactly 5 %
    assert sent == []


def test_a_quiet_queue_resolves_on_evaluation() -> None:
    m, sent, clock = manager(window=60, min_tasks=5)
    feed(m, clock, "xxxxx")
    assert [a.kind for a in sent] == [FIRING]
    clock.now += 61
    assert m.evaluate() is not None
    assert [a.kind for a in sent] == [FIRING, RESOLVED]
    assert sent[-1].tasks == 0


def test_cooldown_also_holds_back_a_flapping_alert() -> None:
    m, sent, clock = manager(window=10, min_tasks=2, cooldown=100)
    feed(m, clock, "xx")
    clock.now += 20
    m.evaluate()  # resolved
    feed(m, clock, "xx")  # high again 22 s after the alert: held back by the cool-down
    assert [a.kind for a in sent] == [FIRING, RESOLVED]
    clock.now += 100
    feed(m, clock, "xx")
    assert [a.kind for a in sent] == [FIRING, RESOLVED, FIRING]


def _alert(kind: str = FIRING) -> Alert:
    return Alert(kind, "orders", 0.3, 30, 100, 0.05, 300.0, 1_700_000_000.0)


def test_webhook_and_slack_payloads_reach_a_real_server(receiver: Receiver) -> None:
    counted: list[tuple[str, str]] = []
    dispatcher = AlertDispatcher(
        [WebhookChannel(receiver.url), SlackChannel(receiver.url, name="slack")],
        count=lambda channel, outcome: counted.append((channel, outcome)),
    )
    dispatcher(_alert())
    dispatcher(_alert(RESOLVED))
    dispatcher.close()
    webhook, slack, webhook_resolved, slack_resolved = receiver.bodies
    assert webhook["kind"] == "alert" and webhook["rate"] == 0.3 and webhook["queue"] == "orders"
    assert webhook_resolved["kind"] == "resolved"
    assert slack["text"].startswith("[alert] huey-guard: exception rate on queue orders is 30.0%")
    assert slack["attachments"][0]["color"] == "danger"
    assert slack_resolved["attachments"][0]["color"] == "good"
    assert counted == [
        ("webhook", "sent:alert"),
        ("slack", "sent:alert"),
        ("webhook", "sent:resolved"),
        ("slack", "sent:resolved"),
    ]


def test_a_dead_or_slow_endpoint_never_slows_the_caller() -> None:
    slow = Receiver(delay=1.0)
    counted: list[tuple[str, str]] = []
    try:
        dispatcher = AlertDispatcher(
            [WebhookChannel(slow.url, timeout=0.3), WebhookChannel("http://127.0.0.1:9/x")],
            count=lambda channel, outcome: counted.append((channel, outcome)),
        )
        m = AlertManager(AlertPolicy(min_tasks=1, cooldown=0), dispatcher, queue="q")
        started = time.perf_counter()
        for _ in range(50):
            m.record(exception=True)  # fires, then reminds on every attempt (cooldown 0)
        elapsed = time.perf_counter() - started
        assert elapsed < 0.2, f"recording 50 attempts took {elapsed:.3f}s"
        wait_for(lambda: dispatcher.errors >= 2, timeout=10)
        dispatcher.close(timeout=0.1)
    finally:
        slow.close()
    assert ("webhook", "error") in counted


def _certificate(tmp_path: Path) -> tuple[str, str]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _smtp(**kwargs: Any) -> tuple[Any, Inbox]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, inbox


def test_email_over_plain_smtp() -> None:
    controller, inbox = _smtp()
    try:
        port = controller.port
        channel = EmailChannel("127.0.0.1", "guard@example.test", ("ops@example.test",), port=port)
        channel.send(_alert())
    finally:
        controller.stop()
    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == ["ops@example.test"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert (
        message["Subject"].strip().startswith("[alert] huey-guard: exception rate on queue orders")
    )
    assert "30 exceptions in 100 task attempts" in message.get_content()


def test_email_with_starttls_and_login(tmp_path: Path) -> None:
    from aiosmtpd.smtp import AuthResult

    cert, key = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any):
        logins.append((auth.login, auth.password))
        return AuthResult(success=auth.login == b"guard" and auth.password == b"s3cret")

    controller, inbox = _smtp(
        tls_context=server_tls,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    try:
        port = controller.port
        channel = EmailChannel(
            "127.0.0.1",
            "guard@example.test",
            ("ops@example.test",),
            port=port,
            starttls=True,
            username="guard",
            password="s3cret",
            cafile=cert,
        )
        channel.send(_alert(RESOLVED))
        wrong = EmailChannel(
            "127.0.0.1",
            "g@example.test",
            ("o@example.test",),
            port=port,
            starttls=True,
            username="guard",
            password="nope",
            cafile=cert,
            timeout=2,
        )
        with pytest.raises(smtplib.SMTPException):
            wrong.send(_alert())
    finally:
        controller.stop()
    assert logins[0] == (b"guard", b"s3cret") and (b"guard", b"nope") in logins[1:]
    (envelope,) = inbox.messages  # the rejected login delivered nothing
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"].strip().startswith("[resolved]")
