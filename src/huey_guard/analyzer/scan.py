"""The scan driver: discover files, summarise them (phase 1), analyse task code (phase 2).

Both phases run in parallel over ``options.jobs`` processes when there is enough work; phase-1
summaries are cached per file (kept together in one pack per set of scanned paths: one read and
one write per run instead of one file per module) and the whole result per unchanged tree (see
cache.py). A bad file never stops the scan: it becomes an NS0xx/NS9xx finding and every other
file is still analysed.
"""

from __future__ import annotations

import ast
import logging
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

from huey_guard.analyzer.cache import Cache
from huey_guard.analyzer.collect import collect_module
from huey_guard.analyzer.discovery import SourceFile, discover, module_name
from huey_guard.analyzer.engine import analyze_module
from huey_guard.analyzer.index import ProjectIndex
from huey_guard.analyzer.model import FileResult, Finding, ScanResult
from huey_guard.analyzer.options import ScanOptions
from huey_guard.analyzer.reader import decode, parse, problem, read_bytes
from huey_guard.analyzer.resolve import ModuleContext
from huey_guard.analyzer.summary import ModuleSummary

log = logging.getLogger("huey_guard.analyzer")

# Below this many files (or bytes) worker start-up costs more than it saves.
_PARALLEL_MIN_FILES = 12
_PARALLEL_MIN_BYTES = 400_000


@dataclass(frozen=True)
class Phase1:
    summary: ModuleSummary | None
    problems: tuple[Finding, ...]
    lines: int


def _guarded(file: SourceFile, what: str, exc: BaseException) -> Finding:
    if isinstance(exc, RecursionError):
        return problem(
            file.display,
            "NS901",
            f"{file.display}: {what} stopped: the code nests "
            "too deeply to analyse (RecursionError)",
        )
    log.debug("internal error while %s %s", what, file.display, exc_info=exc)
    return problem(
        file.display,
        "NS901",
        f"{file.display}: internal error while {what} "
        f"({type(exc).__name__}); run with debug logging for the traceback",
    )


def _load_tree(
    file: SourceFile, data: bytes | str
) -> tuple[ast.Module | None, int, Finding | None]:
    text = data if isinstance(data, str) else decode(data, file.display)
    if isinstance(text, Finding):
        return None, 0, text
    parsed = parse(text, file.display)
    return parsed.tree, parsed.lines, parsed.problem


def phase1(
    file: SourceFile, data: bytes | str, options: ScanOptions
) -> tuple[Phase1, ast.Module | None]:
    tree, lines, bad = _load_tree(file, data)
    if tree is None:
        return Phase1(None, (bad,) if bad else (), lines), None
    try:
        summary = collect_module(tree, file.module, file.display, file.is_package, options, lines)
    except Exception as exc:  # RecursionError included: one bad file must not stop the scan
        return Phase1(None, (_guarded(file, "summarising", exc),), lines), None
    return Phase1(summary, (), lines), tree


def phase2(
    file: SourceFile,
    data: bytes | str,
    tree: ast.Module | None,
    p1: Phase1,
    index: ProjectIndex,
    options: ScanOptions,
) -> FileResult:
    tasks = tuple(t for t in index.module_tasks.get(file.module, []) if t.path == file.display)
    findings: list[Finding] = list(p1.problems)
    if p1.summary is not None:
        if tree is None:
            tree, _, _ = _load_tree(file, data)
        try:
            assert tree is not None
            ctx = ModuleContext(tree, file.module, file.is_package, options, index)
            findings += analyze_module(
                tree, ctx, index, file.display, everything=bool(tasks) or options.all_functions
            )
        except Exception as exc:
            findings.append(_guarded(file, "analysing", exc))
    return FileResult(
        file.display, tuple(sorted(findings, key=Finding.sort_key)), tasks, bool(tasks), p1.lines
    )


def analyze_source(
    source: str,
    path: str = "<string>",
    options: ScanOptions = ScanOptions(),  # noqa: B008
) -> FileResult:
    """Analyse one in-memory module on its own (fixtures, editors, the guard tooling)."""
    if path.endswith(".py") and os.path.exists(path):
        module, is_package = module_name(path)
    else:
        stem = os.path.basename(path)
        module, is_package = (stem[:-3] if stem.endswith(".py") else "__main__"), False
    file = SourceFile(path, path, module or "__main__", is_package)
    p1, tree = phase1(file, source, options)
    index = ProjectIndex([p1.summary] if p1.summary else [], options)
    return _regroup([phase2(file, source, tree, p1, index, options)])[0]


# -- workers (module level so they pickle) ----------------------------------------------------
_WORKER_INDEX: ProjectIndex | None = None


def _init_worker(index: ProjectIndex | None) -> None:
    global _WORKER_INDEX
    _WORKER_INDEX = index


def _phase1_job(args: tuple[SourceFile, bytes, ScanOptions]) -> Phase1:
    file, data, options = args
    return phase1(file, data, options)[0]


def _phase2_job(args: tuple[SourceFile, bytes, Phase1, ScanOptions]) -> FileResult:
    file, data, p1, options = args
    assert _WORKER_INDEX is not None
    return phase2(file, data, None, p1, _WORKER_INDEX, options)


