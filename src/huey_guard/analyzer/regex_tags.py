"""Tags for regex calls: whether a pattern can match the empty string, which groups are optional."""

from __future__ import annotations

import ast
import re

from huey_guard.analyzer.regex_groups import optional_groups


def regex_tag(call: ast.Call) -> str:
    """ "regex-empty" when the literal pattern matches the empty string (so ``match`` and
    ``search`` can never return None), else "regex"."""
    pattern = call.args[0] if call.args else None
    if isinstance(pattern, ast.Constant) and isinstance(pattern.value, (str, bytes)):
        try:
            value = pattern.value
            matched = (
                re.compile(value).match("")
                if isinstance(value, str)
                else re.compile(value).match(b"")
            )
            if matched is not None:
                return "regex-empty"
        except (re.error, TypeError, ValueError, RecursionError, OverflowError):
            pass
    return "regex"


def _literal_groups(call: ast.Call) -> frozenset[str]:
    pattern = call.args[0] if call.args else None
    if isinstance(pattern, ast.Constant) and isinstance(pattern.value, (str, bytes)):
        return optional_groups(pattern.value)
    return frozenset()


def _match_tag(groups: frozenset[str]) -> str | None:
    return "match:" + ",".join(sorted(groups)) if groups else None
