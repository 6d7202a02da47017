"""Switching observability on for a guarded Huey instance, from its config.

Events reach observers through one subscriber per event bus (``ObservabilityHub``), which turns
each event into a ``Step`` once and fans it out to the sinks: the JSON step logger and the
metrics (process-wide, added once) and each instance's alert manager (filtered by queue name).
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from huey_guard import events
from huey_guard.observability.alerts import AlertManager
from huey_guard.observability.channels import AlertDispatcher
from huey_guard.observability.logs import JsonFormatter, StepLogger, json_handler
from huey_guard.observability.settings import ObservabilitySettings, parse_settings
from huey_guard.observability.steps import Step, StepReader

logger = logging.getLogger("huey_guard.observability")
Sink = Callable[[events.GuardEvent, "Step | None"], None]


class ObservabilityHub:
    """The single subscriber of one bus: reads each event once and feeds every sink."""

    def __init__(self) -> None:
        self.reader = StepReader()
        self._sinks: dict[str, Sink] = {}
        self._lock = threading.Lock()

    def add(self, key: str, sink: Sink) -> bool:
        """Add ``sink`` under ``key`` unless one is there already; True when added."""
        with self._lock:
            if key in self._sinks:
                return False
            self._sinks = {**self._sinks, key: sink}
            return True

    def remove(self, key: str) -> None:
        with self._lock:
            self._sinks = {k: v for k, v in self._sinks.items() if k != key}

    def keys(self) -> tuple[str, ...]:
        return tuple(self._sinks)

    def __call__(self, event: events.GuardEvent) -> None:
        sinks = self._sinks
        if not sinks:
            return
        step = self.reader.read(event)
        for key, sink in sinks.items():
            try:
                sink(event, step)
            except Exception:  # one broken sink must not starve the others
                logger.exception("observability sink %s failed on %s", key, event.kind)


_hubs: weakref.WeakKeyDictionary[events.EventBus, ObservabilityHub] = weakref.WeakKeyDictionary()
_hubs_lock = threading.Lock()


def hub_for(bus: events.EventBus) -> ObservabilityHub:
    with _hubs_lock:
        hub = _hubs.get(bus)
        if hub is None:
            hub = _hubs[bus] = ObservabilityHub()
        if not bus.is_subscribed(hub):  # e.g. someone unsubscribed everything from the bus
            bus.subscribe(hub)
        return hub


@dataclass
class Observability:
    """What ``attach`` switched on for one runtime (tests and ``detach`` use it)."""

    settings: ObservabilitySettings
    hub: ObservabilityHub
    alerts: AlertManager | None = None
    dispatcher: AlertDispatcher | None = None
    servers: list[Any] = field(default_factory=list)


_attached: weakref.WeakKeyDictionary[Any, Observability] = weakref.WeakKeyDictionary()


def observability_of(runtime: Any) -> Observability | None:
    return _attached.get(runtime)


def attach(runtime: Any, settings: ObservabilitySettings | None = None) -> Observability | None:
    """Switch on what the runtime's config asks for; None when it asks for nothing."""
    if settings is None:
        settings = parse_settings(runtime.config.observability)
    if not settings.any:
        return None
    hub = hub_for(runtime.bus)
    state = Observability(settings=settings, hub=hub)
    if settings.json_logs:
        _attach_logs(hub, settings)
    metrics = _attach_metrics(hub, runtime, state) if settings.metrics.enabled else None
    if settings.alerts is not None:
        _attach_alerts(hub, runtime, state, metrics)
    _attached[runtime] = state
    return state


def detach(runtime: Any) -> None:
    """Stop this runtime's alerts and servers (process-wide logs and metrics stay)."""
    state = _attached.pop(runtime, None)
    if state is None:
        return
    state.hub.remove(f"alerts:{runtime.huey.name}")
    if state.dispatcher is not None:
        state.dispatcher.close()
    for server in state.servers:
        server.close()


def _attach_logs(hub: ObservabilityHub, settings: ObservabilitySettings) -> None:
    step_logger = StepLogger(logging.getLogger(settings.logger), settings.snapshot)

    def sink(event: events.GuardEvent, step: Step | None) -> None:
        if step is not None:
            step_logger(step)

    if not hub.add("logs", sink):
        return
    target = step_logger.logger
    if target.level == logging.NOTSET:
        target.setLevel(logging.INFO)
    has_json = any(isinstance(h.formatter, JsonFormatter) for h in target.handlers)
    if settings.log_handler == "stderr" and not has_json:
        target.addHandler(json_handler())
        target.propagate = False  # we own this output; avoid a second, plain-text copy


def _attach_metrics(hub: ObservabilityHub, runtime: Any, state: Observability) -> Any:
    from huey_guard.observability.exposition import enable_multiprocess
    from huey_guard.observability.metrics import metrics_for

    conf = state.settings.metrics
    if conf.multiprocess_dir:
        enable_multiprocess(conf.multiprocess_dir)
    metrics = metrics_for()
    hub.add("metrics", metrics.observe)
    if conf.port is not None:
        # The endpoint starts when this process creates a consumer (not in every producer).
        runtime.after_consumer.append(lambda consumer: _start_server(state))
    return metrics


def _start_server(state: Observability) -> None:
    from huey_guard.observability.exposition import start_metrics_server

    conf = state.settings.metrics
    if state.servers or conf.port is None:
        return
    try:
        server = start_metrics_server(conf.port, conf.host, conf.multiprocess_dir)
    except OSError as exc:  # a busy port must not stop the consumer from working
        logger.error("metrics endpoint %s:%s not started: %s", conf.host, conf.port, exc)
        return
    state.servers.append(server)
    logger.info("huey-guard metrics at %s", server.url)


def _attach_alerts(hub: ObservabilityHub, runtime: Any, state: Observability, metrics: Any):
    conf = state.settings.alerts
    assert conf is not None
    queue = runtime.huey.name

    def count(channel: str, outcome: str) -> None:
        if metrics is None:
            return
        if outcome == "error":
            metrics.alert_errors.labels(channel).inc()
        else:
            metrics.alerts_sent.labels(channel, outcome.split(":", 1)[1]).inc()

    dispatcher = AlertDispatcher(conf.channels, count=count, tick_interval=conf.evaluate_every)
    manager = AlertManager(conf.policy, dispatcher, clock=runtime.clock, queue=queue)
    dispatcher.tick = manager.evaluate

    def sink(event: events.GuardEvent, step: Step | None) -> None:
        if event.queue != queue:
            return
        dispatcher.start()  # no-op unless this is a freshly forked worker process
        if event.kind == events.TASK_SUCCEEDED:
            manager.record(exception=False)
        elif event.kind == events.EXCEPTION_CLASSIFIED:
            manager.record(exception=True)

    hub.add(f"alerts:{queue}", sink)
    dispatcher.start()
    state.alerts, state.dispatcher = manager, dispatcher


def hook_factory(runtime: Any, manifest: Any = None) -> None:
    """``integration._hook_factories`` entry: observability subscribes, it adds no hook."""
    attach(runtime)
    return None
