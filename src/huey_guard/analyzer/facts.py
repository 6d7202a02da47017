"""The abstract values of the dataflow engine: "may be None" facts and per-path states.

A state maps an access path (``x``, ``self.conn``, ``order.customer``) to the fact that says
why it may be None. A path that is absent is treated as not None: the engine only believes a
value may be None when something concrete (a catalogue call, a None literal, an Optional
annotation, a None-returning project function) says so. ``None`` as a whole state means
"unreachable" (after return/raise/continue/break).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from huey_guard.analyzer.model import TraceStep


@dataclass(frozen=True)
class Fact:
    """Why a value may be None: the source and the steps it travelled since."""

    line: int
    column: int
    description: str  # plain words: "os.environ.get("X") returns None when ..."
    steps: tuple[TraceStep, ...] = ()
    only_codes: frozenset[str] | None = None  # restrict reportable dereferences
    param: str | None = None  # set for the weak "unchecked task parameter" fact (NS201)
    dep: str | None = None  # phase 1: None-ness depends on this callee's summary
    # Only None while one of these paths is falsy: `if a is not None and x is None: x = ...`
    when: frozenset[str] = frozenset()

    @property
    def weak(self) -> bool:
        return self.param is not None

    @property
    def real(self) -> bool:
        """A concrete reason (not a task-parameter hint, not an unresolved dependency)."""
        return self.param is None and self.dep is None

    def step(self, line: int, column: int, description: str) -> Fact:
        if len(self.steps) >= 8:  # traces stay readable; the source and the last hops matter
            return self
        return replace(self, steps=(*self.steps, TraceStep(line, column, description)))


@dataclass(frozen=True)
class Val:
    """What the engine knows about an expression's value."""

    none: Fact | None = None  # the value itself may be None
    elem: Fact | None = None  # its elements (iteration / subscript) may be None
    items: tuple[Fact | None, ...] | None = None  # fixed-shape tuple element facts
    tag: str | None = None  # what kind of object it is: "regex", "result", "url", "class:X"
    attrs: tuple[tuple[str, Fact], ...] = ()  # None-able attributes of a new instance
    elem_tag: str | None = None  # what its elements are (iterating an Element's children)
    keyed: tuple[tuple[object, Fact], ...] = ()  # None-able values of a dict's constant keys
    fresh: bool = False  # a just-constructed instance (its __init__ state is exactly known)
    call_none: Fact | None = None  # calling it may return None (a lambda with a None branch)
    sub: Val | None = None  # what subscripting / .get() / iterating its values yields
    mapping: bool = False  # a dict: iterating it yields keys, not `sub`
    entries: tuple[tuple[object, Val], ...] = ()  # a constant dict's values by constant key


NOT_NONE = Val()

State = dict[str, Fact]


def join(a: State | None, b: State | None) -> State | None:
    """Merge two paths: a value may be None afterwards when it may be None on either path."""
    if a is None:
        return None if b is None else dict(b)
    if b is None:
        return dict(a)
    out = dict(a)
    for key, fact in b.items():
        mine = out.get(key)
        if mine is None or (mine.weak and not fact.weak):
            out[key] = fact
    return out


def join_all(states: list[State | None]) -> State | None:
    out: State | None = None
    for s in states:
        out = join(out, s)
    return out


def same(a: State | None, b: State | None) -> bool:
    """Fixed-point test for loops: the same keys may be None (facts only ever get added)."""
    if a is None or b is None:
        return a is b
    return a.keys() == b.keys()


def kill(state: State | None, key: str) -> None:
    """The path (and everything reached through it) was reassigned or proven not None."""
    if state is None:
        return
    state.pop(key, None)


def kill_prefix(state: State | None, key: str) -> None:
    """``key`` was rebound: facts about ``key`` and ``key.attr``/``key[...]`` no longer hold."""
    if state is None:
        return
    for k in [k for k in state if k == key or k.startswith((key + ".", key + "[", key + "("))]:
        del state[k]


PARAM_MARK = "#param:"
SELF_MARK = "#self:"  # a lazily initialised attribute of self: reported where callers leave it None


def param_marker(index: int, name: str, line: int, column: int) -> Fact:
    """Summary mode: stands for "whatever the caller passed as parameter ``index``"."""
    return Fact(line, column, name, dep=f"{PARAM_MARK}{index}")
