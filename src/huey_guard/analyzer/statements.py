"""One cheap pass over a module's statements (never its expressions): names that functions
declare ``global`` and attributes assigned on objects other than ``self``/``cls``."""

from __future__ import annotations

import ast
from dataclasses import dataclass

_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


@dataclass(frozen=True)
class StatementFacts:
    globals: frozenset[str]  # names some function rebinds through `global`
    external_stores: frozenset[str]  # `obj.attr = ...` with obj not self/cls


def statement_facts(tree: ast.Module) -> StatementFacts:
    globals_: set[str] = set()
    stores: set[str] = set()
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Global):
            globals_.update(node.names)
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
            targets = [node.target]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
        for target in targets:
            for sub in ast.walk(target):  # targets are small: (a, obj.x), obj.y[0] ...
                if (
                    isinstance(sub, ast.Attribute)
                    and isinstance(sub.ctx, ast.Store)
                    and not (isinstance(sub.value, ast.Name) and sub.value.id in ("self", "cls"))
                ):
                    stores.add(sub.attr)
        for name in _BLOCKS:
            block = getattr(node, name, None)
            if isinstance(block, list):
                stack.extend(block)
    return StatementFacts(frozenset(globals_), frozenset(stores))
