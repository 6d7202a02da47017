"""Correct real-world idioms that must stay silent, next to the bugs they resemble."""

from __future__ import annotations

import textwrap

from huey_guard.analyzer import ScanOptions, analyze_source


def _found(body: str) -> set[tuple[int, str]]:
    result = analyze_source(textwrap.dedent(body), "case.py", ScanOptions(all_functions=True))
    return {(f.line, f.code) for f in result.findings if f.code.startswith("NS1")}


def test_none_in_a_type_union_is_not_arithmetic() -> None:
    assert _found("Alias = None | int\nOther = dict[str, str] | None | list[int]\n") == set()


def test_none_guard_on_a_parameter_makes_a_pass_through() -> None:
    found = _found(
        """
        def pairs(value):
            if value is None:
                return None
            return list(value.items())

        def use(data, maybe=None):
            for k, v in pairs(data or {}):
                print(k, v)
            for k, v in pairs(maybe):
                print(k, v)
        """
    )
    assert found == {(10, "NS104")}


def test_class_level_none_set_by_a_method_init_calls() -> None:
    found = _found(
        """
        class Lock:
            script = None
            other = None

            def __init__(self, client):
                self.client = client
                self.register_scripts()

            def register_scripts(self):
                cls = self.__class__
                cls.script = self.client.register("x")

            def release(self):
                return self.script()

            def extend(self):
                return self.other()
        """
    )
    assert found == {(18, "NS103")}


def test_attributes_set_up_later_are_not_none_on_objects_from_elsewhere() -> None:
    found = _found(
        """
        class Request:
            def __init__(self):
                self.headers = None
                self.sent_at = None

            def prepare_headers(self, headers):
                self.headers = dict(headers)

            def mark_sent(self, when):
                self.sent_at = when

        def sign(request: Request):
            request.headers["X-Sig"] = "1"
            return request.sent_at.isoformat()
        """
    )
    assert found == {(15, "NS101")}


def test_conditional_assignment_naming_itself_does_not_loop() -> None:
    found = _found(
        """
        def f(x, y):
            x = y if x else None
            if x:
                return x.upper()
            return ""
        """
    )
    assert found == set()


def test_a_flag_set_together_with_a_value_proves_the_value_set() -> None:
    found = _found(
        """
        def send(client, args):
            redirect = None
            asking = False
            other = None
            for _ in range(3):
                try:
                    if asking:
                        client.get_node(*redirect)
                    if asking:
                        other.run()
                    return client.run(args)
                except KeyError as e:
                    redirect = e.args
                    asking = True
        """
    )
    assert found == {(11, "NS101")}


def test_attributes_assigned_from_outside_the_class_are_caller_managed() -> None:
    found = _found(
        """
        class Command:
            def __init__(self, args):
                self.args = args
                self.replies = None
                self.result = None

        def execute(commands: list, cmd: Command):
            for c in commands:
                c.replies = c.args
            return len(cmd.replies) + cmd.result.count
        """
    )
    assert found == {(11, "NS101")}


def test_lazily_set_attribute_is_reported_where_an_instance_uses_it_unset() -> None:
    found = _found(
        """
        class Mailer:
            def __init__(self, host):
                self.host = host
                self.conn = None

            def open(self):
                self.conn = object()

            def send(self, body):
                return self.conn.sendmail(body)

        def ready(mailer: Mailer, body):
            return mailer.send(body)

        def fresh(body):
            return Mailer("h").send(body)

        def opened(body):
            mailer = Mailer("h")
            mailer.open()
            return mailer.send(body)
        """
    )
    assert found == {(11, "NS101")}


def test_conditional_default_and_getattr_probe() -> None:
    found = _found(
        """
        def check(data, revoke_until, timestamp=None):
            if revoke_until is not None and timestamp is None:
                timestamp = 1
            if revoke_until is None:
                return False
            return revoke_until <= timestamp

        def unguarded(data, revoke_until, timestamp=None):
            if revoke_until is not None and timestamp is None:
                timestamp = 1
            return timestamp + 1

        def probe(body=None):
            if getattr(body, "tell", None) is not None:
                return body.tell()
            return 0
        """
    )
    assert found == {(12, "NS105")}


def test_upsert_then_select_reads_the_row_it_wrote() -> None:
    found = _found(
        """
        def incr(db, key):
            curs = db.cursor()
            curs.execute("insert into counter (key, value) values (?, 1) "
                         "on conflict (key) do update set value = value + 1", (key,))
            curs.execute("select value from counter where key = ?", (key,))
            return curs.fetchone()[0]

        def other(db, key):
            curs = db.cursor()
            curs.execute("insert into audit (key) values (?)", (key,))
            curs.execute("select value from counter where key = ?", (key,))
            return curs.fetchone()[0]
        """
    )
    assert found == {(13, "NS102")}
