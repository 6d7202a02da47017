"""Reading type annotations the cheap way: is this annotation Optional, which class is it."""

from __future__ import annotations

import ast


def is_optional(node: ast.expr | None) -> bool:
    """``Optional[X]``, ``X | None``, ``Union[X, None]``, also inside quotes and ``Mapped[...]``."""
    if node is None:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript):
            name = (
                sub.value.attr
                if isinstance(sub.value, ast.Attribute)
                else getattr(sub.value, "id", "")
            )
            if name == "Optional":
                return True
            if name == "Union" and any(_is_none(e) for e in _elts(sub.slice)):
                return True
        if (
            isinstance(sub, ast.BinOp)
            and isinstance(sub.op, ast.BitOr)
            and (_is_none(sub.left) or _is_none(sub.right))
        ):
            return True
    return False


def class_name(node: ast.expr | None) -> ast.expr | None:
    """The class an annotation names directly (``Order``, ``models.Order``), if any."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, (ast.Name, ast.Attribute)):
        return node
    return None


def _elts(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


def _is_none(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, ast.Name) and node.id == "None"
    )
