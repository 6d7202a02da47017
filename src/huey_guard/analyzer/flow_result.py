"""What the statement walker reports about one function: dereferences, returns, calls."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from huey_guard.analyzer.facts import (
    Fact,
    Val,
)
from huey_guard.analyzer.summary import ParamDeref


@dataclass
class Deref:
    """One reported dereference, before it becomes a Finding."""

    code: str
    target: ast.expr
    at: ast.AST
    fact: Fact
    use_code: str = ""  # the dereference's own code when `code` is NS201


@dataclass
class FlowResult:
    derefs: list[Deref] = field(default_factory=list)
    param_derefs: dict[int, ParamDeref] = field(default_factory=dict)
    self_derefs: dict[str, ParamDeref] = field(default_factory=dict)  # lazy self.attr used
    # (method qualname, attribute, its dereference there, the caller's fact, the call)
    method_derefs: list[tuple[str, str, ParamDeref, Fact, ast.Call]] = field(default_factory=list)
    # (callee qualname, its parameter dereference, the None-able argument's fact, the call)
    helper_derefs: list[tuple[str, ParamDeref, Fact, ast.Call]] = field(default_factory=list)
    returns: list[tuple[ast.Return, Val]] = field(default_factory=list)
    yields: list[tuple[ast.Yield, Val]] = field(default_factory=list)
    yielded: bool = False  # a yield or yield from was reached: the function is a generator
    falls_off: bool = False
    calls: set[str] = field(default_factory=set)
    decorates: set[str] = field(default_factory=set)  # `<huey>.task(...)` applied inside
