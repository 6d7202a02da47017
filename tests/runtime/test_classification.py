"""Exception classification: real failures, their categories, precedence and user signatures."""

from __future__ import annotations

import errno
import json
import pathlib
import socket
import sqlite3
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from typing import Any

import pytest

from huey_guard.exception_handler import ExceptionHandler, exception_handler, with_config
from huey_guard.signatures import BUILTIN_SIGNATURES, CATEGORIES
from huey_guard.strategies import RetryStrategy, register_strategy

NOTHING: Any = None  # what a lookup that found nothing hands a task


def raised(action: Callable[[], object]) -> BaseException:
    try:
        action()
    except BaseException as exc:  # the point is to capture whatever the real call raises
        return exc
    raise AssertionError("expected the action to raise")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def connect_closed() -> None:
    socket.create_connection(("127.0.0.1", closed_port()), timeout=2)


def locked_sqlite(tmp_path) -> BaseException:
    path = str(tmp_path / "locked.db")
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    holder.execute("create table t (x)")
    holder.execute("begin exclusive")
    other = sqlite3.connect(path, timeout=0)
    try:
        return raised(lambda: other.execute("insert into t values (1)"))
    finally:
        other.close()
        holder.close()


def redis_to_closed_port() -> BaseException:
    import redis

    client = redis.Redis(port=closed_port(), socket_connect_timeout=1)
    return raised(client.ping)


# (label, exception factory, category, signature): each built from a real operation when
# the standard library can produce it on a laptop, else constructed as the library would.
REAL_FAILURES = [
    (
        "attribute on None",
        lambda: raised(lambda: NOTHING.strip()),
        "NULL_POINTER",
        "null-attribute",
    ),
    ("subscript None", lambda: raised(lambda: NOTHING["k"]), "NULL_POINTER", "null-operand"),
    ("refused", lambda: raised(connect_closed), "NETWORK", "connection-refused"),
    ("reset", lambda: ConnectionResetError(errno.ECONNRESET, "reset"), "NETWORK", None),
    ("errno only", lambda: OSError(errno.EHOSTUNREACH, "No route"), "NETWORK", "network-errno"),
    ("dns", lambda: socket.gaierror(-2, "Name or service not known"), "NETWORK", "dns-failure"),
    ("socket read", lambda: TimeoutError("timed out"), "NETWORK", "socket-timeout"),
    ("connect errno", lambda: TimeoutError(errno.ETIMEDOUT, "x"), "NETWORK", "network-errno"),
    ("redis down", redis_to_closed_port, "NETWORK", "redis-network"),
    ("deadline", lambda: TimeoutError("deadline passed"), "TIMEOUT", "timeout"),
    ("memory", MemoryError, "RESOURCE", "out-of-memory"),
    ("fds", lambda: OSError(errno.EMFILE, "Too many open files"), "RESOURCE", None),
    ("disk", lambda: OSError(errno.ENOSPC, "No space left"), "RESOURCE", "disk-full"),
    (
        "missing file",
        lambda: raised(lambda: pathlib.Path("/nonexistent/x").read_text()),
        "FILESYSTEM",
        "filesystem",
    ),
    (
        "a directory",
        lambda: raised(lambda: pathlib.Path("/").read_text()),
        "FILESYSTEM",
        "filesystem",
    ),
    ("denied", lambda: PermissionError(errno.EACCES, "denied"), "PERMISSION", None),
    ("json", lambda: raised(lambda: json.loads("{")), "DATA_FORMAT", "json-decode"),
    ("utf8", lambda: raised(lambda: b"\xff".decode()), "DATA_FORMAT", "unicode"),
    ("xml", lambda: raised(lambda: ElementTree.fromstring("<a>")), "DATA_FORMAT", "xml-parse"),
    ("int()", lambda: raised(lambda: int("x1")), "DATA_FORMAT", "value-parse"),
    (
        "date",
        lambda: raised(lambda: __import__("datetime").date.fromisoformat("x")),
        "DATA_FORMAT",
        "value-parse",
    ),
    ("plain KeyError", lambda: raised(lambda: {}["k"]), "UNKNOWN", None),
    ("real AttributeError", lambda: raised(lambda: "s".nope), "UNKNOWN", None),
    ("arity TypeError", lambda: raised(lambda: len()), "UNKNOWN", None),
]


