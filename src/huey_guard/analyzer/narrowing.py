"""Narrowing for the dataflow engine: the states on a condition's true and false edges.

``test`` evaluates a condition and returns the states on its true and false edges (`is None`,
truthiness, isinstance, and/or, walrus, ...); the expressions whose value depends on a condition
(``and``/``or``, conditional expressions, comprehension filters) are evaluated here too.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from huey_guard.analyzer.facts import NOT_NONE, Fact, State, Val, kill

if TYPE_CHECKING:
    pass
from huey_guard.analyzer.exprs import (
    ExprEvaluator,
    _join_states,
    _join_states_list,
    _mentions_none_type,
    _not_none_literal,
    _replace,
    element_of,
    is_none_const,
    key_of,
)

_NONE_EQ = (ast.Is, ast.Eq)
_NONE_NE = (ast.IsNot, ast.NotEq)
_NOT_NONE_PREDICATES = frozenset({"isinstance", "callable", "hasattr", "bool", "issubclass"})


class NarrowingEvaluator(ExprEvaluator):
    """The expression evaluator with conditions: narrowing on each edge of a test."""

    def ev_BoolOp(self, node: ast.BoolOp, st: State) -> Val:
        val, true, false = self.test(node, st)
        _replace(st, _join_states(true, false))
        return val

    def ev_IfExp(self, node: ast.IfExp, st: State) -> Val:
        _, true, false = self.test(node.test, st)
        body = self.ev(node.body, true) if true is not None else NOT_NONE
        orelse = self.ev(node.orelse, false) if false is not None else NOT_NONE
        _replace(st, _join_states(true, false))
        return Val(
            none=body.none or orelse.none,
            elem=body.elem or orelse.elem,
            tag=body.tag or orelse.tag,
            attrs=body.attrs or orelse.attrs,
        )

    def _comprehension(
        self, node: ast.expr, gens: list[ast.comprehension], st: State, elts: list[ast.expr]
    ) -> Val:
        inner: State | None = st
        for i, gen in enumerate(gens):
            assert inner is not None
            it = self.ev(gen.iter, inner)
            self.deref(gen.iter, it, "NS104", gen.iter, inner)
            if i == 0:
                inner = dict(inner)
            self.assign(gen.target, element_of(it), inner, None)
            for cond in gen.ifs:
                _, inner, _ = self.test(cond, inner)
                if inner is None:
                    return NOT_NONE
        vals = [self.ev(e, inner) for e in elts] if inner is not None else []
        elem = vals[-1].none if vals and vals[-1].none and not vals[-1].none.weak else None
        return Val(elem=elem)

    def ev_ListComp(self, node: ast.ListComp, st: State) -> Val:
        return self._comprehension(node, node.generators, st, [node.elt])

    def ev_SetComp(self, node: ast.SetComp, st: State) -> Val:
        return self._comprehension(node, node.generators, st, [node.elt])

    def ev_GeneratorExp(self, node: ast.GeneratorExp, st: State) -> Val:
        return self._comprehension(node, node.generators, st, [node.elt])

    def ev_DictComp(self, node: ast.DictComp, st: State) -> Val:
        return self._comprehension(node, node.generators, st, [node.key, node.value])

    # -- conditions --------------------------------------------------------------------------
    def test(self, node: ast.expr, st: State) -> tuple[Val, State | None, State | None]:
        """Evaluate a condition; return its value and the states on its true/false edges."""
        if isinstance(node, ast.BoolOp):
            return self._test_boolop(node, st)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            _, true, false = self.test(node.operand, st)
            return NOT_NONE, false, true
        if isinstance(node, ast.Constant):
            truthy = bool(node.value)
            return self.ev(node, st), (st if truthy else None), (None if truthy else st)
        val = self.ev(node, st)
        true, false = dict(st), dict(st)
        subject = node.target if isinstance(node, ast.NamedExpr) else node
        key = key_of(subject)
        if key is not None:
            self.checked.add(key)
            kill(true, key)  # truthy: not None
            self.implied(key, true)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            self._narrow_compare(node, true, false)
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.func, ast.Name)
            and node.func.id in _NOT_NONE_PREDICATES
            and not _mentions_none_type(node)
        ):
            arg_key = key_of(node.args[0])
            if arg_key is not None:
                kill(true, arg_key)
        return val, true, false

    def _narrow_compare(self, node: ast.Compare, true: State, false: State) -> None:
        op, left, right = node.ops[0], node.left, node.comparators[0]
        if is_none_const(left):
            left, right = right, left
        if isinstance(left, ast.NamedExpr):
            left = left.target
        if (
            isinstance(left, ast.Call)
            and isinstance(left.func, ast.Name)
            and left.func.id == "getattr"
            and len(left.args) == 3
            and is_none_const(right)
            and isinstance(op, _NONE_NE)
        ):
            # getattr(body, "tell", None) is not None: body has the attribute, so not None
            inner = key_of(left.args[0])
            if inner is not None:
                kill(true, inner)
            return
        key = key_of(left)
        if key is None:
            return
        self.checked.add(key)
        if is_none_const(right):
            if isinstance(op, _NONE_EQ):
                kill(false, key)
                self.implied(key, false)
            elif isinstance(op, _NONE_NE):
                kill(true, key)
                self.implied(key, true)
        elif isinstance(op, (ast.Eq, ast.Is)) and _not_none_literal(right):
            kill(true, key)  # equal to something that is not None
        elif (
            isinstance(op, ast.In)
            and isinstance(right, (ast.Tuple, ast.List, ast.Set))
            and right.elts
            and all(_not_none_literal(e) for e in right.elts)
        ):
            kill(true, key)

    def _test_boolop(self, node: ast.BoolOp, st: State) -> tuple[Val, State | None, State | None]:
        is_and = isinstance(node.op, ast.And)
        cur: State | None = st
        exits: list[State | None] = []
        val = NOT_NONE
        nones: list[Fact] = []
        for operand in node.values:
            if cur is None:
                break
            val, true, false = self.test(operand, cur)
            if val.none is not None:
                nones.append(val.none)
            exits.append(false if is_and else true)
            cur = true if is_and else false
        final = cur
        passed = _join_states_list(exits)
        if is_and:
            # `a and b` is a when a is falsy (None included), else b.
            none = nones[0] if nones else None
            return Val(none=none), final, passed
        # `a or b` is the last operand's value when every earlier one was falsy.
        return Val(none=val.none, tag=val.tag, attrs=val.attrs), passed, final
