"""The app a real ``huey_consumer -k process -w 2`` runs in the multiprocess metrics test.

Configured from environment variables so the test process (a producer) and the consumer
subprocess share one module; only the consumer (HG_MP_CONSUMER=1) is guarded.
"""

import json
import os
import time

from huey import RedisHuey

from huey_guard import install

huey = RedisHuey(os.environ.get("HG_MP_QUEUE", "hg-mp"), url=os.environ.get("HG_MP_REDIS"))

if os.environ.get("HG_MP_CONSUMER"):
    install(
        huey,
        {
            "GLOBAL_CONFIG": {"time_scale": 0.0},
            "PROTECTION_CONFIG": {
                "observability": {
                    "metrics": {
                        "enabled": True,
                        "port": int(os.environ["HG_MP_PORT"]),
                        "multiprocess_dir": os.environ["HG_MP_DIR"],
                    }
                }
            },
        },
    )


@huey.task()
def work(n: int) -> int:
    time.sleep(0.02)  # long enough that both worker processes take tasks
    if n % 10 == 5:
        raise json.JSONDecodeError("not json", "", 0)  # NO_RETRY: a failed recovery
    if n % 4 == 0 and huey.storage.conn.incr(f"{huey.name}:tries:{n}") == 1:
        raise ConnectionResetError("reset by peer")  # retried once, then recovers
    return os.getpid()
