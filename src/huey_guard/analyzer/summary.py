"""Per-module summaries (phase 1 of a scan): what other modules need to know about this one.

A summary is small, picklable and cached by content hash: each function's return summary
(may it return None, and on which other functions does that depend), classes' None-able
attributes, huey instances, task decorator candidates and decorator factories. Phase 2 merges
all summaries into a ProjectIndex and analyses task modules against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from huey_guard.analyzer.facts import Fact, Val

# Task-making methods of a Huey instance (lock_task only wraps a task, it does not make one).
TASK_METHODS = frozenset(
    {"task", "periodic_task", "context_task", "db_task", "db_periodic_task", "on_commit_task"}
)
DJHUEY = "huey.contrib.djhuey"
DJHUEY_DECORATORS = frozenset(
    f"{DJHUEY}.{n}"
    for n in ("task", "periodic_task", "db_task", "db_periodic_task", "on_commit_task")
)
# Constructors that make a Huey instance (any project subclass of one counts too).
HUEY_CLASSES = frozenset(
    {
        "Huey",
        "RedisHuey",
        "RedisExpireHuey",
        "PriorityRedisHuey",
        "PriorityRedisExpireHuey",
        "SqliteHuey",
        "MemoryHuey",
        "FileHuey",
        "BlackHoleHuey",
    }
)


@dataclass(frozen=True)
class ParamDeref:
    """A function dereferences one of its parameters with no None check (first use only)."""

    index: int  # position in the def's parameter list (self included)
    name: str
    code: str
    line: int
    column: int
    end_line: int
    end_column: int
    subject: str
    use: str
    where: str = ""  # qualname of the function holding the dereference ("" = this one)


@dataclass(frozen=True)
class FuncSummary:
    """What a caller needs to know about a function's result."""

    qualname: str  # dotted: module.func or module.Class.method
    line: int
    none: Fact | None = None  # why it may return None (its own code)
    deps: tuple[str, ...] = ()  # ...or because it returns what these functions return
    noreturn: bool = False  # every path raises or exits
    calls: tuple[str, ...] = ()  # project functions it calls (reachability from tasks)
    is_async: bool = False
    is_method: bool = False
    decorates: tuple[str, ...] = ()  # huey task decorators it applies (a decorator factory)
    params: tuple[str, ...] = ()  # positional-or-keyword parameter names, self included
    passthrough: tuple[int, ...] = ()  # parameters it may return unchanged
    param_derefs: tuple[ParamDeref, ...] = ()
    items: tuple[Fact | None, ...] | None = None  # None-able elements of a returned tuple
    returns_self: bool = False  # a fluent method: `return self` on every path
    returns_class: str | None = None  # project class of its result (classmethod, annotation)
    returns_tag: str | None = None  # kind of object it returns (e.g. "datetime", "element")
    keyed: tuple[tuple[object, Fact], ...] = ()  # None-able values of a returned dict
    self_derefs: tuple[tuple[str, ParamDeref], ...] = ()  # lazy self attributes it uses unchecked
    enters: Fact | None = None  # a @contextmanager that may yield None to its with block
    undecorated_none: Fact | None = None  # decorated: why the function itself returns None
    elem: Fact | None = None  # the elements it yields (a generator) or returns may be None
    elem_items: tuple[Fact | None, ...] | None = None  # ...None-able parts of yielded tuples
    elem_tag: str | None = None  # what kind of object its elements are


@dataclass(frozen=True)
class ClassSummary:
    qualname: str
    bases: tuple[str, ...] = ()
    self_nullable: dict[str, Fact] = field(default_factory=dict)  # None-able via self.attr
    declared: dict[str, Fact] = field(default_factory=dict)  # None-able on any instance
    assigns: dict[str, frozenset[str]] = field(default_factory=dict)  # method -> self attrs
    init_params: tuple[str, ...] = ()  # constructor parameters after self
    fresh: dict[str, Fact] = field(default_factory=dict)  # None after __init__ (new instance)
    fresh_from_param: dict[str, str] = field(default_factory=dict)  # ...unless param is passed
    fields: frozenset[str] = frozenset()  # attributes declared or initialised not None
    attr_params: dict[str, int] = field(default_factory=dict)  # self.x = <ctor param #i>
    attr_classes: dict[str, str] = field(default_factory=dict)  # attribute -> project class
    # None after __init__ but set later (connect(), prepare_headers(), or by outside code):
    # methods using them are checked where an instance is used with the attribute still None.
    lazy: frozenset[str] = frozenset()
    # method -> self attributes it sets on every path back to its caller (assigns: any path)
    sure_assigns: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskCandidate:
    """A function with a decorator (or call form) that may make it a huey task."""

    function: str  # qualname inside the module
    line: int
    parameters: tuple[str, ...]
    decorator: str  # qualified decorator expression without its call, e.g. "app.queue.huey.task"
    decorator_text: str  # as written, e.g. "huey.task"
    explicit_name: str | None = None
    context: bool = False


@dataclass(frozen=True)
class ModuleSummary:
    module: str
    path: str
    is_package: bool
    imports: dict[str, str] = field(default_factory=dict)
    functions: dict[str, FuncSummary] = field(default_factory=dict)
    classes: dict[str, ClassSummary] = field(default_factory=dict)
    instances: dict[str, tuple[str, bool]] = field(default_factory=dict)  # q -> (ctor, results)
    candidates: tuple[TaskCandidate, ...] = ()
    factories: dict[str, tuple[str, ...]] = field(default_factory=dict)  # func q -> receivers
    external_stores: frozenset[str] = frozenset()  # attributes assigned on non-self objects
    exports: tuple[str, ...] = ()  # what `from this_module import *` binds
    constants: dict[str, Val] = field(default_factory=dict)  # module-level data (constants.py)
    lazy_globals: dict[str, Fact] = field(default_factory=dict)  # None until a setter runs
    global_setters: dict[str, frozenset[str]] = field(default_factory=dict)  # func -> globals
    lines: int = 0
