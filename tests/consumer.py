"""Running a real huey consumer inside a test: start it, wait for results, stop it cleanly."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def running_consumer(
    huey: Any, workers: int = 1, worker_type: str = "thread", **options: Any
) -> Iterator[Any]:
    """A started consumer (scheduler + workers) for ``huey``; stopped on exit."""
    options.setdefault("periodic", False)
    options.setdefault("initial_delay", 0.01)
    options.setdefault("max_delay", 0.05)
    options.setdefault("check_worker_health", False)
    consumer = huey.create_consumer(workers=workers, worker_type=worker_type, **options)
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.02) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {predicate}")
        time.sleep(interval)
