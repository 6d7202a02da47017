"""Import and name resolution for one module: which dotted name a local name stands for."""

from __future__ import annotations

import ast

_BUILTINS = frozenset(
    {
        "getattr",
        "next",
        "max",
        "min",
        "len",
        "isinstance",
        "callable",
        "hasattr",
        "iter",
        "sorted",
        "list",
        "dict",
        "set",
        "tuple",
        "int",
        "float",
        "str",
        "bool",
        "open",
        "exit",
        "quit",
        "print",
        "type",
        "super",
        "sum",
        "any",
        "all",
        "enumerate",
        "zip",
    }
)


_STMT_FIELDS = ("body", "orelse", "handlers", "finalbody", "cases")


def import_nodes(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, found by walking statements only (much cheaper than ast.walk);
    remembered on the tree so the two phases share the walk."""
    cached = getattr(tree, "_hg_imports", None)
    if cached is not None:
        return cached
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
            continue
        for name in _STMT_FIELDS:
            children = getattr(node, name, None)
            if children:
                stack.extend(children)
    tree._hg_imports = found  # type: ignore[attr-defined]
    return found


def module_imports(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    """Local name -> qualified name for every import in the module (anywhere in it)."""
    out: dict[str, str] = {}
    package = module if is_package else module.rpartition(".")[0]
    for node in import_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    out[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    out[head] = head
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                up = node.level - 1
                parts = parts[: len(parts) - up] if up else parts
                base = ".".join([*parts, *([base] if base else [])])
            for alias in node.names:
                if alias.name != "*":
                    out[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
                elif base:
                    out[STAR + base] = base  # `from .parse import *`: names resolved per project
    return out


STAR = "*"  # prefix of the imports-table keys that record star imports (never an identifier)


def exported_names(tree: ast.Module) -> tuple[str, ...]:
    """What ``from module import *`` binds: ``__all__`` when it is a literal, else the public
    top-level names."""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, (ast.List, ast.Tuple))
        ):
            return tuple(
                e.value
                for e in node.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )
    names = top_level_names(tree) | {
        (a.asname or a.name).split(".")[0]
        for n in import_nodes(tree)
        for a in n.names
        if a.name != "*"
    }
    return tuple(sorted(n for n in names if not n.startswith("_")))


def top_level_names(tree: ast.Module) -> set[str]:
    """Functions and classes defined at module level (and simple module-level assignments)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def qualify(node: ast.expr, imports: dict[str, str], module: str, local: set[str]) -> str | None:
    """The dotted name an expression refers to (``ET.parse`` -> ``xml.etree.ElementTree.parse``)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head = node.id
    if head in imports:
        base = imports[head]
    elif head in local:
        base = f"{module}.{head}"
    elif head in _BUILTINS or head in ("os", "re", "sys"):
        base = head
    else:
        return None
    return ".".join([base, *reversed(parts)])


def dotted_text(node: ast.expr) -> str | None:
    """``a.b.c`` as written, or None when the expression is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])
