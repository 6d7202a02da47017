"""Names in one module: imports, qualified names, lazily set globals, None-able attributes.

``ModuleScope`` is the part of the engine's per-module knowledge that does not evaluate calls:
what a name or ``self.x`` refers to and which attributes of a known class may be None. Project-
wide knowledge comes from a ``Provider``: during phase 1 the module's own lazily computed
summaries (calls into other modules become dependencies), during phase 2 the merged ProjectIndex.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Protocol

from huey_guard.analyzer import catalogue as cat
from huey_guard.analyzer.constants import ConstantValues, constant_nodes
from huey_guard.analyzer.expr_text import short_text
from huey_guard.analyzer.facts import Fact, Val
from huey_guard.analyzer.imports import (
    STAR,
    import_nodes,
    module_imports,
    qualify,
    top_level_names,
)
from huey_guard.analyzer.lazy_globals import _lazy_globals
from huey_guard.analyzer.object_facts import object_facts
from huey_guard.analyzer.options import ScanOptions
from huey_guard.analyzer.regex_tags import _literal_groups, regex_tag
from huey_guard.analyzer.statements import statement_facts
from huey_guard.analyzer.summary import ClassSummary, FuncSummary

_DUCK_CODES = frozenset({"NS101", "NS102", "NS104", "NS105"})


class Provider(Protocol):
    def function(self, q: str) -> FuncSummary | None: ...
    def returns_none(self, q: str) -> tuple[Fact | None, bool]: ...
    def task_results(self, q: str) -> bool | None: ...
    def instance_results(self, q: str) -> bool | None: ...
    def class_summary(self, q: str) -> ClassSummary | None: ...
    @property
    def external_stores(self) -> frozenset[str]: ...


class ModuleScope:
    """Name resolution and attribute knowledge for one module."""

    def __init__(
        self,
        tree: ast.Module,
        module: str,
        is_package: bool,
        options: ScanOptions,
        provider: Provider | None = None,
    ) -> None:
        self.module = module
        self.tree_body = tree.body
        self.imports = module_imports(tree, module, is_package)
        self.local = top_level_names(tree)
        self.has_star_imports = any(k.startswith(STAR) for k in self.imports)
        star_names = getattr(provider, "star_names", None)
        for key, base in list(self.imports.items()):
            if key.startswith(STAR) and star_names is not None:
                for name in star_names(base):  # phase 2: the project's modules are known
                    if name not in self.local:
                        self.imports.setdefault(name, f"{base}.{name}")
        self.options = options
        self.provider: Provider = provider  # type: ignore[assignment]  # set before analysis
        extra_funcs, extra_methods = cat.extra_rules(options.extra_none_sources)
        self.functions = {r.name: r for r in (*cat.FUNCTIONS, *extra_funcs)}
        self.methods = {r.name[1:]: r for r in (*cat.METHODS, *extra_methods)}
        self._duck: dict[str, Fact] | None = None
        self.plain_imports = {
            (a.asname or a.name).split(".")[0]
            for node in import_nodes(tree)
            if isinstance(node, ast.Import)
            for a in node.names
        }
        self.none_globals, self.global_setters = _lazy_globals(tree)
        self.statements = statement_facts(tree)
        self._constant_nodes = constant_nodes(tree, self.statements.globals)
        self._constants: ConstantValues | None = None
        self.module_tags: dict[str, str] = {}
        self.pattern_groups: dict[str, frozenset[str]] = {}  # compiled regex -> optional groups
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                q = self.qualify(node.value.func)
                if q == "re.compile":
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            self.module_tags[t.id] = regex_tag(node.value)
                            groups = _literal_groups(node.value)
                            if groups:
                                self.pattern_groups[t.id] = groups

    def module_global(self, node: ast.Attribute) -> Fact | None:
        """``module.NAME`` for another scanned module's global that is None until one of its
        functions sets it."""
        if not isinstance(node.value, ast.Name) or node.value.id not in self.imports:
            return None
        find = getattr(self.provider, "lazy_global", None)
        q = self.qualify(node)
        fact = find(q) if find is not None and q is not None else None
        if fact is None:
            return None
        why = f"{short_text(node)} is None until {node.value.id}'s set-up function runs"
        return Fact(node.lineno, node.col_offset + 1, why)

    def module_setter(self, call: ast.Call) -> frozenset[str]:
        """Globals of another module that this call (``remote.connect()``) sets."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return frozenset()
        find = getattr(self.provider, "global_setter", None)
        q = self.qualify(func)
        return find(q) if find is not None and q is not None else frozenset()

    def qualify(self, node: ast.expr) -> str | None:
        return qualify(node, self.imports, self.module, self.local)

    def call_target(self, call: ast.Call, class_name: str | None) -> str | None:
        """The project function a call runs, when it can be named (for summaries/reachability)."""
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
            and class_name
        ):
            return f"{self.module}.{class_name}.{func.attr}"
        return self.qualify(func)

    def is_noreturn(self, call: ast.Call, target: str | None) -> bool:
        if target is None:
            return False
        if target in cat.NORETURN:
            return True
        summary = self.provider.function(target)
        return summary is not None and summary.noreturn and not summary.is_method

    def seed_facts(self, tag: str, fresh: bool = False) -> dict[str, Fact]:
        """Attributes known to be None-able on a value of this kind. A just-constructed
        instance (``fresh``) carries its exact __init__ state separately (Val.attrs)."""
        if tag == "url":
            return {a: Fact(0, 0, f"its .{a} {why}") for a, why in cat.URL_NONE_ATTRIBUTES.items()}
        if tag in cat.TAG_ATTRIBUTES:
            return {a: Fact(0, 0, f"its .{a} {w}") for a, w in cat.TAG_ATTRIBUTES[tag].items()}
        if tag == "element":
            return {
                a: Fact(0, 0, f"its .{a} {why}") for a, why in cat.ELEMENT_NONE_ATTRIBUTES.items()
            }
        if tag.startswith("class:"):
            summary = self.provider.class_summary(tag[6:])
            if summary is not None:
                outside = self.provider.external_stores
                out = dict(summary.declared if fresh else object_facts(summary, outside))
                for attr, sub_tag in self.attr_tags(tag).items():  # order.warehouse.manager
                    sub = self.provider.class_summary(sub_tag[6:])
                    if sub is not None and sub_tag != tag:
                        for inner, fact in object_facts(sub, outside).items():
                            out.setdefault(f"{attr}.{inner}", fact)
                return out
        return {}

    def attr_tags(self, tag: str | None) -> dict[str, str]:
        """The project classes held by a class's attributes, as tags."""
        if tag is None or not tag.startswith("class:"):
            return {}
        summary = self.provider.class_summary(tag[6:])
        if summary is None:
            return {}
        return {
            attr: "class:" + q
            for attr, q in summary.attr_classes.items()
            if self.provider.class_summary(q) is not None
        }

    def duck_facts(self) -> dict[str, Fact]:
        """Attributes declared Optional on the project classes this module defines or imports,
        when no such class declares the same attribute as not None: an object whose class we
        cannot infer but that has such an attribute is most likely one of them."""
        if self._duck is None:
            nullable: dict[str, Fact] = {}
            solid: set[str] = set()
            names = [f"{self.module}.{n}" for n in self.local] + list(self.imports.values())
            for q in names:
                summary = self.provider.class_summary(q) if self.provider else None
                if summary is not None:
                    for attr, fact in summary.declared.items():
                        # A called attribute is a method of some other class, not this field.
                        nullable.setdefault(attr, replace(fact, only_codes=_DUCK_CODES))
                    solid |= summary.fields
            self._duck = {a: f for a, f in nullable.items() if a not in solid}
        return self._duck

    def attribute_fact(self, base: Val, node: ast.Attribute) -> Fact | None:
        if base.tag is None:
            return None
        fact = self.seed_facts(base.tag, base.fresh).get(node.attr)
        if fact is None:
            return None
        if fact.line == 0:  # position it at the access itself
            return Fact(
                node.lineno,
                node.col_offset + 1,
                f"{short_text(node)} " + fact.description.split(" ", 2)[2],
            )
        return fact

    def self_facts(self, class_q: str, method: str) -> dict[str, Fact]:
        summary = self.provider.class_summary(class_q)
        if summary is None or method == "__init__":
            return {}
        return dict(summary.self_nullable)

    def method_assigns(self, class_name: str | None, method: str) -> frozenset[str] | None:
        if class_name is None:
            return frozenset()
        summary = self.provider.class_summary(class_name) or self.provider.class_summary(
            f"{self.module}.{class_name}"
        )
        if summary is None:
            return None
        # Only what the method sets on every path: `if found: self.last = x` may leave it None.
        return summary.sure_assigns.get(method)
