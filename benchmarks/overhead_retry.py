"""Added time per task: huey-guard vs plain huey, one process, one run, storage I/O excluded.

    python benchmarks/overhead_retry.py [--tasks 20000] [--failures 5000] [--rounds 5]

Both sides are MemoryHuey instances with ``results=False`` (no result storage) driven through
``huey.execute(task)`` directly — huey's real execute path, with no consumer, queue or storage
round trip in the timed loop. Rounds interleave plain and guarded runs; each figure is the best
round (the least disturbed by the machine). Targets (issue 6): < 20 µs added per successful task,
< 200 µs added per classified failure (a failure that the policy turns into a scheduled retry).

Pipelines measured (``plain`` and ``plain-retrytask`` are unguarded baselines):
- ``retry-only``: the resource gate and the retry policy (this issue's hooks);
- ``default``: every hook ``install()`` adds with the default config (all runtime modules).
Nobody subscribes to the event bus unless the pipeline itself does, so the figures show the cost
of a guarded task when logging/metrics are not configured.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from typing import Any

from huey import MemoryHuey
from huey.exceptions import RetryTask

from huey_guard import events, install
from huey_guard.config import load_config
from huey_guard.resource_gate import ResourceGateHook
from huey_guard.retry import RetryPolicyHook


def build(kind: str) -> tuple[Any, Any, Any]:
    app = MemoryHuey(f"bench-{kind}", results=False)
    if kind == "retry-only":
        config = load_config({})
        install(app, config, hooks=[ResourceGateHook(), RetryPolicyHook(config)])
    elif kind == "default":
        install(app)

    @app.task()
    def ok(x):
        return x

    @app.task(retries=1, retry_delay=60)
    def fails(x):
        raise ConnectionResetError(104, "Connection reset by peer")

    @app.task()
    def retries_itself(x):
        # What a hand-written retry costs in plain huey: the same re-enqueue with an ETA.
        try:
            raise ConnectionResetError(104, "Connection reset by peer")
        except ConnectionResetError as exc:
            raise RetryTask(delay=60) from exc

    return app, ok, fails if kind != "plain-retrytask" else retries_itself


def per_task(app: Any, make: Callable[[int], Any], count: int) -> float:
    """Seconds per ``huey.execute`` over ``count`` fresh task instances."""
    tasks = [make(i) for i in range(count)]
    execute = app.execute
    start = time.perf_counter()
    for task in tasks:
        execute(task)
    elapsed = time.perf_counter() - start
    app.storage.flush_all()
    return elapsed / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--failures", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--subscribe", action="store_true", help="add a no-op bus subscriber (events are built)"
    )
    args = parser.parse_args(argv)
    if args.subscribe:
        events.default_bus.subscribe(lambda event: None)
    # huey logs every failure with a traceback; that is huey's cost, the same on both sides,
    # and it would drown the difference being measured.
    logging.getLogger("huey").setLevel(logging.CRITICAL)

    kinds = ("plain", "plain-retrytask", "retry-only", "default")
    apps = {kind: build(kind) for kind in kinds}
    success: dict[str, list[float]] = {k: [] for k in kinds}
    failure: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(args.rounds):
        for kind in kinds:
            app, ok, fails = apps[kind]
            success[kind].append(per_task(app, lambda i, ok=ok: ok.s(i), args.tasks))
            failure[kind].append(per_task(app, lambda i, f=fails: f.s(i), args.failures))

    print(f"event bus subscribers: {len(events.default_bus._subscribers)}")
    print(f"{'pipeline':<16} {'success µs':>11} {'added':>8} {'failure µs':>11} {'added':>8}")
    base_ok, base_fail = min(success["plain"]), min(failure["plain"])
    for kind in kinds:
        ok_us, fail_us = min(success[kind]) * 1e6, min(failure[kind]) * 1e6
        print(
            f"{kind:<16} {ok_us:>11.2f} {ok_us - base_ok * 1e6:>8.2f} "
            f"{fail_us:>11.2f} {fail_us - base_fail * 1e6:>8.2f}"
        )
    retry_base = min(failure["plain-retrytask"]) * 1e6
    for kind in ("retry-only", "default"):
        added = min(failure[kind]) * 1e6 - retry_base
        print(f"{kind}: added per classified failure vs plain-retrytask: {added:.2f} µs")
    spread = max(success["plain"]) - min(success["plain"])
    print(f"(best of {args.rounds} rounds; plain success spread {spread * 1e6:.2f} µs)")
    print("plain: huey's own retries=1 (formats a traceback per failure on huey 3.x);")
    print("plain-retrytask: the task raises RetryTask(delay=60) itself — the same scheduling work")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
