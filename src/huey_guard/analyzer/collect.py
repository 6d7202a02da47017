"""Phase 1: summarise one parsed module (functions, classes, huey instances, task candidates)."""

from __future__ import annotations

import ast
from dataclasses import replace

from huey_guard.analyzer.annotations import is_optional
from huey_guard.analyzer.class_attrs import (
    _attr_classes,
    _attr_params,
    _init_stores,
    _optional_params,
    _self_stores,
    all_params,
    sure_stores,
)
from huey_guard.analyzer.exprs import is_none_const
from huey_guard.analyzer.facts import SELF_MARK, Fact, param_marker
from huey_guard.analyzer.flow import FunctionFlow
from huey_guard.analyzer.function_defs import FuncDef, iter_functions
from huey_guard.analyzer.function_traits import (
    _has_yield,
    _is_static,
    _is_stub,
    _transparent,
    return_reason,
)
from huey_guard.analyzer.imports import dotted_text, exported_names
from huey_guard.analyzer.options import ScanOptions
from huey_guard.analyzer.resolve import ModuleContext
from huey_guard.analyzer.return_shapes import (
    _constructed_class,
    _declared_items,
    _elements,
    _enters,
    _items,
    _keyed,
    _passthrough,
    _returns_class,
    _returns_tag,
)
from huey_guard.analyzer.summary import (
    ClassSummary,
    FuncSummary,
    ModuleSummary,
)
from huey_guard.analyzer.task_candidates import _candidates, _instances


class LocalProvider:
    """Phase-1 knowledge: this module's own summaries, computed lazily; the rest are deps."""

    def __init__(self, ctx: ModuleContext, funcs: list[FuncDef], classes: dict[str, ast.ClassDef]):
        self.ctx = ctx
        self.funcs = {f"{ctx.module}.{f.qualname}": f for f in funcs}
        self.classes = classes
        self.summaries: dict[str, FuncSummary] = {}
        self.class_summaries: dict[str, ClassSummary] = {}
        self._busy: set[str] = set()
        self.external_stores = ctx.statements.external_stores

    def function(self, q: str) -> FuncSummary | None:
        if q in self.summaries:
            return self.summaries[q]
        fd = self.funcs.get(q)
        if fd is None or q in self._busy:
            return None
        self._busy.add(q)
        try:
            summary = summarise_function(self.ctx, q, fd)
        finally:
            self._busy.discard(q)
        self.summaries[q] = summary
        return summary

    def returns_none(self, q: str) -> tuple[Fact | None, bool]:
        summary = self.function(q)
        if summary is None:
            if q.startswith(self.ctx.module + ".") or "." not in q:
                return None, False
            return Fact(0, 0, q, dep=q), True  # another module: resolved in phase 2
        if summary.none is not None:
            return summary.none, False
        if summary.deps:
            return Fact(0, 0, q, dep=q), True
        return None, False

    def task_results(self, q: str) -> bool | None:
        return None

    def instance_results(self, q: str) -> bool | None:
        """Phase 1 cannot see other modules' Huey instances: an imported ``huey`` (or
        ``*_huey``) counts by name, as the project index's documented fallback does."""
        last = q.rpartition(".")[2].lower()
        if q.startswith("huey.") or q == "huey" or not (last == "huey" or last.endswith("_huey")):
            return None
        return True

    def class_summary(self, q: str) -> ClassSummary | None:
        if q in self.class_summaries:
            return self.class_summaries[q]
        node = self.classes.get(q)
        if node is None or q in self._busy:
            return None
        self._busy.add(q)
        try:
            summary = summarise_class(self.ctx, q, node, self)
        finally:
            self._busy.discard(q)
        self.class_summaries[q] = summary
        return summary


