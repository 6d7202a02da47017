"""Prove the multi-module project corpus (fixtures/nullscan/proven_projects/) by running it.

Each project directory holds a ``proofs.py`` module with ``PROOFS = [(module, task, args, kwargs,
crash[, env]), ...]``: ``module`` is the dotted name of the module defining (or re-exporting) the
task, ``crash`` is ``"path/relative/to/project.py:LINE"`` or None. A proof with a crash calls the
task's function and must raise the AttributeError/TypeError that dereferencing None causes, whose
innermost frame inside the project is at that file and line, and that line must carry the
matching NS1xx expectation. A proof with ``None`` must run without any exception. Every NS1xx
expectation of the project must be proved, and every task the project defines must be exercised.

Each project runs in its own interpreter (its package name and module globals never leak into
this one), and each proof in a fresh fork of it, so that no proof depends on what ran before.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from .corpus import BUG_PREFIX, CORPUS
from .expectations import parse_file
from .test_proofs import DEREFERENCE_KINDS

FAMILY = CORPUS / "proven_projects"
PROJECTS = sorted(p for p in FAMILY.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
NONE_ERRORS = ("AttributeError", "TypeError")

# Runs inside the project's interpreter: argv = [project_dir, import_root]. Prints one JSON object
# with the proofs, the tasks every module defines (by object identity) and each proof's outcome.
_CHILD = r"""
import json, os, sys, traceback
from pathlib import Path

project, root = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
sys.path.insert(0, str(root))
from huey.api import TaskWrapper

def dotted(path):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)

modules = sorted(
    dotted(p) for p in project.rglob("*.py") if "__pycache__" not in p.parts
)
proofs_module = next(m for m in modules if m.split(".")[-1] == "proofs")

