"""Errors the analyzer raises to its caller (everything else becomes a finding)."""

from __future__ import annotations


class UsageError(Exception):
    """The caller asked for something impossible, e.g. a path that does not exist (exit 2)."""
