"""Inline suppressions: codes, prefixes, bare ignores, strings that only look like comments."""

from __future__ import annotations

from dataclasses import replace

from huey_guard.analyzer import suppressions
from huey_guard.analyzer.model import CODES
from tests.cli import sample

PATH = sample.PATH


def _with_comment(line: int, comment: str) -> str:
    lines = sample.SOURCE.splitlines()
    lines[line - 1] += f"  {comment}"
    return "\n".join(lines) + "\n"


def test_code_specific_suppression_hides_only_that_code() -> None:
    text = _with_comment(9, "# nullscan: ignore[NS101]")
    kept, unused = suppressions.apply(sample.FINDINGS, {PATH: text})
    assert kept == (sample.GUARD, sample.OPTIONS)  # NS201 on the same line stays
    assert unused == ()


def test_several_codes_and_prefixes() -> None:
    text = _with_comment(9, "# nullscan: ignore[NS101, NS2]")
    kept, unused = suppressions.apply(sample.FINDINGS, {PATH: text})
    assert kept == (sample.OPTIONS,)
    assert unused == ()


def test_bare_ignore_hides_everything_on_the_line() -> None:
    text = _with_comment(9, "# NULLSCAN: ignore")
    kept, _ = suppressions.apply(sample.FINDINGS, {PATH: text})
    assert kept == (sample.OPTIONS,)


def test_marker_inside_a_string_is_not_a_suppression() -> None:
    text = sample.SOURCE.replace('"Thanks: 100%, really"', '"# nullscan: ignore"')
    kept, unused = suppressions.apply(sample.FINDINGS, {PATH: text})
    assert kept == sample.FINDINGS
    assert unused == ()


def test_unused_suppressions_are_reported_as_ns003() -> None:
    text = _with_comment(7, "# nullscan: ignore[NS102]")
    lines = text.splitlines()
    lines[9] += "  # nullscan: ignore[NS101]"
    text = "\n".join(lines) + "\n"
    kept, unused = suppressions.apply(sample.FINDINGS, {PATH: text})
    assert kept == sample.FINDINGS
    assert [(s.line, s.codes) for s in unused] == [(7, ("NS102",)), (10, ("NS101",))]
    (first, _second) = suppressions.unused_findings(unused)
    assert first.code == "NS003" and first.line == 7
    assert text.splitlines()[6][first.column - 1 :].startswith("# nullscan: ignore[NS102]")
    assert "NS003" in CODES


def test_files_without_findings_are_checked_for_unused_comments() -> None:
    other = "x = 1  # nullscan: ignore\n"
    _, unused = suppressions.apply((), {"other.py": other})
    assert [(s.path, s.line, s.codes) for s in unused] == [("other.py", 1, ())]


def test_untokenizable_file_keeps_comments_found_so_far() -> None:
    text = "a = 1  # nullscan: ignore[NS101]\nb = (\n"
    found = suppressions.parse("broken.py", text)
    assert [(s.line, s.codes) for s in found] == [(1, ("NS101",))]


def test_suppression_applies_to_the_finding_start_line_only() -> None:
    moved = replace(sample.OPTIONS, line=9, end_line=10)
    text = _with_comment(10, "# nullscan: ignore")
    kept, unused = suppressions.apply((moved,), {PATH: text})
    assert kept == (moved,)
    assert len(unused) == 1
