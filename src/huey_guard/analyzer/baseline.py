"""Baselines: record today's findings so a legacy codebase can adopt the analyzer at once.

A fingerprint is built from what the finding *is*, never from where it currently sits: the
file (relative to the baseline's directory), the code, the enclosing function, the subject
expression, a hash of the finding's source line with whitespace normalised, and an occurrence
index among findings that share all of those. Moving code up or down the file, or editing other
lines, keeps every fingerprint; changing the finding's line, code or subject changes it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from huey_guard.analyzer.model import Finding
from huey_guard.analyzer.source_text import line_at

FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file is missing, unreadable or not a baseline (a usage error: exit 2)."""


@dataclass(frozen=True)
class Baseline:
    """The fingerprints a baseline file holds, with how many findings share each."""

    path: Path
    counts: Mapping[str, int]

    @property
    def root(self) -> Path:
        return self.path.resolve().parent


def _relative(path: str, root: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def _line_hash(texts: Mapping[str, str], finding: Finding) -> str:
    text = line_at(texts, finding.path, finding.line)
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16]


def fingerprints(findings: Sequence[Finding], texts: Mapping[str, str], root: Path) -> list[str]:
    """One fingerprint per finding, in the order given (aligned with ``findings``)."""
    keys = [
        "\0".join(
            (
                _relative(f.path, root),
                f.code,
                f.function or "",
                f.subject,
                _line_hash(texts, f),
            )
        )
        for f in findings
    ]
    # Occurrence index in file order, so two identical findings in one function stay distinct
    # and keep their identities when both move.
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    seen: Counter[str] = Counter()
    result = [""] * len(findings)
    for i in order:
        result[i] = hashlib.sha256(f"{keys[i]}\0{seen[keys[i]]}".encode()).hexdigest()[:32]
        seen[keys[i]] += 1
    return result


def write(path: Path, findings: Sequence[Finding], texts: Mapping[str, str]) -> int:
    """Write a baseline of ``findings`` to ``path``; returns how many were recorded."""
    root = path.resolve().parent
    prints = fingerprints(findings, texts, root)
    entries = sorted(
        (
            {
                "fingerprint": fp,
                "path": _relative(f.path, root),
                "code": f.code,
                "function": f.function,
                "subject": f.subject,
                "line": f.line,  # informational only; never matched on
                "message": f.message,
            }
            for f, fp in zip(findings, prints, strict=True)
        ),
        key=lambda e: (str(e["path"]), int(str(e["line"])), str(e["code"])),
    )
    document = {"tool": "huey-nullscan", "format": FORMAT_VERSION, "findings": entries}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)  # a reader never sees a half-written baseline
    return len(entries)


def load(path: Path) -> Baseline:
    """Read a baseline file, or raise :class:`BaselineError` saying what is wrong with it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"baseline file {path} does not exist (create it with --write-baseline {path})"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"cannot read baseline file {path}: {exc}") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise BaselineError(f"{path} is not a huey-nullscan baseline (no findings list)")
    return Baseline(path, Counter(e["fingerprint"] for e in entries))


def filter_new(
    findings: Iterable[Finding], baseline: Baseline, texts: Mapping[str, str]
) -> tuple[tuple[Finding, ...], int]:
    """Findings not in the baseline, and how many were matched (and so hidden) by it."""
    findings = tuple(findings)
    remaining = Counter(baseline.counts)
    kept: list[Finding] = []
    matched = 0
    for finding, fp in zip(findings, fingerprints(findings, texts, baseline.root), strict=True):
        if remaining[fp] > 0:
            remaining[fp] -= 1
            matched += 1
        else:
            kept.append(finding)
    return tuple(kept), matched