def in_child(work):
    # Run work() in a fresh fork so module globals start clean; return its JSON-able result.
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            payload = {"ok": work()}
        except BaseException as exc:
            payload = {"error": repr(exc), "trace": traceback.format_exc()}
        with os.fdopen(write, "w") as out:
            json.dump(payload, out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as inp:
        data = inp.read()
    os.waitpid(pid, 0)
    return json.loads(data)

def inventory():
    import importlib
    proofs = importlib.import_module(proofs_module)
    found, owners = {}, {}
    for name in modules:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if isinstance(value, TaskWrapper):
                owners.setdefault(id(value), f"{name}.{attr}")
                found[f"{name}.{attr}"] = id(value)
    tasks_in_proofs = [n for n, v in vars(proofs).items() if isinstance(v, TaskWrapper)]
    raw = [list(p[:4]) + [p[4] if len(p) > 4 else None, p[5] if len(p) > 5 else {}]
           for p in proofs.PROOFS]
    return {"proofs": json.loads(json.dumps(raw, default=repr)), "names": found,
            "owners": {str(k): v for k, v in owners.items()}, "proof_tasks": tasks_in_proofs}

def prove(index):
    import importlib
    proof = importlib.import_module(proofs_module).PROOFS[index]
    module, task, args, kwargs = proof[:4]
    env = proof[5] if len(proof) > 5 else {}
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    target = getattr(importlib.import_module(module), task)
    call = target.call_local if isinstance(target, TaskWrapper) else target
    try:
        call(*args, **kwargs)
    except Exception as exc:
        where = None
        tb = exc.__traceback__
        while tb is not None:
            file = Path(tb.tb_frame.f_code.co_filename).resolve()
            if project in file.parents:
                where = f"{file.relative_to(project).as_posix()}:{tb.tb_lineno}"
            tb = tb.tb_next
        return {"type": type(exc).__name__, "message": str(exc), "where": where}
    return None

listing = in_child(inventory)
results = []
if "ok" in listing:
    results = [in_child(lambda i=i: prove(i)) for i in range(len(listing["ok"]["proofs"]))]
print(json.dumps({"inventory": listing, "results": results}))
"""


@dataclass(frozen=True)
class Outcome:
    """What running one project's proofs produced."""

    proofs: list[list[Any]]
    names: dict[str, int]  # "module.attr" -> identity of the task object found there
    owners: dict[str, str]  # identity -> the first "module.attr" naming it
    proof_tasks: list[str]
    results: list[dict[str, Any]]


def _import_root(project: Path) -> Path:
    """A package project is imported by its directory name; a script-style one from inside."""
    return project.parent if (project / "__init__.py").exists() else project


@cache
def _run_project(project: Path) -> Outcome:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    argv = [sys.executable, "-c", _CHILD, str(project), str(_import_root(project))]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, f"{project.name}: proof runner failed\n{done.stderr}"
    report = json.loads(done.stdout.strip().splitlines()[-1])
    listing = report["inventory"]
    assert "ok" in listing, f"{project.name}: importing the project failed\n{listing['trace']}"
    inventory = listing["ok"]
    return Outcome(
        inventory["proofs"],
        inventory["names"],
        inventory["owners"],
        inventory["proof_tasks"],
        report["results"],
    )


def _dereference_code(result: dict[str, Any]) -> str | None:
    if result["type"] not in NONE_ERRORS:
        return None
    message = result["message"]
    return next((code for pattern, code in DEREFERENCE_KINDS if pattern.search(message)), None)


def _bug_expectations(project: Path) -> set[tuple[str, int, str]]:
    files = (p for p in project.rglob("*.py") if "__pycache__" not in p.parts)
    return {
        (e.path, e.line, e.code)
        for file in files
        for e in parse_file(file, relative_to=project)
        if e.code.startswith(BUG_PREFIX)
    }


def _crash_site(raw: object) -> str | None:
    if raw is None:
        return None
    assert isinstance(raw, str) and raw.count(":") == 1, f"crash site {raw!r} is not 'file:line'"
    return raw


IDS = [p.name for p in PROJECTS]


@pytest.mark.parametrize("project", PROJECTS, ids=IDS)
def test_project_is_proved_by_execution(project: Path) -> None:
    outcome = _run_project(project)
    assert outcome.proofs, f"{project.name}/proofs.py has an empty PROOFS list"
    marked = _bug_expectations(project)
    proved: set[tuple[str, int, str]] = set()
    problems: list[str] = []
    for proof, result in zip(outcome.proofs, outcome.results, strict=True):
        module, task, args, kwargs, crash, _env = proof
        where = f"{module}.{task}(*{args!r}, **{kwargs!r})"
        expected = _crash_site(crash)
        if "error" in result:  # the runner itself failed (bad module or task name, ...)
            problems.append(f"{where}: could not run: {result['error']}")
            continue
        error = result["ok"]
        if expected is None:
            if error is not None:
                problems.append(f"{where} should run cleanly but raised {error}")
            continue
        code = None if error is None else _dereference_code(error)
        if error is None or code is None:
            problems.append(f"{where} should raise a None error at {expected}, got {error}")
            continue
        if error["where"] != expected:
            problems.append(
                f"{where} raised {error['message']!r} at {error['where']}, not {expected}"
            )
            continue
        path, line = expected.split(":")
        if (path, int(line), code) not in marked:
            problems.append(f"{where} raised {error['message']!r} at {expected}: no {code} marker")
        proved.add((path, int(line), code))
    for path, line, code in sorted(marked - proved):
        problems.append(f"{path}:{line} carries an {code} marker no proof crashes on")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("project", PROJECTS, ids=IDS)
def test_every_task_is_exercised(project: Path) -> None:
    outcome = _run_project(project)
    assert outcome.names, f"{project.name} defines no huey task"
    exercised = {outcome.names.get(f"{p[0]}.{p[1]}") for p in outcome.proofs}
    missing = sorted(
        owner for ident, owner in outcome.owners.items() if int(ident) not in exercised
    )
    assert not missing, f"{project.name}: tasks without a proof: {missing}"


@pytest.mark.parametrize("project", PROJECTS, ids=IDS)
def test_proofs_module_holds_only_proofs(project: Path) -> None:
    """proofs.py is data for this harness: no task, no expectation, nothing the analyzer scores."""
    candidates = [project / "proofs.py"]
    assert candidates[0].exists(), f"{project.name} has no proofs.py"
    text = candidates[0].read_text(encoding="utf-8")
    assert not parse_file(candidates[0]), f"{project.name}/proofs.py carries expectations"
    assert "huey" not in {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }, f"{project.name}/proofs.py imports huey"
    assert not _run_project(project).proof_tasks, f"{project.name}/proofs.py defines a task"


def test_project_corpus_shape() -> None:
    """Enough projects, each a real multi-module project, with clean runs next to crashes."""
    assert len(PROJECTS) >= 25, f"only {len(PROJECTS)} projects"
    crashes = clean = 0
    for project in PROJECTS:
        modules = [p for p in project.rglob("*.py") if p.name not in ("proofs.py", "__init__.py")]
        assert len(modules) >= 3, f"{project.name} has only {len(modules)} modules"
        for proof in _run_project(project).proofs:
            if proof[4] is None:
                clean += 1
            else:
                crashes += 1
    assert clean >= 0.8 * crashes, f"{clean} clean runs against {crashes} crashes"
