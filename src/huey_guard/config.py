"""Loading and validating huey-guard configuration (``huey_config.py``).

NOTE: minimal foundation version; the exception-handling work fills in full validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GuardConfig:
    """The validated configuration of one guarded Huey instance."""

    exceptions: dict[str, Any] = field(default_factory=dict)
    protection: dict[str, Any] = field(default_factory=dict)
    global_: dict[str, Any] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return bool(self.global_.get("enabled", True))


def coerce_config(config: Any) -> GuardConfig:
    """Accept a GuardConfig, None (defaults) or a mapping of the three config dicts."""
    if config is None:
        return GuardConfig()
    if isinstance(config, GuardConfig):
        return config
    if isinstance(config, dict):
        return GuardConfig(
            exceptions=dict(config.get("EXCEPTIONS_CONFIG", {})),
            protection=dict(config.get("PROTECTION_CONFIG", {})),
            global_=dict(config.get("GLOBAL_CONFIG", {})),
        )
    raise TypeError(f"config must be a GuardConfig, a dict or None, not {type(config).__name__}")
