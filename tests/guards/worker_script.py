"""Run a guarded consumer with process or greenlet workers (a subprocess of test_workers.py).

    python -m tests.guards.worker_script WORKER_TYPE REDIS_URL NAME CACHE_DIR
Prints RESULT lines the test reads; the start-up warnings go to stderr through logging.
"""

from __future__ import annotations

import sys

if sys.argv[1] == "greenlet":  # gevent must patch before anything imports socket/threading
    from gevent import monkey

    monkey.patch_all()

import logging
import os


def main() -> None:
    worker_type, url, name, cache = sys.argv[1:5]
    os.environ["HUEY_GUARD_CACHE_DIR"] = cache
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from huey import RedisHuey

    from examples.shop import tasks as shop
    from huey_guard import install
    from huey_guard.validation import ArgumentValidationError
    from tests.consumer import running_consumer, wait_for

    app = RedisHuey(name, url=url)
    notify = app.task()(shop.notify.func)
    receipt = app.task()(shop.send_receipt.func)
    install(app)
    app.storage.enqueue(app.serialize_task(notify.s(None, "hi")))  # an unguarded producer
    with running_consumer(app, workers=2, worker_type=worker_type):
        wait_for(lambda: app.pending_count() == 0, timeout=20)
        try:
            notify(None, "x")
        except ArgumentValidationError as exc:
            print("RESULT producer-rejected", exc.parameter)
        print("RESULT ok", notify("sms", "hi").get(blocking=True, timeout=20))
        print("RESULT safe", repr(receipt(404).get(blocking=True, timeout=20)))
    print("RESULT pending", app.pending_count(), "scheduled", app.scheduled_count())


if __name__ == "__main__":
    main()
