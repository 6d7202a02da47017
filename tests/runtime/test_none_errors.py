"""Only errors caused by None count as None dereferences."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from huey_guard.none_errors import is_none_dereference, none_dereference

NONE: Any = None


async def _await_none() -> None:
    await NONE


def _with_none() -> None:
    with NONE:
        pass


def _unpack_none() -> None:
    _a, _b = NONE


CAUSED_BY_NONE: dict[str, tuple[Callable[[], object], str]] = {
    "attribute": (lambda: NONE.email, "attribute"),
    "method": (lambda: NONE.strip(), "attribute"),
    "subscript": (lambda: NONE["k"], "subscript"),
    "item assignment": (lambda: NONE.__setitem__, "attribute"),
    "call": (lambda: NONE(), "call"),
    "iteration": (lambda: list(NONE), "iteration"),
    "star args": (lambda: print(*NONE), "iteration"),
    "double star": (lambda: dict(**NONE), "iteration"),
    "unpacking": (_unpack_none, "iteration"),
    "in": (lambda: 1 in NONE, "iteration"),
    "arithmetic left": (lambda: NONE + 1, "operation"),
    "arithmetic right": (lambda: 1 * NONE, "operation"),
    "comparison": (lambda: NONE < 3, "operation"),
    "len": (lambda: len(NONE), "operation"),
    "unary": (lambda: -NONE, "operation"),
    "concat": (lambda: "a" + NONE, "operation"),
    "with": (_with_none, "operation"),
    "await": (lambda: asyncio.run(_await_none()), "operation"),
    "int()": (lambda: int(NONE), "argument"),
    "join": (lambda: ",".join([NONE]), "argument"),
    "range": (lambda: range(NONE), "argument"),
    "sequence repeat": (lambda: [1] * NONE, "operation"),
    "round": (lambda: round(NONE), "operation"),
    "abs": (lambda: abs(NONE), "operation"),
    "list index": (lambda: [1][NONE], "argument"),
}


@pytest.mark.parametrize("name", sorted(CAUSED_BY_NONE))
def test_errors_caused_by_none_are_recognised(name: str) -> None:
    fn, kind = CAUSED_BY_NONE[name]
    with pytest.raises((AttributeError, TypeError)) as info:
        fn()
    found = none_dereference(info.value)
    assert found is not None, str(info.value)
    assert found.kind == kind


class Real:
    x = 1


def _wrong_arity(a: int) -> int:
    return a


GENUINE: dict[str, Callable[[], object]] = {
    "attribute on a real object": lambda: Real().missing,  # type: ignore[attr-defined]
    "wrong argument count": lambda: _wrong_arity(1, 2),  # type: ignore[call-arg]
    "unhashable": lambda: {[]: 1},
    "str + int": lambda: "a" + 1,  # type: ignore[operator]
    "manual AttributeError": lambda: (_ for _ in ()).throw(AttributeError("no such thing")),
    "int of a list": lambda: int([]),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("name", sorted(GENUINE))
def test_genuine_errors_are_not_none_dereferences(name: str) -> None:
    with pytest.raises((AttributeError, TypeError)) as info:
        GENUINE[name]()
    assert not is_none_dereference(info.value), str(info.value)


def test_other_exception_types_never_match() -> None:
    assert not is_none_dereference(ValueError("'NoneType' object has no attribute 'x'"))
