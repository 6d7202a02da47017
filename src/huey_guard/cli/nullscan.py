"""``huey-nullscan``: the analyzer's command line (formats and configuration live beside it).

Flow: parse arguments -> load ``[tool.huey-nullscan]`` -> select files -> scan -> suppressions,
select/ignore, baseline -> emit -> post-scan hooks (guards) -> exit 0 / 1 / 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import TextIO

from huey_guard._version import __version__
from huey_guard.analyzer import baseline
from huey_guard.analyzer.emitters import MACHINE_FORMATS, Report, Summary, emit, text
from huey_guard.analyzer.file_selection import PathError, make_selector, select_files
from huey_guard.analyzer.model import ScanResult
from huey_guard.analyzer.options import ScanOptions
from huey_guard.analyzer.project_config import (
    FAIL_ON_VALUES,
    FORMAT_VALUES,
    ConfigError,
    ProjectConfig,
    check_codes,
    discover,
    load_file,
)
from huey_guard.analyzer.source_text import SourceTexts
from huey_guard.cli import nullscan_pipeline as pipeline
from huey_guard.cli.nullscan_progress import scan_with_progress

DEFAULT_CACHE_DIR = ".huey-nullscan-cache"
# The guards tooling (--emit-guards, --fix, --diff) plugs in here without editing this file:
# the module defines add_arguments(parser) and after_scan(args, result, outcome) -> int | None.
HOOKS_MODULE = "huey_guard.guards.nullscan_hooks"


def _codes(value: str) -> tuple[str, ...]:
    try:
        return check_codes("codes", [c for c in value.split(",") if c.strip()])
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("`codes` names ", "")) from None


def _patterns(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split(",") if p.strip())


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="huey-nullscan",
        description="Find code paths where a possibly-None value is dereferenced in huey tasks.",
        epilog="Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage, configuration "
        "or file-level errors (NS0xx, NS9xx).",
    )
    p.add_argument("--version", action="version", version=f"huey-nullscan {__version__}")
    p.add_argument("paths", nargs="*", help="files or directories to scan (default: .)")
    p.add_argument("--format", choices=FORMAT_VALUES, help="output format (default: text)")
    p.add_argument("-o", "--output-file", type=Path, help="write the report here, not stdout")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON_VALUES,
        help="lowest level that exits 1 (default NS1: NS1xx fails, NS2xx suggestions do not)",
    )
    p.add_argument("--select", type=_codes, help="codes or prefixes to report, comma-separated")
    p.add_argument("--ignore", type=_codes, help="codes or prefixes to hide, comma-separated")
    p.add_argument("--statistics", action="store_true", help="print counts per code")
    p.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    p.add_argument("--config", type=Path, help="read settings from this TOML file")
    p.add_argument("--baseline", type=Path, help="report only findings not in this baseline")
    p.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record today's findings in FILE and exit 0",
    )
    p.add_argument(
        "--warn-unused-ignores",
        action="store_true",
        default=None,
        help="report `# nullscan: ignore` comments that suppress nothing (NS003)",
    )
    p.add_argument(
        "--all",
        action="store_true",
        default=None,
        dest="all_functions",
        help="analyse every module, not only task modules and what tasks call",
    )
    p.add_argument("-j", "--jobs", type=int, help="worker processes (0: all cores)")
    cache = p.add_mutually_exclusive_group()
    cache.add_argument("--cache-dir", type=Path, help=f"default: <project>/{DEFAULT_CACHE_DIR}")
    cache.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    p.add_argument(
        "--exclude",
        type=_patterns,
        action="extend",
        default=[],
        help="gitignore-style patterns to skip, comma-separated (adds to config)",
    )
    hooks = _hooks()
    if hooks is not None:
        hooks.add_arguments(p)
    return p


def _hooks() -> ModuleType | None:
    """The guards' CLI hooks module, or None while that package area does not provide one."""
    try:
        return importlib.import_module(HOOKS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name in (HOOKS_MODULE, HOOKS_MODULE.rsplit(".", 1)[0]):
            return None
        raise  # the module exists but is broken: that must be seen, not skipped


def _config(args: argparse.Namespace, paths: Sequence[str]) -> ProjectConfig:
    config = load_file(args.config) if args.config else discover(paths)
    overrides = {
        name: getattr(args, name)
        for name in (
            "format",
            "fail_on",
            "select",
            "ignore",
            "all_functions",
            "jobs",
            "warn_unused_ignores",
            "baseline",
        )
        if getattr(args, name) is not None
    }
    if args.exclude:
        overrides["exclude"] = config.exclude + tuple(args.exclude)
    if args.no_cache:
        overrides["cache_dir"] = None
    elif args.cache_dir is not None:
        overrides["cache_dir"] = args.cache_dir
    elif config.cache_dir is None:
        overrides["cache_dir"] = config.root / DEFAULT_CACHE_DIR
    if args.jobs is not None and args.jobs < 0:
        raise ConfigError("--jobs must be >= 0 (0: all cores)")
    return replace(config, **overrides)


def _options(config: ProjectConfig) -> ScanOptions:
    return ScanOptions(
        all_functions=config.all_functions,
        extra_none_sources=config.extra_none_sources,
        extra_task_decorators=config.extra_task_decorators,
        jobs=config.jobs,
        cache_dir=config.cache_dir,
    )


def _use_color(out: TextIO) -> bool:
    # https://no-color.org: any non-empty NO_COLOR disables colour.
    return bool(getattr(out, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def _scan(files: list[str], config: ProjectConfig, quiet: bool) -> ScanResult:
    if not files:
        return ScanResult()
    from huey_guard.analyzer import scan  # the engine: imported only when there is work

    return scan_with_progress(scan, files, _options(config), enabled=not quiet)


def run(argv: Sequence[str] | None, stdout: TextIO, stderr: TextIO) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = args.paths or ["."]
    try:
        config = _config(args, paths)
        selector = make_selector(
            config.root, config.include, config.exclude, config.respect_gitignore
        )
        files = select_files(paths, selector)
        known_baseline = (
            baseline.load(config.baseline)
            if config.baseline is not None and args.write_baseline is None
            else None
        )
    except (ConfigError, PathError, baseline.BaselineError) as exc:
        stderr.write(f"huey-nullscan: error: {exc}\n")
        return pipeline.EXIT_ERROR
    if not files and not args.quiet:
        stderr.write("huey-nullscan: warning: no Python files found to scan\n")
    result = _scan(files, config, args.quiet or config.format in MACHINE_FORMATS)
    texts = SourceTexts(paths=files if config.warn_unused_ignores else ())
    filters = pipeline.Filters(
        config.select, config.ignore, config.warn_unused_ignores, known_baseline
    )
    outcome = pipeline.postprocess(result, texts, filters)
    if args.write_baseline is not None:
        count = baseline.write(args.write_baseline, outcome.findings, texts)
        plural = "finding" if count == 1 else "findings"
        stderr.write(f"huey-nullscan: wrote {count} {plural} to {args.write_baseline}\n")
        # Only file-level errors are left to show; "All clear" would misstate the run.
        outcome = replace(outcome, findings=())
        args.quiet = True
    report = Report(
        findings=outcome.shown,
        summary=Summary(
            len(result.files),
            result.task_modules,
            len(result.tasks),
            len(outcome.shown),
            result.seconds,
        ),
        texts=texts,
        root=config.root,
        suppressed=outcome.suppressed,
        baselined=outcome.baselined,
    )
    _print(report, args, config, stdout, stderr)
    status = pipeline.exit_status(outcome, config.fail_on)
    hooks = _hooks()
    if hooks is not None:
        hook_status = hooks.after_scan(args, result, outcome)
        if hook_status is not None:
            status = max(status, int(hook_status))
    return status


def _print(
    report: Report,
    args: argparse.Namespace,
    config: ProjectConfig,
    stdout: TextIO,
    stderr: TextIO,
) -> None:
    fmt = config.format
    if args.output_file is not None:
        with open(args.output_file, "w", encoding="utf-8") as handle:
            emit(fmt, report, handle, quiet=args.quiet)
    elif args.statistics and fmt not in MACHINE_FORMATS:
        text.statistics(report, stdout, color=_use_color(stdout))
        if not args.quiet:
            text.console_for(stdout, color=_use_color(stdout)).print(text.summary_line(report))
        return
    else:
        emit(fmt, report, stdout, color=_use_color(stdout), quiet=args.quiet)
    if args.statistics:
        text.statistics(report, stderr if fmt in MACHINE_FORMATS else stdout)


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, sys.stdout, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
