"""The faults the injector can raise: one table of names, categories and exception factories.

Each injected exception is a real instance of the type production code would see (so the
classifier files it exactly as it would file the real thing) and carries
``huey_guard_injected = True`` so logs and metrics can mark it.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

INJECTED_ATTR = "huey_guard_injected"


class ConnectionTimeout(ConnectionError, TimeoutError):
    """A connect timeout, as socket/requests report one (a network error that timed out)."""


class ReadTimeout(ConnectionError, TimeoutError):
    """A read timeout on an established connection."""


class TooManyConnections(OSError):
    """The server refused a new connection: its connection limit is reached (a resource)."""


@dataclass(frozen=True)
class Fault:
    name: str
    category: str  # the category the classifier is expected to give it
    make: Callable[[], BaseException]
    description: str


def _fault(name: str, category: str, make: Callable[[], BaseException], text: str) -> Fault:
    return Fault(name, category, make, text)


FAULTS: Mapping[str, Fault] = {
    f.name: f
    for f in (
        _fault(
            "NullPointerException",
            "NULL_POINTER",
            lambda: AttributeError("'NoneType' object has no attribute 'injected_fault'"),
            "AttributeError from dereferencing None",
        ),
        _fault(
            "ConnectionTimeout",
            "NETWORK",
            lambda: ConnectionTimeout(errno.ETIMEDOUT, "injected fault: connection timed out"),
            "connect timeout",
        ),
        _fault(
            "ReadTimeout",
            "NETWORK",
            lambda: ReadTimeout(errno.ETIMEDOUT, "injected fault: read timed out"),
            "read timeout",
        ),
        _fault(
            "ConnectionRefused",
            "NETWORK",
            lambda: ConnectionRefusedError(
                errno.ECONNREFUSED, "injected fault: connection refused"
            ),
            "ConnectionRefusedError",
        ),
        _fault(
            "OutOfMemoryError",
            "RESOURCE",
            lambda: MemoryError("injected fault: out of memory"),
            "MemoryError",
        ),
        _fault(
            "TooManyConnections",
            "RESOURCE",
            lambda: TooManyConnections("injected fault: too many connections"),
            "the server's connection limit",
        ),
        _fault(
            "FileNotFoundError",
            "FILESYSTEM",
            lambda: FileNotFoundError(errno.ENOENT, "injected fault", "/injected/missing"),
            "FileNotFoundError",
        ),
        _fault(
            "PermissionError",
            "PERMISSION",
            lambda: PermissionError(errno.EACCES, "injected fault", "/injected/denied"),
            "PermissionError",
        ),
        _fault(
            "JSONDecodeError",
            "DATA_FORMAT",
            lambda: json.JSONDecodeError("injected fault: Expecting value", "<injected>", 0),
            "json.JSONDecodeError",
        ),
    )
}

# Other spellings accepted on the command line.
ALIASES: Mapping[str, str] = {
    "AttributeError": "NullPointerException",
    "MemoryError": "OutOfMemoryError",
    "ConnectionRefusedError": "ConnectionRefused",
    "ConnectTimeout": "ConnectionTimeout",
}

# A category name picks one of its faults per injection (the choice is part of the dice roll).
GROUPS: Mapping[str, tuple[str, ...]] = {
    "NETWORK": ("ConnectionTimeout", "ReadTimeout", "ConnectionRefused"),
    "RESOURCE": ("OutOfMemoryError", "TooManyConnections"),
}


def canonical(name: str) -> str:
    """The table name for ``name`` (case-insensitive, aliases and groups accepted)."""
    known = {n.lower(): n for n in (*FAULTS, *GROUPS)}
    known.update({alias.lower(): target for alias, target in ALIASES.items()})
    found = known.get(name.strip().lower())
    if found is None:
        choices = ", ".join([*FAULTS, *GROUPS])
        raise ValueError(f"unknown fault {name!r}; choose one of: {choices}")
    return found


def members(name: str) -> tuple[str, ...]:
    """The concrete faults ``name`` (a fault or a group) can raise."""
    return GROUPS.get(name, (name,))


def make_fault(name: str) -> BaseException:
    """A fresh injected exception of fault ``name``, marked as injected."""
    exc = FAULTS[name].make()
    setattr(exc, INJECTED_ATTR, True)
    return exc
