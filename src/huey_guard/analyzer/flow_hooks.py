"""The statement walker's hooks: what a dereference, an assignment or a call does to the state.

``FlowHooks`` holds one function's analysis state and implements the expression evaluator's
hooks (report a dereference once per path, bind targets, note calls that prove or set values);
``FunctionFlow`` (flow.py) adds the walk over statements.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from huey_guard.analyzer.exprs import is_none_const, key_of
from huey_guard.analyzer.facts import (
    NOT_NONE,
    PARAM_MARK,
    SELF_MARK,
    Fact,
    State,
    Val,
    kill,
    kill_prefix,
)
from huey_guard.analyzer.flow_result import Deref, FlowResult
from huey_guard.analyzer.flow_syntax import (
    _ALL,
    _bound_names,
    _companions,
    _use,
)
from huey_guard.analyzer.imports import STAR, dotted_text
from huey_guard.analyzer.narrowing import NarrowingEvaluator
from huey_guard.analyzer.resolve import ModuleContext
from huey_guard.analyzer.sql_text import (
    nullable_aggregate_sql,
    one_row_sql,
    selected_table,
    written_table,
)
from huey_guard.analyzer.summary import DJHUEY_DECORATORS, TASK_METHODS

# Expressions whose value may be an object of a project class we cannot name.
_OBJECT_EXPRS = (ast.Call, ast.Name, ast.Attribute, ast.Subscript, ast.BoolOp, ast.IfExp)


class FlowHooks(NarrowingEvaluator):
    """One function's analysis state and the expression evaluator's hooks."""

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
        self.result.param_derefs[index] = replace(_use(fact, code, target, at), index=index)

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
