"""SARIF output checked field by field against what GitHub code scanning requires."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from huey_guard.analyzer import baseline
from huey_guard.analyzer.emitters import sarif
from huey_guard.analyzer.model import CODES
from tests.cli import sample


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:  # type: ignore[type-arg]
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    sarif.emit(sample.report(root=tmp_path), out)
    document = json.loads(out.getvalue())
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-2.1.0.json")
    assert len(document["runs"]) == 1
    return document["runs"][0]  # type: ignore[no-any-return]


def test_driver_lists_every_rule(run: dict) -> None:  # type: ignore[type-arg]
    driver = run["tool"]["driver"]
    assert driver["name"] == "huey-nullscan"
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(CODES)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}


def test_results_have_rule_level_message_and_region(run: dict) -> None:  # type: ignore[type-arg]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(sample.FINDINGS)
    for result, finding in zip(run["results"], sample.FINDINGS, strict=True):
        assert result["ruleId"] == finding.code
        assert rules[result["ruleIndex"]]["id"] == finding.code
        assert result["level"] == {"error": "error", "info": "note"}[finding.severity.value]
        assert result["message"]["text"].startswith(finding.message)
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "app/tasks.py", "uriBaseId": "%SRCROOT%"}
        assert physical["region"] == {
            "startLine": finding.line,
            "startColumn": finding.column,
            "endLine": finding.end_line,
            "endColumn": finding.end_column,
        }
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_none_source_is_a_related_location(run: dict) -> None:  # type: ignore[type-arg]
    receipt = run["results"][0]
    related = receipt["relatedLocations"][0]
    assert related["id"] == 1
    assert related["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 13}
    assert "first() returns None" in related["message"]["text"]
    assert "[None source](1)" in receipt["message"]["text"]  # the link GitHub renders
    assert "relatedLocations" not in run["results"][1]  # NS201 has no None source


def test_trace_is_a_code_flow(run: dict) -> None:  # type: ignore[type-arg]
    flow = run["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"]
    lines = [step["location"]["physicalLocation"]["region"]["startLine"] for step in flow]
    assert lines == [7, 9]
    assert all(step["location"]["message"]["text"] for step in flow)


def test_partial_fingerprints_are_the_baseline_fingerprints(
    run: dict,  # type: ignore[type-arg]
    tmp_path: Path,
) -> None:
    expected = baseline.fingerprints(sample.FINDINGS, {sample.PATH: sample.SOURCE}, tmp_path)
    got = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in run["results"]]
    assert got == expected
    assert len(set(got)) == len(got)
