"""Which groups of a literal regular expression may not take part in a match.

``(?P<unit>[CF%])?`` or ``(a)|(b)``: after a successful match, ``m.group("unit")`` is None when
the optional group did not participate. The pattern is parsed with the interpreter's own regex
parser, so the answer follows exactly the syntax ``re`` accepts.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any


def _parser() -> Any:
    """The interpreter's regex parser (``re._parser`` since 3.11, ``sre_parse`` before)."""
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - older interpreters
        return importlib.import_module("sre_parse")


_sre_parse = _parser()
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


@functools.lru_cache(maxsize=1024)
def optional_groups(pattern: str | bytes) -> frozenset[str]:
    """Names and numbers (as text) of the groups that may be None after a match."""
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:  # invalid pattern, or one the parser rejects: no knowledge
        return frozenset()
    optional: set[int] = set()
    _walk(parsed, False, optional)
    names = {i: n for n, i in parsed.state.groupdict.items()}
    out = {str(i) for i in optional} | {names[i] for i in optional if i in names}
    return frozenset(out)


def _walk(seq: Any, inside: bool, out: set[int]) -> None:
    for op, av in seq:
        name = str(op)
        if name == "SUBPATTERN":
            group, _, _, sub = av
            if group is not None and inside:
                out.add(group)
            _walk(sub, inside, out)
        elif name in _REPEATS:
            low, _, sub = av
            _walk(sub, inside or low == 0, out)
        elif name == "BRANCH":
            arms = av[1]
            for arm in arms:
                _walk(arm, inside or len(arms) > 1, out)
        elif name == "GROUPREF_EXISTS":
            _, yes, no = av
            _walk(yes, True, out)
            if no is not None:
                _walk(no, True, out)
        elif name in ("ASSERT", "ASSERT_NOT"):
            _walk(av[1], True, out)
