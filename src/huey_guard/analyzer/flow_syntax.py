"""Syntax questions for the statement walker: handlers, match patterns, bound names, guards."""

from __future__ import annotations

import ast
from dataclasses import replace

from huey_guard.analyzer.expr_text import short_text
from huey_guard.analyzer.exprs import is_none_const, key_of
from huey_guard.analyzer.facts import (
    Fact,
    State,
)
from huey_guard.analyzer.messages import describe_use
from huey_guard.analyzer.summary import ParamDeref

_ALL = frozenset({"NS101", "NS102", "NS103", "NS104", "NS105"})


# What each caught exception protects (a handler that re-raises protects nothing).
_CATCHES: dict[str, frozenset[str]] = {
    "AttributeError": frozenset({"NS101"}),
    "TypeError": frozenset({"NS102", "NS103", "NS104", "NS105"}),
    "Exception": _ALL,
    "BaseException": _ALL,
}


def _use(fact: Fact, code: str, target: ast.expr, at: ast.AST) -> ParamDeref:
    end_line = getattr(at, "end_lineno", None) or target.lineno
    end_col = (getattr(at, "end_col_offset", None) or target.col_offset) + 1
    return ParamDeref(
        0,
        fact.description,
        code,
        target.lineno,
        target.col_offset + 1,
        end_line,
        end_col,
        short_text(target, 60),
        describe_use(code, at),
    )


def _caught_codes(handler: ast.ExceptHandler) -> frozenset[str]:
    if handler.body and isinstance(handler.body[-1], ast.Raise):
        return frozenset()  # re-raised: the task still fails
    if handler.type is None:
        return _ALL
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    out: frozenset[str] = frozenset()
    for n in names:
        name = n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", "")
        out |= _CATCHES.get(name, frozenset())
    return out


def _matches_none(p: ast.pattern) -> bool:
    if isinstance(p, ast.MatchSingleton):
        return p.value is None
    if isinstance(p, ast.MatchOr):
        return any(_matches_none(x) for x in p.patterns)
    return False


def _irrefutable(p: ast.pattern) -> bool:
    return isinstance(p, ast.MatchAs) and p.pattern is None


def _suppressed_by(expr: ast.expr) -> frozenset[str]:
    """Codes a ``with suppress(AttributeError, ...)`` block protects."""
    if not isinstance(expr, ast.Call):
        return frozenset()
    name = expr.func.attr if isinstance(expr.func, ast.Attribute) else getattr(expr.func, "id", "")
    if name != "suppress":
        return frozenset()
    out: frozenset[str] = frozenset()
    for arg in expr.args:
        exc = arg.attr if isinstance(arg, ast.Attribute) else getattr(arg, "id", "")
        out |= _CATCHES.get(exc, frozenset())
    return out


def _bound_names(func: ast.AST) -> frozenset[str]:
    """Names a function binds itself (parameters, assignment targets, imports, nested defs)."""
    out: set[str] = set()
    if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        a = func.args
        out.update(p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs])
        out.update(p.arg for p in (a.vararg, a.kwarg) if p is not None)
    stack: list[ast.AST] = list(getattr(func, "body", []))
    globals_: set[str] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update((n.asname or n.name).split(".")[0] for n in node.names)
        elif isinstance(node, ast.Global):
            globals_.update(node.names)
        elif isinstance(node, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(out - globals_)


def _companions(func: ast.AST) -> dict[str, frozenset[str]]:
    """For each local name, the names every one of its "set" assignments is preceded by in
    the same block (``redirect_addr = e.node; asking = True``): wherever the name is proven
    set (truthy / not None), so are they. Initial ``x = None`` / ``x = False`` do not count,
    and a name bound any other way (loop target, augmented assignment...) gets nothing."""
    sets: dict[str, list[frozenset[str]]] = {}
    other: set[str] = set()
    stack: list[ast.AST] = [func]
    while stack:
        node = stack.pop()
        for part in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(node, part, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                seen: set[str] = set()
                for stmt in block:
                    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                        t = stmt.targets[0]
                        if isinstance(t, ast.Name):
                            v = stmt.value
                            unset = isinstance(v, ast.Constant) and v.value in (None, False)
                            if not unset:
                                sets.setdefault(t.id, []).append(frozenset(seen))
                                seen.add(t.id)
                            continue
                    for sub in _header_nodes(stmt):  # nested blocks are visited on their own
                        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                            other.add(sub.id)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.append(child)
    out: dict[str, frozenset[str]] = {}
    for name, befores in sets.items():
        if name in other:
            continue
        common = frozenset.intersection(*befores) - {name}
        if common:
            out[name] = common
    return out


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _header_nodes(stmt: ast.stmt) -> list[ast.AST]:
    """Every node of a statement outside its nested blocks (a loop target, a test, ...)."""
    out: list[ast.AST] = []
    for name, value in ast.iter_fields(stmt):
        if name in _BLOCKS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                out.extend(ast.walk(item))
    return out


def _conditional_default(s: ast.If, out: State) -> None:
    """``if a is not None and x is None: x = default``: afterwards x may be None only where
    ``a`` is falsy, so proving ``a`` (``elif a is not None and a <= x``) proves x too."""
    assert isinstance(s.test, ast.BoolOp)
    target: str | None = None
    guards: set[str] = set()
    for operand in s.test.values:
        if (
            isinstance(operand, ast.Compare)
            and len(operand.ops) == 1
            and isinstance(operand.ops[0], (ast.Is, ast.Eq))
            and is_none_const(operand.comparators[0])
        ):
            target = key_of(operand.left)
        elif isinstance(operand, ast.UnaryOp) and isinstance(operand.op, ast.Not):
            target = key_of(operand.operand)
        else:
            subject = operand
            if (
                isinstance(operand, ast.Compare)
                and len(operand.ops) == 1
                and isinstance(operand.ops[0], (ast.IsNot, ast.NotEq))
                and is_none_const(operand.comparators[0])
            ):
                subject = operand.left
            key = key_of(subject)
            if key is None:
                return
            guards.add(key)
    if target is None or not guards or target not in out:
        return
    assigned = any(
        isinstance(b, ast.Assign) and any(key_of(t) == target for t in b.targets) for b in s.body
    )
    if assigned:
        out[target] = replace(out[target], when=frozenset(guards))
