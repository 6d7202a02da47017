"""A producer waiting on a result never sees a failure for a task the guard is retrying.

huey 2.x stores an error result for every failed attempt; the guard removes the one it
causes by retrying, so both majors behave the same.
"""

from __future__ import annotations

import pathlib

from huey import SqliteHuey

from huey_guard import install
from tests.consumer import running_consumer


def test_blocking_result_get_sees_only_the_final_value(tmp_path: pathlib.Path) -> None:
    app = SqliteHuey("intermediate", filename=str(tmp_path / "q.db"))
    install(app, config={"GLOBAL_CONFIG": {"time_scale": 0.01}})
    attempts: list[int] = []

    @app.task()
    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionResetError("peer reset the connection")
        return "ok"

    with running_consumer(app):
        assert flaky().get(blocking=True, timeout=20) == "ok"
    assert len(attempts) == 3
