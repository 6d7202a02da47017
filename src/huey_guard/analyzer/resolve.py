"""What a call means in one module: catalogue sources, project functions, regexes, tags.

``ModuleContext`` answers the dataflow engine's questions about calls (is this call a None
source? does it never return? is this a task, a compiled regex, a parsed URL?) on top of
``ModuleScope``'s names and attributes.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from huey_guard.analyzer import catalogue as cat
from huey_guard.analyzer.constants import ConstantValues
from huey_guard.analyzer.expr_text import short_text
from huey_guard.analyzer.exprs import key_of
from huey_guard.analyzer.facts import NOT_NONE, Fact, State, Val
from huey_guard.analyzer.imports import (
    dotted_text,
)
from huey_guard.analyzer.module_scope import ModuleScope
from huey_guard.analyzer.object_facts import _leaves
from huey_guard.analyzer.regex_tags import _literal_groups, _match_tag, regex_tag
from huey_guard.analyzer.sql_text import (
    _one_row,
)
from huey_guard.analyzer.summary import FuncSummary

_REGEX_HINTS = ("re", "pattern", "regex", "rx", "pat")

# ORM methods whose result is an instance of the model the chain starts from.
_ORM_FETCHERS = frozenset(
    {
        "get",
        "first",
        "last",
        "get_or_none",
        "one_or_none",
        "one",
        "scalar_one_or_none",
        "earliest",
        "latest",
        "create",
        "get_or_create",
    }
)


class ModuleContext(ModuleScope):
    """Name resolution and None-source knowledge for one module."""

    def constant(self, name: str) -> Val | None:
        """The value of module-level literal data bound to ``name`` (see constants.py), here
        or imported from another scanned module."""
        if self._constants is None:
            self._constants = ConstantValues(self._constant_nodes, self._construct)
        if name in self._constant_nodes:
            return self._constants.get(name)
        imported = getattr(self.provider, "constant", None)
        if name in self.imports and imported is not None:
            found: Val | None = imported(self.imports[name])
            return found
        return None

    def may_be_constant(self, name: str) -> bool:
        """Cheap pre-check before ``constant``: bound by this module's data or an import."""
        return name in self._constant_nodes or name in self.imports

    def all_constants(self) -> dict[str, Val]:
        """This module's informative constant values, for other modules (phase-1 summary)."""
        out: dict[str, Val] = {}
        for name in self._constant_nodes:
            val = self.constant(name)
            if val is not None and val != NOT_NONE:
                out[name] = val
        return out

    def _construct(self, call: ast.Call, args: list[Val]) -> Val | None:
        q = self.qualify(call.func)
        if q is None or self.provider is None or self.provider.class_summary(q) is None:
            return None
        return self._qualified_call(q, call, args)

    def call_value(self, call: ast.Call, recv: Val | None, args: list[Val], st: State) -> Val:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "call_local":
            inner = self.qualify(func.value)  # task.call_local(...) runs the function itself
            summary = self.provider.function(inner) if inner else None
            if summary is not None and summary.undecorated_none is not None:
                why = summary.undecorated_none.description
                text = f"{short_text(call)} runs the task function directly, and {why}"
                return Val(none=Fact(call.lineno, call.col_offset + 1, text))
        if (
            isinstance(func, ast.Name)
            and func.id in ("zip", "enumerate")
            and args
            and not call.keywords
            and func.id not in st
            and func.id not in self.local
        ):
            # zip(a, b) yields (a-element, b-element); enumerate(a) yields (index, a-element).
            if func.id == "enumerate":
                elems: tuple[Fact | None, ...] = (None, args[0].elem)
            else:
                elems = tuple(a.elem for a in args)
            if any(elems):
                return Val(sub=Val(items=elems))
            return NOT_NONE
        if (
            isinstance(func, ast.Name)
            and func.id in cat.ELEMENT_KEEPERS
            and args
            and func.id not in st
            and func.id not in self.local
        ):
            it = args[0]
            return Val(elem=it.elem, elem_tag=it.elem_tag, sub=None if it.mapping else it.sub)
        q = self.qualify(func)
        if q is not None:
            val = self._qualified_call(q, call, args)
            if val is not None:
                return val
        if isinstance(func, ast.Attribute):
            table = self._table_call(func, call, recv or NOT_NONE, args, st)
            if table is not None:
                return table
            return self._method_call(func, call, recv or NOT_NONE, q, args)
        return NOT_NONE

    def _table_call(
        self, func: ast.Attribute, call: ast.Call, recv: Val, args: list[Val], st: State
    ) -> Val | None:
        """``.get()`` / ``.values()`` on module-level data or on a dict whose constant keys
        are known (``doc.get("tags", [])`` is None when the key holds None)."""
        name = func.attr
        first = call.args[0] if call.args else None
        key = first.value if isinstance(first, ast.Constant) else ...
        if name == "values" and not call.args and recv.mapping and recv.sub is not None:
            return Val(elem=recv.sub.none, sub=recv.sub)
        if name != "get" or not 1 <= len(call.args) <= 2 or call.keywords:
            return None
        recv_key = key_of(func.value)
        if key is not ... and recv_key is not None and f"{recv_key}[{key!r}]" in st:
            return Val(none=st[f"{recv_key}[{key!r}]"])
        if key is not ... and recv.keyed and key in dict(recv.keyed):
            return Val(none=dict(recv.keyed)[key])
        if not recv.mapping or recv.sub is None:
            return None
        entries = dict(recv.entries)
        if key is not ... and key in entries:
            return entries[key]
        rule = self.methods.get("get")
        if len(call.args) == 2:
            none = recv.sub.none or args[1].none
        elif rule is not None:
            none = self._fact(call, rule.why, rule.only_codes)
        else:
            none = None
        return replace(recv.sub, none=none)

    def awaited(self, call: ast.Call, inner: Val) -> Val:
        """``await f()``: the coroutine's result, None when the async function can return None."""
        q = self.qualify(call.func)
        summary = self.provider.function(q) if q else None
        if summary is not None and summary.is_async and q is not None:
            return Val(none=self._summary_fact(q, call))
        return inner

    def _qualified_call(self, q: str, call: ast.Call, args: list[Val]) -> Val | None:
        rule = self.functions.get(q)
        if rule is not None:
            if not cat.rule_applies(rule, call):
                return NOT_NONE
            if q in ("re.match", "re.search") and regex_tag(call) == "regex-empty":
                return NOT_NONE
            fact = self._fact(call, rule.why, rule.only_codes)
            if rule.item is not None:
                return Val(items=(fact,) * rule.item)
            if q in ("re.match", "re.search", "re.fullmatch"):
                return Val(none=fact, tag=_match_tag(_literal_groups(call)))
            return Val(none=fact, tag=rule.tag)
        if q == "re.compile":
            return Val(tag=regex_tag(call))
        if q == "asyncio.run" and call.args and isinstance(call.args[0], ast.Call):
            return self.awaited(call.args[0], NOT_NONE)  # runs the coroutine to its result
        if q.endswith(cat.ELEMENT_CONSTRUCTORS):
            return Val(tag="element")
        if q in cat.EMAIL_CONSTRUCTORS:
            return Val(tag="email")
        if q in cat.DATETIME_CONSTRUCTORS:
            return Val(tag="datetime")
        if q in cat.URL_CONSTRUCTORS:
            return Val(tag="url")
        if q == "csv.DictReader":
            if any(k.arg == "restval" for k in call.keywords) or len(call.args) > 3:
                return Val(tag="csv-reader")
            return Val(tag="csv-reader", elem_tag="csv-row")
        head, _, attr = q.rpartition(".")
        if head and self.provider.instance_results(head) is not None:
            why = cat.HUEY_INSTANCE_METHODS.get(attr)
            if why and call.args:
                return Val(none=self._fact(call, why))
            return NOT_NONE
        results = self.provider.task_results(q)
        if results is not None:
            if not results:
                return Val(none=self._fact(call, cat.HUEY_NO_RESULTS_WHY, plain=True))
            return Val(tag="result")
        summary = self.provider.function(q)
        if summary is not None:
            if summary.is_async:
                return NOT_NONE
            return self._from_summary(q, summary, call, args, 0)
        cls = self.provider.class_summary(q)
        if cls is not None:
            passed = set(cls.init_params[: len(call.args)]) | {k.arg for k in call.keywords}
            attrs = tuple(
                (a, Fact(call.lineno, call.col_offset + 1, _leaves(call, a, f)))
                for a, f in cls.fresh.items()
                if cls.fresh_from_param.get(a) not in passed
            )
            for attr, index in cls.attr_params.items():  # Sub(user, PLANS.get(name)).plan
                arg = args[index] if index < len(args) else None
                if arg is not None and arg.none is not None and arg.none.real:
                    fact = arg.none.step(call.lineno, call.col_offset + 1, f"stored as .{attr}")
                    attrs = (*attrs, (attr, fact))
            return Val(tag="class:" + q, attrs=attrs, fresh=True)
        return None

    def _from_summary(
        self, q: str, summary: FuncSummary, call: ast.Call, args: list[Val], offset: int
    ) -> Val:
        """A project function's result: None-able by its summary, or by what it passes on."""
        fact = self._summary_fact(q, call)
        if fact is None:
            for index in summary.passthrough:
                i = index - offset
                arg = args[i] if 0 <= i < len(args) else None
                if arg is not None and arg.none is not None and arg.none.real:
                    name = q.rpartition(".")[2]
                    fact = arg.none.step(
                        call.lineno,
                        call.col_offset + 1,
                        f"passed through {name}(), which returns it unchanged",
                    )
                    break
        items = None
        if summary.items is not None:
            items = tuple(
                None
                if f is None
                else Fact(call.lineno, call.col_offset + 1, f"{short_text(call)} {f.description}")
                for f in summary.items
            )
        keyed = tuple(
            (k, Fact(call.lineno, call.col_offset + 1, f"{short_text(call)} {f.description}"))
            for k, f in summary.keyed
        )
        tag = f"class:{summary.returns_class}" if summary.returns_class else summary.returns_tag
        elem = sub = None
        if summary.elem is not None or summary.elem_items is not None:
            text = f"{short_text(call)} can produce None"
            elem = _at(call, summary.elem, text)
            if summary.elem_items is not None:
                sub = Val(items=tuple(_at(call, f, text) for f in summary.elem_items))
        return Val(
            none=fact,
            items=items,
            keyed=keyed,
            tag=tag,
            elem=elem,
            elem_tag=summary.elem_tag,
            sub=sub,
        )

    def _summary_fact(self, q: str, call: ast.Call) -> Fact | None:
        fact, is_dep = self.provider.returns_none(q)
        if fact is None:
            return None
        text = short_text(call)
        if is_dep:
            return Fact(call.lineno, call.col_offset + 1, text, dep=q)
        why = fact.description.rpartition(", because ")[2]
        return Fact(call.lineno, call.col_offset + 1, f"{text} can return None, because {why}")

    def _method_call(
        self, func: ast.Attribute, call: ast.Call, recv: Val, q: str | None, args: list[Val]
    ) -> Val:
        name = func.attr
        if name == "run_until_complete" and call.args and isinstance(call.args[0], ast.Call):
            return self.awaited(call.args[0], NOT_NONE)
        if recv.tag == "email":
            if name == "walk":
                return Val(elem_tag="email")
            limit = 1 if name == "get_param" else 0
            if name in cat.EMAIL_NONE_METHODS and len(call.args) <= limit and not call.keywords:
                return Val(none=self._fact(call, cat.EMAIL_NONE_METHODS[name]))
        if recv.tag == "result" and name == "get":
            blocking = next((k.value for k in call.keywords if k.arg == "blocking"), None)
            if not call.args and (blocking is None or _is_false(blocking)):
                return Val(none=self._fact(call, cat.HUEY_RESULT_WHY, plain=True))
            return NOT_NONE
        groups = (
            self.pattern_groups.get(func.value.id, frozenset())
            if isinstance(func.value, ast.Name)
            else frozenset()
        )
        if name in cat.REGEX_METHODS and self._looks_like_regex(func.value, recv):
            if recv.tag == "regex-empty" and name != "fullmatch":
                return Val(tag=_match_tag(groups))  # r"\s*" matches the empty string
            return Val(none=self._fact(call, cat.REGEX_WHY), tag=_match_tag(groups))
        if name == "finditer" and groups:
            return Val(elem_tag=_match_tag(groups))
        if recv.tag is not None and recv.tag.startswith("match:"):
            return self._match_method(call, name, recv.tag)
        if recv.tag == "csv-row" and name == "get" and 1 <= len(call.args) <= 2:
            return Val(none=self._fact(call, cat.CSV_ROW_WHY))
        if recv.tag and recv.tag.startswith("class:"):
            mq = f"{recv.tag[6:]}.{name}"
            summary = self.provider.function(mq)
            if summary is not None:
                if summary.returns_self:  # fluent: Client(...).connect() is the client
                    cls = self.provider.class_summary(recv.tag[6:])
                    assigned = cls.assigns.get(name, frozenset()) if cls else frozenset()
                    attrs = tuple((a, f) for a, f in recv.attrs if a not in assigned)
                    return Val(tag=recv.tag, attrs=attrs, fresh=True)
                return self._from_summary(mq, summary, call, args, 1)
        one_row = _one_row(func.value, recv) if name == "fetchone" else None
        if one_row == "null":
            why = "is NULL (None) when the aggregate has no input rows"
            return Val(elem=self._fact(call, why))
        if one_row == "one":
            return NOT_NONE
        rule = self.methods.get(name)
        if name == "update" and _is_dict_expr(func.value):
            return Val(none=self._fact(call, "returns None (it changes the dict in place)"))
        if isinstance(func.value, ast.Name) and func.value.id in self.plain_imports:
            rule = None  # `module.func()` is a module function, not a method of a value
        fact = None
        if (
            rule is not None
            and cat.rule_applies(rule, call)
            and (name != "get" or recv.tag == "dict" or not self._not_a_mapping(func.value))
        ):
            fact = self._fact(call, rule.why, rule.only_codes)
        if name == "get" and len(args) == 2 and fact is None and (args[1].elem or args[1].items):
            return Val(elem=args[1].elem, items=args[1].items)  # .get(k, [None])[0]
        if recv.tag == "element" or name == "getroot":
            if name in cat.ELEMENT_CHILDREN:
                return Val(elem_tag="element")
            if name in ("find", "getroot"):
                if fact is None and name == "find" and len(call.args) == 1 and rule is not None:
                    fact = self._fact(call, rule.why)  # Element.find(f"...{x}"): any path
                return Val(none=fact, tag="element")
        return Val(none=fact, tag=self._orm_model(func, name))

    def _match_method(self, call: ast.Call, name: str, tag: str) -> Val:
        """``m.group("unit")`` / ``m.groupdict()`` for a pattern with optional groups."""
        groups = frozenset(tag[6:].split(","))
        if name == "group" and len(call.args) == 1 and not call.keywords:
            arg = call.args[0]
            if isinstance(arg, ast.Constant) and str(arg.value) in groups:
                return Val(none=self._fact(call, cat.OPTIONAL_GROUP_WHY))
        if name == "groupdict" and not call.args:
            why = f"{short_text(call)} holds None for an optional group that did not match"
            fact = Fact(call.lineno, call.col_offset + 1, why)
            return Val(keyed=tuple((g, fact) for g in sorted(groups) if not g.isdigit()))
        return NOT_NONE

    def _looks_like_regex(self, receiver: ast.expr, recv: Val) -> bool:
        if recv.tag in ("regex", "regex-empty"):
            return True
        text = (dotted_text(receiver) or "").rpartition(".")[2].lower()
        return any(
            text == h or text.endswith("_" + h) or text.startswith(h + "_") for h in _REGEX_HINTS
        ) or text.endswith(("regex", "pattern"))

    def _not_a_mapping(self, receiver: ast.expr) -> bool:
        """``requests.get(url)``, ``Model.get(...)`` (peewee raises): `.get` is not dict.get."""
        last = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
        if last[:1].isupper() and any(c.islower() for c in last):
            return True  # a class (CamelCase), not a CONSTANT mapping
        text = ast.unparse(receiver).lower()
        return any(h in text for h in cat.HTTP_RECEIVER_HINTS)

    def _orm_model(self, func: ast.Attribute, name: str) -> str | None:
        if name not in _ORM_FETCHERS:
            return None
        node: ast.expr = func.value
        while isinstance(node, (ast.Attribute, ast.Call)):
            node = node.func if isinstance(node, ast.Call) else node.value
        if isinstance(node, ast.Name):
            q = self.qualify(node)
            if q is not None and self.provider.class_summary(q) is not None:
                return "class:" + q
        return None

    def _fact(
        self, call: ast.Call, why: str, only: frozenset[str] | None = None, plain: bool = False
    ) -> Fact:
        text = why if plain else f"{short_text(call)} {why}"
        return Fact(call.lineno, call.col_offset + 1, text, only_codes=only)


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _is_dict_expr(node: ast.expr) -> bool:
    """``dict(...)``, ``{...}``: receivers whose ``.update()`` is certainly dict.update."""
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict"


def _at(call: ast.Call, fact: Fact | None, text: str) -> Fact | None:
    """A callee's element fact, placed at the call and explained from the caller's side."""
    if fact is None:
        return None
    why = fact.description.rpartition(", since ")[2]
    return Fact(call.lineno, call.col_offset + 1, f"{text}, since {why}")
