"""Expression evaluation for the dataflow engine: values and dereferences.

``ev`` evaluates an expression in a state (mutating it: a dereference proves the value was not
None afterwards, a walrus binds), reporting every dereference of a value that may be None.
Conditions and the expressions that depend on them are narrowing.py's ``NarrowingEvaluator``.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING

from huey_guard.analyzer.catalogue import ARGUMENT_DEREFS, DOC_WHY
from huey_guard.analyzer.facts import NOT_NONE, Fact, State, Val, join, join_all

if TYPE_CHECKING:
    from huey_guard.analyzer.resolve import ModuleContext

_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
# Predicates whose true edge proves their first argument is not None.


def key_of(node: ast.expr) -> str | None:
    """The access path an expression names (``self.conn``, ``d['k']``), or None if it has none."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = key_of(node.value)
        return None if base is None else f"{base}.{node.attr}"
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        base = key_of(node.value)
        return None if base is None else f"{base}[{node.slice.value!r}]"
    return None


def element_of(it: Val) -> Val:
    """What iterating a value yields (a table's rows keep their known None-able parts)."""
    if it.sub is not None and not it.mapping:
        return replace(it.sub, none=it.elem or it.sub.none)
    return Val(none=it.elem, tag=it.elem_tag)


def short_call(node: ast.Call) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else ast.unparse(node.func) + "(...)"


