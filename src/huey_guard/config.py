"""Loading and validating huey-guard configuration (``huey_config.py``) into a frozen object.

``load_config("huey_config")`` imports a module by name, ``load_config("conf/huey_config.py")``
loads a file, ``load_config({...})`` takes the three dicts directly. The module defines
``EXCEPTIONS_CONFIG``, ``PROTECTION_CONFIG`` and ``GLOBAL_CONFIG`` (SPEC.md Part 1 §5); every key
is checked against ``config_schema.SCHEMA`` and the result is read-only all the way down.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from huey_guard.config_schema import ConfigError, ConfigProblem, validate

SECTIONS = ("EXCEPTIONS_CONFIG", "PROTECTION_CONFIG", "GLOBAL_CONFIG")

GLOBAL_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "mode": "enforce",  # "observe": classify, log and count, but leave huey's retries alone
    "performance_threshold": None,  # ms of added time per task; None: no budget, no meter
    "time_scale": 1.0,  # multiplies every retry delay; tests use 0.01-0.1
    "startup_scan": "warn",  # off | warn | fail — the guards' start-up analysis
    "allow_fault_injection": False,  # a production consumer is never hit by accident
}
DEFAULT_PRIORITIES: dict[str, int] = {"critical": 100, "high": 50, "normal": 0, "low": -50}
DEFAULT_CRITICAL_MAX_RETRIES = 16


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return types.MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


_EMPTY: Mapping[str, Any] = _freeze({})


@dataclass(frozen=True)
class GuardConfig:
    """The validated configuration of one guarded Huey instance (read-only mappings)."""

    exceptions: Mapping[str, Any] = field(default_factory=lambda: _freeze({}))
    protection: Mapping[str, Any] = field(default_factory=lambda: _freeze({}))
    global_: Mapping[str, Any] = field(default_factory=lambda: _freeze({}))
    source: str = "<defaults>"

    def _global(self, key: str) -> Any:
        return self.global_.get(key, GLOBAL_DEFAULTS[key])

    @property
    def enabled(self) -> bool:
        return bool(self._global("enabled"))

    @property
    def mode(self) -> str:
        return str(self._global("mode"))

    @property
    def observe(self) -> bool:
        return self.mode == "observe"

    @property
    def performance_threshold(self) -> float | None:
        value = self._global("performance_threshold")
        return float(value) if value is not None else None

    @property
    def time_scale(self) -> float:
        return float(self._global("time_scale"))

    @property
    def startup_scan(self) -> str:
        return str(self._global("startup_scan"))

    @property
    def allow_fault_injection(self) -> bool:
        return bool(self._global("allow_fault_injection"))

    @property
    def retry_strategies(self) -> Mapping[str, Mapping[str, Any]]:
        return self.exceptions.get("retry_strategies", _EMPTY)

    @property
    def signatures(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(self.exceptions.get("signatures", ()))

    @property
    def critical_max_retries(self) -> int:
        return int(self.exceptions.get("critical_max_retries", DEFAULT_CRITICAL_MAX_RETRIES))

    @property
    def priorities(self) -> Mapping[str, int]:
        return {**DEFAULT_PRIORITIES, **self.exceptions.get("priorities", {})}

    def protection_setting(self, section: str, key: str, default: Any = None) -> Any:
        """PROTECTION_CONFIG[section][key], or ``default`` when either is absent."""
        return self.protection.get(section, _EMPTY).get(key, default)

    @property
    def null_pointer_protection(self) -> Mapping[str, Any]:
        return self.protection.get("null_pointer_protection", _EMPTY)

    @property
    def observability(self) -> Mapping[str, Any]:
        return self.protection.get("observability", _EMPTY)


def load_config(source: Any = None) -> GuardConfig:
    """Load, validate and freeze a configuration.

    ``source`` is a module name (``"huey_config"``), a path to a ``.py`` file, a module object,
    a dict with any of the three section names, a ``GuardConfig`` (returned as is) or None
    (the defaults). Raises ``ConfigError`` listing every problem with its full key path.
    """
    if source is None:
        return GuardConfig()
    if isinstance(source, GuardConfig):
        return source
    if isinstance(source, Mapping):
        return _from_mapping(source, "config dict")
    if isinstance(source, types.ModuleType):
        return _from_module(source)
    if isinstance(source, (str, os.PathLike)):
        text = os.fspath(source)
        if text.endswith(".py") or os.sep in text or os.path.exists(text):
            return _from_module(_import_file(text))
        try:
            module = importlib.import_module(text)
        except ImportError as err:
            raise ConfigError([ConfigProblem(text, f"cannot import config module: {err}")]) from err
        return _from_module(module)
    raise TypeError(
        "load_config() takes a module name, a path, a module or a dict, "
        f"not {type(source).__name__}"
    )


def coerce_config(config: Any) -> GuardConfig:
    """What ``install()`` and ``GuardRuntime`` accept: anything ``load_config`` does."""
    return load_config(config)


def _import_file(path: str) -> types.ModuleType:
    if not os.path.isfile(path):
        raise ConfigError([ConfigProblem(path, "no such config file")])
    spec = importlib.util.spec_from_file_location("_huey_guard_config", path)
    if spec is None or spec.loader is None:
        raise ConfigError([ConfigProblem(path, "not a loadable Python file")])
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise ConfigError([ConfigProblem(path, f"{type(err).__name__}: {err}")]) from err
    return module


def _from_module(module: types.ModuleType) -> GuardConfig:
    data = {name: getattr(module, name) for name in SECTIONS if hasattr(module, name)}
    source = getattr(module, "__file__", None) or module.__name__
    if not data:
        raise ConfigError(
            [ConfigProblem(source, f"defines none of {', '.join(SECTIONS)}")], source=source
        )
    return _from_mapping(data, source)


def _from_mapping(data: Mapping[str, Any], source: str) -> GuardConfig:
    problems = validate(data)
    problems += _check_signatures(data.get("EXCEPTIONS_CONFIG"))
    if problems:
        raise ConfigError(problems, source=source)
    return GuardConfig(
        exceptions=_freeze(data.get("EXCEPTIONS_CONFIG", {})),
        protection=_freeze(data.get("PROTECTION_CONFIG", {})),
        global_=_freeze(data.get("GLOBAL_CONFIG", {})),
        source=source,
    )


def _check_signatures(exceptions: Any) -> list[ConfigProblem]:
    """Signatures are compiled now, so a bad regex is a config error, not a runtime surprise."""
    from huey_guard.exception_handler import make_signature

    if not isinstance(exceptions, Mapping):
        return []
    problems = []
    for i, spec in enumerate(exceptions.get("signatures") or ()):
        if not isinstance(spec, Mapping):
            continue  # already reported by the schema
        try:
            make_signature(
                spec.get("pattern"),
                spec.get("category", "UNKNOWN"),
                spec.get("recovery_strategy"),
                spec.get("exception_type"),
                spec.get("name"),
            )
        except ValueError as err:
            problems.append(ConfigProblem(f"EXCEPTIONS_CONFIG.signatures[{i}]", str(err)))
    return problems


__all__ = [
    "DEFAULT_PRIORITIES",
    "GLOBAL_DEFAULTS",
    "ConfigError",
    "GuardConfig",
    "coerce_config",
    "load_config",
]
