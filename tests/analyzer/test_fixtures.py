"""Run huey-nullscan on every fixture in fixtures/nullscan/ and compare with its expectations."""

from __future__ import annotations

import ast
import io
import re
import tokenize

import pytest

from .corpus import BUG_PREFIX, CORPUS, Case, cases, run_case, suppressions_module
from .known_gaps import KNOWN_GAPS

CASES = cases()


def _format(items: list[str]) -> str:
    return "\n".join(f"  {item}" for item in items) or "  (none)"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case: Case) -> None:
    if case.family == "suppressions" and suppressions_module() is None:
        pytest.skip("huey_guard.analyzer.suppressions does not exist yet: suppression cases skip")
    try:
        import huey_guard.analyzer as analyzer

        analyzer.analyze_source, analyzer.scan  # noqa: B018 - the engine API this runner needs
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"the analyzer engine API is not available: {exc}", pytrace=False)
    expected = case.expectations()
    found = run_case(case)
    missing = sorted(expected - set(found))
    unexpected = sorted(set(found) - expected)
    gap = KNOWN_GAPS.get(case.id)
    if gap is not None:
        as_text = (
            {f"{e.path}:{e.line} {e.code}" for e in missing},
            {f"{e.path}:{e.line} {e.code}" for e in unexpected},
        )
        if as_text == (gap.missing, gap.unexpected):
            pytest.xfail(f"known gap: {gap.why}")
        if not missing and not unexpected:
            pytest.fail(f"{case.id} now passes: remove it from known_gaps.py", pytrace=False)
    if missing or unexpected:
        pytest.fail(
            f"{case.id}: findings differ from expectations\n"
            f"expected but missing:\n{_format([f'{e.path}:{e.line} {e.code}' for e in missing])}\n"
            "unexpected:\n"
            + _format([f"{e.path}:{e.line} {e.code} {found[e]}" for e in unexpected]),
            pytrace=False,
        )


def test_known_gaps_name_existing_cases() -> None:
    ids = {c.id for c in CASES}
    assert not set(KNOWN_GAPS) - ids, "known_gaps.py names cases that do not exist"


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 150, f"only {len(CASES)} cases in {CORPUS}"


def test_about_half_of_the_corpus_is_correct_code() -> None:
    silent = sum(1 for c in CASES if c.is_silent_on_bugs())
    share = silent / len(CASES)
    assert 0.4 <= share <= 0.6, f"{silent}/{len(CASES)} cases have no {BUG_PREFIX}xx expectation"


def test_family_directories_stay_small() -> None:
    for family in (p for p in CORPUS.iterdir() if p.is_dir()):
        entries = [e for e in family.iterdir() if not e.name.startswith((".", "_"))]
        assert len(entries) < 40, f"{family.name} has {len(entries)} entries; split the family"


_IGNORE = re.compile(r"#\s*nullscan\s*:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)


def _suppressed_codes(text: str) -> dict[int, tuple[str, ...] | None]:
    """Line -> codes a user suppression comment covers there (None: every code)."""
    found: dict[int, tuple[str, ...] | None] = {}
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT and (m := _IGNORE.search(tok.string)):
            raw = m.group("codes")
            found[tok.start[0]] = tuple(c.strip() for c in raw.split(",")) if raw else None
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture_is_well_formed(case: Case) -> None:
    """Each fixture parses, says what it tests, and marks only real, unsuppressed code lines."""
    base = case.path if case.is_project else case.path.parent
    expectations = case.expectations()
    for file in case.files():
        text = file.read_text(encoding="utf-8")
        tree = ast.parse(text, str(file))
        if file.name != "__init__.py":
            assert ast.get_docstring(tree), f"{file} has no docstring saying what it tests"
        lines = text.splitlines()
        suppressed = _suppressed_codes(text)
        for expectation in (e for e in expectations if base / e.path == file):
            where = f"{file}:{expectation.line}"
            assert 1 <= expectation.line <= len(lines), f"{where}: expectation off the file"
            assert lines[expectation.line - 1].split("#", 1)[0].strip(), f"{where}: no code"
            if expectation.line in suppressed:
                codes = suppressed[expectation.line]
                covered = codes is None or any(expectation.code.startswith(c) for c in codes)
                assert not covered, f"{where}: a suppressed line must not carry an expectation"
