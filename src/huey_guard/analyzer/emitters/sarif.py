"""``--format sarif``: SARIF 2.1.0 in the shape GitHub code scanning ingests.

Each result carries ``ruleId``/``ruleIndex`` into ``tool.driver.rules``, a ``level``, a
``physicalLocation`` with a 1-based region (end column exclusive, as SARIF defines it),
``relatedLocations`` for the None source, a ``codeFlows`` thread flow for the trace, and
``partialFingerprints`` from the baseline fingerprint so alerts survive code moving around.
URIs are relative to ``%SRCROOT%`` (the project root) so they match repository paths.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

from huey_guard.analyzer import baseline
from huey_guard.analyzer.emitters.report import Report
from huey_guard.analyzer.model import CODES, CodeInfo, Finding, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "hueyNullscan/v1"


def _uri(path: str, root: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_uri()


def _rule(info: CodeInfo) -> dict[str, object]:
    family = {"NS0": "file", "NS1": "none-dereference", "NS2": "guard-suggestion"}
    return {
        "id": info.code,
        "name": "".join(part.capitalize() for part in info.name.split("-")),
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": f"{info.code} ({info.name}): {info.summary}."},
        "help": {
            "text": f"{info.summary}. See docs/nullscan/{info.code}.md for a bad and a good "
            "example.",
            "markdown": f"**{info.code}** ({info.name}): {info.summary}. See "
            f"`docs/nullscan/{info.code}.md` for a bad and a good example.",
        },
        "defaultConfiguration": {"level": _LEVEL[info.severity]},
        "properties": {
            "tags": ["huey", family.get(info.code[:3], "internal")],
            "precision": "high",
            "problem.severity": _LEVEL[info.severity].replace("note", "recommendation"),
        },
    }


def _location(
    uri: str, line: int, column: int, end_line: int | None = None, end_column: int | None = None
) -> dict[str, object]:
    region: dict[str, int] = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    if (
        end_line is not None
        and end_column is not None
        and (end_line, end_column)
        > (
            line,
            column,
        )
    ):
        region.update(endLine=end_line, endColumn=end_column)
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
    }


def _result(f: Finding, rule_index: int, root: Path, fingerprint: str) -> dict[str, object]:
    uri = _uri(f.path, root)
    text = f.message
    result: dict[str, object] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": text},
        "locations": [_location(uri, f.line, f.column, f.end_line, f.end_column)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if f.source is not None:
        related = _location(uri, f.source.line, f.source.column)
        related.update(id=1, message={"text": f"None source: {f.source.description}"})
        result["relatedLocations"] = [related]
        result["message"] = {"text": f"{text} ([None source](1))"}
    if f.trace:
        steps = []
        for step in f.trace:
            location = _location(uri, step.line, step.column)
            location["message"] = {"text": step.description}
            steps.append({"location": location})
        result["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
    if f.task:
        result["properties"] = {"task": f.task}
    return result


def document(report: Report) -> dict[str, object]:
    root = report.root.resolve()
    codes = sorted(CODES)
    index = {code: i for i, code in enumerate(codes)}
    prints = baseline.fingerprints(report.findings, report.texts, root)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "huey-nullscan",
                        "semanticVersion": report.version,
                        "version": report.version,
                        "rules": [_rule(CODES[code]) for code in codes],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri().rstrip("/") + "/"}},
                "results": [
                    _result(f, index[f.code], root, fp)
                    for f, fp in zip(report.findings, prints, strict=True)
                ],
            }
        ],
    }


def emit(report: Report, out: TextIO, *, color: bool = False) -> None:
    out.write(json.dumps(document(report), indent=2) + "\n")
