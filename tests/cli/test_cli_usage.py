"""CLI behaviour decided before any file is analysed: usage errors, empty runs, hooks."""

from __future__ import annotations

import argparse
import io
import json
import sys
import types
from pathlib import Path

import pytest

from huey_guard.analyzer.model import ScanResult
from huey_guard.cli import nullscan
from huey_guard.cli.nullscan_pipeline import Outcome


@pytest.fixture
def empty_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("no python here")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return nullscan.run(list(argv), out, err), out.getvalue(), err.getvalue()


def test_no_python_files_is_clean_with_a_warning(empty_project: Path) -> None:
    status, out, err = _run("docs")
    assert status == 0
    assert "no Python files" in err
    assert out.startswith("All clear")


def test_machine_formats_stay_parseable_on_an_empty_run(empty_project: Path) -> None:
    status, out, _ = _run("--format", "json", "docs")
    assert status == 0
    assert json.loads(out)["summary"]["files"] == 0


def test_wrong_config_type_exits_2_naming_key(empty_project: Path) -> None:
    (empty_project / "pyproject.toml").write_text("[tool.huey-nullscan]\njobs = 'many'\n")
    status, out, err = _run("docs")
    assert (status, out) == (2, "")
    assert "`jobs` must be a whole number" in err and "pyproject.toml" in err


def test_explicit_config_file(empty_project: Path) -> None:
    (empty_project / "ns.toml").write_text("fail_on = 'never'\n")
    status, _, err = _run("--config", "ns.toml", "docs")
    assert status == 2 and "did you mean `fail-on`" in err


def test_unknown_format_is_an_argparse_error(empty_project: Path) -> None:
    with pytest.raises(SystemExit) as info:
        _run("--format", "xml", "docs")
    assert info.value.code == 2


def test_guards_hook_module_adds_flags_and_sees_the_result(
    empty_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[argparse.Namespace, ScanResult, Outcome]] = []
    hooks = types.ModuleType(nullscan.HOOKS_MODULE)

    def add_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--emit-guards", metavar="FILE")

    def after_scan(args: argparse.Namespace, result: ScanResult, outcome: Outcome) -> int:
        seen.append((args, result, outcome))
        return 2

    hooks.add_arguments = add_arguments  # type: ignore[attr-defined]
    hooks.after_scan = after_scan  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, nullscan.HOOKS_MODULE, hooks)
    status, _, _ = _run("--emit-guards", "guards.json", "docs")
    assert status == 2
    ((args, result, _),) = seen
    assert args.emit_guards == "guards.json"
    assert isinstance(result, ScanResult)


def test_without_a_hooks_module_the_flag_is_unknown(empty_project: Path) -> None:
    assert nullscan._hooks() is None or hasattr(nullscan._hooks(), "after_scan")
    if nullscan._hooks() is None:
        with pytest.raises(SystemExit):
            _run("--emit-guards", "g.json", "docs")
