"""Fault injection: store fault rules in the huey storage, raise them in guarded consumers.

``python -m huey_guard.fault_injector --app app.huey --inject NullPointerException --rate 30%``
(or ``huey-guard inject ...``) arms it; consumers whose config has ``allow_fault_injection``
apply it before each task attempt. See ``docs/observability.md``.
"""

from __future__ import annotations

from huey_guard.fault_injector.faults import (
    FAULTS,
    GROUPS,
    INJECTED_ATTR,
    ConnectionTimeout,
    ReadTimeout,
    TooManyConnections,
    make_fault,
)
from huey_guard.fault_injector.hook import FaultInjectionHook, allowed, hook_factory
from huey_guard.fault_injector.rules import (
    STORAGE_KEY,
    FaultRule,
    add_rule,
    clear_rules,
    load_rules,
    parse_duration,
    parse_rate,
)

__all__ = [
    "FAULTS",
    "GROUPS",
    "INJECTED_ATTR",
    "STORAGE_KEY",
    "ConnectionTimeout",
    "FaultInjectionHook",
    "FaultRule",
    "ReadTimeout",
    "TooManyConnections",
    "add_rule",
    "allowed",
    "clear_rules",
    "hook_factory",
    "load_rules",
    "make_fault",
    "parse_duration",
    "parse_rate",
]
