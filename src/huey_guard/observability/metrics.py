"""Prometheus metrics for huey-guard: the metric set, the event sink updating it, the ratio.

Metric names are the ones the issue and SPEC.md list. ``huey_recoveries_success_ratio`` is not
stored anywhere: a gauge cannot be summed across worker processes, so it is computed at scrape
time from the ``huey_recoveries_total`` samples (``SuccessRatioCollector``), which gives the same
answer in single-process and multiprocess mode.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily

from huey_guard import events
from huey_guard.observability.steps import Step

RATIO_NAME = "huey_recoveries_success_ratio"
_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
# Attempt outcomes whose duration feeds the histogram (a final failure repeats its attempt).
_TIMED_KINDS = frozenset({events.TASK_SUCCEEDED, events.EXCEPTION_CLASSIFIED})


class GuardMetrics:
    """Every huey-guard metric, registered once in ``registry``."""

    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        def counter(name: str, doc: str, labels: Iterable[str] = ()) -> Counter:
            return Counter(name, doc, list(labels), registry=registry)

        self.exceptions = counter(
            "huey_exceptions_total",
            "Exceptions classified by huey-guard (injected='true' for injected faults).",
            ("type", "category", "task", "injected"),
        )
        self.recoveries = counter(
            "huey_recoveries_total",
            "Recoveries that ended, by strategy and outcome (success|failure).",
            ("strategy", "outcome"),
        )
        # A plain name (no _total) as SPEC.md spells it; 'sum' adds up every worker process.
        self.failed_tasks = Gauge(
            "huey_failed_tasks",
            "Tasks that finally failed after huey-guard gave up on them.",
            ["task"],
            registry=registry,
            multiprocess_mode="sum",
        )
        self.retries = counter(
            "huey_retries_total", "Retries scheduled through huey.", ("strategy", "task")
        )
        self.deferred = counter(
            "huey_retries_deferred_total",
            "Retries pushed back without spending an attempt (resources busy).",
            ("task",),
        )
        self.duration = Histogram(
            "huey_task_duration_seconds",
            "Duration of task attempts seen by huey-guard.",
            ["task"],
            registry=registry,
            buckets=_DURATION_BUCKETS,
        )
        self.validation_failures = counter(
            "huey_validation_failures_total", "Argument validation failures.", ("task",)
        )
        self.load_shed = counter(
            "huey_load_shed_total",
            "Optional guard work skipped because the per-task time budget was exceeded.",
            ("work",),
        )
        self.faults_injected = counter(
            "huey_faults_injected_total", "Faults raised by the fault injector.", ("fault", "task")
        )
        self.lock_events = counter("huey_lock_events_total", "Lock events.", ("action",))
        self.resource_events = counter(
            "huey_resource_events_total", "Resource events.", ("action",)
        )
        self.alerts_sent = counter(
            "huey_alerts_sent_total", "Alert notifications delivered.", ("channel", "kind")
        )
        self.alert_errors = counter(
            "huey_alert_errors_total",
            "Alert notifications that could not be delivered.",
            ("channel",),
        )
        if registry is not None:
            registry.register(SuccessRatioCollector(self.recoveries))

    # -- the event sink -------------------------------------------------------------------
    def observe(self, event: events.GuardEvent, step: Step | None) -> None:
        task = event.task_name or ""
        if event.duration is not None and event.kind in _TIMED_KINDS:
            self.duration.labels(task).observe(max(0.0, float(event.duration)))
        if step is None:
            return
        handler = _STEP_HANDLERS.get(step.name)
        if handler is not None:
            handler(self, step, task)
        if step.outcome is not None:
            self.recoveries.labels(step.strategy_type, step.outcome).inc()

    def _exception(self, step: Step, task: str) -> None:
        self.exceptions.labels(
            step.exception_type or "unknown",
            step.category or "UNKNOWN",
            task,
            "true" if step.injected else "false",
        ).inc()

    def _final(self, step: Step, task: str) -> None:
        self.failed_tasks.labels(task).inc()

    def _retry(self, step: Step, task: str) -> None:
        self.retries.labels(step.strategy_type, task).inc()

    def _deferred(self, step: Step, task: str) -> None:
        self.deferred.labels(task).inc()

    def _validation(self, step: Step, task: str) -> None:
        self.validation_failures.labels(task).inc()

    def _shed(self, step: Step, task: str) -> None:
        extra = step.event.extra
        if extra.get("shedding") is False:
            return  # back under budget: nothing is skipped from now on
        # The budget names the skipped work as a list under "shed"; other emitters as "work".
        for work in extra.get("shed") or [extra.get("work") or "unknown"]:
            self.load_shed.labels(str(work)).inc()

    def _injected(self, step: Step, task: str) -> None:
        self.faults_injected.labels(str(step.event.extra.get("fault", "unknown")), task).inc()

    def _lock(self, step: Step, task: str) -> None:
        self.lock_events.labels(str(step.event.extra.get("action", "unknown"))).inc()

    def _resource(self, step: Step, task: str) -> None:
        self.resource_events.labels(str(step.event.extra.get("action", "unknown"))).inc()


_STEP_HANDLERS: dict[str, Callable[[GuardMetrics, Step, str], None]] = {
    "exception_classified": GuardMetrics._exception,
    "final_failure": GuardMetrics._final,
    "retry_scheduled": GuardMetrics._retry,
    "retry_deferred": GuardMetrics._deferred,
    "validation_failed": GuardMetrics._validation,
    "load_shed": GuardMetrics._shed,
    "fault_injected": GuardMetrics._injected,
    "lock_event": GuardMetrics._lock,
    "resource_event": GuardMetrics._resource,
}


class SuccessRatioCollector:
    """``huey_recoveries_success_ratio`` = success / (success + failure), computed per scrape.

    ``source`` is anything with ``collect()`` that yields the ``huey_recoveries`` family: the
    in-process counter, or a ``MultiProcessCollector`` reading every worker's files. NaN when
    no recovery has ended yet (0/0), as Prometheus itself reports an undefined ratio.
    """

    def __init__(self, source: Any) -> None:
        self.source = source

    def collect(self) -> Iterator[GaugeMetricFamily]:
        totals = {"success": 0.0, "failure": 0.0}
        for family in self.source.collect():
            if family.name != "huey_recoveries":
                continue
            for sample in family.samples:
                outcome = sample.labels.get("outcome")
                if sample.name == "huey_recoveries_total" and outcome in totals:
                    totals[outcome] += sample.value
        ended = totals["success"] + totals["failure"]
        ratio = totals["success"] / ended if ended else math.nan
        yield GaugeMetricFamily(
            RATIO_NAME, "Share of ended recoveries that succeeded (NaN before any ended).", ratio
        )

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(RATIO_NAME, "Share of ended recoveries that succeeded.")


_instances: dict[int, GuardMetrics] = {}
_instances_lock = threading.Lock()


def metrics_for(registry: CollectorRegistry | None = None) -> GuardMetrics:
    """The one ``GuardMetrics`` of ``registry`` (the default registry when None)."""
    registry = registry if registry is not None else REGISTRY
    with _instances_lock:
        found = _instances.get(id(registry))
        if found is None:
            found = _instances[id(registry)] = GuardMetrics(registry)
        return found
