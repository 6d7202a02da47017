"""Argument snapshots: secrets redacted, reprs bounded, hostile objects harmless."""

from __future__ import annotations

from typing import Any

import pytest

from huey_guard.observability.snapshot import (
    REDACTED,
    SnapshotPolicy,
    safe_repr,
    snapshot_args,
)


class Hostile:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


class Huge:
    def __repr__(self) -> str:
        return "x" * 10_000


def test_secret_looking_keys_are_redacted_at_any_depth() -> None:
    snap = snapshot_args(
        ("user",),
        {
            "password": "hunter2",
            "API-Key": "k",
            "db": {"auth_token": "t", "host": "db1"},
            "headers": [{"Authorization": "Bearer x", "Accept": "json"}],
            "Session_Cookie": "c",
            "count": 3,
        },
    )
    assert snap == {
        "args": ["user"],
        "kwargs": {
            "password": REDACTED,
            "API-Key": REDACTED,
            "db": {"auth_token": REDACTED, "host": "db1"},
            "headers": [{"Authorization": REDACTED, "Accept": "json"}],
            "Session_Cookie": REDACTED,
            "count": 3,
        },
    }


def test_secret_keys_are_configurable() -> None:
    policy = SnapshotPolicy(secret_keys=("ssn",))
    snap = snapshot_args((), {"ssn": "123", "password": "p"}, policy)
    assert snap == {"args": [], "kwargs": {"ssn": REDACTED, "password": "p"}}


@pytest.mark.parametrize("max_repr", [16, 256])
def test_every_repr_is_truncated(max_repr: int) -> None:
    policy = SnapshotPolicy(max_repr=max_repr)
    snap = snapshot_args((Huge(), "y" * 5000), {"blob": b"z" * 5000}, policy)
    assert snap is not None
    rendered = [*snap["args"], snap["kwargs"]["blob"]]
    assert all(len(text) == max_repr and text.endswith("...") for text in rendered)


def test_a_raising_repr_never_breaks_the_snapshot() -> None:
    snap = snapshot_args((Hostile(),), {"obj": [Hostile()]})
    assert snap == {
        "args": ["<unrepresentable Hostile: RuntimeError>"],
        "kwargs": {"obj": ["<unrepresentable Hostile: RuntimeError>"]},
    }
    assert safe_repr(Hostile()) == "<unrepresentable Hostile: RuntimeError>"


def test_containers_are_bounded_in_depth_and_length() -> None:
    deep: Any = {"a": {"b": {"c": {"d": {"e": 1}}}}}
    snap = snapshot_args((list(range(200)),), {"deep": deep})
    assert snap is not None
    assert len(snap["args"][0]) == 51 and snap["args"][0][-1] == "..."
    assert isinstance(snap["kwargs"]["deep"]["a"]["b"], str)  # rendered as a bounded repr


def test_snapshots_can_be_switched_off() -> None:
    assert snapshot_args((1,), {}, SnapshotPolicy(enabled=False)) is None
