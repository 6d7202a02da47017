"""Shared pieces for observability tests: a real loopback HTTP receiver and metric parsing."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from huey_guard import events
from huey_guard.observability.setup import hub_for


class Receiver:
    """A loopback HTTP server recording every POSTed JSON body; ``delay`` stalls each reply."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.bodies: list[Any] = []
        self.paths: list[str] = []
        self.status = status
        self.delay = delay
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if receiver.delay:
                    time.sleep(receiver.delay)
                receiver.paths.append(self.path)
                receiver.bodies.append(json.loads(body))
                try:
                    self.send_response(receiver.status)
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the client gave up waiting (a timeout test)
                    pass

            def log_message(self, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a metrics page keyed by (sample name, sorted labels), via the parser."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def total(text: str, name: str, **labels: str) -> float:
    """The sum of ``name`` samples whose labels include ``labels``."""
    return sum(
        value
        for (sample, key), value in samples(text).items()
        if sample == name and all((k, v) in key for k, v in labels.items())
    )


def final_value(huey: Any, result: Any, timeout: float = 60.0) -> Any:
    """The task's final value, polled without consuming it.

    huey 2.5.4 stores an error result for every ``RetryTask`` (3.x does not), which a blocking
    ``get()`` would return while the retried attempt is still on its way; the final value
    overwrites it, so wait for a value that is not an error.
    """
    from huey.utils import Error

    deadline = time.monotonic() + timeout
    while True:
        value = huey.get(result.id, peek=True)
        if value is not None and not isinstance(value, Error):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"task {result.id} has no final value after {timeout}s: {value}")
        time.sleep(0.05)


@pytest.fixture
def clean_hub() -> Iterator[None]:
    """Remove the process-wide sinks a test attached to the default bus."""
    hub = hub_for(events.default_bus)
    before = set(hub.keys())
    yield
    for key in set(hub.keys()) - before:
        hub.remove(key)
