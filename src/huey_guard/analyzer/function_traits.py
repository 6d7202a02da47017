"""Syntactic traits of a function: generator, transparent wrapper, stub, None guards, dispatch."""

from __future__ import annotations

import ast

from huey_guard.analyzer.class_attrs import (
    all_params,
)
from huey_guard.analyzer.exprs import is_none_const, none_tested
from huey_guard.analyzer.facts import PARAM_MARK, Fact
from huey_guard.analyzer.flow_result import FlowResult
from huey_guard.analyzer.imports import dotted_text

# Decorators that leave what a call returns unchanged.
_TRANSPARENT = frozenset(
    {
        "staticmethod",
        "classmethod",
        "property",
        "lru_cache",
        "cache",
        "cached_property",
        "wraps",
        "override",
        "functools.lru_cache",
        "functools.cache",
        "functools.wraps",
        "functools.cached_property",
        "typing.override",
    }
)


def _has_yield(fn: ast.AST) -> bool:
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return False


def _transparent(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for d in fn.decorator_list:
        base = d.func if isinstance(d, ast.Call) else d
        text = dotted_text(base) or ""
        if text not in _TRANSPARENT and text.rpartition(".")[2] not in _TRANSPARENT:
            return False
    return True


def _is_static(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(dotted_text(d) == "staticmethod" for d in fn.decorator_list)


def none_guards(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[int, int]:
    """``if value is None: return None`` (or ``if not value: return``) on a parameter: the
    function gives None back only when it was given None. Maps each such return to the
    parameter's index, so callers see a pass-through instead of a None source."""
    index = {a.arg: i for i, a in enumerate(all_params(fn))}
    out: dict[int, int] = {}
    for node in fn.body:  # the guard clause opens the function
        if not (isinstance(node, ast.If) and len(node.body) == 1):
            continue
        ret = node.body[0]
        if not isinstance(ret, ast.Return) or not (ret.value is None or is_none_const(ret.value)):
            continue
        name = none_tested(node.test)
        if isinstance(name, ast.Name) and name.id in index:
            out[id(ret)] = index[name.id]
    return out


def return_reason(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, result: FlowResult
) -> tuple[Fact | None, tuple[str, ...]]:
    """Why a function may return None (its own code), and which callees it forwards."""
    valued = [r for r, _ in result.returns if r.value is not None and not is_none_const(r.value)]
    guards = none_guards(fn)
    name = f"{fn.name}()"
    deps: list[str] = []
    for ret, val in result.returns:
        col = ret.col_offset + 1
        if ret.value is None or is_none_const(ret.value):
            if valued and id(ret) not in guards:
                what = "has a bare `return`" if ret.value is None else "returns None"
                return Fact(ret.lineno, col, f"{name} {what} at line {ret.lineno}"), ()
        elif val.none is not None and not val.none.weak:
            if val.none.dep is not None and val.none.dep.startswith(PARAM_MARK):
                continue
            if val.none.dep is not None:
                deps.append(val.none.dep)
            else:
                why = val.none.description.rpartition(", because ")[2]
                text = f"{name} returns at line {ret.lineno} a value that may be None: {why}"
                if why == "it is set to None":
                    text = f"{name} can return None at line {ret.lineno}"
                elif "line " in why:  # already a function's reason: the innermost is enough
                    text = why
                return Fact(ret.lineno, col, text), ()
    if result.falls_off and valued and not _dispatch_chain(fn):
        end = fn.end_lineno or fn.lineno
        return Fact(end, 1, f"{name} can reach its end at line {end} without a return"), ()
    return None, tuple(deps)


def _is_stub(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = [
        s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if not body:
        return True
    last = body[-1]
    if isinstance(last, ast.Raise) and last.exc is not None:
        exc = last.exc.func if isinstance(last.exc, ast.Call) else last.exc
        return (dotted_text(exc) or "").endswith("NotImplementedError")
    return all(isinstance(s, ast.Pass) for s in body)


_TYPE_TESTS = frozenset({"isinstance", "issubclass", "hasattr", "callable", "type"})


def _dispatch_chain(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Ends in an if/elif chain over types (``isinstance`` dispatch): falling off is not a
    path a practical caller takes, so it is not reported as returning None."""
    last = fn.body[-1] if fn.body else None
    while isinstance(last, ast.If):
        nodes = list(ast.walk(last.test))
        typed = any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _TYPE_TESTS
            for n in nodes
        )
        none_test = any(
            isinstance(n, ast.Compare) and any(is_none_const(c) for c in n.comparators)
            for n in nodes
        )
        if not (typed or none_test):
            return False
        if not last.orelse:
            return True
        last = last.orelse[0] if len(last.orelse) == 1 else None
    return False
