"""The shop's huey instance. HUEY_URL picks Redis; without it the queue lives in memory."""

import os

from huey import MemoryHuey, RedisHuey

_url = os.environ.get("HUEY_URL")
huey = RedisHuey("shop", url=_url) if _url else MemoryHuey("shop")
