"""The statement walker: flow-sensitive may-be-None analysis of one function body.

It walks statements in order, splitting and joining states at branches, iterating loops to a
fixed point, modelling early exits (return/raise/continue/break, never-returning calls) and
``try`` handlers that catch AttributeError/TypeError. Dereferences of a value that may be None
become findings (reported once per path: a dereference proves the value was not None after it).
The same walker, with reporting off, computes a function's return summary.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from huey_guard.analyzer.expr_text import short_text
from huey_guard.analyzer.exprs import ExprEvaluator, element_of, is_none_const, key_of
from huey_guard.analyzer.facts import (
    NOT_NONE,
    PARAM_MARK,
    SELF_MARK,
    Fact,
    State,
    Val,
    join,
    join_all,
    kill,
    kill_prefix,
    same,
)
from huey_guard.analyzer.imports import STAR, dotted_text
from huey_guard.analyzer.messages import describe_use
from huey_guard.analyzer.resolve import ModuleContext
from huey_guard.analyzer.sql_text import (
    nullable_aggregate_sql,
    one_row_sql,
    selected_table,
    written_table,
)
from huey_guard.analyzer.summary import DJHUEY_DECORATORS, TASK_METHODS, ParamDeref

_MAX_LOOP_ROUNDS = 6
# Expressions whose value may be an object of a project class we cannot name.
_OBJECT_EXPRS = (ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.BoolOp, ast.IfExp)
_ALL = frozenset({"NS101", "NS102", "NS103", "NS104", "NS105"})
# What each caught exception protects (a handler that re-raises protects nothing).
_CATCHES: dict[str, frozenset[str]] = {
    "AttributeError": frozenset({"NS101"}),
    "TypeError": frozenset({"NS102", "NS103", "NS104", "NS105"}),
    "Exception": _ALL,
    "BaseException": _ALL,
}


@dataclass
class Deref:
    """One reported dereference, before it becomes a Finding."""

    code: str
    target: ast.expr
    at: ast.AST
    fact: Fact
    use_code: str = ""  # the dereference's own code when `code` is NS201


@dataclass
class FlowResult:
    derefs: list[Deref] = field(default_factory=list)
    param_derefs: dict[int, ParamDeref] = field(default_factory=dict)
    self_derefs: dict[str, ParamDeref] = field(default_factory=dict)  # lazy self.attr used
    # (method qualname, attribute, its dereference there, the caller's fact, the call)
    method_derefs: list[tuple[str, str, ParamDeref, Fact, ast.Call]] = field(default_factory=list)
    # (callee qualname, its parameter dereference, the None-able argument's fact, the call)
    helper_derefs: list[tuple[str, ParamDeref, Fact, ast.Call]] = field(default_factory=list)
    returns: list[tuple[ast.Return, Val]] = field(default_factory=list)
    yields: list[tuple[ast.Yield, Val]] = field(default_factory=list)
    yielded: bool = False  # a yield or yield from was reached: the function is a generator
    falls_off: bool = False
    calls: set[str] = field(default_factory=set)
    decorates: set[str] = field(default_factory=set)  # `<huey>.task(...)` applied inside


class FunctionFlow(ExprEvaluator):
    """Analyse one function; ``entry`` is the state at its first statement."""

    def __init__(
        self,
        ctx: ModuleContext,
        func: ast.FunctionDef | ast.AsyncFunctionDef,
        class_name: str | None,
        report: bool,
    ) -> None:
        self.ctx = ctx
        self.func = func
        self.class_name = class_name
        self.reporting = report
        self.tags: dict[str, str] = dict(ctx.module_tags)
        self.checked: set[str] = set()
        self.result = FlowResult()
        self._seen: set[tuple[int, int, str]] = set()
        self._reported_params: set[str] = set()
        self._suppress: list[frozenset[str]] = []
        self._loops: list[tuple[list[State], list[State]]] = []
        self._noreturn = False
        self.exit_state: State | None = None
        # x = <value> if <cond> else None: wherever x is not None, <cond> held (correlated
        # conditions: `other = f(row) if row else None` ... `if other is None: return` ...).
        self.implications: dict[str, tuple[ast.expr, frozenset[str]]] = {}
        self._implying: set[str] = set()
        self._written_tables: set[str] = set()
        self._companions: dict[str, frozenset[str]] | None = None
        self._local_names: frozenset[str] | None = None

    def run(self, entry: State) -> FlowResult:
        out = self.block(self.func.body, entry)
        self.result.falls_off = out is not None
        self.exit_state = out
        return self.result

    # -- hooks used by the expression evaluator -------------------------------------------
    def deref(self, target: ast.expr, val: Val, code: str, at: ast.AST, st: State) -> None:
        fact = val.none
        if fact is None or (fact.only_codes is not None and code not in fact.only_codes):
            return
        key = key_of(target)
        if key is not None:
            self.checked.add(key)
            kill(st, key)  # had it been None, this dereference would have raised
        if any(code in caught for caught in self._suppress):
            return
        if fact.dep is not None:
            if fact.dep.startswith(PARAM_MARK):
                self._param_deref(int(fact.dep[len(PARAM_MARK) :]), fact, code, target, at)
            elif fact.dep.startswith(SELF_MARK):
                attr = fact.dep[len(SELF_MARK) :]
                if attr not in self.result.self_derefs:
                    self.result.self_derefs[attr] = _use(fact, code, target, at)
            return
        if not self.reporting:
            return
        use_code = code
        if fact.weak:
            assert fact.param is not None
            if fact.param in self._reported_params:
                return
            self._reported_params.add(fact.param)
            code = "NS201"
        spot = (getattr(target, "lineno", 0), getattr(target, "col_offset", 0), code)
        if spot in self._seen:
            return
        self._seen.add(spot)
        self.result.derefs.append(Deref(code, target, at, fact, use_code))

    def method_on(self, call: ast.Call, recv: Val, st: State) -> None:
        """``mailer.send()`` while ``mailer.conn`` may still be None, and send() uses it."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and recv.tag and recv.tag.startswith("class:")):
            return
        key = key_of(func.value)
        if key == "self" or not self.reporting or any(self._suppress):
            return
        method = f"{recv.tag[6:]}.{func.attr}"
        summary = self.ctx.provider.function(method)
        if summary is None or not summary.self_derefs:
            return
        known = dict(recv.attrs)
        for attr, pd in summary.self_derefs:
            fact = st.get(f"{key}.{attr}") if key is not None else known.get(attr)
            if fact is not None and fact.real:
                self.result.method_derefs.append((method, attr, pd, fact, call))

    def _param_deref(
        self, index: int, fact: Fact, code: str, target: ast.expr, at: ast.AST
    ) -> None:
        if index in self.result.param_derefs:
            return
        end_line = getattr(at, "end_lineno", None) or target.lineno
        end_col = (getattr(at, "end_col_offset", None) or target.col_offset) + 1
        self.result.param_derefs[index] = ParamDeref(
            index,
            fact.description,
            code,
            target.lineno,
            target.col_offset + 1,
            end_line,
            end_col,
            short_text(target, 60),
            describe_use(code, at),
        )

    def check_call_args(self, call: ast.Call, args: list[Val], kwargs: dict[str, Val]) -> None:
        """A possibly-None argument for a parameter the callee dereferences unchecked."""
        target = self.ctx.call_target(call, self.class_name)
        summary = self.ctx.provider.function(target) if target else None
        if summary is None or not summary.param_derefs:
            return
        offset = 1 if summary.is_method and isinstance(call.func, ast.Attribute) else 0
        for pd in summary.param_derefs:
            i = pd.index - offset
            val = args[i] if 0 <= i < len(args) else kwargs.get(pd.name)
            if val is None or val.none is None:
                continue
            fact = val.none
            if fact.dep is not None and fact.dep.startswith(PARAM_MARK):
                # Summary mode: our parameter flows into theirs (a chain of helpers).
                index = int(fact.dep[len(PARAM_MARK) :])
                if index not in self.result.param_derefs and not any(
                    pd.code in caught for caught in self._suppress
                ):
                    self.result.param_derefs[index] = replace(
                        pd, index=index, name=fact.description, where=pd.where or target or ""
                    )
                continue
            if not fact.real or not self.reporting:
                continue
            if any(pd.code in caught for caught in self._suppress):
                continue
            assert target is not None
            self.result.helper_derefs.append((target, pd, fact, call))

    def assign(self, target: ast.expr, val: Val, st: State, rhs: ast.expr | None) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            self._unpack(target, val, st, rhs)
            return
        if isinstance(target, ast.Starred):
            self.assign(target.value, Val(elem=val.elem), st, None)
            return
        if isinstance(target, ast.Attribute):
            base = self.ev(target.value, st)
            self.deref(target.value, base, "NS101", target, st)
        elif isinstance(target, ast.Subscript):
            base = self.ev(target.value, st)
            self.ev(target.slice, st)
            self.deref(target.value, base, "NS102", target, st)
        key = key_of(target)
        if key is None:
            return
        kill_prefix(st, key)
        self._implication(key, rhs)
        for k in [k for k in self.tags if k == key or k.startswith(key + ".")]:
            del self.tags[k]
        if val.none is not None:
            fact = val.none
            if fact.line != target.lineno or fact.steps:
                fact = fact.step(target.lineno, target.col_offset + 1, f"assigned to {key}")
            st[key] = fact
        if val.elem is not None:
            st[key + "[]"] = val.elem
        if val.call_none is not None:
            st[key + "()"] = val.call_none
        for dict_key, value_fact in val.keyed:
            st[f"{key}[{dict_key!r}]"] = value_fact
        seeds: list[tuple[str, Fact]] = list(val.attrs)
        if val.tag is not None:
            self.tags[key] = val.tag
            seeds += self.ctx.seed_facts(val.tag, val.fresh).items()
            for attr, sub_tag in self.ctx.attr_tags(val.tag).items():
                self.tags.setdefault(f"{key}.{attr}", sub_tag)
        elif isinstance(target, ast.Name) and (rhs is None or isinstance(rhs, _OBJECT_EXPRS)):
            seeds += self.ctx.duck_facts().items()  # an object of a type we cannot name
        for attr, fact in seeds:
            if fact.line == 0:  # describe a kind's attribute where the value was bound
                rest = fact.description.split(" ", 2)[2]
                fact = Fact(target.lineno, target.col_offset + 1, f"{key}.{attr} {rest}")
            st.setdefault(f"{key}.{attr}", fact)

    def _unpack(
        self, target: ast.Tuple | ast.List, val: Val, st: State, rhs: ast.expr | None
    ) -> None:
        if val.none is not None:
            node = rhs if rhs is not None else target  # nested: (a, b), c = f(), 1
            self.deref(node, val, "NS104", node, st)
        starred = any(isinstance(e, ast.Starred) for e in target.elts)
        same_shape = not starred and len(val.items or ()) == len(target.elts)
        for i, elt in enumerate(target.elts):
            sub_rhs = None
            if isinstance(rhs, (ast.Tuple, ast.List)) and len(rhs.elts) == len(target.elts):
                sub_rhs = rhs.elts[i]
            if val.items is not None and same_shape:
                self.assign(elt, Val(none=val.items[i]), st, sub_rhs)
            else:
                self.assign(elt, Val(none=val.elem), st, sub_rhs)

    def note_call(self, call: ast.Call, st: State) -> None:
        target = self.ctx.call_target(call, self.class_name)
        if target is not None:
            self.result.calls.add(target)
        elif isinstance(call.func, ast.Name) and self.ctx.has_star_imports:
            # Maybe bound by `from .parse import *`: the index resolves it (reachability).
            self.result.calls.add(f"{STAR}{self.ctx.module}:{call.func.id}")
        func = call.func
        if (isinstance(func, ast.Attribute) and func.attr in TASK_METHODS) or (
            target in DJHUEY_DECORATORS
        ):
            decorator = target or dotted_text(func)
            if decorator:
                self.result.decorates.add(decorator)
        if isinstance(call.func, ast.Name) and call.func.id in self.ctx.global_setters:
            for name in self.ctx.global_setters[call.func.id]:
                kill(st, name)  # init_connection() sets the module global
        if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
            for name in self.ctx.module_setter(call):  # remote.connect() sets remote.X
                self.checked.add(f"{call.func.value.id}.{name}")
                kill(st, f"{call.func.value.id}.{name}")
        if self.ctx.is_noreturn(call, target):
            self._noreturn = True
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("execute", "execute_sql"):
            key = key_of(func.value)
            if key is not None:
                written = written_table(call)
                if written is not None:
                    self._written_tables.add(written)
                if one_row_sql(call):
                    self.tags[key] = "sql-null" if nullable_aggregate_sql(call) else "sql-one"
                elif selected_table(call) in self._written_tables:
                    # upsert-then-select: the row this function just wrote is there to read
                    self.tags[key] = "sql-one"
                elif self.tags.get(key, "").startswith("sql-"):
                    del self.tags[key]
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            # A method may (re)initialise attributes: forget what we knew about them.
            name = func.value.id
            tag = self.tags.get(name, "")
            class_q = tag[6:] if tag.startswith("class:") else None
            attrs = self.ctx.method_assigns(class_q, func.attr)
            if name != "self" and class_q is None:
                return
            prefix = name + "."
            for k in [k for k in st if k.startswith(prefix)]:
                if attrs is None or k[len(prefix) :].split(".")[0].split("[")[0] in attrs:
                    del st[k]

    def _implication(self, key: str, rhs: ast.expr | None) -> None:
        root = key.split(".")[0].split("[")[0]
        for k in [k for k, (_, names) in self.implications.items() if root in names or k == key]:
            del self.implications[k]
        if not isinstance(rhs, ast.IfExp):
            return
        cond: ast.expr | None = None
        if is_none_const(rhs.orelse) and not is_none_const(rhs.body):
            cond = rhs.test
        elif is_none_const(rhs.body) and not is_none_const(rhs.orelse):
            cond = ast.UnaryOp(op=ast.Not(), operand=rhs.test)
        if cond is not None:
            names = frozenset(n.id for n in ast.walk(rhs.test) if isinstance(n, ast.Name))
            self.implications[key] = (cond, names | {root})

    def implied(self, key: str, st: State) -> None:
        for name in [n for n, f in st.items() if key in f.when]:
            del st[name]  # `if a is not None and x is None: x = ...` then `if a is not None:`
        unset = [n for n, f in st.items() if f.description == "it is set to None" and not f.steps]
        if unset and self._companions is None:  # computed on first need only
            self._companions = _companions(self.func)
        for name in (self._companions or {}).get(key, ()) if unset else ():
            fact = st.get(name)
            if fact is not None and fact.description == "it is set to None" and not fact.steps:
                del st[name]  # set together with `key`: `if asking: get_node(*redirect_addr)`
        found = self.implications.get(key)
        if found is None or key in self._implying:
            return
        self._implying.add(key)  # `x = y if x else None`: the condition names x itself
        self._suppress.append(_ALL)
        reporting, self.reporting = self.reporting, False
        try:
            _, true, _ = self.test(found[0], dict(st))
        finally:
            self.reporting = reporting
            self._suppress.pop()
            self._implying.discard(key)
        if true is not None:
            st.clear()
            st.update(true)

    @property
    def local_names(self) -> frozenset[str]:
        if self._local_names is None:
            self._local_names = _bound_names(self.func)
        return self._local_names

    def _entered(self, expr: ast.expr) -> Val:
        """What ``with expr as x`` binds, when expr calls a project @contextmanager."""
        if not isinstance(expr, ast.Call):
            return NOT_NONE
        target = self.ctx.call_target(expr, self.class_name)
        summary = self.ctx.provider.function(target) if target else None
        if summary is None or summary.enters is None:
            return NOT_NONE
        return Val(none=Fact(expr.lineno, expr.col_offset + 1, summary.enters.description))

    def ev_Yield(self, node: ast.Yield, st: State) -> Val:
        val = self.ev(node.value, st) if node.value is not None else NOT_NONE
        self.result.yields.append((node, val))
        self.result.yielded = True
        return NOT_NONE  # what the consumer sends back: usually nothing we know

    def ev_YieldFrom(self, node: ast.YieldFrom, st: State) -> Val:
        self.result.yielded = True
        return super().ev_YieldFrom(node, st)

    def ev_Lambda(self, node: ast.Lambda, st: State) -> Val:
        """A lambda's body is evaluated quietly (it runs later, with unknown arguments) to
        learn whether calling it may return None."""
        inner = dict(st)
        a = node.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
            kill_prefix(inner, arg.arg)
        self._suppress.append(_ALL)
        reporting, self.reporting = self.reporting, False
        try:
            body = self.ev(node.body, inner)
        finally:
            self.reporting = reporting
            self._suppress.pop()
        if body.none is not None and body.none.real:
            return Val(call_none=Fact(node.lineno, node.col_offset + 1, "lambda"))
        return NOT_NONE

    # -- statements ------------------------------------------------------------------------
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


