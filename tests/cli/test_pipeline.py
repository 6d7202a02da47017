"""select/ignore, suppressions, baseline and exit status over a constructed ScanResult."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from huey_guard.analyzer import baseline
from huey_guard.analyzer.model import FileResult, Finding, ScanResult
from huey_guard.cli import nullscan_pipeline as pipeline
from tests.cli import sample

TEXTS = {sample.PATH: sample.SOURCE}
BROKEN = Finding("bad.py", 3, 5, 3, 6, "NS001", "cannot parse: invalid syntax")


def _result(*findings: Finding) -> ScanResult:
    return ScanResult(files=(FileResult(path=sample.PATH, findings=findings),))


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        ("NS101", ("NS",), (), True),
        ("NS101", ("NS",), ("NS1",), False),
        ("NS101", ("NS",), ("NS1",), False),
        ("NS101", ("NS101",), ("NS1",), True),  # the longer prefix wins
        ("NS102", ("NS101",), (), False),
        ("NS101", ("NS101",), ("NS101",), False),  # a tie goes to ignore
    ],
)
def test_select_and_ignore_by_prefix(
    code: str, select: tuple[str, ...], ignore: tuple[str, ...], expected: bool
) -> None:
    assert pipeline.is_selected(code, select, ignore) is expected


def test_defaults_report_everything_and_ns1_fails() -> None:
    outcome = pipeline.postprocess(_result(*sample.FINDINGS), TEXTS, pipeline.Filters())
    assert outcome.findings == tuple(sorted(sample.FINDINGS, key=Finding.sort_key))
    assert pipeline.exit_status(outcome, "NS1") == 1


def test_guard_suggestions_alone_do_not_fail_by_default() -> None:
    outcome = pipeline.postprocess(_result(sample.GUARD), TEXTS, pipeline.Filters())
    assert pipeline.exit_status(outcome, "NS1") == 0
    assert pipeline.exit_status(outcome, "NS2") == 1
    assert pipeline.exit_status(outcome, "info") == 1
    assert (
        pipeline.exit_status(
            pipeline.postprocess(_result(*sample.FINDINGS), TEXTS, pipeline.Filters()), "never"
        )
        == 0
    )


def test_file_level_errors_exit_2_and_cannot_be_ignored() -> None:
    outcome = pipeline.postprocess(
        _result(BROKEN, sample.GUARD), TEXTS, pipeline.Filters(ignore=("NS0",))
    )
    assert outcome.file_errors == (BROKEN,)
    assert BROKEN in outcome.shown
    assert pipeline.exit_status(outcome, "NS1") == 2


def test_suppressed_finding_counts_and_unused_comment_fails() -> None:
    lines = sample.SOURCE.splitlines()
    lines[8] += "  # nullscan: ignore[NS101]"
    lines[0] += "  # nullscan: ignore"
    texts = {sample.PATH: "\n".join(lines) + "\n"}
    quiet = pipeline.postprocess(_result(*sample.FINDINGS), texts, pipeline.Filters())
    assert quiet.suppressed == 1
    assert sample.RECEIPT not in quiet.findings
    loud = pipeline.postprocess(
        _result(sample.GUARD), texts, pipeline.Filters(warn_unused_ignores=True)
    )
    assert [(f.code, f.line) for f in loud.findings] == [("NS003", 1), ("NS201", 9), ("NS003", 9)]
    assert pipeline.exit_status(loud, "NS1") == 1


def test_suppression_of_a_deselected_code_is_not_unused() -> None:
    lines = sample.SOURCE.splitlines()
    lines[8] += "  # nullscan: ignore[NS101]"
    texts = {sample.PATH: "\n".join(lines) + "\n"}
    filters = pipeline.Filters(ignore=("NS101",), warn_unused_ignores=True)
    outcome = pipeline.postprocess(_result(*sample.FINDINGS), texts, filters)
    assert "NS003" not in {f.code for f in outcome.findings}


def test_baseline_hides_recorded_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    baseline.write(tmp_path / "b.json", (sample.RECEIPT,), TEXTS)
    filters = pipeline.Filters(baseline=baseline.load(tmp_path / "b.json"))
    outcome = pipeline.postprocess(_result(*sample.FINDINGS), TEXTS, filters)
    assert outcome.baselined == 1
    assert sample.RECEIPT not in outcome.findings
    changed = replace(sample.RECEIPT, subject="order.customer.email")
    outcome = pipeline.postprocess(_result(changed), TEXTS, filters)
    assert outcome.findings == (changed,)
