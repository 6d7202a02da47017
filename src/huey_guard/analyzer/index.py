"""Phase 2 knowledge: all module summaries merged, tasks resolved, summaries chained.

The index answers the engine's project-wide questions: does ``pkg.repo.find_user`` return None
(following functions that return other functions' results, across modules), is
``app.queue.huey`` a Huey instance (and does it keep results), which functions are tasks and
under which name huey registers them, which project functions tasks reach.
"""

from __future__ import annotations

from huey_guard.analyzer.facts import Fact, Val
from huey_guard.analyzer.imports import STAR
from huey_guard.analyzer.model import TaskInfo
from huey_guard.analyzer.options import ScanOptions
from huey_guard.analyzer.summary import (
    DJHUEY,
    DJHUEY_DECORATORS,
    TASK_METHODS,
    ClassSummary,
    FuncSummary,
    ModuleSummary,
)

_MAX_ALIAS_HOPS = 6


class ProjectIndex:
    """Merged phase-1 summaries; implements the engine's ``Provider`` protocol."""

    def __init__(self, summaries: list[ModuleSummary], options: ScanOptions) -> None:
        self.options = options
        self.modules = {s.module: s for s in summaries}
        self.functions: dict[str, FuncSummary] = {}
        self.classes: dict[str, ClassSummary] = {}
        self.instances: dict[str, bool] = {f"{DJHUEY}.HUEY": True}
        for s in summaries:
            self.functions.update(s.functions)
            self.classes.update(s.classes)
            self.instances.update({q: results for q, (_, results) in s.instances.items()})
        self._none: dict[str, Fact | None] = {}
        self.external_stores: frozenset[str] = frozenset().union(
            *(s.external_stores for s in summaries)
        )
        self.factories = self._resolve_factories(summaries)
        self.tasks: dict[str, bool] = {}  # task function qualname -> results enabled
        self.module_tasks: dict[str, list[TaskInfo]] = {}
        self._resolve_tasks(summaries)
        self.reachable = self._reachable()

    # -- names -----------------------------------------------------------------------------
    def resolve(self, q: str) -> str:
        """Follow re-exports (``from .impl import find`` in a package) to the definition;
        a method through its re-exported class (``pkg.Client.book``) too."""
        found = self._resolve(q)
        head, _, last = found.rpartition(".")
        if found not in self.functions and head and head not in self.modules:
            cls = self._resolve(head)
            if cls != head and cls in self.classes:
                return f"{cls}.{last}"
        return found

    def _resolve(self, q: str) -> str:
        for _ in range(_MAX_ALIAS_HOPS):
            if q in self.functions or q in self.classes or q in self.instances:
                return q
            mod, _, name = q.rpartition(".")
            summary = self.modules.get(mod)
            if summary is None or name not in summary.imports:
                return q
            q = summary.imports[name]
        return q

    def path_of_function(self, q: str) -> str | None:
        """The file that defines a function (for findings inside helpers of other modules)."""
        module = q
        while "." in module:
            module = module.rpartition(".")[0]
            if module in self.modules:
                return self.modules[module].path
        return None

    def _unstar(self, q: str) -> str:
        """``*tasks_module:name`` (a call to a name a star import may bind) -> its definition."""
        if not q.startswith(STAR):
            return q
        module, _, name = q[len(STAR) :].partition(":")
        summary = self.modules.get(module)
        for key, base in (summary.imports if summary is not None else {}).items():
            if key.startswith(STAR) and name in self.star_names(base):
                return f"{base}.{name}"
        return q

    def constant(self, q: str) -> Val | None:
        """Module-level data of another module (``from .buffer import BUFFERS``)."""
        module, _, name = self.resolve(q).rpartition(".")
        summary = self.modules.get(module)
        return summary.constants.get(name) if summary is not None else None

    def lazy_global(self, q: str) -> Fact | None:
        """``remote.CONNECTION``: a module global that stays None until a setter runs."""
        module, _, name = q.rpartition(".")
        summary = self.modules.get(module)
        return summary.lazy_globals.get(name) if summary is not None else None

    def global_setter(self, q: str) -> frozenset[str]:
        """The globals of its module that function ``q`` sets (``remote.connect()``)."""
        module, _, name = self.resolve(q).rpartition(".")
        summary = self.modules.get(module)
        return summary.global_setters.get(name, frozenset()) if summary else frozenset()

    def star_names(self, module: str) -> tuple[str, ...]:
        """The names ``from module import *`` binds, when the module was scanned."""
        summary = self.modules.get(module)
        return summary.exports if summary is not None else ()

    # -- Provider protocol -------------------------------------------------------------------
    def function(self, q: str) -> FuncSummary | None:
        return self.functions.get(self.resolve(q))

    def returns_none(self, q: str) -> tuple[Fact | None, bool]:
        return self._returns_none(self.resolve(q), set()), False

    def _returns_none(self, q: str, busy: set[str]) -> Fact | None:
        if q in self._none:
            return self._none[q]
        summary = self.functions.get(q)
        if summary is None or q in busy:
            return None
        busy.add(q)
        fact = summary.none
        if fact is None:
            for dep in summary.deps:
                inner = self._returns_none(self.resolve(dep), busy)
                if inner is not None:
                    fact = Fact(
                        summary.line,
                        1,
                        inner.description.rpartition(", because ")[2],
                    )
                    break
        busy.discard(q)
        self._none[q] = fact
        return fact

    def task_results(self, q: str) -> bool | None:
        return self.tasks.get(self.resolve(q))

    def instance_results(self, q: str) -> bool | None:
        q = self.resolve(q)
        if q in self.instances:
            return self.instances[q]
        if q in self.modules or q == "huey" or q.startswith("huey."):
            return None
        last = q.rpartition(".")[2].lower()
        # Name-based fallback: an imported `huey` (or `*_huey`) whose module is not scanned.
        if last == "huey" or last.endswith("_huey"):
            return True
        return None

    def class_summary(self, q: str) -> ClassSummary | None:
        return self.classes.get(self.resolve(q))

    # -- tasks ---------------------------------------------------------------------------------
    def decorator_results(self, dq: str) -> bool | None:
        """Results flag when ``dq`` (a decorator without its call) makes a task, else None."""
        dq = self.resolve(dq)
        if dq in DJHUEY_DECORATORS:
            return True
        if dq in self.factories:
            return self.factories[dq]
        for extra in self.options.extra_task_decorators:
            if dq == extra or dq.endswith("." + extra):
                return True
        head, _, attr = dq.rpartition(".")
        if attr in TASK_METHODS and head:
            return self.instance_results(head)
        return None

    def _resolve_factories(self, summaries: list[ModuleSummary]) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for s in summaries:
            for q, receivers in s.factories.items():
                for r in receivers:
                    head, _, attr = r.rpartition(".")
                    if r in DJHUEY_DECORATORS:
                        out[q] = True
                    elif attr in TASK_METHODS and head:
                        results = self.instance_results(head)
                        if results is not None:
                            out[q] = results
        return out

    def _resolve_tasks(self, summaries: list[ModuleSummary]) -> None:
        for s in summaries:
            infos: list[TaskInfo] = []
            seen: set[str] = set()
            for c in s.candidates:
                q = f"{s.module}.{c.function}"
                if q in self.factories or c.function in seen:
                    continue
                results = self.decorator_results(c.decorator)
                if results is None:
                    continue
                seen.add(c.function)
                self.tasks[q] = results
                params = tuple(p for p in c.parameters if not (c.context and p == "task"))
                infos.append(
                    TaskInfo(
                        registered_name=f"{s.module}.{c.explicit_name or c.function}",
                        function=c.function,
                        path=s.path,
                        line=c.line,
                        parameters=params,
                        decorator=c.decorator_text,
                    )
                )
            if infos:
                self.module_tasks[s.module] = infos

    def _reachable(self) -> set[str]:
        """Project functions that tasks call, transitively (their bodies are analysed too)."""
        todo = list(self.tasks)
        seen: set[str] = set()
        while todo:
            q = self.resolve(self._unstar(todo.pop()))
            if q in seen:
                continue
            seen.add(q)
            summary = self.functions.get(q)
            if summary is not None:
                todo.extend(summary.calls)
        return seen
