"""The consumer start-up scan: analyse the registered task modules, print the warnings once,
put the derived guards in force, and refuse to start under ``startup_scan = "fail"``.

It runs when the consumer is created (``huey.create_consumer``, which huey's consumer command,
Django's ``run_huey`` and tests all call) in the parent process, before any worker thread,
process or greenlet exists — so the warnings appear once, not once per worker.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey_guard.guards.manifest import Manifest, load
from huey_guard.guards.table import table_for

logger = logging.getLogger("huey_guard.startup")

SHOWN_FINDINGS = 5


class StartupScanFailed(RuntimeError):
    """``startup_scan = "fail"`` and the task modules have possible None dereferences."""


@dataclass(frozen=True)
class StartupReport:
    mode: str
    files: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]  # (code, count), sorted by code
    text: str
    seconds: float
    errors: int  # NS1xx findings (the ones "fail" refuses to start on)
    from_manifest: bool = False


def startup_factory(runtime: Any, manifest: Any = None) -> None:
    """Hook factory: arranges the scan at consumer creation; contributes no pipeline hook."""
    if runtime.config.startup_scan != "off":
        runtime.before_consumer.append(functools.partial(run_startup_scan, runtime))
    return None


def task_module_files(huey: Any) -> dict[str, str]:
    """File path -> module name of every registered task's module (sorted, de-duplicated)."""
    found: dict[str, str] = {}
    for task_class in list(huey._registry._registry.values()):
        module = sys.modules.get(task_class.__module__)
        path = getattr(module, "__file__", None)
        if path and path.endswith(".py"):
            found[os.path.abspath(path)] = task_class.__module__
    return dict(sorted(found.items()))


def _cache_dir(runtime: Any) -> Path:
    """PROTECTION_CONFIG ``guards.cache_dir``, else $HUEY_GUARD_CACHE_DIR, else the user cache."""
    configured = runtime.config.protection_setting("guards", "cache_dir") or os.environ.get(
        "HUEY_GUARD_CACHE_DIR"
    )
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "huey-guard" / "nullscan"


def run_startup_scan(runtime: Any, clock: Any = time.perf_counter) -> StartupReport | None:
    """Scan (or read the manifest), report once, apply guards; raise under "fail"."""
    table = table_for(runtime)
    if table.startup_report is not None:
        return table.startup_report  # type: ignore[no-any-return,unused-ignore]
    mode = runtime.config.startup_scan
    if mode == "off":
        return None
    start = clock()
    if table.manifest is not None:
        report = _manifest_report(mode, table.manifest, clock() - start)
    else:
        scanned = _scan_report(runtime, mode, start, clock)
        if scanned is None:
            return None
        report = scanned
    table.startup_report = report
    if report.text:
        logger.warning("%s", report.text)
    if mode == "fail" and report.errors:
        raise StartupScanFailed(
            f"huey-guard refuses to start the consumer of {runtime.huey.name!r}: "
            f"{report.errors} possible None dereference(s) in its task modules "
            "(startup_scan = 'fail'; see the warnings above)"
        )
    return report


def _scan_report(runtime: Any, mode: str, start: float, clock: Any) -> StartupReport | None:
    try:
        from huey_guard import analyzer

        scan = analyzer.scan  # type: ignore[attr-defined,unused-ignore]
    except (ImportError, AttributeError):
        logger.info("huey-guard: the analyzer is unavailable; start-up scan skipped")
        return None
    from huey_guard.analyzer.options import ScanOptions
    from huey_guard.guards.build import build_manifest

    files = task_module_files(runtime.huey)
    if not files:
        return None
    try:
        # One job: forking a process pool inside consumer start-up costs more than a warm scan.
        result = scan(list(files), ScanOptions(cache_dir=_cache_dir(runtime), jobs=1))
    except Exception:  # the scan is advice: it must never keep a healthy consumer from starting
        logger.warning("huey-guard: start-up scan failed; continuing unguarded", exc_info=True)
        return None
    manifest = rekey(build_manifest(result), files)
    table_for(runtime).update(manifest)
    findings = [f for f in result.findings if f.code.startswith(("NS1", "NS2"))]
    counts = tuple(sorted(Counter(f.code for f in findings).items()))
    errors = sum(n for code, n in counts if code.startswith("NS1"))
    lines = [f"{_short(f.path)}:{f.line} {f.code} {f.message}" for f in findings]
    text = render(
        f"huey-guard start-up scan of {len(files)} task module(s): "
        + (", ".join(f"{code} x{n}" for code, n in counts) or "no findings"),
        lines,
    )
    return StartupReport(mode, tuple(files), counts, text, clock() - start, errors)


def _manifest_report(mode: str, manifest: Manifest, seconds: float) -> StartupReport:
    not_none = sum(len(t.not_none) for t in manifest.tasks.values())
    safe = sum(1 for t in manifest.tasks.values() if t.safe_call is not None)
    text = (
        f"huey-guard: guards from manifest for {len(manifest.tasks)} task(s): "
        f"{not_none} not-None check(s), {safe} safe_call wrapper(s)"
    )
    logger.info("%s", text)
    return StartupReport(mode, (), (), "", seconds, 0, from_manifest=True)


def rekey(manifest: Manifest, files: dict[str, str]) -> Manifest:
    """Key entries by the names huey registered at runtime (the module as imported)."""
    tasks = {}
    for name, entry in manifest.tasks.items():
        module = files.get(os.path.abspath(entry.path))
        short = entry.function.rsplit(".", 1)[-1]
        if module is not None and name.rsplit(".", 1)[-1] == short:
            name = f"{module}.{short}"
        tasks[name] = entry
    return Manifest(tasks=tasks, generator=manifest.generator)


def render(headline: str, lines: list[str]) -> str:
    """The compact report as plain text, laid out by rich (no colour codes in log files)."""
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, width=160, color_system=None, soft_wrap=True)
    console.print(Text(headline, style="bold yellow"))
    for line in lines[:SHOWN_FINDINGS]:
        console.print(Text("  " + line))
    if len(lines) > SHOWN_FINDINGS:
        console.print(
            Text(f"  … and {len(lines) - SHOWN_FINDINGS} more (run huey-nullscan for all)")
        )
    return buffer.getvalue().rstrip("\n")


def _short(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


__all__ = ["StartupReport", "StartupScanFailed", "load", "run_startup_scan"]
