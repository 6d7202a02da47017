"""Abstract values: module-level data tables, attributes holding project classes, lambdas."""

from __future__ import annotations

import textwrap

from huey_guard.analyzer import analyze_source

HEAD = """
from huey import MemoryHuey
huey = MemoryHuey("t")
"""


def _found(body: str) -> set[tuple[int, str]]:
    source = textwrap.dedent(HEAD) + textwrap.dedent(body)
    result = analyze_source(source, "case.py")
    offset = textwrap.dedent(HEAD).count("\n")
    return {(f.line - offset, f.code) for f in result.findings if f.code.startswith("NS1")}


def test_none_value_inside_module_level_dict_rows() -> None:
    found = _found(
        """
        DOCS = {1: {"body": "text", "tags": ["a"]}, 2: {"body": None, "tags": None}}

        @huey.task()
        def words(doc_id):
            doc = DOCS.get(doc_id)
            if doc:
                return doc["body"].split()

        @huey.task()
        def tags(doc_id):
            doc = DOCS.get(doc_id, {})
            return [t for t in doc.get("tags", [])]

        @huey.task()
        def first_body():
            return DOCS[1]["body"].split()
        """
    )
    assert found == {(8, "NS101"), (13, "NS104")}


def test_module_level_rows_without_none_stay_silent() -> None:
    found = _found(
        """
        ROWS = [{"name": "a", "n": 1}, {"name": "b", "n": 2}]
        CONFIG = dict(host="x", port=1)

        @huey.task()
        def names():
            return [r["name"].upper() for r in ROWS] + [CONFIG["host"].lower()]
        """
    )
    assert found == set()


def test_a_rebound_global_is_not_constant_data() -> None:
    found = _found(
        """
        TABLE = {"a": None}

        def reload():
            global TABLE
            TABLE = {"a": "x"}

        @huey.task()
        def read():
            return TABLE["a"].upper()
        """
    )
    assert found == set()


def test_constructed_objects_in_module_level_dict_keep_none_attributes() -> None:
    found = _found(
        """
        class Plan:
            def __init__(self, name, trial_days=None):
                self.name = name
                self.trial_days = trial_days

        PLANS = {"basic": Plan("basic"), "pro": Plan("pro", 14)}
        FULL = {"pro": Plan("pro", 14)}

        @huey.task()
        def trial(name):
            plan = PLANS.get(name)
            if plan is None:
                return 0
            return plan.trial_days * 2

        @huey.task()
        def trial_full(name):
            return FULL[name].trial_days * 2
        """
    )
    assert found == {(15, "NS105")}


def test_attribute_holding_a_project_class_carries_its_none_attributes() -> None:
    found = _found(
        """
        from typing import Optional

        class Warehouse:
            def __init__(self, code, manager=None):
                self.code = code
                self.manager = manager

        class Order:
            def __init__(self, number, warehouse: Optional[Warehouse] = None):
                self.number = number
                self.warehouse = warehouse

        def find(number) -> Order:
            return Order(number)

        @huey.task()
        def manager(number):
            order = find(number)
            if not order.warehouse:
                return None
            return order.warehouse.manager.title()

        @huey.task()
        def code(number):
            order = find(number)
            if order.warehouse is None:
                return None
            return order.warehouse.code.lower()
        """
    )
    assert found == {(22, "NS101")}


def test_lambda_with_a_none_branch_is_a_none_source_when_called() -> None:
    found = _found(
        """
        @huey.task()
        def label(item):
            pick = lambda m: m.name if m.ok else None  # noqa: E731
            safe = lambda m: m.name or "?"  # noqa: E731
            return pick(item).title() + safe(item).title()

        @huey.task()
        def rebound(item):
            pick = lambda m: None  # noqa: E731
            pick = str
            return pick(item).title()
        """
    )
    assert found == {(6, "NS101")}


def test_generator_yields_and_optional_regex_groups() -> None:
    found = _found(
        """
        import re

        LINE = re.compile(r"^(?P<name>[a-z]+)=(?P<value>\\d+)(?P<unit>[CF])?$")

        def parse(lines):
            for line in lines:
                yield LINE.match(line)

        def pairs(names):
            for name in names:
                yield name, (None if name.startswith("_") else name.upper())

        @huey.task()
        def units(lines):
            return [m.group("unit").lower() for m in parse(lines) if m]

        @huey.task()
        def names(lines):
            return [m.group("name").lower() for m in parse(lines) if m]

        @huey.task()
        def strict(lines):
            return [m.group("name") for m in parse(lines)]

        @huey.task()
        def shout(names):
            return [upper.strip() for _, upper in pairs(names)]
        """
    )
    assert found == {(16, "NS101"), (24, "NS101"), (28, "NS101")}


def test_csv_dictreader_rows_hold_none_for_missing_columns() -> None:
    found = _found(
        """
        import csv
        import io

        def rows(text):
            return list(csv.DictReader(io.StringIO(text)))

        @huey.task()
        def bins(text):
            return [row["bin"].upper() for row in rows(text)]

        @huey.task()
        def padded(text):
            reader = csv.DictReader(io.StringIO(text), restval="")
            return [row["bin"].upper() for row in reader]

        @huey.task()
        def header(text):
            return [n.lower() for n in csv.DictReader(io.StringIO(text)).fieldnames]
        """
    )
    assert found == {(10, "NS101"), (19, "NS104")}


def test_call_local_returns_what_the_task_function_returns() -> None:
    found = _found(
        """
        @huey.task()
        def last(items):
            return items[-1] if items else None

        @huey.task()
        def first_char(items):
            return last.call_local(items)[0]

        @huey.task()
        def result_handle(items):
            return last(items).id
        """
    )
    assert found == {(8, "NS102")}


def test_correlated_condition_through_a_conditional_assignment() -> None:
    found = _found(
        """
        def amount(ref):
            return {"a": 1}.get(ref)

        @huey.task()
        def difference(row):
            found = row.get("x")
            other = amount(found) if found else None
            if other is None:
                return None
            return found.upper() + str(other)

        @huey.task()
        def unrelated(row):
            found = row.get("x")
            other = amount(row) if row else None
            if other is None:
                return None
            return found.upper()
        """
    )
    assert found == {(19, "NS101")}


def test_star_imports_imported_tables_and_constructed_returns(tmp_path) -> None:
    from huey_guard.analyzer import ScanOptions, scan

    files = {
        "pkg/__init__.py": "",
        "pkg/hub.py": "from huey import MemoryHuey\nhuey = MemoryHuey('t')\n",
        "pkg/parse.py": textwrap.dedent(
            """
            __all__ = ["parse", "find"]

            class Reading:
                def __init__(self, unit=None):
                    self.unit = unit

            def parse(text):
                return Reading() if text else None

            def find(text):
                if not text:
                    return None
                return Reading(text)

            def _hidden(text):
                return None
            """
        ),
        "pkg/buffer.py": textwrap.dedent(
            """
            class Buffer:
                def __init__(self):
                    self.last = None

                def push(self, x):
                    self.last = x

            BUFFERS = {"empty": Buffer()}
            """
        ),
        "pkg/tasks.py": textwrap.dedent(
            """
            from .buffer import BUFFERS
            from .hub import huey
            from .parse import *

            @huey.task()
            def unit(text):
                reading = find(text)
                if reading is None:
                    return ""
                return reading.unit.upper()

            @huey.task()
            def last(name):
                buffer = BUFFERS.get(name)
                if buffer is None:
                    return None
                return buffer.last.value
            """
        ),
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = scan([str(tmp_path / "pkg")], ScanOptions(jobs=1, cache_dir=None))
    found = {(f.path.rpartition("/")[2], f.line, f.code) for f in result.findings}
    assert ("tasks.py", 11, "NS101") in found
    assert ("tasks.py", 18, "NS101") in found
    assert not [f for f in found if f[0] != "tasks.py" and f[2].startswith("NS1")]


def test_another_modules_lazy_global_and_its_setter(tmp_path) -> None:
    from huey_guard.analyzer import ScanOptions, scan

    files = {
        "app/__init__.py": "",
        "app/queue.py": "from huey import MemoryHuey\nhuey = MemoryHuey('t')\n",
        "app/remote.py": textwrap.dedent(
            """
            CONNECTION = None

            def connect():
                global CONNECTION
                CONNECTION = object()
                return CONNECTION
            """
        ),
        "app/state.py": textwrap.dedent(
            """
            from .queue import huey

            def last(kind):
                return huey.get(kind, peek=True)
            """
        ),
        "app/tasks.py": textwrap.dedent(
            """
            from . import remote, state
            from .queue import huey

            @huey.task()
            def keys():
                return remote.CONNECTION.keys()

            @huey.task()
            def keys_connected():
                remote.connect()
                return remote.CONNECTION.keys()

            @huey.task()
            def previous(kind):
                return state.last(kind).split("-")
            """
        ),
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = scan([str(tmp_path / "app")], ScanOptions(jobs=1, cache_dir=None))
    found = {(f.path.rpartition("/")[2], f.line, f.code) for f in result.findings}
    assert {f for f in found if f[2].startswith("NS1")} == {
        ("tasks.py", 7, "NS101"),
        ("tasks.py", 16, "NS101"),
    }


def test_contextmanager_yielding_none_zip_enumerate_and_slices() -> None:
    found = _found(
        """
        import contextlib

        READINGS = {"a": [1.0, None, 2.0], "b": [1.0, 2.0]}

        @contextlib.contextmanager
        def job(name):
            if not name:
                yield None
                return
            yield object()

        @huey.task()
        def use(name):
            with job(name) as j:
                return j.run()

        @huey.task()
        def deltas(meter):
            values = READINGS[meter]
            return [b - a for a, b in zip(values, values[1:])]

        @huey.task()
        def numbered(meter):
            return [i + 1 for i, _ in enumerate(READINGS[meter])]

        @huey.task()
        def totals(meter):
            return [v * 2 for _, v in enumerate(READINGS[meter], 1)]
        """
    )
    assert found == {(16, "NS101"), (21, "NS105"), (29, "NS105")}