def _use(fact: Fact, code: str, target: ast.expr, at: ast.AST) -> ParamDeref:
    end_line = getattr(at, "end_lineno", None) or target.lineno
    end_col = (getattr(at, "end_col_offset", None) or target.col_offset) + 1
    return ParamDeref(
        0,
        fact.description,
        code,
        target.lineno,
        target.col_offset + 1,
        end_line,
        end_col,
        short_text(target, 60),
        describe_use(code, at),
    )


def _caught_codes(handler: ast.ExceptHandler) -> frozenset[str]:
    if handler.body and isinstance(handler.body[-1], ast.Raise):
        return frozenset()  # re-raised: the task still fails
    if handler.type is None:
        return _ALL
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    out: frozenset[str] = frozenset()
    for n in names:
        name = n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", "")
        out |= _CATCHES.get(name, frozenset())
    return out


def _matches_none(p: ast.pattern) -> bool:
    if isinstance(p, ast.MatchSingleton):
        return p.value is None
    if isinstance(p, ast.MatchOr):
        return any(_matches_none(x) for x in p.patterns)
    return False


def _irrefutable(p: ast.pattern) -> bool:
    return isinstance(p, ast.MatchAs) and p.pattern is None


def _suppressed_by(expr: ast.expr) -> frozenset[str]:
    """Codes a ``with suppress(AttributeError, ...)`` block protects."""
    if not isinstance(expr, ast.Call):
        return frozenset()
    name = expr.func.attr if isinstance(expr.func, ast.Attribute) else getattr(expr.func, "id", "")
    if name != "suppress":
        return frozenset()
    out: frozenset[str] = frozenset()
    for arg in expr.args:
        exc = arg.attr if isinstance(arg, ast.Attribute) else getattr(arg, "id", "")
        out |= _CATCHES.get(exc, frozenset())
    return out


