"""Every function and method of a module, with its qualified name and enclosing class."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class FuncDef:
    qualname: str  # inside the module: "f", "Cls.m", "outer.inner"
    node: ast.FunctionDef | ast.AsyncFunctionDef
    class_name: str | None  # set for methods


def iter_functions(tree: ast.Module) -> Iterator[FuncDef]:
    """Every function and method of a module, nested ones included."""
    stack: list[tuple[ast.AST, str, str | None]] = [(tree, "", None)]
    while stack:
        node, prefix, _ = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                q = prefix + child.name
                cls = prefix[:-1] if isinstance(node, ast.ClassDef) else None
                yield FuncDef(q, child, cls)
                stack.append((child, q + ".", None))
            elif isinstance(child, ast.ClassDef):
                stack.append((child, prefix + child.name + ".", None))
            elif not isinstance(child, (ast.expr, ast.Lambda)):
                stack.append((child, prefix, None))
