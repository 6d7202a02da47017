"""Reading type annotations the cheap way: is this annotation Optional, which class is it."""

from __future__ import annotations

import ast

# Wrappers whose first argument is the real type: `Mapped[Optional[int]]`, `Final[X | None]`.
_WRAPPERS = frozenset({"Mapped", "Annotated", "Final", "ClassVar", "InitVar", "Required"})


def is_optional(node: ast.expr | None) -> bool:
    """``Optional[X]``, ``X | None``, ``Union[X, None]``, also inside quotes and ``Mapped[...]``.
    Only the annotation's own top level counts: ``tuple[str, int | None]`` is a tuple."""
    if node is None:
        return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return False
    if _is_none(node):
        return True
    if isinstance(node, ast.Subscript):
        name = (
            node.value.attr
            if isinstance(node.value, ast.Attribute)
            else getattr(node.value, "id", "")
        )
        if name == "Optional":
            return True
        if name == "Union":
            return any(_is_none(e) or is_optional(e) for e in _elts(node.slice))
        if name in _WRAPPERS:
            return is_optional(_elts(node.slice)[0])
        return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return is_optional(node.left) or is_optional(node.right)
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
