"""Phase 1: summarise one parsed module (functions, classes, huey instances, task candidates)."""

from __future__ import annotations

import ast
from dataclasses import replace

from huey_guard.analyzer.annotations import class_name, is_optional
from huey_guard.analyzer.class_attrs import (
    _attr_classes,
    _attr_params,
    _init_stores,
    _optional_params,
    _self_stores,
    _strip_optional,
    all_params,
)
from huey_guard.analyzer.exprs import is_none_const
from huey_guard.analyzer.facts import PARAM_MARK, SELF_MARK, Fact, Val, param_marker
from huey_guard.analyzer.flow import FunctionFlow
from huey_guard.analyzer.flow_result import FlowResult
from huey_guard.analyzer.function_defs import FuncDef, iter_functions
from huey_guard.analyzer.imports import dotted_text, exported_names
from huey_guard.analyzer.options import ScanOptions
from huey_guard.analyzer.resolve import ModuleContext
from huey_guard.analyzer.summary import (
    ClassSummary,
    FuncSummary,
    ModuleSummary,
)
from huey_guard.analyzer.task_candidates import _candidates, _instances

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


def _is_static(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(dotted_text(d) == "staticmethod" for d in fn.decorator_list)


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
        test = node.test
        name: ast.expr | None = None
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            name = test.operand
        elif (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Is, ast.Eq))
            and is_none_const(test.comparators[0])
        ):
            name = test.left
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


def summarise_class(
    ctx: ModuleContext, q: str, node: ast.ClassDef, provider: LocalProvider
) -> ClassSummary:
    name = node.name
    declared: dict[str, Fact] = {}
    assigns: dict[str, frozenset[str]] = {}
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
