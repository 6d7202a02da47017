"""Which attributes of an object may still be None when a method reads them (lifecycle set-up)."""

from __future__ import annotations

import ast

from huey_guard.analyzer.expr_text import short_text
from huey_guard.analyzer.facts import Fact
from huey_guard.analyzer.summary import ClassSummary

# Method name prefixes of a lifecycle's set-up step (see object_facts).
_SETUP_PREFIXES = (
    "prepare",
    "setup",
    "set_up",
    "init",
    "connect",
    "open",
    "start",
    "configure",
    "bind",
    "load",
    "register",
)


def object_facts(summary: ClassSummary, outside: frozenset[str] = frozenset()) -> dict[str, Fact]:
    """None-able attributes of an instance that arrives from elsewhere (a parameter, a lookup).

    An attribute __init__ sets to None *and a set-up method later sets* (``prepare_headers()``,
    ``connect()``) is lazily initialised: inside the class that is worth a warning, but an
    instance handed around outside it has usually been through its set-up, so it is left out.
    State that other methods set (``ship()`` setting ``shipped_at``) stays None-able, as do
    declared Optional attributes and constructor parameters defaulting to None. Attributes that
    code outside the class assigns (``response.raw = ...``, names in ``outside``) follow a
    lifecycle that caller manages, which is not followed here: they are left out as well."""
    later = set().union(
        *(
            a
            for m, a in summary.assigns.items()
            if m != "__init__" and m.lstrip("_").startswith(_SETUP_PREFIXES)
        )
    )
    return {
        a: f
        for a, f in summary.self_nullable.items()
        if a in summary.declared
        or a in summary.fresh_from_param
        or (a not in later and a not in outside)
    }


def _leaves(call: ast.Call, attr: str, fact: Fact) -> str:
    """A new instance's None attribute, told from the construction the reader is looking at."""
    how = "unless it is passed" if "unless it is passed" in fact.description else "from __init__"
    return f"{short_text(call)} at line {call.lineno} leaves .{attr} None ({how})"