@pytest.mark.parametrize(
    ("factory", "category", "signature"),
    [case[1:] for case in REAL_FAILURES],
    ids=[case[0] for case in REAL_FAILURES],
)
def test_real_failures_are_classified(factory, category, signature) -> None:
    found = ExceptionHandler().classify(factory())
    assert found.category == category
    if signature is not None:
        assert found.signature_name == signature


def test_sqlite_database_is_locked_is_a_resource_problem(tmp_path) -> None:
    found = ExceptionHandler().classify(locked_sqlite(tmp_path))
    assert (found.category, found.signature_name) == ("RESOURCE", "database-locked")
    assert found.strategy == "RETRY_WHEN_RESOURCES_FREE"


def test_redis_too_many_clients_is_resource_not_network() -> None:
    import redis

    found = ExceptionHandler().classify(
        redis.exceptions.ConnectionError("max number of clients reached")
    )
    assert found.category == "RESOURCE"


def _foreign(module: str, name: str, base: type[BaseException] = Exception) -> BaseException:
    """An exception class defined where the library defines it, for libraries not installed."""
    return type(name, (base,), {"__module__": module})("boom")


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("httpx._exceptions", "ConnectTimeout"),  # httpx defines it privately, exports publicly
        ("aiohttp.client_exceptions", "ClientConnectorError"),
        ("urllib3.exceptions", "NewConnectionError"),
    ],
)
def test_third_party_network_errors_match_by_qualified_name(module, name) -> None:
    # Each class sits under the base the library really gives it; the MRO walk finds the base.
    bases = {"ConnectTimeout": "TransportError", "ClientConnectorError": "ClientOSError"}
    exc = _foreign(module, name)
    if name in bases:
        base = type(bases[name], (OSError,), {"__module__": module})
        exc = type(name, (base,), {"__module__": module})("timeout")
    assert ExceptionHandler().classify(exc).category == "NETWORK"


def test_database_driver_errors_need_the_message_to_be_network() -> None:
    for module in ("psycopg2", "pymysql.err"):
        lost = _foreign(module, "OperationalError")
        lost.args = ("could not connect to server: Connection refused",)
        other = _foreign(module, "OperationalError")
        other.args = ("division by zero",)
        handler = ExceptionHandler()
        assert handler.classify(lost).category == "NETWORK"
        assert handler.classify(other).category == "UNKNOWN"


def test_requests_errors_are_network_when_requests_is_installed() -> None:
    requests = pytest.importorskip("requests")
    exc = raised(lambda: requests.get(f"http://127.0.0.1:{closed_port()}/", timeout=2))
    assert ExceptionHandler().classify(exc).signature_name == "requests-network"


def test_subclass_found_through_the_mro() -> None:
    class UpstreamDown(ConnectionRefusedError):
        pass

    assert ExceptionHandler().classify(UpstreamDown()).category == "NETWORK"


def test_cause_and_context_chain_are_walked_unless_suppressed() -> None:
    def wrapped(suppress: bool) -> BaseException:
        try:
            try:
                raise ConnectionResetError(errno.ECONNRESET, "reset")
            except ConnectionResetError as inner:
                if suppress:
                    raise RuntimeError("gave up") from None
                raise RuntimeError("gave up") from inner
        except RuntimeError as outer:
            return outer

    handler = ExceptionHandler()
    found = handler.classify(wrapped(suppress=False))
    assert found.category == "NETWORK" and isinstance(found.exception, ConnectionResetError)
    assert handler.classify(wrapped(suppress=True)).category == "UNKNOWN"


def test_builtin_table_has_twenty_plus_signatures_over_every_category() -> None:
    assert len(BUILTIN_SIGNATURES) >= 20
    assert {s.category for s in BUILTIN_SIGNATURES} == set(CATEGORIES) - {"UNKNOWN"}
    assert len({s.name for s in BUILTIN_SIGNATURES}) == len(BUILTIN_SIGNATURES)


