"""Which task parameters a function's own decorators already guard against None (pure ``ast``).

The analyzer asks this so that, after ``huey-nullscan --fix`` wrote
``@not_none_validator("order_id")`` (or a task declares ``validate_args=not_none_validator``),
a re-scan no longer suggests guarding those parameters (NS201).
"""

from __future__ import annotations

import ast

VALIDATOR = "not_none_validator"
ALL = frozenset({"*"})  # the bare validator: every parameter without a None default


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _from_expr(node: ast.expr) -> frozenset[str]:
    """Guarded names in a validator expression: bare, configured, or a list of validators."""
    if isinstance(node, (ast.List, ast.Tuple)):
        found: frozenset[str] = frozenset()
        for element in node.elts:
            found |= _from_expr(element)
        return found
    if _name(node) == VALIDATOR:
        return ALL
    if isinstance(node, ast.Call) and _name(node.func) == VALIDATOR:
        names = [a.value for a in node.args if isinstance(a, ast.Constant)]
        return frozenset(n for n in names if isinstance(n, str))
    return frozenset()


def guarded_parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Names guarded by the decorators of ``node``; contains "*" when all of them are."""
    found: frozenset[str] = frozenset()
    for decorator in node.decorator_list:
        found |= _from_expr(decorator)
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "validate_args":
                    found |= _from_expr(keyword.value)
    return found


def is_guarded(node: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str) -> bool:
    guarded = guarded_parameters(node)
    return parameter in guarded or "*" in guarded
