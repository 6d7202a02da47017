"""Baseline fingerprints survive moved code and unrelated edits, and change with the finding."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from huey_guard.analyzer import baseline
from huey_guard.analyzer.model import Finding
from tests.cli import sample


def _shift(findings: tuple[Finding, ...], by: int) -> tuple[Finding, ...]:
    def move(f: Finding) -> Finding:
        source = f.source and replace(f.source, line=f.source.line + by)
        return replace(f, line=f.line + by, end_line=f.end_line + by, source=source)

    return tuple(move(f) for f in findings)


def test_moving_code_down_keeps_every_fingerprint(tmp_path: Path) -> None:
    before = baseline.fingerprints(sample.FINDINGS, {sample.PATH: sample.SOURCE}, tmp_path)
    moved_source = "import os\n\n# a comment\n" + sample.SOURCE
    after = baseline.fingerprints(_shift(sample.FINDINGS, 3), {sample.PATH: moved_source}, tmp_path)
    assert before == after


def test_editing_the_finding_line_changes_the_fingerprint(tmp_path: Path) -> None:
    before = baseline.fingerprints((sample.RECEIPT,), {sample.PATH: sample.SOURCE}, tmp_path)
    edited = sample.SOURCE.replace("order.customer.email", "order.customer.address")
    after = baseline.fingerprints((sample.RECEIPT,), {sample.PATH: edited}, tmp_path)
    assert before != after


def test_whitespace_only_edits_keep_the_fingerprint(tmp_path: Path) -> None:
    before = baseline.fingerprints((sample.RECEIPT,), {sample.PATH: sample.SOURCE}, tmp_path)
    edited = sample.SOURCE.replace('email, "Thanks', 'email,   "Thanks')
    assert baseline.fingerprints((sample.RECEIPT,), {sample.PATH: edited}, tmp_path) == before


@pytest.mark.parametrize(
    "change", [{"code": "NS102"}, {"subject": "other"}, {"function": "other"}, {"path": "b.py"}]
)
def test_a_different_finding_has_a_different_fingerprint(tmp_path: Path, change: dict) -> None:  # type: ignore[type-arg]
    texts = {sample.PATH: sample.SOURCE, "b.py": sample.SOURCE}
    before = baseline.fingerprints((sample.RECEIPT,), texts, tmp_path)
    after = baseline.fingerprints((replace(sample.RECEIPT, **change),), texts, tmp_path)
    assert before != after


def test_identical_findings_get_distinct_occurrence_indexes(tmp_path: Path) -> None:
    source = "x.a\nx.a\n"
    one = Finding("m.py", 1, 1, 1, 4, "NS101", "m", subject="x", function="f")
    two = replace(one, line=2, end_line=2)
    prints = baseline.fingerprints((two, one), {"m.py": source}, tmp_path)
    assert len(set(prints)) == 2
    # Order of the input does not matter; file order decides the index.
    assert baseline.fingerprints((one, two), {"m.py": source}, tmp_path) == prints[::-1]


def test_write_then_filter_hides_known_findings_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    texts = {sample.PATH: sample.SOURCE}
    target = tmp_path / "nullscan-baseline.json"
    assert baseline.write(target, (sample.RECEIPT, sample.OPTIONS), texts) == 2
    known = baseline.load(target)
    moved = {sample.PATH: "\n\n" + sample.SOURCE}
    kept, matched = baseline.filter_new(_shift(sample.FINDINGS, 2), known, moved)
    assert matched == 2
    assert [f.code for f in kept] == ["NS201"]
    document = json.loads(target.read_text())
    assert document["tool"] == "huey-nullscan"
    assert {e["path"] for e in document["findings"]} == {sample.PATH}


def test_paths_are_relative_to_the_baseline_so_cwd_does_not_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path)
    texts = {sample.PATH: sample.SOURCE}
    baseline.write(tmp_path / "baseline.json", (sample.RECEIPT,), texts)
    monkeypatch.chdir(tmp_path / "app")
    seen_from_app = replace(sample.RECEIPT, path="tasks.py")
    kept, matched = baseline.filter_new(
        (seen_from_app,), baseline.load(tmp_path / "baseline.json"), {"tasks.py": sample.SOURCE}
    )
    assert (kept, matched) == ((), 1)


@pytest.mark.parametrize("content", ["not json", "[]", '{"findings": [{"x": 1}]}'])
def test_a_broken_baseline_is_a_clear_error(tmp_path: Path, content: str) -> None:
    target = tmp_path / "b.json"
    target.write_text(content)
    with pytest.raises(baseline.BaselineError, match=r"b\.json"):
        baseline.load(target)


def test_a_missing_baseline_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(baseline.BaselineError, match="--write-baseline"):
        baseline.load(tmp_path / "missing.json")
