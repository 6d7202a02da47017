"""The None-source catalogue: library calls known to return None, as a data table.

Each entry says which call returns None and why, in plain words for the message. The engine
matches a call by its dotted name (``os.getenv``) or, for methods, by the method name with a
leading dot (``.first``). Conditions on the arguments are data too, so ``d.get(k, "x")`` is not
a source while ``d.get(k)`` and ``d.get(k, None)`` are. Users extend the table with
``ScanOptions.extra_none_sources`` (same naming scheme).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceRule:
    """One None-returning callable.

    ``max_args``: the call is a source only with at most this many positional arguments
    (a further positional argument is a default that replaces None). ``default_arg``: index of
    the positional argument (or name of the keyword) that, when present and not None, makes the
    result not None. ``only_codes``: restrict which dereferences are reported (``.find`` is also
    ``str.find``, which returns an int, so only attribute access on it is a real bug).
    """

    name: str
    why: str
    max_args: int | None = None
    min_args: int = 0
    default_arg: int | None = None
    default_kw: str | None = None
    only_codes: frozenset[str] | None = None
    first_arg_str: bool = False  # only when the first argument is a string literal
    item: int | None = None  # returns a tuple of this many None-able items (guess_type())
    tag: str | None = None  # the kind of object it returns when not None (see TAG_ATTRIBUTES)
    other_kwargs_ok: bool = True  # False: any other keyword means a different API (requests)


_ATTR_ONLY = frozenset({"NS101"})

# Functions by qualified name.
FUNCTIONS: tuple[SourceRule, ...] = (
    SourceRule(
        "os.getenv",
        "returns None when the variable is not set",
        default_arg=1,
        default_kw="default",
    ),
    SourceRule("os.environ.get", "returns None when the variable is not set", default_arg=1),
    SourceRule(
        "getattr",
        "returns its None default when the attribute is missing",
        min_args=3,
        default_arg=2,
    ),
    SourceRule(
        "next", "returns its None default when the iterator is exhausted", min_args=2, default_arg=1
    ),
    SourceRule(
        "max", "returns its None default for an empty input", default_kw="default", min_args=99
    ),
    SourceRule(
        "min", "returns its None default for an empty input", default_kw="default", min_args=99
    ),
    SourceRule("re.match", "returns None when the pattern does not match"),
    SourceRule("re.search", "returns None when the pattern does not match"),
    SourceRule("re.fullmatch", "returns None when the pattern does not match"),
    SourceRule("shutil.which", "returns None when the program is not on PATH"),
    SourceRule("mimetypes.guess_type", "returns None for an unknown type or encoding", item=2),
    SourceRule("mimetypes.guess_extension", "returns None for an unknown type"),
    SourceRule("inspect.getmodule", "returns None when the module cannot be determined"),
    SourceRule("inspect.getdoc", "returns None when there is no docstring"),
    SourceRule(
        "importlib.util.find_spec", "returns None when the module is not found", tag="modspec"
    ),
    SourceRule("importlib.util.spec_from_file_location", "can return None", tag="modspec"),
    SourceRule("sys.modules.get", "returns None when the module is not imported", default_arg=1),
    SourceRule("ctypes.util.find_library", "returns None when the library is not found"),
)

# Methods by name (any receiver); the receiver check lives in the engine.
METHODS: tuple[SourceRule, ...] = (
    SourceRule(
        ".get",
        "returns None when the key is missing",
        min_args=1,
        default_arg=1,
        default_kw="default",
        other_kwargs_ok=False,
    ),
    SourceRule(
        ".pop", "returns its None default when the key is missing", min_args=2, default_arg=1
    ),
    SourceRule(".first", "returns None when nothing matches", max_args=0),
    SourceRule(".last", "returns None when nothing matches", max_args=0),
    SourceRule(".one_or_none", "returns None when nothing matches", max_args=0),
    SourceRule(".scalar_one_or_none", "returns None when nothing matches", max_args=0),
    SourceRule(".first_or_none", "returns None when nothing matches"),
    SourceRule(".get_or_none", "returns None when nothing matches"),
    SourceRule(".scalar", "returns None when the query has no row", max_args=0),
    SourceRule(".fetchone", "returns None when there are no more rows", max_args=0),
    SourceRule(".find_one", "returns None when no document matches"),
    SourceRule(
        ".find",
        "returns None when no element matches",
        min_args=1,
        first_arg_str=True,
        only_codes=_ATTR_ONLY,
    ),
    SourceRule(
        ".findtext", "returns None when no element matches", default_arg=1, default_kw="default"
    ),
    SourceRule(".select_one", "returns None when no element matches", max_args=1),
    SourceRule(".fullmatch", "returns None when the pattern does not match"),
    SourceRule(".hget", "returns None when the hash field is missing"),
    SourceRule(".lpop", "returns None when the list is empty", max_args=1),
    SourceRule(".rpop", "returns None when the list is empty", max_args=1),
    SourceRule(".spop", "returns None when the set is empty", max_args=1),
    SourceRule(".lindex", "returns None when the index is out of range"),
    SourceRule(".zscore", "returns None when the member is missing"),
    SourceRule(".getdel", "returns None when the key is missing"),
    SourceRule(".poll", "returns None while the process is still running", max_args=0),
    SourceRule(".testzip", "returns None when every member is intact", max_args=0),
    *(
        SourceRule(f".{m}", "returns None (it changes the object in place)", min_args=min_args)
        for m, min_args in (
            ("sort", 0),
            ("reverse", 0),
            ("shuffle", 1),
            ("append", 1),
            ("extend", 1),
            ("insert", 2),
            ("clear", 0),
        )
    ),
    SourceRule(".extractfile", "returns None for a member that is not a regular file"),
    SourceRule(".utcoffset", "returns None for a naive datetime", max_args=0),
    SourceRule(".dst", "returns None for a naive datetime", max_args=0),
    SourceRule(".tzname", "returns None for a naive datetime", max_args=0),
)

# Methods whose None result depends on what the receiver is (checked by the engine).
REGEX_METHODS: frozenset[str] = frozenset({"match", "search", "fullmatch"})
REGEX_WHY = "returns None when the pattern does not match"

# Attributes that are None on some objects the engine can recognise by how they were made.
URL_CONSTRUCTORS: frozenset[str] = frozenset(
    {"urllib.parse.urlparse", "urllib.parse.urlsplit", "urlparse.urlparse"}
)
URL_NONE_ATTRIBUTES: dict[str, str] = {
    "hostname": "is None when the URL has no host",
    "port": "is None when the URL has no port",
    "username": "is None when the URL has no user",
    "password": "is None when the URL has no password",
}

# ElementTree: how elements are made, how their children are reached, what is None on them.
ELEMENT_CONSTRUCTORS: tuple[str, ...] = (
    "ElementTree.fromstring",
    "ElementTree.XML",
    "ElementTree.Element",
    "ElementTree.SubElement",
    "etree.fromstring",
    "etree.XML",
    "etree.Element",
    "etree.SubElement",
)
ELEMENT_CHILDREN: frozenset[str] = frozenset({"findall", "iter", "iterfind", "getchildren"})
ELEMENT_NONE_ATTRIBUTES: dict[str, str] = {
    "text": "is None when the element has no text",
    "tail": "is None when nothing follows the element",
}

# email.message.Message: made by these functions; missing headers and parameters are None.
EMAIL_CONSTRUCTORS: tuple[str, ...] = (
    "email.message_from_string",
    "email.message_from_bytes",
    "email.message_from_file",
    "email.message_from_binary_file",
)
EMAIL_NONE_METHODS: dict[str, str] = {
    "get_content_charset": "returns None when no charset is declared",
    "get_filename": "returns None when the part has no filename",
    "get_content_disposition": "returns None when there is no Content-Disposition header",
    "get_param": "returns None when the parameter is missing",
    "get_boundary": "returns None when there is no boundary",
    "get_charset": "returns None when no charset is set",
}
EMAIL_HEADER_WHY = "is None when the message has no such header"

# Attributes that are None on objects of a kind the engine recognises (by how they were made).
TAG_ATTRIBUTES: dict[str, dict[str, str]] = {
    "modspec": {
        "submodule_search_locations": "is None when the module is not a package",
        "loader": "is None for a namespace package",
        "origin": "is None when the module has no location",
    },
    "datetime": {"tzinfo": "is None for a naive datetime"},
    "csv-reader": {"fieldnames": "is None when the CSV input is empty"},
}
# Calls that make naive datetimes (no tzinfo unless the text or an argument carries one).
DATETIME_CONSTRUCTORS: frozenset[str] = frozenset(
    {
        "datetime.datetime.fromisoformat",
        "datetime.datetime.strptime",
        "datetime.datetime.utcnow",
        "datetime.datetime.utcfromtimestamp",
    }
)
# `obj.__doc__` is None when there is no docstring.
DOC_WHY = "is None when the function or class has no docstring"

# huey's own None-returning APIs.
HUEY_RESULT_WHY = "a huey Result's non-blocking get() returns None until the task has finished"
HUEY_NO_RESULTS_WHY = "calling a task returns None when the huey instance has results=False"
HUEY_INSTANCE_METHODS: dict[str, str] = {
    "result": "returns None when the result is not ready",
    "get": "returns None when the key is missing",
}

# Receivers of `.get(x)` that are HTTP clients, not mappings (requests.get(url) is a Response).
HTTP_RECEIVER_HINTS: tuple[str, ...] = ("request", "http", "session", "api", "aiohttp", "urllib3")

# Calls that never return: what follows them on the same path is unreachable.
NORETURN: frozenset[str] = frozenset(
    {
        "sys.exit",
        "exit",
        "quit",
        "os._exit",
        "os.abort",
        "typing.assert_never",
        "typing_extensions.assert_never",
        "pytest.fail",
        "pytest.skip",
        "pytest.exit",
    }
)

# Call arguments whose None raises: (dotted name, argument index, code). The fixture contract
# treats passing a value as an argument as no dereference, except len().
ARGUMENT_DEREFS: dict[str, tuple[int, str]] = {"len": (0, "NS105")}
# Builtins whose result keeps what is known about the elements of their first argument.
ELEMENT_KEEPERS = frozenset({"list", "tuple", "sorted", "reversed", "iter", "set", "frozenset"})
CSV_ROW_WHY = "is None when the CSV line is short: DictReader fills missing columns with None"
OPTIONAL_GROUP_WHY = "is None when that optional group does not take part in the match"


def extra_rules(names: tuple[str, ...]) -> tuple[tuple[SourceRule, ...], tuple[SourceRule, ...]]:
    """Rules for ``ScanOptions.extra_none_sources``: ``pkg.func`` or ``.method``."""
    why = "is configured as returning None (extra_none_sources)"
    funcs = tuple(SourceRule(n, why) for n in names if not n.startswith("."))
    meths = tuple(SourceRule(n, why) for n in names if n.startswith("."))
    return funcs, meths


def rule_applies(rule: SourceRule, call: ast.Call) -> bool:
    """Whether this call, with these arguments, can return None according to ``rule``."""
    if any(isinstance(a, ast.Starred) for a in call.args):
        return False
    npos = len(call.args)
    kws = {k.arg: k.value for k in call.keywords if k.arg is not None}
    if rule.default_kw is not None and rule.default_kw in kws:
        return _is_none(kws[rule.default_kw])
    if rule.name == ".get" and "fallback" in kws:  # configparser: get(section, option, ...)
        return _is_none(kws["fallback"])
    if not rule.other_kwargs_ok and (kws or len(kws) != len(call.keywords)):
        return False
    if rule.default_arg is not None and npos > rule.default_arg:
        return _is_none(call.args[rule.default_arg])
    if npos < rule.min_args or (rule.max_args is not None and npos > rule.max_args):
        return False
    if rule.first_arg_str:
        return (
            bool(call.args)
            and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str)
        )
    return True


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
