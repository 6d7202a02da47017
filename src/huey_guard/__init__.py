"""huey-guard: failure-proofing for huey task queues.

``install(huey, config)`` guards an existing Huey instance; the subclasses re-exported here
(``RedisHuey``, ``SqliteHuey``, …) do the same when constructed with ``config=``.
"""

from huey_guard._version import __version__
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
    "runtime_of",
    "uninstall",
]
