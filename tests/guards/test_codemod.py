"""The --fix codemod as before/after text: placement, import, comments, merge, idempotence."""

from __future__ import annotations

from libcst.codemod import TransformSuccess

from huey_guard.guards.codemod import FunctionGuards, fix_source

BEFORE = """\
from app.queue import huey


@huey.task(retries=2)  # keep this comment
@log_calls
def notify(channel, message):
    # body comment
    return channel.strip() + message
"""

AFTER = """\
from app.queue import huey
from huey_guard.validation import not_none_validator, safe_call


@huey.task(retries=2)  # keep this comment
@not_none_validator("channel", "message")
@safe_call(default_return="")
@log_calls
def notify(channel, message):
    # body comment
    return channel.strip() + message
"""


def _fix(source: str, guards: dict[str, FunctionGuards]) -> str:
    result = fix_source(source, guards)
    assert isinstance(result, TransformSuccess)
    return result.code


def test_adds_decorators_below_huey_and_the_import() -> None:
    guards = {"notify": FunctionGuards(("channel", "message"), '""')}
    assert _fix(BEFORE, guards) == AFTER
    assert _fix(AFTER, guards) == AFTER  # idempotent


def test_merges_missing_parameters_into_an_existing_validator() -> None:
    source = AFTER.replace('"channel", "message"', '"channel"')
    fixed = _fix(source, {"notify": FunctionGuards(("channel", "message"), None)})
    assert '@not_none_validator("channel", "message")' in fixed


def test_functions_without_a_huey_decorator_are_left_alone() -> None:
    source = "def notify(channel):\n    return channel.strip()\n"
    assert _fix(source, {"notify": FunctionGuards(("channel",), None)}) == source