def test_user_signatures_take_precedence_newest_first() -> None:
    handler = ExceptionHandler()
    handler.add_exception_signature(
        pattern="Database connection failed.*",
        category="NETWORK",
        recovery_strategy="RETRY_EXPONENTIAL",
    )
    found = handler.classify(RuntimeError("Database connection failed: pool exhausted"))
    assert (found.category, found.strategy) == ("NETWORK", "RETRY_EXPONENTIAL")
    assert found.signature is not None and not found.signature.builtin

    # A user signature overrides a built-in for the same exception...
    handler.add_exception_signature(
        exception_type=ConnectionRefusedError,
        category="UNKNOWN",
        recovery_strategy="NO_RETRY",
        name="refused-is-fatal",
    )
    assert handler.classify(ConnectionRefusedError()).signature_name == "refused-is-fatal"
    # ...and the newest registration wins among user signatures.
    handler.add_exception_signature(
        exception_type="builtins.ConnectionRefusedError", category="NETWORK", name="newest"
    )
    assert handler.classify(ConnectionRefusedError()).signature_name == "newest"
    assert handler.remove_exception_signature("newest")
    assert handler.classify(ConnectionRefusedError()).signature_name == "refused-is-fatal"


def test_type_and_pattern_must_both_match() -> None:
    handler = ExceptionHandler()
    handler.add_exception_signature(pattern="quota", exception_type=KeyError, category="RESOURCE")
    assert handler.classify(KeyError("quota exceeded")).category == "RESOURCE"
    assert handler.classify(ValueError("quota exceeded")).category == "UNKNOWN"
    assert handler.classify(KeyError("other")).category == "UNKNOWN"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pattern": "(unclosed", "category": "NETWORK"}, "invalid pattern"),
        ({"pattern": "x", "category": "NETWRK"}, "unknown category"),
        (
            {"pattern": "x", "category": "NETWORK", "recovery_strategy": "RETRY_SOON"},
            "unknown recovery_strategy",
        ),
        ({"category": "NETWORK"}, "needs a pattern"),
        ({"exception_type": 42, "category": "NETWORK"}, "exception_type must be"),
    ],
)
def test_invalid_signatures_are_rejected_at_registration(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        ExceptionHandler().add_exception_signature(**kwargs)


def test_child_handler_sees_config_signatures_and_later_global_ones() -> None:
    parent = ExceptionHandler()
    child = with_config(
        parent,
        {
            "signatures": [{"pattern": "^flaky upstream", "category": "NETWORK"}],
            "retry_strategies": {"NETWORK": {"strategy": "RETRY_FIXED_DELAY"}},
        },
    )
    assert child.classify(RuntimeError("flaky upstream 502")).strategy == "RETRY_FIXED_DELAY"
    parent.add_exception_signature(pattern="^later", category="TIMEOUT")
    assert child.classify(RuntimeError("later")).category == "TIMEOUT"
    # Built-ins resolve to the child's configured strategy, the parent keeps its own.
    assert child.classify(ConnectionResetError()).strategy == "RETRY_FIXED_DELAY"
    assert parent.classify(ConnectionResetError()).strategy == "RETRY_EXPONENTIAL"


def test_custom_strategy_registered_by_name() -> None:
    register_strategy(
        "RETRY_TWICE_QUICKLY",
        lambda params, rng: RetryStrategy("RETRY_TWICE_QUICKLY", max_retries=2),
    )
    handler = ExceptionHandler()
    handler.add_exception_signature(
        pattern="blip", category="NETWORK", recovery_strategy="RETRY_TWICE_QUICKLY"
    )
    assert handler.classify(RuntimeError("blip")).strategy == "RETRY_TWICE_QUICKLY"
    with pytest.raises(ValueError):
        register_strategy("lower_case", lambda p, r: RetryStrategy("x"))


def test_module_level_handler_is_the_process_wide_one() -> None:
    from huey_guard import exception_handler as module

    assert module.classify == exception_handler.classify
    signature = module.add_exception_signature(pattern="^hg-test-sentinel$", category="TIMEOUT")
    try:
        assert module.classify(RuntimeError("hg-test-sentinel")).category == "TIMEOUT"
    finally:
        exception_handler.remove_exception_signature(signature.name)
    assert module.classify(RuntimeError("hg-test-sentinel")).category == "UNKNOWN"
