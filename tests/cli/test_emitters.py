"""Each output format against a stored expected output (set UPDATE_EXPECTED=1 to refresh)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from huey_guard.analyzer.emitters import FORMATS, emit, github, text
from huey_guard.analyzer.emitters.report import Report
from tests.cli import sample

EXPECTED = Path(__file__).parent / "expected"
SUFFIX = {"text": "txt", "concise": "txt", "github": "txt", "json": "json", "sarif": "sarif"}


def _render(fmt: str, report: Report, tmp_path: Path) -> str:
    out = io.StringIO()
    emit(fmt, report, out)
    # SARIF names the project root as a file URI; make it machine-independent.
    return out.getvalue().replace(tmp_path.resolve().as_uri(), "file:///PROJECT")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_format_matches_expected_output(fmt: str, project: Path) -> None:
    rendered = _render(fmt, sample.report(root=project), project)
    expected_file = EXPECTED / f"sample.{fmt}.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text(rendered, encoding="utf-8")
    assert rendered == expected_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_clean_run_in_every_format(fmt: str, project: Path) -> None:
    rendered = _render(fmt, sample.report(findings=(), root=project), project)
    expected_file = EXPECTED / f"clean.{fmt}.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text(rendered, encoding="utf-8")
    assert rendered == expected_file.read_text(encoding="utf-8")


def test_json_follows_the_contract(project: Path) -> None:
    document = json.loads(_render("json", sample.report(root=project), project))
    assert set(document) == {"version", "findings", "summary"}
    assert set(document["summary"]) == {"files", "task_modules", "tasks", "findings", "seconds"}
    first = document["findings"][0]
    for key in ("path", "line", "column", "end_line", "end_column", "code", "severity"):
        assert key in first
    assert first["source"] == {
        "line": 7,
        "column": 13,
        "description": sample.RECEIPT.source.description,  # type: ignore[union-attr]
    }


def test_text_colour_only_when_asked() -> None:
    plain, coloured = io.StringIO(), io.StringIO()
    text.emit(sample.report(), plain, color=False)
    text.emit(sample.report(), coloured, color=True)
    assert "\x1b[" not in plain.getvalue()
    assert "\x1b[" in coloured.getvalue()


def test_text_caret_sits_under_the_dereference() -> None:
    out = io.StringIO()
    text.emit(sample.report(findings=(sample.RECEIPT,)), out)
    lines = out.getvalue().splitlines()
    code_line = next(line for line in lines if line.startswith("9 |"))
    caret_line = lines[lines.index(code_line) + 1]
    start = caret_line.index("^")
    assert code_line[start:].startswith("order.customer")
    assert caret_line.count("^") == len("order.customer")


def test_text_quiet_has_no_summary() -> None:
    out = io.StringIO()
    text.emit(sample.report(), out, quiet=True)
    assert "Found" not in out.getvalue()
    assert "NS101" in out.getvalue()


def test_text_brackets_in_messages_are_not_markup() -> None:
    out = io.StringIO()
    text.emit(sample.report(findings=(sample.OPTIONS,)), out)
    assert 'before ["copy"] (line 10)' in out.getvalue()


def test_github_escapes_properties_and_data() -> None:
    assert github._prop("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert github._data("50%: a\nb") == "50%25: a%0Ab"


def test_statistics_counts_per_code() -> None:
    out = io.StringIO()
    text.statistics(sample.report(), out)
    rows = [line.split() for line in out.getvalue().splitlines()]
    assert rows == [
        ["1", "NS101", "none-attribute"],
        ["1", "NS102", "none-subscript"],
        ["1", "NS201", "unguarded-task-parameter"],
    ]
