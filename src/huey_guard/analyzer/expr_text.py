"""Short readable source text of an expression, for finding messages and traces."""

from __future__ import annotations

import ast


def short_text(node: ast.expr, limit: int = 40) -> str:
    """Readable source text: long call arguments collapse to ``(...)``."""
    if isinstance(node, ast.Call):
        args = ", ".join(ast.unparse(a) for a in [*node.args, *node.keywords])
        inner = args if len(args) <= 24 else "..."
        return f"{short_text(node.func, limit)}({inner})"
    if isinstance(node, ast.Attribute):
        return f"{short_text(node.value, limit)}.{node.attr}"
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."
