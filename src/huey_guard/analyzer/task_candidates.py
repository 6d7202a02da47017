"""Phase 1 task discovery: Huey instances and the decorators that make a function a task."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from huey_guard.analyzer.imports import dotted_text
from huey_guard.analyzer.resolve import ModuleContext
from huey_guard.analyzer.summary import (
    HUEY_CLASSES,
    TaskCandidate,
)


def _instances(ctx: ModuleContext, tree: ast.Module) -> dict[str, tuple[str, bool]]:
    local_huey_classes = {
        c.name
        for c in tree.body
        if isinstance(c, ast.ClassDef)
        and any((dotted_text(b) or "").rpartition(".")[2] in HUEY_CLASSES for b in c.bases)
    }
    out: dict[str, tuple[str, bool]] = {}
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or not isinstance(
            node.value, ast.Call
        ):
            continue
        ctor = ctx.qualify(node.value.func) or dotted_text(node.value.func) or ""
        last = ctor.rpartition(".")[2]
        if last in HUEY_CLASSES or last in local_huey_classes or last.endswith("Huey"):
            results = not any(
                k.arg == "results" and getattr(k.value, "value", True) is False
                for k in node.value.keywords
            )
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    out[f"{ctx.module}.{t.id}"] = (ctor, results)
    return out


def _decorator_parts(ctx: ModuleContext, d: ast.expr) -> tuple[str, str, str | None, bool] | None:
    base = d.func if isinstance(d, ast.Call) else d
    text = dotted_text(base)
    if text is None:
        return None
    name = None
    context = False
    if isinstance(d, ast.Call):
        for kw in d.keywords:
            if (
                kw.arg == "name"
                and isinstance(kw.value, ast.Constant)
                and isinstance(kw.value.value, str)
            ):
                name = kw.value.value
            if kw.arg == "context" and getattr(kw.value, "value", None) is True:
                context = True
    return ctx.qualify(base) or text, text, name, context


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    a = fn.args
    return tuple(p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs))


def _candidates(ctx: ModuleContext, tree: ast.Module) -> Iterator[TaskCandidate]:
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for fn in defs.values():
        for d in fn.decorator_list:
            parts = _decorator_parts(ctx, d)
            if parts is not None:
                yield TaskCandidate(fn.name, fn.lineno, _params(fn), *parts)
    for stmt in tree.body:  # call form: huey.task()(func), also huey.task()(wrap(func))
        node = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr, ast.AnnAssign)) else None
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Call) and node.args):
            continue
        arg = node.args[0]
        while isinstance(arg, ast.Call) and arg.args:
            arg = arg.args[0]
        if isinstance(arg, ast.Name) and arg.id in defs:
            parts = _decorator_parts(ctx, node.func)
            fn = defs[arg.id]
            if parts is not None:
                yield TaskCandidate(fn.name, fn.lineno, _params(fn), *parts)
