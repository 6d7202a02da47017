"""Prove the execution-proved corpus (fixtures/nullscan/proven*/) by running it.

Each module there ends with ``PROOFS = [(task_name, args, kwargs, line[, env]), ...]``. A proof
with a line calls the task's function and must raise the AttributeError/TypeError that None
causes, innermost (in that module) at that line, and the line must carry an NS1xx expectation.
A proof with ``None`` must run without any exception. Every NS1xx expectation must be proved by
at least one proof, and every task in the module must be exercised by one, so each marked bug is
real, each proved crash is marked, and no task goes unexamined.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import pytest
from huey.api import TaskWrapper

from .corpus import BUG_PREFIX, CORPUS
from .expectations import parse_file

# Every fixtures/nullscan/proven* directory is an execution-proved family.
FAMILIES = tuple(sorted(p.name for p in CORPUS.glob("proven*") if p.is_dir()))
MODULES = sorted(
    path
    for family in FAMILIES
    for path in (CORPUS / family).glob("*.py")
    if not path.name.startswith(("_", "."))
)
# A proved bug is an error Python raises because a value is None, nothing else.
NONE_ERRORS = (AttributeError, TypeError)
# ...and raised by dereferencing None, not by handing None to a function that rejects it
# (``int(None)``), which the corpus conventions do not count as a dereference. The message also
# says which kind of dereference it was, so a proof proves one (line, code) expectation. Order
# matters: ``x in None`` says "not iterable" too, but is an NS105 operator.
DEREFERENCE_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), code)
    for pattern, code in (
        (r"^'NoneType' object has no attribute", "NS101"),
        (r"^'NoneType' object (?:is not subscriptable|does not support item)", "NS102"),
        (r"^'NoneType' object is not callable", "NS103"),
        (r"^argument of type 'NoneType' is not iterable", "NS105"),
        (r"^'NoneType' object is not (?:iterable|a mapping)", "NS104"),
        (r"^cannot unpack non-iterable NoneType object", "NS104"),
        (r"argument after \*\*? must be (?:an iterable|a mapping), not NoneType", "NS104"),
        (r"^object of type 'NoneType' has no len\(\)", "NS105"),
        (r"^unsupported operand type\(s\) for .*'NoneType'", "NS105"),
        (r"^can only concatenate \w+ \(not \"NoneType\"\)", "NS105"),
        (r"^bad operand type for unary .*: 'NoneType'", "NS105"),
        (r"not supported between instances of (?:'NoneType' and|.* and 'NoneType')", "NS105"),
        (r"^'NoneType' object does not support the context manager protocol", "NS105"),
        (r"^object NoneType can't be used in 'await' expression", "NS105"),
    )
)


def dereference_code(error: BaseException) -> str | None:
    """The NS1xx code of the None dereference that raised ``error``; None if it was not one."""
    if not isinstance(error, NONE_ERRORS):
        return None
    message = str(error)
    return next((code for pattern, code in DEREFERENCE_KINDS if pattern.search(message)), None)


@dataclass(frozen=True)
class Proof:
    task: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    line: int | None  # where the None error is raised; None: the call must run cleanly
    env: dict[str, str | None]

    @classmethod
    def parse(cls, raw: tuple[Any, ...]) -> Proof:
        assert len(raw) in (4, 5), f"a proof is (task, args, kwargs, line[, env]), not {raw!r}"
        name, args, kwargs, line = raw[:4]
        env = raw[4] if len(raw) == 5 else {}
        assert isinstance(name, str) and isinstance(args, tuple) and isinstance(kwargs, dict)
        assert line is None or isinstance(line, int), f"bad line in {raw!r}"
        return cls(name, args, kwargs, line, dict(env))


def _load(path: Path) -> ModuleType:
    name = f"_proven_{path.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


@contextmanager
def _environment(env: dict[str, str | None]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in env}
    try:
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _innermost_line(tb: TracebackType | None, path: Path) -> int | None:
    """Line of the innermost traceback frame that runs code of the module at ``path``."""
    line = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).resolve() == path.resolve():
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _run(module: ModuleType, proof: Proof) -> BaseException | None:
    target = getattr(module, proof.task)
    call = target.call_local if isinstance(target, TaskWrapper) else target
    with _environment(proof.env):
        try:
            call(*proof.args, **proof.kwargs)
        except Exception as exc:  # the proof decides what was allowed
            return exc
    return None


def _bug_expectations(path: Path) -> set[tuple[int, str]]:
    return {(e.line, e.code) for e in parse_file(path) if e.code.startswith(BUG_PREFIX)}


def _proofs(module: ModuleType, path: Path) -> list[Proof]:
    raw = getattr(module, "PROOFS", None)
    assert isinstance(raw, list) and raw, f"{path} has no PROOFS list"
    return [Proof.parse(item) for item in raw]


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(CORPUS).as_posix() for p in MODULES])
def test_module_is_proved_by_execution(path: Path) -> None:
    module = _load(path)
    proofs = _proofs(module, path)
    marked = _bug_expectations(path)
    proved: set[tuple[int, str]] = set()
    problems: list[str] = []
    for proof in proofs:
        where = f"{path.name}: {proof.task}{proof.args!r}{proof.kwargs!r}"
        error = _run(module, proof)
        if proof.line is None:
            if error is not None:
                problems.append(f"{where} should run cleanly but raised {error!r}")
            continue
        code = None if error is None else dereference_code(error)
        if error is None or code is None:
            problems.append(f"{where} should raise a None error at {proof.line}, got {error!r}")
            continue
        line = _innermost_line(error.__traceback__, path)
        if line != proof.line:
            problems.append(f"{where} raised {error!r} at line {line}, not {proof.line}")
        elif (line, code) not in marked:
            problems.append(f"{where} raised {error!r} at line {line}, which has no {code} marker")
        proved.add((proof.line, code))
    for line, code in sorted(marked - proved):
        problems.append(f"{path.name}:{line} carries an {code} marker no proof crashes on")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(CORPUS).as_posix() for p in MODULES])
def test_every_task_is_exercised(path: Path) -> None:
    module = _load(path)
    tasks = {name for name, value in vars(module).items() if isinstance(value, TaskWrapper)}
    assert tasks, f"{path} defines no huey task"
    exercised = {proof.task for proof in _proofs(module, path)}
    assert tasks <= exercised, f"{path}: tasks without a proof: {sorted(tasks - exercised)}"


def test_proven_corpus_shape() -> None:
    """Big enough to measure with, and balanced between crashes and clean runs."""
    bug_lines = clean = 0
    for path in MODULES:
        proofs = _proofs(_load(path), path)
        bug_lines += len({line for line, _ in _bug_expectations(path)})
        clean += sum(1 for p in proofs if p.line is None)
    assert len(MODULES) >= 50, f"only {len(MODULES)} proved modules"
    assert bug_lines >= 150, f"only {bug_lines} proved bug lines"
    assert clean >= 0.8 * bug_lines, f"{clean} clean runs against {bug_lines} bug lines"