def summarise_function(ctx: ModuleContext, q: str, fd: FuncDef) -> FuncSummary:
    fn = fd.node
    flow = FunctionFlow(ctx, fn, fd.class_name, report=False)
    params = all_params(fn)
    entry: dict[str, Fact] = dict(ctx.none_globals)
    skip_self = fd.class_name is not None and not _is_static(fn)
    for i, arg in enumerate(params):
        if not (i == 0 and skip_self):
            entry[arg.arg] = param_marker(i, arg.arg, arg.lineno, arg.col_offset + 1)
    if skip_self:
        flow.tags["self"] = f"class:{ctx.module}.{fd.class_name}"
        if fn.name != "__init__":
            entry.update(lazy_markers(ctx, f"{ctx.module}.{fd.class_name}"))
    result = flow.run(entry)
    calls = tuple(sorted(result.calls))
    base = FuncSummary(
        qualname=q,
        line=fn.lineno,
        is_async=isinstance(fn, ast.AsyncFunctionDef),
        is_method=fd.class_name is not None,
        calls=calls,
        decorates=tuple(sorted(result.decorates)),
        params=tuple(a.arg for a in params),
        param_derefs=tuple(result.param_derefs[i] for i in sorted(result.param_derefs)),
        self_derefs=tuple(sorted(result.self_derefs.items())),
    )
    # A generator: the walk reached a yield; an unreachable one (`if False: yield`) is only
    # looked for when the function would otherwise be said to return None.
    none, deps = (None, ()) if result.yielded else return_reason(fn, result)
    generator = result.yielded or (none is not None and _has_yield(fn))
    if not _transparent(fn):  # a decorated function: calling it gives something else...
        if generator:
            return replace(base, enters=_enters(fn, result))
        return replace(base, undecorated_none=none)  # ...but task.call_local(...) runs it
    if generator:  # what it yields is what iterating the call gives
        return replace(base, **_elements(result.yields))
    noreturn = not result.falls_off and not result.returns and not _is_stub(fn)
    returns_self = bool(result.returns) and all(
        isinstance(r.value, ast.Name) and r.value.id == "self" for r, _ in result.returns
    )
    return replace(
        base,
        none=none,
        deps=deps,
        noreturn=noreturn,
        returns_self=returns_self,
        returns_class=_returns_class(ctx, fd) or _constructed_class(result),
        returns_tag=_returns_tag(result),
        keyed=_keyed(result),
        passthrough=_passthrough(result, fn),
        items=_declared_items(fn, _items(result)),
        **_elements(result.returns),
    )


def lazy_markers(ctx: ModuleContext, class_q: str) -> dict[str, Fact]:
    """Entry facts for "self.x, unless the caller has set it up" (see ClassSummary.lazy)."""
    summary = ctx.provider.class_summary(class_q)
    if summary is None:
        return {}
    outside = ctx.provider.external_stores  # project-wide in phase 2
    lazy = summary.lazy | {
        a
        for a in summary.fresh
        if a in outside and a not in summary.fresh_from_param and a not in summary.declared
    }
    out: dict[str, Fact] = {}
    for attr in lazy:
        fact = summary.self_nullable.get(attr)
        if fact is not None:
            out[f"self.{attr}"] = Fact(
                fact.line, fact.column, fact.description, dep=SELF_MARK + attr
            )
    return out


