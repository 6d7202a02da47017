"""Abstract values of module-level literal data: tables of dicts, lists and constructed objects.

``DOCS = {1: {"body": "x"}, 2: {"body": None}}`` or ``PLANS = {"basic": Plan("basic", 500)}``
are read by tasks through subscripts, ``.get()`` and loops; the None values (and the None-able
attributes of the objects) they hold are None sources like any other. Only names bound once at
module level, by a literal, and never rebound by a function (``global``) count: anything else
may hold something else by the time a task runs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from huey_guard.analyzer.facts import NOT_NONE, Fact, Val

_LITERALS = (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Call)
_MAX_DEPTH = 4


def constant_nodes(tree: ast.Module, rebound: frozenset[str]) -> dict[str, ast.expr]:
    """Module names bound exactly once, at top level, to a literal container or a call."""
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for stmt in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign):
            targets, value = list(stmt.targets), stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            targets, value = [stmt.target], stmt.value
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            counts[stmt.name] = counts.get(stmt.name, 0) + 2
            continue
        else:  # for/with/import/if at top level: count every name they bind
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    counts[sub.id] = counts.get(sub.id, 2)
            continue
        for t in targets:
            for sub in ast.walk(t):
                if isinstance(sub, ast.Name):
                    counts[sub.id] = counts.get(sub.id, 0) + 1
            if isinstance(t, ast.Name) and isinstance(value, _LITERALS):
                values[t.id] = value
    return {n: v for n, v in values.items() if counts.get(n) == 1 and n not in rebound}


def join_vals(vals: Iterable[Val]) -> Val:
    """What any one of several values may be (the elements of a table)."""
    items = list(vals)
    if not items:
        return NOT_NONE
    tags = {v.tag for v in items}
    tag = tags.pop() if len(tags) == 1 else None
    attrs: dict[str, Fact] = {}
    keyed: dict[object, Fact] = {}
    for v in items:
        for a, f in v.attrs:
            attrs.setdefault(a, f)
        for k, f in v.keyed:
            keyed.setdefault(k, f)
    subs = [v.sub for v in items if v.sub is not None]
    return Val(
        none=next((v.none for v in items if v.none is not None), None),
        elem=next((v.elem for v in items if v.elem is not None), None),
        tag=tag,
        attrs=tuple(attrs.items()) if tag is not None else (),
        keyed=tuple(keyed.items()),
        fresh=tag is not None and all(v.fresh for v in items),
        sub=join_vals(subs) if len(subs) == len(items) else None,
        mapping=all(v.mapping for v in items),
    )


class ConstantValues:
    """Lazily computed values of one module's constant tables."""

    def __init__(
        self,
        nodes: dict[str, ast.expr],
        construct: Callable[[ast.Call, list[Val]], Val | None],
    ) -> None:
        self.nodes = nodes
        self.construct = construct  # a project-class constructor call's value, else None
        self.values: dict[str, Val] = {}
        self._busy: set[str] = set()

    def get(self, name: str) -> Val | None:
        if name in self.values:
            return self.values[name]
        node = self.nodes.get(name)
        if node is None or name in self._busy:
            return None
        self._busy.add(name)
        try:
            val = self.value(node, name, 0)
        finally:
            self._busy.discard(name)
        self.values[name] = val
        return val

    def value(self, node: ast.expr, desc: str, depth: int) -> Val:
        if depth > _MAX_DEPTH:
            return NOT_NONE
        if isinstance(node, ast.Constant):
            if node.value is None:
                why = f"{desc} is None in the module-level data"
                return Val(none=Fact(node.lineno, node.col_offset + 1, why))
            return NOT_NONE
        if isinstance(node, ast.Name):
            return self.get(node.id) or NOT_NONE
        if isinstance(node, ast.Dict):
            return self._mapping(
                [
                    (k.value if isinstance(k, ast.Constant) else ..., v)
                    for k, v in zip(node.keys, node.values, strict=True)
                    if k is not None
                ],
                desc,
                depth,
                complete=all(isinstance(k, ast.Constant) for k in node.keys),
            )
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return NOT_NONE
            vals = [self.value(e, f"{desc}[{i}]", depth + 1) for i, e in enumerate(node.elts)]
            sub = join_vals(vals)
            items = tuple(v.none for v in vals) if isinstance(node, ast.Tuple) else None
            return Val(elem=sub.none, items=items, sub=sub)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
                pairs: list[tuple[object, ast.expr]] = [
                    (k.arg, k.value) for k in node.keywords if k.arg is not None
                ]
                return self._mapping(pairs, desc, depth, len(pairs) == len(node.keywords))
            if any(isinstance(a, ast.Starred) for a in node.args):
                return NOT_NONE
            args = [self.value(a, f"{desc} argument", depth + 1) for a in node.args]
            return self.construct(node, args) or NOT_NONE
        return NOT_NONE

    def _mapping(
        self, pairs: list[tuple[object, ast.expr]], desc: str, depth: int, complete: bool
    ) -> Val:
        entries: list[tuple[object, Val]] = []
        keyed: list[tuple[object, Fact]] = []
        for key, node in pairs:
            val = self.value(node, f"{desc}[{key!r}]", depth + 1)
            entries.append((key, val))
            if val.none is not None and key is not ...:
                keyed.append((key, val.none))
        sub = join_vals(v for _, v in entries)
        if not complete:
            return Val(sub=sub, mapping=True, tag="dict")
        return Val(
            tag="dict",
            keyed=tuple(keyed),
            sub=sub,
            mapping=True,
            entries=tuple((k, v) for k, v in entries if k is not ...),
        )
