"""Shared test fixtures: a real Redis (never a fake) and unique huey names per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

REDIS_URL = os.environ.get("HUEY_GUARD_REDIS_URL", "redis://127.0.0.1:6379/0")
# CI sets this so that a missing Redis fails the run instead of silently skipping tests.
REQUIRE_REDIS = os.environ.get("HUEY_GUARD_REQUIRE_REDIS", "") not in ("", "0", "false", "no")


def _redis_available(url: str) -> str | None:
    """Return None when Redis answers PING at ``url``, else the reason it does not."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:  # any failure means "not usable"; the reason is reported
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of a real Redis server; fails (in CI) or skips (locally) when none answers."""
    problem = _redis_available(REDIS_URL)
    if problem is not None:
        message = f"no Redis at {REDIS_URL} ({problem})"
        if REQUIRE_REDIS:
            pytest.fail(message + "; HUEY_GUARD_REQUIRE_REDIS is set", pytrace=False)
        pytest.skip(message)
    return REDIS_URL


@pytest.fixture
def unique_name() -> str:
    """A huey queue name no other test uses, so tests never see each other's tasks."""
    return f"hg-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def redis_huey_kwargs(redis_url: str, unique_name: str) -> Iterator[dict[str, object]]:
    """Keyword arguments for a RedisHuey on the real server; its keys are removed afterwards."""
    import redis

    yield {"name": unique_name, "url": redis_url}
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{unique_name}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(autouse=True)
def _isolated_default_bus() -> Iterator[None]:
    """Each test starts with the default event bus as it found it: subscribers one test adds
    (an observability hub, a collector) must not see, or slow down, the next test's events."""
    from huey_guard import events

    before = events.default_bus._subscribers
    yield
    events.default_bus._subscribers = before