def summarise_class(
    ctx: ModuleContext, q: str, node: ast.ClassDef, provider: LocalProvider
) -> ClassSummary:
    name = node.name
    declared: dict[str, Fact] = {}
    assigns: dict[str, frozenset[str]] = {}
    sure: dict[str, frozenset[str]] = {}
    init: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    fields: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            attr = stmt.target.id
            fields.add(attr)
            if is_optional(stmt.annotation) or (
                stmt.value is not None and is_none_const(stmt.value)
            ):
                declared[attr] = Fact(
                    stmt.lineno,
                    stmt.col_offset + 1,
                    f"{name}.{attr} is declared Optional (line {stmt.lineno})",
                )
        elif isinstance(stmt, ast.Assign) and is_none_const(stmt.value):
            for t in stmt.targets:  # class-level `sink = None`: None until someone sets it
                if isinstance(t, ast.Name):
                    declared[t.id] = Fact(
                        stmt.lineno,
                        stmt.col_offset + 1,
                        f"{name}.{t.id} is None at class level (line {stmt.lineno})",
                    )
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            for kw in stmt.value.keywords:
                if kw.arg in ("null", "nullable") and getattr(kw.value, "value", None) is True:
                    for t in stmt.targets:
                        if isinstance(t, ast.Name):
                            declared[t.id] = Fact(
                                stmt.lineno,
                                stmt.col_offset + 1,
                                f"{name}.{t.id} is declared {kw.arg}=True (line {stmt.lineno})",
                            )
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assigns[stmt.name] = frozenset(_self_stores(stmt))
            sure[stmt.name] = sure_stores(stmt)
            if stmt.name == "__init__":
                init = stmt
            elif any(dotted_text(d) == "property" for d in stmt.decorator_list):
                summary = provider.function(f"{q}.{stmt.name}")
                if summary is not None and summary.none is not None:
                    declared[stmt.name] = Fact(
                        stmt.lineno,
                        stmt.col_offset + 1,
                        f"the property {name}.{stmt.name} can return None: "
                        f"{summary.none.description}",
                    )
    # Class-level `x = None` that __init__ (or a method it calls, e.g. register_scripts()
    # setting `cls.x`) replaces is not None on any constructed instance.
    for attr in _init_stores(node):
        if attr in declared and "at class level" in declared[attr].description:
            del declared[attr]
    self_nullable = dict(declared)
    fresh: dict[str, Fact] = {}
    from_param: dict[str, str] = {}
    init_params: tuple[str, ...] = ()
    if init is not None:
        init_params = tuple(a.arg for a in all_params(init)[1:])
        entry = _optional_params(init, name)
        by_pos = {(f.line, f.column): p for p, f in entry.items()}
        flow = FunctionFlow(ctx, init, name, report=False)
        flow.run(dict(entry))
        for key, fact in (flow.exit_state or {}).items():
            parts = key.split(".")
            if len(parts) != 2 or parts[0] != "self" or "[" in key or not fact.real:
                continue
            desc = fact.description
            if desc == "it is set to None":
                desc = f"self.{parts[1]} is set to None in {name}.__init__"
            fresh[parts[1]] = self_nullable[parts[1]] = Fact(fact.line, fact.column, desc)
            if (fact.line, fact.column) in by_pos:
                from_param[parts[1]] = by_pos[(fact.line, fact.column)]
    bases = tuple(t for t in (ctx.qualify(b) or dotted_text(b) for b in node.bases) if t)
    fields -= set(declared)
    fields |= assigns.get("__init__", frozenset()) - set(fresh)
    later = set().union(*(a for m, a in assigns.items() if m != "__init__"))
    outside: frozenset[str] = provider.external_stores
    lazy = frozenset(
        a
        for a in fresh
        if a not in from_param and a not in declared and (a in later or a in outside)
    )
    return ClassSummary(
        q,
        bases,
        self_nullable,
        declared,
        assigns,
        init_params,
        fresh,
        from_param,
        frozenset(fields),
        _attr_params(init) if init is not None else {},
        _attr_classes(ctx, node, init),
        lazy,
        sure,
    )


def collect_module(
    tree: ast.Module, module: str, path: str, is_package: bool, options: ScanOptions, lines: int
) -> ModuleSummary:
    """Everything phase 2 needs to know about this module."""
    ctx = ModuleContext(tree, module, is_package, options)
    funcs = list(iter_functions(tree))
    classes = {f"{module}.{c.name}": c for c in tree.body if isinstance(c, ast.ClassDef)}
    provider = LocalProvider(ctx, funcs, classes)
    ctx.provider = provider
    for fd in funcs:
        provider.function(f"{module}.{fd.qualname}")
    for cq in classes:
        provider.class_summary(cq)
    return ModuleSummary(
        module=module,
        path=path,
        is_package=is_package,
        imports=ctx.imports,
        functions=provider.summaries,
        classes=provider.class_summaries,
        instances=_instances(ctx, tree),
        candidates=tuple(_candidates(ctx, tree)),
        factories=_factories(ctx, funcs, provider),
        external_stores=provider.external_stores,
        exports=exported_names(tree),
        constants=ctx.all_constants(),
        lazy_globals=ctx.none_globals,
        global_setters=ctx.global_setters,
        lines=lines,
    )


def _factories(
    ctx: ModuleContext, funcs: list[FuncDef], provider: LocalProvider
) -> dict[str, tuple[str, ...]]:
    """Functions that apply a huey task decorator inside: calling them makes a task."""
    out: dict[str, tuple[str, ...]] = {}
    # Nested helpers count for their top-level function: def task(**kw): def deco(fn): ...
    by_top: dict[str, set[str]] = {}
    for fd in funcs:
        summary = provider.summaries.get(f"{ctx.module}.{fd.qualname}")
        if summary is not None and summary.decorates:
            by_top.setdefault(fd.qualname.split(".")[0], set()).update(summary.decorates)
    for fd in funcs:
        if fd.class_name is not None or "." in fd.qualname:
            continue
        receivers = by_top.get(fd.qualname, set())
        if receivers:
            out[f"{ctx.module}.{fd.qualname}"] = tuple(sorted(r for r in receivers if r))
    return out
