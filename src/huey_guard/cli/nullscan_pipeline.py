"""From a raw ScanResult to what huey-nullscan prints and exits with.

Pure functions over values: select/ignore by code prefix, inline suppressions, the baseline,
and the exit status. Kept apart from argument parsing so each step is testable directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from huey_guard.analyzer import baseline, suppressions
from huey_guard.analyzer.model import Finding, ScanResult, Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}
# --fail-on value -> lowest severity that fails the run. "NS1" is the NS1xx family (errors);
# "NS2" is "at or above NS2xx", i.e. guard suggestions (info) too.
FAIL_ON_RANK = {"NS1": 3, "error": 3, "warning": 2, "NS2": 1, "info": 1, "never": 99}


def is_file_level(code: str) -> bool:
    """NS001/NS002 (cannot parse/read) and NS9xx (internal error): exit 2, never filtered."""
    return code in ("NS001", "NS002") or code.startswith("NS9")


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """ruff's rule: the longest matching prefix decides; on a tie ``ignore`` wins."""
    best_select = max((len(p) for p in select if code.startswith(p)), default=-1)
    best_ignore = max((len(p) for p in ignore if code.startswith(p)), default=-1)
    return best_select > best_ignore


@dataclass(frozen=True)
class Filters:
    select: tuple[str, ...] = ("NS",)
    ignore: tuple[str, ...] = ()
    warn_unused_ignores: bool = False
    baseline: baseline.Baseline | None = None


@dataclass(frozen=True)
class Outcome:
    """The findings to report and how many were hidden on the way."""

    findings: tuple[Finding, ...]
    file_errors: tuple[Finding, ...]
    suppressed: int = 0
    baselined: int = 0

    @property
    def shown(self) -> tuple[Finding, ...]:
        return tuple(sorted(self.file_errors + self.findings, key=Finding.sort_key))


def postprocess(result: ScanResult, texts: Mapping[str, str], filters: Filters) -> Outcome:
    """Suppress, then select/ignore, then subtract the baseline.

    Suppressions come first so a comment for a code that is currently de-selected still
    counts as used (switching ``--select`` must not make comments "unused").
    """
    everything = result.findings
    file_errors = tuple(f for f in everything if is_file_level(f.code))
    candidates = tuple(f for f in everything if not is_file_level(f.code))
    kept, unused = suppressions.apply(candidates, texts)
    suppressed = len(candidates) - len(kept)
    if filters.warn_unused_ignores:
        kept = kept + suppressions.unused_findings(unused)
    kept = tuple(f for f in kept if is_selected(f.code, filters.select, filters.ignore))
    baselined = 0
    if filters.baseline is not None:
        kept, baselined = baseline.filter_new(kept, filters.baseline, texts)
    return Outcome(
        findings=tuple(sorted(kept, key=Finding.sort_key)),
        file_errors=file_errors,
        suppressed=suppressed,
        baselined=baselined,
    )


def fails(finding: Finding, fail_on: str) -> bool:
    # An unused suppression is reported only when asked for, and then it fails the run as
    # mypy's warn_unused_ignores does.
    if finding.code == suppressions.UNUSED_CODE:
        return fail_on != "never"
    return _RANK[finding.severity] >= FAIL_ON_RANK[fail_on]


def exit_status(outcome: Outcome, fail_on: str) -> int:
    if outcome.file_errors:
        return EXIT_ERROR
    if any(fails(f, fail_on) for f in outcome.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN
