"""The guards in force on one runtime: manifest entries by task name, plus per-class lookups.

Both guard hooks read one table, so a manifest found later (the consumer's start-up scan) takes
effect for classes that were instrumented before it existed.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from huey_guard.guards.manifest import Manifest, TaskGuards
from huey_guard.guards.safe_call import DefaultReturn
from huey_guard.guards.validators import (
    NotNoneValidator,
    TypeValidator,
    Validator,
)


class GuardTable:
    def __init__(self, type_checks: bool = True, enabled: bool = True) -> None:
        self.type_checks = type_checks
        self.enabled = enabled  # False: only validators the task declares itself apply
        self._entries: dict[str, TaskGuards] = {}
        self._validators: dict[str, tuple[Validator, ...]] = {}
        self._defaults: dict[str, DefaultReturn] = {}
        self._lock = threading.Lock()
        self.manifest: Manifest | None = None
        self.startup_report: Any = None  # set once by the consumer start-up scan
        self._aliases: dict[str, str | None] = {}

    def update(self, manifest: Manifest | None) -> None:
        """Put ``manifest``'s guards in force (replacing earlier manifest guards)."""
        if manifest is None or not self.enabled:
            return
        validators: dict[str, tuple[Validator, ...]] = {}
        defaults: dict[str, DefaultReturn] = {}
        for name, entry in manifest.tasks.items():
            found: list[Validator] = []
            if entry.not_none:
                found.append(NotNoneValidator(entry.not_none_parameters))
            if self.type_checks and entry.type_check:
                found.append(TypeValidator(entry.type_check_parameters))
            if found:
                validators[name] = tuple(found)
            if entry.safe_call is not None:
                spec = entry.default_return
                defaults[name] = DefaultReturn(spec.make if spec is not None else None)
        with self._lock:
            self.manifest = manifest
            self._entries = dict(manifest.tasks)
            self._validators = validators
            self._defaults = defaults
            self._aliases = {}

    def _key(self, task: str) -> str | None:
        """The manifest key for a runtime task name: exact, else a unique dotted-suffix match
        (the manifest says "shop.tasks.charge", huey registered "examples.shop.tasks.charge")."""
        if task in self._entries or not self._entries:
            return task
        if task not in self._aliases:
            matches = [
                key for key in self._entries if task.endswith("." + key) or key.endswith("." + task)
            ]
            self._aliases[task] = matches[0] if len(matches) == 1 else None
        return self._aliases[task]

    def entry(self, task: str) -> TaskGuards | None:
        key = self._key(task)
        return self._entries.get(key) if key else None

    def validators_for(self, task: str) -> tuple[Validator, ...]:
        """The manifest's validators for ``task`` (the task's declared ones are not here)."""
        key = self._key(task)
        return self._validators.get(key, ()) if key else ()

    def default_for(self, task: str) -> DefaultReturn | None:
        key = self._key(task)
        return self._defaults.get(key) if key else None


_TABLES: weakref.WeakKeyDictionary[Any, GuardTable] = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def table_for(runtime: Any) -> GuardTable:
    """The one table of ``runtime`` (created on first use from its protection config)."""
    with _TABLES_LOCK:
        table = _TABLES.get(runtime)
        if table is None:
            config = runtime.config
            table = GuardTable(
                type_checks=bool(
                    config.protection_setting("argument_validation", "type_checks", True)
                ),
                enabled=bool(config.protection_setting("null_pointer_protection", "enabled", True)),
            )
            _TABLES[runtime] = table
        return table
