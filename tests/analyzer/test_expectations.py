"""The fixture expectation parser: markers, offsets, several codes, and strings that look alike."""

from __future__ import annotations

import pytest

from .expectations import Expectation, ExpectationError, parse_source


def _pairs(source: str) -> set[tuple[int, str]]:
    return {(e.line, e.code) for e in parse_source(source)}


def test_trailing_marker_on_its_own_line() -> None:
    assert _pairs("a = 1\nb.c  # expect: NS101\n") == {(2, "NS101")}


def test_several_codes() -> None:
    assert _pairs("x[0].y  # expect: NS102, NS201\n") == {(1, "NS102"), (1, "NS201")}


def test_offsets_point_at_other_lines() -> None:
    source = "# expect(+1): NS104\nfor a in b:\n    pass\nc()\n# expect(-1): NS103\n"
    assert _pairs(source) == {(2, "NS104"), (4, "NS103")}


def test_marker_inside_a_string_is_not_an_expectation() -> None:
    source = 's = "# expect: NS101"\nt = """\n# expect: NS102\n"""\n'
    assert _pairs(source) == set()


def test_user_suppression_is_not_an_expectation() -> None:
    assert _pairs("a.b  # nullscan: ignore[NS101]\n") == set()


def test_path_is_carried() -> None:
    assert parse_source("a.b  # expect: NS101\n", "pkg/m.py") == {
        Expectation("pkg/m.py", 1, "NS101")
    }


@pytest.mark.parametrize(
    "comment", ["# expect: ", "# expect: NS1", "# expect: NS101 NS102", "# expect(1): NS101"]
)
def test_malformed_markers_are_errors(comment: str) -> None:
    with pytest.raises(ExpectationError):
        parse_source(f"a.b  {comment}\n")


def test_unrelated_comments_are_ignored() -> None:
    assert _pairs("a = 1  # expected behaviour: none\nb = 2  # noqa\n") == set()
