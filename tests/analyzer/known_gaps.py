"""Corpus cases the engine is known to get wrong, each with the exact difference and why.

A case listed here must differ from its expectations by exactly the listed findings: the
test then reports it as an expected failure. If the engine starts to get it right, or gets it
wrong in any other way, the test fails, so this list can only shrink honestly. The accuracy
benchmark (benchmarks/accuracy.py) counts these cases like any other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownGap:
    missing: frozenset[str]  # "relative/path.py:LINE CODE" expected but not reported
    unexpected: frozenset[str]  # reported but not expected
    why: str


def _gap(missing: tuple[str, ...] = (), unexpected: tuple[str, ...] = (), *, why: str) -> KnownGap:
    return KnownGap(frozenset(missing), frozenset(unexpected), why)


KNOWN_GAPS: dict[str, KnownGap] = {
    "proven_third/kyc_checks.py": _gap(
        ("kyc_checks.py:20 NS102", "kyc_checks.py:37 NS101"),
        why="JSON null values: json.loads(...)['key'] is None only for some payloads; treating "
        "every JSON field as possibly None would flood real code with false positives",
    ),
    "proven_third/news_digest.py": _gap(
        ("news_digest.py:54 NS104",),
        why="JSON null values (as kyc_checks)",
    ),
    "proven_projects/scheduler": _gap(
        ("jobs.py:17 NS105",),
        why="a NULL column of a fetchone() row: needs the table schema, which only exists as SQL "
        "text",
    ),
    "proven_third/library_loans.py": _gap(
        ("library_loans.py:79 NS101",),
        why="a None-default constructor argument stored on self, reached through an object "
        "that flows through a loop over a container of instances",
    ),
    "proven_projects/user_accounts": _gap(
        ("tasks.py:19 NS101",),
        why="a nested Optional dataclass field reached after the outer attribute was checked, "
        "with the class flowing across modules",
    ),
    "proven_third/thumbnail_jobs.py": _gap(
        ("thumbnail_jobs.py:18 NS101",),
        why="a possibly-None element of a parameter flowing through a generator chain into a "
        "helper's parameter",
    ),
}
