"""A method call sets an attribute for its caller only if it sets it on every path back."""

from __future__ import annotations

import ast
import textwrap

from huey_guard.analyzer import analyze_source
from huey_guard.analyzer.class_attrs import sure_stores

HEAD = """
from huey import MemoryHuey
huey = MemoryHuey("t")
"""


def _sure(source: str) -> set[str]:
    fn = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(fn, ast.FunctionDef)
    return set(sure_stores(fn))


def _found(body: str) -> set[tuple[int, str]]:
    source = textwrap.dedent(HEAD) + textwrap.dedent(body)
    result = analyze_source(source, "case.py")
    offset = textwrap.dedent(HEAD).count("\n")
    return {(f.line - offset, f.code) for f in result.findings if f.code.startswith("NS1")}


def test_stores_on_every_path_only() -> None:
    assert _sure("def f(self):\n    self.a = 1\n    self.b = 2\n") == {"a", "b"}
    assert _sure("def f(self, x):\n    if x:\n        self.a = x\n") == set()
    assert _sure("def f(self, x):\n    if x:\n        self.a = x\n    else:\n        self.a = 0\n")
    assert _sure("def f(self, x):\n    if not x:\n        return\n    self.a = x\n") == set()
    assert _sure("def f(self, x):\n    if not x:\n        raise ValueError\n    self.a = x\n") == {
        "a"
    }
    assert _sure("def f(self, xs):\n    for x in xs:\n        self.a = x\n") == set()
    assert _sure(
        "def f(self):\n    try:\n        self.a = g()\n    except OSError:\n        pass\n"
    ) == (set())
    assert _sure("def f(self):\n    with g():\n        self.a, self.b = 1, 2\n") == {"a", "b"}


def test_lazy_initialisation_counts_as_set_on_every_path() -> None:
    lazy = (
        "def f(self):\n    if self.conn is None:\n        self.conn = connect()\n    return self\n"
    )
    assert _sure(lazy) == {"conn"}
    negated = "def f(self):\n    if not self.conn:\n        self.conn = connect()\n"
    assert _sure(negated) == {"conn"}


def test_attribute_set_on_some_paths_of_a_method_stays_none_for_the_caller() -> None:
    found = _found(
        """
        class Finder:
            def __init__(self):
                self.last = None

            def find(self, key, table):
                value = table.get(key)
                if value is not None:
                    self.last = key
                return value

            def last_upper(self):
                return self.last.upper()

        @huey.task()
        def remember(key):
            finder = Finder()
            finder.find(key, {"a": 1})
            return finder.last_upper()
        """
    )
    assert (13, "NS101") in found


def test_attribute_a_method_always_sets_is_set_for_the_caller() -> None:
    found = _found(
        """
        class Client:
            def __init__(self):
                self.conn = None

            def connect(self):
                if self.conn is None:
                    self.conn = object()

            def send(self, data):
                return self.conn.send(data)

        @huey.task()
        def push(data):
            client = Client()
            client.connect()
            return client.send(data)
        """
    )
    assert found == set()
