"""Phase 1 helpers for classes: attributes stored on self, None-default constructor arguments."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from huey_guard.analyzer.annotations import class_name, is_optional
from huey_guard.analyzer.exprs import is_none_const, none_tested
from huey_guard.analyzer.facts import Fact
from huey_guard.analyzer.resolve import ModuleContext


def all_params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    a = fn.args
    return [*a.posonlyargs, *a.args, *a.kwonlyargs]


def _optional_params(fn: ast.FunctionDef | ast.AsyncFunctionDef, cls: str) -> dict[str, Fact]:
    """Constructor parameters that default to None or are declared Optional."""
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    out: dict[str, Fact] = {}
    pairs = [
        *zip(positional, defaults, strict=True),
        *zip(args.kwonlyargs, args.kw_defaults, strict=True),
    ]
    for arg, default in pairs:
        if (default is not None and is_none_const(default)) or is_optional(arg.annotation):
            out[arg.arg] = Fact(
                arg.lineno,
                arg.col_offset + 1,
                f"{cls}() leaves `{arg.arg}` None unless it is passed",
            )
    return out


def _self_stores(fn: ast.AST) -> Iterator[str]:
    for sub in ast.walk(fn):
        if (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.ctx, ast.Store)
            and isinstance(sub.value, ast.Name)
            and sub.value.id in ("self", "cls")
        ):
            yield sub.attr


def _none_tested(test: ast.expr) -> set[str]:
    """``self.x is None`` / ``not self.x``: attributes that are already set when the test fails."""
    operand = none_tested(test)
    if (
        isinstance(operand, ast.Attribute)
        and isinstance(operand.value, ast.Name)
        and operand.value.id in ("self", "cls")
    ):
        return {operand.attr}
    return set()


def sure_stores(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Attributes a method sets on every path that returns to its caller (``if found:
    self.last = x`` sets it on some paths only; ``if self.x is None: self.x = ...`` on all)."""
    exits: list[set[str]] = []

    def walk(stmts: list[ast.stmt], cur: set[str]) -> set[str] | None:
        for s in stmts:
            nxt = step(s, cur)
            if nxt is None:
                return None
            cur = nxt
        return cur

    def meet(parts: list[set[str] | None]) -> set[str] | None:
        live = [p for p in parts if p is not None]
        return set.intersection(*live) if live else None

    def step(s: ast.stmt, cur: set[str]) -> set[str] | None:
        if isinstance(s, ast.Return):
            exits.append(cur | set(_self_stores(s)))
            return None
        if isinstance(s, ast.Raise):
            return None
        if isinstance(s, ast.If):
            already = _none_tested(s.test)
            return meet([walk(s.body, set(cur)), walk(s.orelse, cur | already)])
        if isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
            walk(s.body, set(cur))  # may run zero times; its returns still exit
            return walk(s.orelse, set(cur))
        if isinstance(s, (ast.With, ast.AsyncWith)):
            return walk(s.body, cur)
        if isinstance(s, ast.Try):
            body = walk(s.body + s.orelse, set(cur))
            merged = meet([body, *(walk(h.body, set(cur)) for h in s.handlers)])
            return walk(s.finalbody, merged) if merged is not None else None
        if isinstance(s, ast.Match):
            return meet([walk(c.body, set(cur)) for c in s.cases] + [cur])
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return cur
        return cur | set(_self_stores(s))

    end = walk(fn.body, set())
    paths = exits + ([end] if end is not None else [])
    if not paths:  # never returns normally: nothing after the call runs
        return frozenset(_self_stores(fn))
    return frozenset(set.intersection(*paths))


def _init_stores(node: ast.ClassDef) -> set[str]:
    """Attributes __init__ assigns, itself or through ``self.method()`` calls it makes."""
    methods = {
        m.name: m for m in node.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    init = methods.get("__init__")
    if init is None:
        return set()
    out = set(_self_stores(init))
    for sub in ast.walk(init):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and isinstance(sub.func.value, ast.Name)
            and sub.func.value.id in ("self", "cls", node.name)
            and sub.func.attr in methods
        ):
            out |= set(_self_stores(methods[sub.func.attr]))
    return out


def _strip_optional(node: ast.expr | None) -> ast.expr | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "Optional":
        return node.slice
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return node.right if is_none_const(node.left) else node.left
    return node


def _attr_params(init: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int]:
    """``self.plan = plan`` in __init__: the attribute holds whatever the caller passed."""
    index = {a.arg: i - 1 for i, a in enumerate(all_params(init)) if i > 0}
    out: dict[str, int] = {}
    for stmt in init.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.value, ast.Name)
            and stmt.value.id in index
        ):
            t = stmt.targets[0]
            if (
                isinstance(t, ast.Attribute)
                and isinstance(t.value, ast.Name)
                and t.value.id == "self"
            ):
                out[t.attr] = index[stmt.value.id]
    return out


def _attr_classes(
    ctx: ModuleContext, node: ast.ClassDef, init: ast.FunctionDef | ast.AsyncFunctionDef | None
) -> dict[str, str]:
    """Which project class each attribute holds (``warehouse: Optional[Warehouse]``, a
    constructor parameter annotated so and stored on self, ``self.x = Client(...)``): facts
    about that class's attributes then apply one level further (``order.warehouse.manager``)."""
    out: dict[str, str] = {}

    def note(attr: str, expr: ast.expr | None) -> None:
        name = class_name(_strip_optional(expr))
        q = ctx.qualify(name) if name is not None else None
        if q is not None and q.rpartition(".")[2][:1].isupper():
            out.setdefault(attr, q)

    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            note(stmt.target.id, stmt.annotation)
    if init is None:
        return out
    annotated = {a.arg: a.annotation for a in all_params(init) if a.annotation is not None}
    for sub in ast.walk(init):
        if not (isinstance(sub, ast.Assign) and len(sub.targets) == 1):
            continue
        t = sub.targets[0]
        if not (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)):
            continue
        if t.value.id != "self":
            continue
        if isinstance(sub.value, ast.Name) and sub.value.id in annotated:
            note(t.attr, annotated[sub.value.id])
        elif isinstance(sub.value, ast.Call):
            note(t.attr, sub.value.func)
    return out
