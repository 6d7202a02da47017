"""Serving metrics over HTTP, in-process or summed across worker processes (multiprocess mode).

With process workers each worker keeps its own counters. prometheus_client's multiprocess mode
writes them to per-process files in a directory; a scrape reads and sums every file. That mode
must be chosen before the first metric value exists, so ``enable_multiprocess`` runs before
``GuardMetrics`` is built (``observability.setup`` does this from config).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, start_http_server

from huey_guard.observability.metrics import SuccessRatioCollector

logger = logging.getLogger("huey_guard.observability")
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
DEFAULT_HOST = "127.0.0.1"  # never exposed beyond the machine unless configured


def enable_multiprocess(directory: str) -> bool:
    """Switch this process to multiprocess metrics stored in ``directory``.

    Returns False (and logs why) when metric values were already created in single-process
    mode. Child processes forked afterwards inherit the mode; prometheus_client gives each
    process id its own file.
    """
    from prometheus_client import values

    os.makedirs(directory, exist_ok=True)
    current = os.environ.get(MULTIPROC_ENV)
    os.environ[MULTIPROC_ENV] = directory
    if getattr(values.ValueClass, "_multiprocess", False):
        if current and os.path.abspath(current) != os.path.abspath(directory):
            logger.warning("metrics already write to %s; %s is not used", current, directory)
            os.environ[MULTIPROC_ENV] = current
        return True
    from huey_guard.observability import metrics

    if metrics._instances:
        logger.warning("huey-guard metrics already exist in single-process mode; %s", directory)
        return False
    values.ValueClass = values.MultiProcessValue()
    return True


def multiprocess_directory() -> str | None:
    from prometheus_client import values

    if getattr(values.ValueClass, "_multiprocess", False):
        return os.environ.get(MULTIPROC_ENV)
    return None


def scrape_registry(
    directory: str | None = None, registry: CollectorRegistry | None = None
) -> CollectorRegistry:
    """The registry a scrape should read: every process's files, or this process's metrics."""
    directory = directory or multiprocess_directory()
    if directory is None:
        return registry if registry is not None else REGISTRY
    from prometheus_client.multiprocess import MultiProcessCollector

    os.makedirs(directory, exist_ok=True)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    registry.register(SuccessRatioCollector(MultiProcessCollector(None, path=directory)))
    return registry


def render(directory: str | None = None, registry: CollectorRegistry | None = None) -> str:
    """The metrics page as text (what the endpoint serves)."""
    return generate_latest(scrape_registry(directory, registry)).decode("utf-8")


@dataclass(frozen=True)
class MetricsServer:
    """A running metrics endpoint; ``close()`` stops it."""

    host: str
    port: int
    server: Any
    thread: Any

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/metrics"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_metrics_server(
    port: int,
    host: str = DEFAULT_HOST,
    directory: str | None = None,
    registry: CollectorRegistry | None = None,
) -> MetricsServer:
    """Serve ``/metrics`` on ``host:port`` (port 0 picks a free one) from a daemon thread."""
    source = scrape_registry(directory, registry)
    server, thread = start_http_server(port, addr=host, registry=source)
    return MetricsServer(
        host=host, port=int(server.server_address[1]), server=server, thread=thread
    )
