"""Turning a reported dereference into a Finding that reads like a colleague's explanation."""

from __future__ import annotations

import ast

from huey_guard.analyzer.expr_text import short_text
from huey_guard.analyzer.facts import Fact
from huey_guard.analyzer.model import CODES, Finding, NoneSource, TraceStep
from huey_guard.analyzer.summary import ParamDeref

# How each code describes the dereference ("nothing checks it before ...").
_WHAT: dict[str, str] = {
    "NS102": "it is subscripted",
    "NS103": "it is called",
    "NS104": "it is iterated or unpacked",
    "NS105": "it is used in {op}",
}
_OPS: dict[type, str] = {
    ast.Add: "`+`",
    ast.Sub: "`-`",
    ast.Mult: "`*`",
    ast.Div: "`/`",
    ast.Mod: "`%`",
    ast.FloorDiv: "`//`",
    ast.Pow: "`**`",
    ast.Lt: "`<`",
    ast.Gt: "`>`",
    ast.LtE: "`<=`",
    ast.GtE: "`>=`",
    ast.In: "`in`",
    ast.NotIn: "`not in`",
    ast.BitOr: "`|`",
    ast.BitAnd: "`&`",
    ast.USub: "unary `-`",
    ast.MatMult: "`@`",
}


def describe_use(code: str, at: ast.AST) -> str:
    if isinstance(at, ast.Attribute):
        return f".{at.attr}"
    if code == "NS105":
        op: object = None
        if isinstance(at, (ast.BinOp, ast.UnaryOp, ast.AugAssign)):
            op = at.op
        elif isinstance(at, ast.Compare):
            op = at.ops[0]
        elif isinstance(at, ast.Call):
            return "len()"
        if isinstance(at, (ast.With, ast.withitem)) or op is None:
            return "it is used as a context manager or awaited"
        return _WHAT["NS105"].format(op=_OPS.get(type(op), "an operator"))
    return _WHAT.get(code, "it is used")


def _sourced(fact: Fact) -> str:
    """The None source in words, with its line unless the words already name one."""
    text = fact.description
    if "line " in text:  # it names its own position; a second "(line N)" would only confuse
        return text
    return f"{text} (line {fact.line})"


def make_finding(
    path: str,
    code: str,
    target: ast.expr,
    at: ast.AST,
    fact: Fact,
    task: str | None,
    function: str | None,
    use_code: str = "",
) -> Finding:
    subject = short_text(target, 60)
    line, col = target.lineno, target.col_offset + 1
    end_line = getattr(at, "end_lineno", None) or target.end_lineno or line
    end_col = (getattr(at, "end_col_offset", None) or target.end_col_offset or 0) + 1
    if (end_line, end_col) < (line, col):
        end_line, end_col = line, col
    use = describe_use(use_code or code, at)
    source: NoneSource | None
    if code == "NS201":
        # A suggestion about a task parameter: the parameter is both the subject and the source.
        subject = fact.param or subject
        message = (
            f"task parameter `{subject}` is used ({use}, line {line}) with no None check; "
            f"guard it with not_none_validator"
        )
        source = None
        trace: tuple[TraceStep, ...] = (
            TraceStep(line, col, f"`{subject}` is dereferenced ({use})"),
        )
    else:
        message = (
            f"{subject} may be None here: {_sourced(fact)}, "
            f"and nothing checks it before {use} (line {line})"
        )
        source = NoneSource(fact.line, fact.column, fact.description)
        trace = (
            TraceStep(fact.line, fact.column, fact.description),
            *fact.steps,
            TraceStep(line, col, f"{subject} is dereferenced ({use}) without a None check"),
        )
    return Finding(
        path,
        line,
        col,
        end_line,
        end_col,
        code,
        message,
        CODES[code].severity,
        task,
        source,
        trace,
        subject,
        function,
    )


def make_helper_finding(
    path: str, callee: str, pd: ParamDeref, fact: Fact, call: ast.Call, task: str | None
) -> Finding:
    """A None-able argument reaches a helper that dereferences that parameter unchecked."""
    name = callee.rpartition(".")[2]
    message = (
        f"{pd.subject} may be None here: the call to {name}() at line {call.lineno} passes "
        f"`{pd.name}`, which may be None: {_sourced(fact)}, and nothing checks it "
        f"before {pd.use} (line {pd.line})"
    )
    trace = (
        TraceStep(fact.line, fact.column, fact.description),
        *fact.steps,
        TraceStep(call.lineno, call.col_offset + 1, f"passed to {name}() as `{pd.name}`"),
        TraceStep(pd.line, pd.column, f"{pd.subject} is dereferenced ({pd.use})"),
    )
    function = (pd.where or callee).rpartition(".")[2]
    return _finding_at(path, pd, message, fact, trace, task, function)


def make_method_finding(
    path: str,
    method: str,
    attr: str,
    pd: ParamDeref,
    fact: Fact,
    call: ast.Call,
    task: str | None,
) -> Finding:
    """A method uses a lazily set attribute unchecked, on an instance where it is still None."""
    name = method.rpartition(".")[2]
    receiver = short_text(call.func.value) if isinstance(call.func, ast.Attribute) else "it"
    message = (
        f"{pd.subject} may be None here: {receiver}.{name}() is called at line {call.lineno} "
        f"while {receiver}.{attr} may still be None, because {_sourced(fact)}, and {name}() "
        f"does not check it before {pd.use} (line {pd.line})"
    )
    trace = (
        TraceStep(fact.line, fact.column, fact.description),
        *fact.steps,
        TraceStep(call.lineno, call.col_offset + 1, f"{name}() is called with .{attr} unset"),
        TraceStep(pd.line, pd.column, f"{pd.subject} is dereferenced ({pd.use})"),
    )
    return _finding_at(path, pd, message, fact, trace, task, name)


def _finding_at(
    path: str,
    pd: ParamDeref,
    message: str,
    fact: Fact,
    trace: tuple[TraceStep, ...],
    task: str | None,
    function: str,
) -> Finding:
    """A finding at a dereference recorded in a summary (a helper's or a method's)."""
    return Finding(
        path,
        pd.line,
        pd.column,
        pd.end_line,
        pd.end_column,
        pd.code,
        message,
        CODES[pd.code].severity,
        task,
        NoneSource(fact.line, fact.column, fact.description),
        trace,
        pd.subject,
        function,
    )
