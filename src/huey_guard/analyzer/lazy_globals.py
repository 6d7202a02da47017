"""Module globals that are None until a set-up function assigns them (lazy initialisation)."""

from __future__ import annotations

import ast

from huey_guard.analyzer.facts import Fact


def _lazy_globals(tree: ast.Module) -> tuple[dict[str, Fact], dict[str, frozenset[str]]]:
    """Module globals bound to None at module level and set only by functions (``global x``):
    None until an init function runs. Returns their facts and which function sets which."""
    none_at_top: dict[str, ast.stmt] = {}
    set_at_top: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    if (
                        stmt.value is not None
                        and isinstance(stmt.value, ast.Constant)
                        and stmt.value.value is None
                    ):
                        none_at_top.setdefault(t.id, stmt)
                    else:
                        set_at_top.add(t.id)
    setters: dict[str, frozenset[str]] = {}
    for fn in tree.body:
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = {n for s in fn.body if isinstance(s, ast.Global) for n in s.names}
            if names:
                setters[fn.name] = frozenset(names)
    facts = {
        name: Fact(
            stmt.lineno,
            stmt.col_offset + 1,
            f"the module global `{name}` is None until a function sets it",
        )
        for name, stmt in none_at_top.items()
        if name not in set_at_top and any(name in n for n in setters.values())
    }
    return facts, setters
