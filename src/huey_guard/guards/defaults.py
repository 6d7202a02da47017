"""Default return values for safe_call, derived from a task's return annotation (a table)."""

from __future__ import annotations

import ast
from typing import Any

# Outer name of the annotation -> (JSON value, factory name). A factory builds a fresh value of
# a type JSON cannot hold; a value is deep-copied per recovery so callers never share it.
_BY_NAME: dict[str, tuple[Any, str | None]] = {
    "int": (0, None),
    "float": (0.0, None),
    "complex": (0, None),
    "bool": (False, None),
    "str": ("", None),
    "bytes": (None, "bytes"),
    "list": ([], None),
    "List": ([], None),
    "Sequence": ([], None),
    "MutableSequence": ([], None),
    "Iterable": ([], None),
    "Iterator": ([], None),
    "dict": ({}, None),
    "Dict": ({}, None),
    "Mapping": ({}, None),
    "MutableMapping": ({}, None),
    "set": (None, "set"),
    "Set": (None, "set"),
    "frozenset": (None, "frozenset"),
    "FrozenSet": (None, "frozenset"),
    "tuple": (None, "tuple"),
    "Tuple": (None, "tuple"),
}

# Annotations whose honest default is None: Optional[...], X | None, None, Any, unknown classes.
_NONE = (None, None)


def default_for_annotation(annotation: str | None) -> tuple[Any, str | None]:
    """(value, factory) for a return annotation written as source text."""
    if not annotation:
        return _NONE
    try:
        node = ast.parse(annotation, mode="eval").body
    except SyntaxError:
        return _NONE
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return default_for_annotation(node.value)  # a string (forward-reference) annotation
    if _mentions_none(node):
        return _NONE
    if isinstance(node, ast.Subscript):
        node = node.value
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return _BY_NAME.get(name, _NONE)


def _mentions_none(node: ast.expr) -> bool:
    """Optional[X], Union[X, None], X | None: None is already an allowed result."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _mentions_none(node.left) or _mentions_none(node.right)
    if isinstance(node, ast.Constant) and node.value is None:
        return True
    if isinstance(node, ast.Subscript):
        outer = node.value.attr if isinstance(node.value, ast.Attribute) else ""
        outer = outer or getattr(node.value, "id", "")
        if outer == "Optional":
            return True
        if outer == "Union":
            elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return any(_mentions_none(e) for e in elts)
    return False