def _bound_names(func: ast.AST) -> frozenset[str]:
    """Names a function binds itself (parameters, assignment targets, imports, nested defs)."""
    out: set[str] = set()
    if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        a = func.args
        out.update(p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs])
        out.update(p.arg for p in (a.vararg, a.kwarg) if p is not None)
    stack: list[ast.AST] = list(getattr(func, "body", []))
    globals_: set[str] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update((n.asname or n.name).split(".")[0] for n in node.names)
        elif isinstance(node, ast.Global):
            globals_.update(node.names)
        elif isinstance(node, ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(out - globals_)


def _companions(func: ast.AST) -> dict[str, frozenset[str]]:
    """For each local name, the names every one of its "set" assignments is preceded by in
    the same block (``redirect_addr = e.node; asking = True``): wherever the name is proven
    set (truthy / not None), so are they. Initial ``x = None`` / ``x = False`` do not count,
    and a name bound any other way (loop target, augmented assignment...) gets nothing."""
    sets: dict[str, list[frozenset[str]]] = {}
    other: set[str] = set()
    stack: list[ast.AST] = [func]
    while stack:
        node = stack.pop()
        for part in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(node, part, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                seen: set[str] = set()
                for stmt in block:
                    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                        t = stmt.targets[0]
                        if isinstance(t, ast.Name):
                            v = stmt.value
                            unset = isinstance(v, ast.Constant) and v.value in (None, False)
                            if not unset:
                                sets.setdefault(t.id, []).append(frozenset(seen))
                                seen.add(t.id)
                            continue
                    for sub in _header_nodes(stmt):  # nested blocks are visited on their own
                        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                            other.add(sub.id)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.append(child)
    out: dict[str, frozenset[str]] = {}
    for name, befores in sets.items():
        if name in other:
            continue
        common = frozenset.intersection(*befores) - {name}
        if common:
            out[name] = common
    return out


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _header_nodes(stmt: ast.stmt) -> list[ast.AST]:
    """Every node of a statement outside its nested blocks (a loop target, a test, ...)."""
    out: list[ast.AST] = []
    for name, value in ast.iter_fields(stmt):
        if name in _BLOCKS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                out.extend(ast.walk(item))
    return out


def _conditional_default(s: ast.If, out: State) -> None:
    """``if a is not None and x is None: x = default``: afterwards x may be None only where
    ``a`` is falsy, so proving ``a`` (``elif a is not None and a <= x``) proves x too."""
    assert isinstance(s.test, ast.BoolOp)
    target: str | None = None
    guards: set[str] = set()
    for operand in s.test.values:
        if (
            isinstance(operand, ast.Compare)
            and len(operand.ops) == 1
            and isinstance(operand.ops[0], (ast.Is, ast.Eq))
            and is_none_const(operand.comparators[0])
        ):
            target = key_of(operand.left)
        elif isinstance(operand, ast.UnaryOp) and isinstance(operand.op, ast.Not):
            target = key_of(operand.operand)
        else:
            subject = operand
            if (
                isinstance(operand, ast.Compare)
                and len(operand.ops) == 1
                and isinstance(operand.ops[0], (ast.IsNot, ast.NotEq))
                and is_none_const(operand.comparators[0])
            ):
                subject = operand.left
            key = key_of(subject)
            if key is None:
                return
            guards.add(key)
    if target is None or not guards or target not in out:
        return
    assigned = any(
        isinstance(b, ast.Assign) and any(key_of(t) == target for t in b.targets) for b in s.body
    )
    if assigned:
        out[target] = replace(out[target], when=frozenset(guards))
