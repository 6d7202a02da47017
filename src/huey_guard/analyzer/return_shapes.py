"""What a function's results look like: element facts, keyed items, classes, entered values."""

from __future__ import annotations

import ast

from huey_guard.analyzer.annotations import class_name, is_optional
from huey_guard.analyzer.class_attrs import (
    _strip_optional,
)
from huey_guard.analyzer.exprs import is_none_const
from huey_guard.analyzer.facts import PARAM_MARK, Fact, Val
from huey_guard.analyzer.flow_result import FlowResult
from huey_guard.analyzer.function_defs import FuncDef
from huey_guard.analyzer.function_traits import (
    none_guards,
)
from huey_guard.analyzer.imports import dotted_text
from huey_guard.analyzer.resolve import ModuleContext


def _passthrough(result: FlowResult, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, ...]:
    out = set(none_guards(fn).values())
    for _, val in result.returns:
        dep = val.none.dep if val.none is not None else None
        if dep is not None and dep.startswith(PARAM_MARK):
            out.add(int(dep[len(PARAM_MARK) :]))
    return tuple(sorted(out))


def _items(result: FlowResult) -> tuple[Fact | None, ...] | None:
    """None-able elements of returned tuples (``return None, "missing"``)."""
    merged: list[Fact | None] | None = None
    for ret, val in result.returns:
        if val.items is None or not isinstance(ret.value, ast.Tuple):
            continue
        items = [f if f is not None and f.real else None for f in val.items]
        if merged is None:
            merged = items
        elif len(merged) == len(items):
            merged = [a or b for a, b in zip(merged, items, strict=True)]
    if merged is None or not any(merged):
        return None
    return tuple(
        None
        if f is None
        else Fact(
            f.line, f.column, f"returns a tuple whose element {i} can be None (line {f.line})"
        )
        for i, f in enumerate(merged)
    )


def _keyed(result: FlowResult) -> tuple[tuple[object, Fact], ...]:
    """None-able values of returned dict displays (``{"groups": x or None}``), by key."""
    out: dict[object, Fact] = {}
    for _, val in result.returns:
        for k, fact in val.keyed:
            if fact.real and k not in out:
                out[k] = Fact(
                    fact.line,
                    fact.column,
                    f"returns a dict whose {k!r} value can be None (line {fact.line})",
                )
    return tuple(out.items())


def _returns_class(ctx: ModuleContext, fd: FuncDef) -> str | None:
    """The project class a function returns instances of: its return annotation, or for a
    classmethod its own class (``Order.find(n)`` is an Order, or None)."""
    fn = fd.node
    cls = class_name(_strip_optional(fn.returns))
    q = ctx.qualify(cls) if cls is not None else None
    if q is not None and ctx.provider.class_summary(q) is not None:
        return q
    if fd.class_name and any(dotted_text(d) == "classmethod" for d in fn.decorator_list):
        return f"{ctx.module}.{fd.class_name}"
    return None


def _constructed_class(result: FlowResult) -> str | None:
    """``return Order(*row)`` on every valued path (None returns aside): an Order."""
    tags = {
        val.tag
        for ret, val in result.returns
        if ret.value is not None and not is_none_const(ret.value)
    }
    if len(tags) == 1:
        tag = tags.pop()
        if tag is not None and tag.startswith("class:"):
            return tag[6:]
    return None


def _returns_tag(result: FlowResult) -> str | None:
    tags = {val.tag for r, val in result.returns if r.value is not None}
    if len(tags) == 1:
        tag = tags.pop()
        if tag is not None and not tag.startswith("class:"):
            return tag
    return None


def _elements(produced: list[tuple[ast.Return, Val]] | list[tuple[ast.Yield, Val]]) -> dict:
    """What iterating a function's result gives: the values it yields (a generator), or the
    elements of the containers it returns. Only the function's own reasons count."""
    elem: Fact | None = None
    items: list[Fact | None] | None = None
    tags: set[str | None] = set()
    for node, val in produced:
        if isinstance(node, ast.Yield):
            one, parts, tag = val.none, val.items, val.tag
        elif isinstance(node.value, ast.Tuple):
            continue  # a returned tuple is a record: its parts are FuncSummary.items
        else:
            sub = val.sub
            one, tag = val.elem, val.elem_tag or (sub.tag if sub is not None else None)
            parts = sub.items if sub is not None else None
        tags.add(tag)
        if one is not None and one.real and elem is None:
            line = getattr(node, "lineno", 0)
            elem = Fact(one.line, one.column, _innermost(one.description, line))
        if parts is not None and isinstance(node, ast.Yield) and isinstance(node.value, ast.Tuple):
            real = [f if f is not None and f.real else None for f in parts]
            if items is None:
                items = real
            elif len(items) == len(real):
                items = [a or b for a, b in zip(items, real, strict=True)]
    out: dict = {}
    if elem is not None:
        out["elem"] = elem
    if items is not None and any(items):
        out["elem_items"] = tuple(items)
    if len(tags) == 1:
        tag = tags.pop()
        if tag is not None and not tag.startswith("class:"):
            out["elem_tag"] = tag
    return out


def _innermost(description: str, line: int) -> str:
    """The first reason in a chain of "X can produce None, since Y" (traces keep the rest)."""
    why = description.rpartition(", since ")[2]
    return why if "line " in why else f"{why} at line {line}"


_CONTEXT_MANAGERS = frozenset({"contextmanager", "asynccontextmanager"})


def _enters(fn: ast.FunctionDef | ast.AsyncFunctionDef, result: FlowResult) -> Fact | None:
    """``@contextmanager`` generators that may ``yield None``: ``with f() as x`` binds None."""
    names = {(dotted_text(d) or "").rpartition(".")[2] for d in fn.decorator_list}
    if not names & _CONTEXT_MANAGERS:
        return None
    for node, val in result.yields:
        if val.none is not None and val.none.real:
            why = f"{fn.name}() can yield None to its with block at line {node.lineno}"
            return Fact(node.lineno, node.col_offset + 1, why)
    return None


def _declared_items(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, items: tuple[Fact | None, ...] | None
) -> tuple[Fact | None, ...] | None:
    """``-> tuple[int, str, str | None]``: the author says which parts can be None; parts
    declared not None are trusted (the code relies on a call's options we do not follow)."""
    ann = fn.returns
    if items is None or not isinstance(ann, ast.Subscript):
        return items
    name = ann.value.attr if isinstance(ann.value, ast.Attribute) else getattr(ann.value, "id", "")
    parts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else None
    if name.lower() != "tuple" or parts is None or len(parts) != len(items):
        return items
    kept = tuple(f if is_optional(p) else None for f, p in zip(items, parts, strict=True))
    return kept if any(kept) else None
