"""The resource gate (hook order 10): a resource retry runs only while memory use allows it.

The retry policy arms the gate in the guard state of a RETRY_WHEN_RESOURCES_FREE retry
(``GATE_KEY``). Before that retry runs, the gate reads system memory; at or above the threshold
it pushes the task back again — without spending an attempt — up to a bounded total wait, after
which the task runs anyway. The memory reading is injected, so tests need no real pressure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from huey_guard import events
from huey_guard.runtime import ExecutionContext, Hook, guard_retry

logger = logging.getLogger("huey_guard.retry")  # the retry log, where operators already look

MemoryReading = Callable[[], float]  # percent of system memory in use
GATE_KEY = "resource_gate"  # guard-state key that arms the gate for the next attempt


def psutil_memory_percent() -> float:
    import psutil

    return float(psutil.virtual_memory().percent)


class ResourceGateHook(Hook):
    """Before a resource retry: run only while memory use is under the threshold."""

    order = 10
    name = "resource-gate"

    def __init__(self, memory_reading: MemoryReading = psutil_memory_percent) -> None:
        self.memory_reading = memory_reading

    def before_execute(self, ctx: ExecutionContext) -> None:
        gate = ctx.state.get(GATE_KEY)
        if not gate:
            return
        reading = self._read()
        if reading is not None and reading >= gate["threshold"]:
            deferred = gate["deferred"] + gate["delay"]
            if deferred <= gate["max_wait"]:
                ctx.state[GATE_KEY] = {**gate, "deferred": deferred}
                if ctx.runtime.bus.active:
                    ctx.event(
                        events.RETRY_DEFERRED,
                        category="RESOURCE",
                        strategy=events.strategy_info(
                            "RETRY_WHEN_RESOURCES_FREE",
                            gate["delay"],
                            ctx.attempt,
                            gate.get("max_attempts", 0),
                        ),
                        extra={
                            "memory_percent": reading,
                            "threshold": gate["threshold"],
                            "deferred_total": deferred,
                        },
                    )
                # The runtime writes ctx.state back into the message: the attempt is not spent.
                raise guard_retry("memory use over threshold", gate["delay"])
            logger.warning("resource wait exhausted (%.1fs); running anyway", gate["deferred"])
        del ctx.state[GATE_KEY]  # disarmed: a later failure decides afresh

    def _read(self) -> float | None:
        try:
            return float(self.memory_reading())
        except Exception:
            logger.exception("memory reading failed; the resource gate lets the task run")
            return None


def resource_gate_factory(runtime: Any, manifest: Any = None) -> Hook | None:
    return None if runtime.config.observe else ResourceGateHook()
