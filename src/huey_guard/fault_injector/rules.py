"""Fault rules and where they live: the huey storage, so every consumer of the queue sees them.

The rules are a list of plain dicts stored under ``STORAGE_KEY`` with huey's own key/value API
(``huey.put`` / ``huey.get(peek=True)``), which every storage backend implements; a consumer on
another machine reads the same list from the same Redis (or SQLite file).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from fnmatch import fnmatchcase
from typing import Any

from huey_guard.fault_injector.faults import canonical

STORAGE_KEY = "huey_guard.fault_injection"
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "": 1.0}


@dataclass(frozen=True)
class FaultRule:
    """Inject ``fault`` (and/or ``latency`` seconds) into ``rate`` of attempts of tasks ``task``."""

    fault: str | None
    rate: float
    task: str = "*"
    latency: float = 0.0
    seed: int | None = None
    expires: float | None = None  # epoch seconds; None = until cleared
    created: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"rate must be between 0% and 100%, not {self.rate:.0%}")
        if self.fault is None and self.latency <= 0:
            raise ValueError("a rule needs a fault (--inject) or a latency (--latency)")
        if self.latency < 0:
            raise ValueError("latency cannot be negative")

    def active(self, now: float) -> bool:
        return self.expires is None or now < self.expires

    def matches(self, task_name: str) -> bool:
        """Globs match the full name (``app.tasks.send``) or the function name (``send``)."""
        short = task_name.rsplit(".", 1)[-1]
        return fnmatchcase(task_name, self.task) or fnmatchcase(short, self.task)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> FaultRule:
        fields = {k: data.get(k) for k in ("fault", "rate", "task", "latency", "seed", "expires")}
        fault = fields["fault"]
        return cls(
            fault=canonical(str(fault)) if fault else None,
            rate=float(fields["rate"] or 0.0),
            task=str(fields["task"] or "*"),
            latency=float(fields["latency"] or 0.0),
            seed=int(fields["seed"]) if fields["seed"] is not None else None,
            expires=float(fields["expires"]) if fields["expires"] is not None else None,
            created=float(data.get("created") or 0.0),
        )


def load_rules(huey: Any) -> list[FaultRule]:
    """The rules stored for ``huey``'s queue (malformed entries are skipped)."""
    raw = huey.get(STORAGE_KEY, peek=True)
    rules: list[FaultRule] = []
    for item in raw or ():
        try:
            rules.append(FaultRule.from_dict(item))
        except (TypeError, ValueError, AttributeError):
            continue
    return rules


def save_rules(huey: Any, rules: list[FaultRule]) -> None:
    if rules:
        huey.put(STORAGE_KEY, [rule.to_dict() for rule in rules])
    else:
        huey.delete(STORAGE_KEY)


def add_rule(huey: Any, rule: FaultRule, now: float) -> list[FaultRule]:
    """Store ``rule``, replacing one for the same fault and task glob; expired ones are dropped."""
    kept = [
        r
        for r in load_rules(huey)
        if r.active(now) and not (r.fault == rule.fault and r.task == rule.task)
    ]
    rules = [*kept, replace(rule, created=now)]
    save_rules(huey, rules)
    return rules


def clear_rules(huey: Any) -> int:
    """Remove every rule; returns how many there were."""
    count = len(load_rules(huey))
    huey.delete(STORAGE_KEY)
    return count


def parse_rate(text: str) -> float:
    """``"30%"`` → 0.3; a bare number up to 1 is a fraction, above 1 a percentage."""
    value = text.strip()
    percent = value.endswith("%")
    number = float(value.rstrip("%"))
    rate = number / 100.0 if percent or number > 1 else number
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate {text!r} is outside 0%..100%")
    return rate


def parse_duration(text: str) -> float:
    """``"500ms"``, ``"30s"``, ``"5m"``, ``"1h"`` or plain seconds → seconds."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(ms|s|m|h|)\s*", text)
    if match is None:
        raise ValueError(f"cannot read duration {text!r} (use e.g. 500ms, 30s, 5m, 1h)")
    return float(match.group(1)) * _UNITS[match.group(2)]
