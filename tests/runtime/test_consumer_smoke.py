"""The foundation works end to end: real storages, a real consumer, thread workers."""

from __future__ import annotations

import pathlib

import huey
import pytest
from huey import RedisHuey, SqliteHuey

import huey_guard
from tests.consumer import running_consumer


def test_package_imports_with_a_supported_huey() -> None:
    major = int(huey.__version__.split(".")[0])
    assert major in (2, 3), huey.__version__
    assert huey_guard.__version__


@pytest.mark.redis
def test_redis_huey_executes_a_task_through_a_real_consumer(redis_huey_kwargs) -> None:
    app = RedisHuey(**redis_huey_kwargs)

    @app.task()
    def add(a, b):
        return a + b

    with running_consumer(app, workers=2):
        result = add(2, 3)
        assert result.get(blocking=True, timeout=10) == 5


def test_sqlite_huey_executes_a_task_through_a_real_consumer(tmp_path: pathlib.Path) -> None:
    app = SqliteHuey("smoke", filename=str(tmp_path / "huey.db"))

    @app.task()
    def shout(word):
        return word.upper()

    with running_consumer(app):
        assert shout("hi").get(blocking=True, timeout=10) == "HI"
