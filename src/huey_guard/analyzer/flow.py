"""The statement walker: flow-sensitive may-be-None analysis of one function body.

It walks statements in order, splitting and joining states at branches, iterating loops to a
fixed point, modelling early exits (return/raise/continue/break, never-returning calls) and
``try`` handlers that catch AttributeError/TypeError. Dereferences of a value that may be None
become findings (reported once per path: a dereference proves the value was not None after it).
The same walker, with reporting off, computes a function's return summary.
"""

from __future__ import annotations

import ast

from huey_guard.analyzer.exprs import element_of, key_of
from huey_guard.analyzer.facts import (
    NOT_NONE,
    State,
    Val,
    join,
    join_all,
    kill,
    kill_prefix,
    same,
)
from huey_guard.analyzer.flow_hooks import FlowHooks
from huey_guard.analyzer.flow_result import FlowResult
from huey_guard.analyzer.flow_syntax import (
    _caught_codes,
    _conditional_default,
    _irrefutable,
    _matches_none,
    _suppressed_by,
)

_MAX_LOOP_ROUNDS = 6


class FunctionFlow(FlowHooks):
    """Analyse one function; ``entry`` is the state at its first statement."""

    def run(self, entry: State) -> FlowResult:
        out = self.block(self.func.body, entry)
        self.result.falls_off = out is not None
        self.exit_state = out
        return self.result

    def block(self, stmts: list[ast.stmt], st: State | None) -> State | None:
        for s in stmts:
            if st is None:
                return None
            st = self.stmt(s, st)
        return st

    def stmt(self, s: ast.stmt, st: State) -> State | None:
        method = getattr(self, "st_" + type(s).__name__, None)
        if method is None:
            return st
        return method(s, st)

    def st_Expr(self, s: ast.Expr, st: State) -> State | None:
        self._noreturn = False
        self.ev(s.value, st)
        if self._noreturn:
            self._noreturn = False
            return None
        return st

    def st_Assign(self, s: ast.Assign, st: State) -> State | None:
        val = self.ev(s.value, st)
        for target in s.targets:
            self.assign(target, val, st, s.value)
        return st

    def st_AnnAssign(self, s: ast.AnnAssign, st: State) -> State | None:
        if s.value is not None:
            val = self.ev(s.value, st)
            self.assign(s.target, val, st, s.value)
        return st

    def st_AugAssign(self, s: ast.AugAssign, st: State) -> State | None:
        current = (
            self.ev(s.target, st)
            if not isinstance(s.target, ast.Name)
            else Val(none=st.get(s.target.id))
        )
        value = self.ev(s.value, st)
        self.deref(s.target, current, "NS105", s, st)
        self.deref(s.value, value, "NS105", s, st)
        key = key_of(s.target)
        if key is not None:
            kill_prefix(st, key)
        return st

    def st_Return(self, s: ast.Return, st: State) -> State | None:
        val = self.ev(s.value, st) if s.value is not None else NOT_NONE
        self.result.returns.append((s, val))
        return None

    def st_Raise(self, s: ast.Raise, st: State) -> State | None:
        if s.exc is not None:
            self.ev(s.exc, st)
        return None

    def st_Assert(self, s: ast.Assert, st: State) -> State | None:
        _, true, _ = self.test(s.test, st)
        return true

    def st_Delete(self, s: ast.Delete, st: State) -> State | None:
        for target in s.targets:
            if isinstance(target, ast.Attribute):
                self.deref(target.value, self.ev(target.value, st), "NS101", target, st)
            elif isinstance(target, ast.Subscript):
                base = self.ev(target.value, st)
                self.ev(target.slice, st)
                self.deref(target.value, base, "NS102", target, st)
            key = key_of(target)
            if key is not None:
                kill_prefix(st, key)
        return st

    def st_Import(self, s: ast.Import | ast.ImportFrom, st: State) -> State | None:
        for alias in s.names:
            kill_prefix(st, (alias.asname or alias.name).split(".")[0])
        return st

    st_ImportFrom = st_Import

    def st_If(self, s: ast.If, st: State) -> State | None:
        _, true, false = self.test(s.test, st)
        out = join(self.block(s.body, true), self.block(s.orelse, false))
        if out is not None and isinstance(s.test, ast.BoolOp) and isinstance(s.test.op, ast.And):
            _conditional_default(s, out)
        return out

    def st_Break(self, s: ast.Break, st: State) -> State | None:
        if self._loops:
            self._loops[-1][0].append(st)
        return None

    def st_Continue(self, s: ast.Continue, st: State) -> State | None:
        if self._loops:
            self._loops[-1][1].append(st)
        return None

    def st_While(self, s: ast.While, st: State) -> State | None:
        cur: State = st
        breaks: list[State] = []
        false: State | None = None
        for _ in range(_MAX_LOOP_ROUNDS):
            _, true, false = self.test(s.test, dict(cur))
            self._loops.append(([], []))
            out = self.block(s.body, true)
            breaks, continues = self._loops.pop()
            new = join_all([st, out, *continues])
            assert new is not None
            if same(new, cur):
                break
            cur = new
        return join_all([self.block(s.orelse, false), *breaks])

    def st_For(self, s: ast.For | ast.AsyncFor, st: State) -> State | None:
        it = self.ev(s.iter, st)
        if not isinstance(s, ast.AsyncFor):
            self.deref(s.iter, it, "NS104", s.iter, st)
        cur: State = st
        breaks: list[State] = []
        for _ in range(_MAX_LOOP_ROUNDS):
            body_st = dict(cur)
            self.assign(s.target, element_of(it), body_st, None)
            self._loops.append(([], []))
            out = self.block(s.body, body_st)
            breaks, continues = self._loops.pop()
            new = join_all([st, out, *continues])
            assert new is not None
            if same(new, cur):
                break
            cur = new
        return join_all([self.block(s.orelse, dict(cur)), *breaks])

    st_AsyncFor = st_For

    def st_With(self, s: ast.With | ast.AsyncWith, st: State) -> State | None:
        caught: frozenset[str] = frozenset()
        for item in s.items:
            val = self.ev(item.context_expr, st)
            self.deref(item.context_expr, val, "NS105", item.context_expr, st)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, self._entered(item.context_expr), st, None)
            caught |= _suppressed_by(item.context_expr)
        if not caught:
            return self.block(s.body, st)
        # contextlib.suppress(AttributeError): like try/except, the block may stop anywhere.
        self._suppress.append(caught)
        out = self.block(s.body, dict(st))
        self._suppress.pop()
        return join(st, out)

    st_AsyncWith = st_With

    def st_Try(self, s: ast.Try, st: State) -> State | None:
        caught = frozenset().union(*(_caught_codes(h) for h in s.handlers))
        self._suppress.append(caught)
        body_out = self.block(s.body, dict(st))
        self._suppress.pop()
        handler_entry = join(st, body_out)
        outs = [self.block(s.orelse, body_out)]
        for handler in s.handlers:
            h_st = dict(handler_entry) if handler_entry is not None else None
            if h_st is not None and handler.name:
                kill_prefix(h_st, handler.name)
            outs.append(self.block(handler.body, h_st))
        out = join_all(outs)
        if s.finalbody:
            final_out = self.block(s.finalbody, dict(out) if out is not None else dict(st))
            return None if out is None else final_out
        return out

    st_TryStar = st_Try

    def st_Match(self, s: ast.Match, st: State) -> State | None:
        self.ev(s.subject, st)
        key = key_of(s.subject)
        cur: State = st
        outs: list[State | None] = []
        exhaustive = False
        for case in s.cases:
            case_st = dict(cur)
            if _matches_none(case.pattern):
                if key is not None:
                    kill(cur, key)
            elif _irrefutable(case.pattern):
                exhaustive = case.guard is None
            elif key is not None:
                kill(case_st, key)
            if isinstance(case.pattern, ast.MatchAs) and case.pattern.name and key is not None:
                fact = case_st.get(key)
                kill_prefix(case_st, case.pattern.name)
                if fact is not None:
                    case_st[case.pattern.name] = fact
            true: State | None = case_st
            if case.guard is not None:
                _, true, _ = self.test(case.guard, case_st)
            outs.append(self.block(case.body, true))
        if not exhaustive:
            outs.append(cur)
        return join_all(outs)

    def st_FunctionDef(self, s: ast.stmt, st: State) -> State | None:
        name = getattr(s, "name", None)
        if name:
            kill_prefix(st, name)
        return st

    st_AsyncFunctionDef = st_FunctionDef
    st_ClassDef = st_FunctionDef
