"""Process and greenlet workers: guards apply in every worker, warnings print once."""

from __future__ import annotations

import pathlib
import subprocess
import sys
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.parametrize("worker_type", ["process", "greenlet"])
def test_guards_in_worker_type(
    worker_type: str, redis_huey_kwargs: dict[str, Any], tmp_path: pathlib.Path
) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.guards.worker_script",
            worker_type,
            str(redis_huey_kwargs["url"]),
            str(redis_huey_kwargs["name"]),
            str(tmp_path / "cache"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = [line for line in run.stdout.splitlines() if line.startswith("RESULT")]
    assert results == [
        "RESULT producer-rejected channel",
        "RESULT ok 7",
        "RESULT safe ''",
        "RESULT pending 0 scheduled 0",
    ]
    assert run.stderr.count("huey-guard start-up scan of") == 1
    assert "parameter 'channel' of task examples.shop.tasks.notify" in run.stderr