def is_none_const(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def none_tested(test: ast.expr) -> ast.expr | None:
    """The operand of a test that holds when it is None: ``not X``, ``X is None``, ``X == None``."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.Eq))
        and is_none_const(test.comparators[0])
    ):
        return test.left
    return None


class ExprEvaluator:
    """Evaluation of expressions; the statement walker (flow.FunctionFlow) builds on it."""

    ctx: ModuleContext
    tags: dict[str, str]
    checked: set[str]  # access paths some condition or dereference has proven not None

    # -- hooks the statement walker provides ------------------------------------------------
    @property
    def local_names(self) -> frozenset[str]:
        """Names the function binds itself (they hide module globals)."""
        return frozenset()

    def deref(self, target: ast.expr, val: Val, code: str, at: ast.AST, st: State) -> None:
        raise NotImplementedError

    def assign(self, target: ast.expr, val: Val, st: State, rhs: ast.expr | None) -> None:
        raise NotImplementedError

    def note_call(self, call: ast.Call, st: State) -> None:
        raise NotImplementedError

    def method_on(self, call: ast.Call, recv: Val, st: State) -> None:
        """A method is called on a value (``recv``) whose attributes the state describes."""

    def implied(self, key: str, st: State) -> None:
        """``key`` was just proven not None on the path whose state is ``st``."""

    def check_call_args(self, call: ast.Call, args: list[Val], kwargs: dict[str, Val]) -> None:
        raise NotImplementedError

    # -- values ----------------------------------------------------------------------------
    def ev(self, node: ast.expr, st: State) -> Val:
        method = getattr(self, "ev_" + type(node).__name__, None)
        if method is not None:
            return method(node, st)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.ev(child, st)
        return NOT_NONE

    def ev_Constant(self, node: ast.Constant, st: State) -> Val:
        if node.value is None:
            return Val(none=Fact(node.lineno, node.col_offset + 1, "it is set to None"))
        return NOT_NONE

    def ev_Name(self, node: ast.Name, st: State) -> Val:
        name = node.id
        val = Val(
            none=st.get(name),
            elem=st.get(name + "[]"),
            tag=self.tags.get(name),
            call_none=st.get(name + "()"),
        )
        if val == NOT_NONE and self.ctx.may_be_constant(name):
            data = self.ctx.constant(name)  # module-level literal data, unless shadowed
            if data is not None and name not in self.local_names:
                return data
        return val

    def ev_Attribute(self, node: ast.Attribute, st: State) -> Val:
        base = self.ev(node.value, st)
        self.deref(node.value, base, "NS101", node, st)
        key = key_of(node)
        if node.attr == "__doc__" and (key is None or (key not in st and key not in self.checked)):
            text = f"{ast.unparse(node)} {DOC_WHY}"
            return Val(none=Fact(node.lineno, node.col_offset + 1, text))
        if key is not None:
            fact = st.get(key)
            if fact is None and key not in self.checked and isinstance(node.value, ast.Name):
                fact = self.ctx.module_global(node)  # remote.CONNECTION, set by connect()
            if fact is None and key_of(node.value) is None and base.tag:
                fact = dict(base.attrs).get(node.attr) or self.ctx.attribute_fact(base, node)
            return Val(none=fact, elem=st.get(key + "[]"), tag=self.tags.get(key))
        if base.tag:
            return Val(none=dict(base.attrs).get(node.attr) or self.ctx.attribute_fact(base, node))
        return NOT_NONE

    def ev_Subscript(self, node: ast.Subscript, st: State) -> Val:
        base = self.ev(node.value, st)
        self.ev(node.slice, st)
        self.deref(node.value, base, "NS102", node, st)
        key = key_of(node)
        if key is not None and key in st:
            return Val(none=st[key])
        if base.tag == "csv-row" and not isinstance(node.slice, ast.Slice):
            from huey_guard.analyzer.catalogue import CSV_ROW_WHY

            text = f"{ast.unparse(node)} {CSV_ROW_WHY}"
            return Val(none=Fact(node.lineno, node.col_offset + 1, text))
        if (
            base.tag is not None
            and base.tag.startswith("match:")
            and isinstance(node.slice, ast.Constant)
            and str(node.slice.value) in base.tag[6:].split(",")
        ):
            from huey_guard.analyzer.catalogue import OPTIONAL_GROUP_WHY

            text = f"{ast.unparse(node)} {OPTIONAL_GROUP_WHY}"
            return Val(none=Fact(node.lineno, node.col_offset + 1, text))
        if base.tag == "email" and isinstance(node.slice, ast.Constant):
            from huey_guard.analyzer.catalogue import EMAIL_HEADER_WHY

            text = f"{ast.unparse(node)} {EMAIL_HEADER_WHY}"
            return Val(none=Fact(node.lineno, node.col_offset + 1, text))
        if base.entries and isinstance(node.slice, ast.Constant):
            entry = dict(base.entries).get(node.slice.value)
            if entry is not None:
                return entry
        if base.keyed and isinstance(node.slice, ast.Constant):
            return Val(none=dict(base.keyed).get(node.slice.value))
        if base.sub is not None and not isinstance(node.slice, ast.Slice):
            return base.sub
        if isinstance(node.slice, ast.Slice) and (base.elem or base.sub) and not base.mapping:
            return Val(elem=base.elem, sub=base.sub, elem_tag=base.elem_tag)  # same elements
        if isinstance(node.slice, ast.Slice):
            return NOT_NONE
        if base.items is not None and isinstance(node.slice, ast.Constant):
            index = node.slice.value
            if isinstance(index, int) and -len(base.items) <= index < len(base.items):
                return Val(none=base.items[index])
            return NOT_NONE
        return Val(none=base.elem)

    def ev_Call(self, node: ast.Call, st: State) -> Val:
        func = node.func
        recv: Val | None = None
        if isinstance(func, ast.Attribute):
            recv = self.ev(func.value, st)
            self.deref(func.value, recv, "NS101", func, st)
            key = key_of(func)
            if key is not None and key in st:  # an attribute holding a callable, maybe None
                self.deref(func, Val(none=st[key]), "NS103", node, st)
        else:
            callee = self.ev(func, st)
            self.deref(func, callee, "NS103", node, st)
            if callee.call_none is not None:
                for a in [*node.args, *(k.value for k in node.keywords)]:
                    self.ev(a, st)
                self.note_call(node, st)
                why = callee.call_none
                text = (
                    f"{short_call(node)} can return None: the lambda bound at line "
                    f"{why.line} returns None on one of its branches"
                )
                return Val(none=Fact(node.lineno, node.col_offset + 1, text))
        args = [self._ev_arg(a, st) for a in node.args]
        kwargs: dict[str, Val] = {}
        for kw in node.keywords:
            val = self.ev(kw.value, st)
            if kw.arg is None:
                self.deref(kw.value, val, "NS104", kw.value, st)
            else:
                kwargs[kw.arg] = val
        if isinstance(func, ast.Name) and func.id in ARGUMENT_DEREFS and func.id not in st:
            index, code = ARGUMENT_DEREFS[func.id]
            if len(node.args) > index:
                self.deref(node.args[index], args[index], code, node, st)
        self.check_call_args(node, args, kwargs)
        if recv is not None:
            self.method_on(node, recv, st)
        self.note_call(node, st)
        return self.ctx.call_value(node, recv, args, st)

    def _ev_arg(self, node: ast.expr, st: State) -> Val:
        if isinstance(node, ast.Starred):
            val = self.ev(node.value, st)
            self.deref(node.value, val, "NS104", node.value, st)
            return NOT_NONE
        return self.ev(node, st)

    def ev_BinOp(self, node: ast.BinOp, st: State) -> Val:
        left = self.ev(node.left, st)
        right = self.ev(node.right, st)
        formatting = isinstance(node.op, ast.Mod) and isinstance(
            node.left, (ast.Constant, ast.JoinedStr)
        )
        if isinstance(node.op, ast.BitOr) and (
            is_none_const(node.left) or is_none_const(node.right)
        ):
            return NOT_NONE  # `None | int`: a type union, not arithmetic on None
        self.deref(node.left, left, "NS105", node, st)
        if not formatting:
            self.deref(node.right, right, "NS105", node, st)
        return NOT_NONE

    def ev_UnaryOp(self, node: ast.UnaryOp, st: State) -> Val:
        val = self.ev(node.operand, st)
        if not isinstance(node.op, ast.Not):
            self.deref(node.operand, val, "NS105", node, st)
        return NOT_NONE

    def ev_Compare(self, node: ast.Compare, st: State) -> Val:
        left_node, left = node.left, self.ev(node.left, st)
        for op, right_node in zip(node.ops, node.comparators, strict=False):
            right = self.ev(right_node, st)
            if isinstance(op, _ORDERING):
                self.deref(left_node, left, "NS105", node, st)
                self.deref(right_node, right, "NS105", node, st)
            elif isinstance(op, (ast.In, ast.NotIn)):
                self.deref(right_node, right, "NS105", node, st)
            left_node, left = right_node, right
        return NOT_NONE

    def ev_NamedExpr(self, node: ast.NamedExpr, st: State) -> Val:
        val = self.ev(node.value, st)
        self.assign(node.target, val, st, node.value)
        return val

    def ev_Await(self, node: ast.Await, st: State) -> Val:
        if isinstance(node.value, ast.Call):
            inner = self.ev(node.value, st)
            return self.ctx.awaited(node.value, inner)
        val = self.ev(node.value, st)
        self.deref(node.value, val, "NS105", node, st)
        return NOT_NONE

    def ev_YieldFrom(self, node: ast.YieldFrom, st: State) -> Val:
        val = self.ev(node.value, st)
        self.deref(node.value, val, "NS104", node.value, st)
        return NOT_NONE

    def ev_Lambda(self, node: ast.Lambda, st: State) -> Val:
        return NOT_NONE

    def _display(self, elts: list[ast.expr], st: State) -> Val:
        vals = [self._ev_arg(e, st) for e in elts]
        elem = next((v.none for v in vals if v.none is not None and not v.none.weak), None)
        return Val(elem=elem, items=tuple(v.none for v in vals))

    def ev_Tuple(self, node: ast.Tuple, st: State) -> Val:
        return self._display(node.elts, st)

    def ev_List(self, node: ast.List, st: State) -> Val:
        return self._display(node.elts, st)

    def ev_Set(self, node: ast.Set, st: State) -> Val:
        return self._display(node.elts, st)

    def ev_Dict(self, node: ast.Dict, st: State) -> Val:
        elem = None
        keyed: list[tuple[object, Fact]] = []
        for k, v in zip(node.keys, node.values, strict=False):
            if k is not None:
                self.ev(k, st)
            val = self.ev(v, st)
            if k is None:
                self.deref(v, val, "NS104", v, st)
            elif val.none is not None and not val.none.weak:
                if isinstance(k, ast.Constant):
                    keyed.append((k.value, val.none))
                elif elem is None:
                    elem = val.none
        if keyed and all(isinstance(k, ast.Constant) for k in node.keys):
            return Val(keyed=tuple(keyed))  # {"a": x, "b": None}: only those keys may be None
        if keyed and elem is None:
            elem = keyed[0][1]
        return Val(elem=elem)


def _replace(st: State, new: State | None) -> None:
    st.clear()
    if new is not None:
        st.update(new)


def _join_states(a: State | None, b: State | None) -> State | None:
    return join(a, b)


def _join_states_list(states: list[State | None]) -> State | None:
    return join_all(states)


def _mentions_none_type(call: ast.Call) -> bool:
    return any(
        (isinstance(n, ast.Name) and n.id == "NoneType")
        or (isinstance(n, ast.expr) and is_none_const(n))
        or (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "type")
        for n in ast.walk(call)
        if n is not call
    )


def _not_none_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is not None
    return isinstance(node, ast.JoinedStr)