def _workers(options: ScanOptions, count: int, size: int) -> int:
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or count < _PARALLEL_MIN_FILES or size < _PARALLEL_MIN_BYTES:
        return 1
    return min(jobs, count)


def scan(paths: Sequence[str], options: ScanOptions = ScanOptions()) -> ScanResult:  # noqa: B008
    """Analyse files and directories; raises UsageError only for a path that does not exist."""
    started = time.perf_counter()
    files = discover(paths, options.exclude)
    cache = Cache(options.cache_dir, options.fingerprint())
    datas: list[bytes | Finding] = [read_bytes(f.real, f.display) for f in files]
    keys = [
        cache.key(f.display, f.module, str(f.is_package), d if isinstance(d, bytes) else d.message)
        for f, d in zip(files, datas, strict=True)
    ]
    scan_key = cache.key("scan", *keys)
    cached = cache.load("scan", scan_key)
    if isinstance(cached, tuple):
        return ScanResult(cached, time.perf_counter() - started, {"cache": "hit"})
    pack_key = cache.key("p1pack", *(f.display for f in files))
    pack = cache.load("p1", pack_key)
    known: dict[str, Phase1] = pack if isinstance(pack, dict) else {}
    p1s, trees = _run_phase1(files, datas, keys, known, options)
    fresh = {k: p for k, p in zip(keys, p1s, strict=True)}
    if fresh != known:
        cache.store("p1", pack_key, fresh)  # this tree's summaries, one write
    summaries = [p.summary for p in p1s if p.summary is not None]
    index = ProjectIndex(summaries, options)
    results = _run_phase2(files, datas, p1s, trees, index, options)
    final = _regroup(results)
    cache.store("scan", scan_key, final)
    return ScanResult(final, time.perf_counter() - started, {"cache": "miss"})


def _run_phase1(
    files: list[SourceFile],
    datas: list[bytes | Finding],
    keys: list[str],
    known: dict[str, Phase1],
    options: ScanOptions,
) -> tuple[list[Phase1], dict[int, ast.Module]]:
    """Summaries of every file (``known`` ones from the cache); trees are kept when parsed
    in-process."""
    p1s: dict[int, Phase1] = {}
    trees: dict[int, ast.Module] = {}
    todo: list[tuple[int, bytes]] = []
    for i, d in enumerate(datas):
        if isinstance(d, Finding):
            p1s[i] = Phase1(None, (d,), 0)
            continue
        hit = known.get(keys[i])
        if isinstance(hit, Phase1):
            p1s[i] = hit
        else:
            todo.append((i, d))
    workers = _workers(options, len(todo), sum(len(d) for _, d in todo))
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            jobs = [(files[i], d, options) for i, d in todo]
            for (i, _), p1 in zip(todo, pool.map(_phase1_job, jobs, chunksize=4), strict=True):
                p1s[i] = p1
    else:
        for i, d in todo:
            p1, tree = phase1(files[i], d, options)
            p1s[i] = p1
            if tree is not None:
                trees[i] = tree
    return [p1s[i] for i in range(len(files))], trees


def _run_phase2(
    files: list[SourceFile],
    datas: list[bytes | Finding],
    p1s: list[Phase1],
    trees: dict[int, ast.Module],
    index: ProjectIndex,
    options: ScanOptions,
) -> list[FileResult]:
    """Findings for task modules and for modules holding functions that tasks reach.

    Not cached per file: these results depend on every file's summary, so they are only
    reusable when nothing changed, which the whole-scan cache entry already covers."""
    results: dict[int, FileResult] = {}
    # Every dotted prefix of a reachable function's qualname: a module holding it, or one of
    # its classes (a set lookup per file instead of a scan of every reachable name).
    reach_modules: set[str] = set()
    for q in index.reachable:
        parts = q.split(".")
        reach_modules.update(".".join(parts[:n]) for n in range(1, len(parts)))
    todo: list[tuple[int, bytes]] = []
    for i, (f, p1, d) in enumerate(zip(files, p1s, datas, strict=True)):
        needed = (
            p1.summary is not None
            and isinstance(d, bytes)
            and (
                options.all_functions or f.module in index.module_tasks or f.module in reach_modules
            )
        )
        if not needed or not isinstance(d, bytes):
            results[i] = FileResult(f.display, p1.problems, (), False, p1.lines)
        else:
            todo.append((i, d))
    workers = _workers(options, len(todo), sum(len(d) for _, d in todo))
    if workers > 1:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(index,)) as pool:
            jobs = [(files[i], d, p1s[i], options) for i, d in todo]
            for (i, _), fr in zip(todo, pool.map(_phase2_job, jobs, chunksize=2), strict=True):
                results[i] = fr
    else:
        for i, d in todo:
            results[i] = phase2(files[i], d, trees.get(i), p1s[i], index, options)
    return [results[i] for i in range(len(files))]


def _regroup(results: list[FileResult]) -> tuple[FileResult, ...]:
    """Findings inside helpers of other files move to those files; duplicates collapse."""
    by_path: dict[str, dict[tuple[int, int, str], Finding]] = {r.path: {} for r in results}
    for r in results:
        for f in r.findings:
            by_path.setdefault(f.path, {}).setdefault((f.line, f.column, f.code), f)
    return tuple(
        replace(r, findings=tuple(sorted(by_path[r.path].values(), key=Finding.sort_key)))
        for r in results
    )
