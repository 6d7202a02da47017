"""The built-in exception signatures: which failures belong to which category, as a data table.

A signature matches an exception when every criterion it names holds: one of its exception
types appears in the exception's MRO, its errno is among ``errnos``, its ``pattern`` is found in
``str(exc)``, and its ``predicate`` accepts it. Types are written as qualified names and compared
by (top-level package, class name), so third-party libraries (requests, urllib3, httpx, aiohttp,
redis-py, psycopg/psycopg2, pymysql) are recognised without importing them — an exception can
only be raised once its module has been imported anyway.

Precedence (first match wins): user signatures (newest registration first), then this table in
order. The table is ordered so that the specific beats the generic: None dereferences first,
then resource exhaustion (redis reports "max number of clients reached" as a ConnectionError),
permission, network, timeout, filesystem and data format.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from huey_guard.none_errors import is_none_dereference

CATEGORIES: tuple[str, ...] = (
    "NULL_POINTER",
    "NETWORK",
    "TIMEOUT",
    "RESOURCE",
    "FILESYSTEM",
    "PERMISSION",
    "DATA_FORMAT",
    "UNKNOWN",
)

TypeKey = tuple[str, str]  # (top-level package of the defining module, class __qualname__)


def type_key(name: str) -> TypeKey:
    """``"requests.exceptions.ConnectTimeout"`` -> ``("requests", "ConnectTimeout")``."""
    module, _, qualname = name.rpartition(".")
    return (module.split(".")[0] if module else "builtins", qualname)


def class_key(cls: type) -> TypeKey:
    return (cls.__module__.split(".")[0], cls.__qualname__)


@dataclass(frozen=True)
class Signature:
    """One fingerprint of a failure. ``strategy=None`` means "the category's configured default"."""

    name: str
    category: str
    types: frozenset[TypeKey] = frozenset()  # empty: any exception type
    errnos: frozenset[int] = frozenset()
    pattern: re.Pattern[str] | None = None
    predicate: Callable[[BaseException], bool] | None = field(default=None, compare=False)
    strategy: str | None = None
    description: str = ""
    builtin: bool = True

    def matches(self, exc: BaseException) -> bool:
        """Every criterion except the type (checked by the caller through the MRO index)."""
        if self.errnos and getattr(exc, "errno", None) not in self.errnos:
            return False
        if self.pattern is not None and self.pattern.search(str(exc)) is None:
            return False
        return self.predicate is None or bool(self.predicate(exc))

    @property
    def type_names(self) -> tuple[str, ...]:
        return tuple(sorted(f"{pkg}.{name}" for pkg, name in self.types))


def _errnos(*names: str) -> frozenset[int]:
    # Some errno names do not exist on every platform (EHOSTDOWN on Windows); skip those.
    return frozenset(getattr(errno, n) for n in names if hasattr(errno, n))


def _sig(
    name: str,
    category: str,
    types: Iterable[str] = (),
    errnos: Iterable[str] = (),
    pattern: str | None = None,
    predicate: Callable[[BaseException], bool] | None = None,
    description: str = "",
) -> Signature:
    return Signature(
        name=name,
        category=category,
        types=frozenset(type_key(t) for t in types),
        errnos=_errnos(*errnos),
        pattern=re.compile(pattern, re.IGNORECASE) if pattern else None,
        predicate=predicate,
        description=description,
    )


_OSERROR = ("OSError",)
_DB_OPERATIONAL = (
    "psycopg2.OperationalError",
    "psycopg.OperationalError",
    "pymysql.err.OperationalError",
    "MySQLdb.OperationalError",
    "sqlite3.OperationalError",
)
_CONNECTION_LOST = (
    r"could not connect|connection refused|server closed the connection|terminating connection"
    r"|connection (timed out|reset)|can't connect to mysql|lost connection|server has gone away"
)

BUILTIN_SIGNATURES: tuple[Signature, ...] = (
    # -- NULL_POINTER: none_errors.py is the single definition of "caused by None" ----------
    _sig(
        "null-attribute",
        "NULL_POINTER",
        ["AttributeError"],
        predicate=is_none_dereference,
        description="attribute access on None",
    ),
    _sig(
        "null-operand",
        "NULL_POINTER",
        ["TypeError"],
        predicate=is_none_dereference,
        description="None subscripted, called, iterated or used as an operand",
    ),
    # -- RESOURCE: before NETWORK, because drivers report exhaustion as connection errors ----
    _sig("out-of-memory", "RESOURCE", ["MemoryError"], description="the process ran out of memory"),
    _sig(
        "too-many-open-files",
        "RESOURCE",
        _OSERROR,
        errnos=["EMFILE", "ENFILE"],
        description="file descriptor table full",
    ),
    _sig(
        "disk-full",
        "RESOURCE",
        _OSERROR,
        errnos=["ENOSPC", "EDQUOT"],
        description="no space left on device or quota exceeded",
    ),
    _sig(
        "too-many-connections",
        "RESOURCE",
        pattern=r"too many (connections|clients)|max number of clients reached|"
        r"remaining connection slots are reserved",
        description="the server refuses more connections",
    ),
    _sig(
        "database-locked",
        "RESOURCE",
        _DB_OPERATIONAL,
        pattern=r"database( table)? is locked|lock wait timeout exceeded",
        description="another writer holds the database lock",
    ),
    # -- PERMISSION ------------------------------------------------------------------------
    _sig("permission-denied", "PERMISSION", ["PermissionError"], description="EACCES/EPERM"),
    _sig(
        "permission-errno",
        "PERMISSION",
        _OSERROR,
        errnos=["EACCES", "EPERM", "EROFS"],
        description="an OSError carrying a permission errno",
    ),
    # -- NETWORK: the standard library ---------------------------------------------------
    _sig("connection-refused", "NETWORK", ["ConnectionRefusedError"]),
    _sig("connection-reset", "NETWORK", ["ConnectionResetError"]),
    _sig("connection-aborted", "NETWORK", ["ConnectionAbortedError", "BrokenPipeError"]),
    _sig(
        "network-errno",
        "NETWORK",
        _OSERROR,
        errnos=[
            "ECONNREFUSED",
            "ECONNRESET",
            "ECONNABORTED",
            "EPIPE",
            "ENETUNREACH",
            "EHOSTUNREACH",
            "ENETDOWN",
            "EHOSTDOWN",
            "ENOTCONN",
            "ETIMEDOUT",
        ],
        description="an OSError carrying a network errno (connect timeouts included)",
    ),
    _sig(
        "dns-failure",
        "NETWORK",
        ["socket.gaierror", "socket.herror"],
        description="name resolution failed",
    ),
    _sig(
        "socket-timeout",
        "NETWORK",
        ["TimeoutError", "socket.timeout"],
        pattern=r"^(timed out|the read operation timed out|_ssl.c.*timed out)$"
        r"|connect(ion)? timed out|read timed out",
        description="a socket connect or read timeout",
    ),
    _sig(
        "stdlib-connection",
        "NETWORK",
        [
            "ConnectionError",
            "http.client.RemoteDisconnected",
            "http.client.IncompleteRead",
            "urllib.error.URLError",
            "ssl.SSLEOFError",
            "ssl.SSLZeroReturnError",
        ],
    ),
    # -- NETWORK: third-party clients, by qualified name ----------------------------------
    _sig(
        "requests-network",
        "NETWORK",
        [
            "requests.exceptions.ConnectionError",
            "requests.exceptions.Timeout",
            "requests.exceptions.ChunkedEncodingError",
        ],
    ),
    _sig(
        "urllib3-network",
        "NETWORK",
        [
            "urllib3.exceptions.NewConnectionError",
            "urllib3.exceptions.ConnectTimeoutError",
            "urllib3.exceptions.ReadTimeoutError",
            "urllib3.exceptions.MaxRetryError",
            "urllib3.exceptions.ProtocolError",
            "urllib3.exceptions.NameResolutionError",
        ],
    ),
    _sig(
        "httpx-network",
        "NETWORK",
        ["httpx.TransportError", "httpx.TimeoutException", "httpx.NetworkError"],
    ),
    _sig(
        "aiohttp-network",
        "NETWORK",
        [
            "aiohttp.ClientConnectionError",
            "aiohttp.ServerTimeoutError",
            "aiohttp.ServerDisconnectedError",
            "aiohttp.ClientOSError",
        ],
    ),
    _sig(
        "redis-network",
        "NETWORK",
        [
            "redis.exceptions.ConnectionError",
            "redis.exceptions.TimeoutError",
            "redis.exceptions.BusyLoadingError",
        ],
    ),
    _sig(
        "database-connection",
        "NETWORK",
        _DB_OPERATIONAL,
        pattern=_CONNECTION_LOST,
        description="psycopg/psycopg2/pymysql: the database server cannot be reached",
    ),
    # -- TIMEOUT: a deadline passed that was not a socket's -------------------------------
    _sig(
        "timeout",
        "TIMEOUT",
        [
            "TimeoutError",
            "asyncio.TimeoutError",
            "concurrent.futures.TimeoutError",
            "subprocess.TimeoutExpired",
        ],
    ),
    # -- FILESYSTEM ------------------------------------------------------------------------
    _sig(
        "filesystem",
        "FILESYSTEM",
        ["FileNotFoundError", "IsADirectoryError", "NotADirectoryError", "FileExistsError"],
    ),
    _sig(
        "filesystem-errno",
        "FILESYSTEM",
        _OSERROR,
        errnos=["ENOENT", "EISDIR", "ENOTDIR", "EEXIST", "ENOTEMPTY", "EXDEV", "ESTALE"],
    ),
    # -- DATA_FORMAT: waiting will not change the bytes -------------------------------------
    _sig("json-decode", "DATA_FORMAT", ["json.JSONDecodeError"]),
    _sig("unicode", "DATA_FORMAT", ["UnicodeError"]),
    _sig("csv-error", "DATA_FORMAT", ["_csv.Error", "csv.Error"]),
    _sig(
        "xml-parse",
        "DATA_FORMAT",
        [
            "xml.etree.ElementTree.ParseError",
            "xml.parsers.expat.ExpatError",
            "xml.dom.DOMException",
            "lxml.etree.XMLSyntaxError",
        ],
    ),
    _sig(
        "decode-error",
        "DATA_FORMAT",
        [
            "binascii.Error",
            "_pickle.UnpicklingError",
            "pickle.UnpicklingError",
            "tomllib.TOMLDecodeError",
            "decimal.InvalidOperation",
        ],
    ),
    _sig(
        "value-parse",
        "DATA_FORMAT",
        ["ValueError"],
        pattern=r"invalid literal for|could not convert string|invalid isoformat|"
        r"does not match format|unconverted data remains|expecting (value|property)|"
        r"invalid (base64|hex|json|uuid)|badly formed hexadecimal|malformed",
        description="a ValueError raised while parsing text",
    ),
)

# The strategy each category uses unless the configuration or a signature says otherwise.
DEFAULT_STRATEGIES: dict[str, str] = {
    "NULL_POINTER": "RETRY_WITH_PARAM_FIX",
    "NETWORK": "RETRY_EXPONENTIAL",
    "TIMEOUT": "RETRY_EXPONENTIAL",
    "RESOURCE": "RETRY_WHEN_RESOURCES_FREE",
    "FILESYSTEM": "RETRY_FIXED_DELAY",
    "PERMISSION": "NO_RETRY",
    "DATA_FORMAT": "NO_RETRY",
    "UNKNOWN": "HUEY_DEFAULT",
}
