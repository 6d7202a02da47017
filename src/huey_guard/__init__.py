"""huey-guard: failure-proofing for huey task queues.

``install(huey, config)`` guards an existing Huey instance; the subclasses re-exported here
(``RedisHuey``, ``SqliteHuey``, …) do the same when constructed with ``config=``.

The exports are imported lazily (PEP 562): ``huey-nullscan`` imports ``huey_guard.analyzer``
on every pre-commit run, and must not pay for importing huey and redis it never uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from huey_guard._version import __version__

if TYPE_CHECKING:
    from huey_guard.config import load_config
    from huey_guard.integration import install, runtime_of, uninstall
    from huey_guard.subclasses import (
        FileHuey,
        MemoryHuey,
        PriorityRedisExpireHuey,
        PriorityRedisHuey,
        RedisExpireHuey,
        RedisHuey,
        SqliteHuey,
    )

_LAZY = {
    "load_config": "huey_guard.config",
    "install": "huey_guard.integration",
    "runtime_of": "huey_guard.integration",
    "uninstall": "huey_guard.integration",
    "FileHuey": "huey_guard.subclasses",
    "MemoryHuey": "huey_guard.subclasses",
    "PriorityRedisExpireHuey": "huey_guard.subclasses",
    "PriorityRedisHuey": "huey_guard.subclasses",
    "RedisExpireHuey": "huey_guard.subclasses",
    "RedisHuey": "huey_guard.subclasses",
    "SqliteHuey": "huey_guard.subclasses",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'huey_guard' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "FileHuey",
    "MemoryHuey",
    "PriorityRedisExpireHuey",
    "PriorityRedisHuey",
    "RedisExpireHuey",
    "RedisHuey",
    "SqliteHuey",
    "__version__",
    "install",
    "load_config",
    "runtime_of",
    "uninstall",
]
