"""Phase 2: analyse one module's functions against the project index and produce findings."""

from __future__ import annotations

import ast

from huey_guard.analyzer.annotations import class_name, is_optional
from huey_guard.analyzer.collect import lazy_markers
from huey_guard.analyzer.exprs import is_none_const
from huey_guard.analyzer.facts import Fact, State
from huey_guard.analyzer.flow import FunctionFlow
from huey_guard.analyzer.function_defs import FuncDef, iter_functions
from huey_guard.analyzer.index import ProjectIndex
from huey_guard.analyzer.messages import make_finding, make_helper_finding, make_method_finding
from huey_guard.analyzer.model import Finding, TaskInfo
from huey_guard.analyzer.resolve import ModuleContext
from huey_guard.guards.recognise import is_guarded


def entry_state(
    ctx: ModuleContext, fd: FuncDef, task: TaskInfo | None, flow: FunctionFlow
) -> State:
    """What may be None when the function starts: None defaults, Optional parameters, self,
    module globals that only an init function sets."""
    st: State = dict(ctx.none_globals)
    args = fd.node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = [
        *zip(positional, defaults, strict=False),
        *zip(args.kwonlyargs, args.kw_defaults, strict=False),
    ]
    for arg, default in pairs:
        name = arg.arg
        pos = (arg.lineno, arg.col_offset + 1)
        injected = task is not None and name not in task.parameters
        if name == "task" and (injected or _has_context_decorator(fd.node)):
            continue  # huey injects the running Task (context=True)
        if default is not None and is_none_const(default):
            st[name] = Fact(*pos, f"parameter `{name}` defaults to None")
        elif is_optional(arg.annotation):
            st[name] = Fact(*pos, f"parameter `{name}` is declared Optional")
        elif task is not None and name in task.parameters:
            if not is_guarded(fd.node, name):  # a not_none_validator decorator guards it
                st[name] = Fact(*pos, f"task parameter `{name}`", param=name)
        else:
            cls = class_name(arg.annotation)
            q = ctx.qualify(cls) if cls is not None else None
            if q is not None and ctx.provider.class_summary(q) is not None:
                flow.tags[name] = "class:" + q
                for attr, fact in ctx.seed_facts("class:" + q).items():
                    st[f"{name}.{attr}"] = fact
    if fd.class_name is not None and positional and positional[0].arg == "self":
        class_q = f"{ctx.module}.{fd.class_name}"
        flow.tags["self"] = "class:" + class_q
        for attr, fact in ctx.self_facts(class_q, fd.node.name).items():
            st[f"self.{attr}"] = fact
        if fd.node.name != "__init__":
            st.update(lazy_markers(ctx, class_q))  # checked where callers leave them None
    return st


def analyze_module(
    tree: ast.Module, ctx: ModuleContext, index: ProjectIndex, path: str, everything: bool
) -> list[Finding]:
    """Findings for one module: all functions when it is a task module (or ``everything``),
    otherwise only the functions that tasks reach."""
    tasks = {t.function: t for t in index.module_tasks.get(ctx.module, [])}
    findings: list[Finding] = []
    for fd in iter_functions(tree):
        q = f"{ctx.module}.{fd.qualname}"
        if not everything and q not in index.reachable:
            continue
        task = tasks.get(fd.qualname)
        flow = FunctionFlow(ctx, fd.node, fd.class_name, report=True)
        result = flow.run(entry_state(ctx, fd, task, flow))
        task_name = task.registered_name if task else None
        for d in result.derefs:
            findings.append(
                make_finding(
                    path, d.code, d.target, d.at, d.fact, task_name, fd.qualname, d.use_code
                )
            )
        for callee, pd, fact, call in result.helper_derefs:
            where = index.path_of_function(index.resolve(pd.where or callee)) or path
            findings.append(make_helper_finding(where, callee, pd, fact, call, task_name))
        for method, attr, pd, fact, call in result.method_derefs:
            where = index.path_of_function(index.resolve(method)) or path
            findings.append(make_method_finding(where, method, attr, pd, fact, call, task_name))
    if everything:
        findings.extend(_module_body(tree, ctx, path))
    return findings


def _module_body(tree: ast.Module, ctx: ModuleContext, path: str) -> list[Finding]:
    """Module-level statements run at import time (a crash there stops the consumer)."""
    body = [
        s
        for s in tree.body
        if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ]
    if not body:
        return []
    fake = ast.FunctionDef(
        name="<module>",
        args=ast.arguments(
            posonlyargs=[],
            args=[],
            vararg=None,
            kwonlyargs=[],
            kw_defaults=[],
            kwarg=None,
            defaults=[],
        ),
        body=body,
        decorator_list=[],
        returns=None,
        type_comment=None,
        lineno=1,
        col_offset=0,
    )
    flow = FunctionFlow(ctx, fake, None, report=True)
    result = flow.run({})
    return [
        make_finding(path, d.code, d.target, d.at, d.fact, None, None, d.use_code)
        for d in result.derefs
    ]


def _has_context_decorator(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call)
        and any(k.arg == "context" and getattr(k.value, "value", None) is True for k in d.keywords)
        for d in fn.decorator_list
    )
