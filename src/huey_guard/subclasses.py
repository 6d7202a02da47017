"""Guarded Huey classes: ``RedisHuey('app', config=load_config('huey_config'))`` and friends.

Each is huey's own class plus two keyword arguments, ``config=`` and ``manifest=``; constructing
one is exactly ``install(huey.X(...), config, manifest)``. With ``GLOBAL_CONFIG['enabled'] =
False`` the instance is a plain huey instance in all but its class name.
"""

from __future__ import annotations

from typing import Any

import huey as _huey

from huey_guard.integration import install


class GuardedHueyMixin:
    """Install huey-guard on the instance once huey's own ``__init__`` has finished."""

    def __init__(self, *args: Any, config: Any = None, manifest: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install(self, config=config, manifest=manifest)


class RedisHuey(GuardedHueyMixin, _huey.RedisHuey):
    pass


class RedisExpireHuey(GuardedHueyMixin, _huey.RedisExpireHuey):
    pass


class PriorityRedisHuey(GuardedHueyMixin, _huey.PriorityRedisHuey):
    pass


class PriorityRedisExpireHuey(GuardedHueyMixin, _huey.PriorityRedisExpireHuey):
    pass


class SqliteHuey(GuardedHueyMixin, _huey.SqliteHuey):
    pass


class FileHuey(GuardedHueyMixin, _huey.FileHuey):
    pass


class MemoryHuey(GuardedHueyMixin, _huey.MemoryHuey):
    pass


__all__ = [
    "FileHuey",
    "GuardedHueyMixin",
    "MemoryHuey",
    "PriorityRedisExpireHuey",
    "PriorityRedisHuey",
    "RedisExpireHuey",
    "RedisHuey",
    "SqliteHuey",
]
