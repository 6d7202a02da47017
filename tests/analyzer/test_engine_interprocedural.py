"""Summaries across files: None-returning helpers, wrappers, helpers that dereference arguments."""

from __future__ import annotations

import textwrap
from pathlib import Path

from huey_guard.analyzer import ScanOptions, scan


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


REPO = """
    USERS = {}

    def find_user(uid):
        if uid not in USERS:
            return None
        return USERS[uid]

    def load_user(uid):
        return find_user(uid)

    def always(uid):
        return USERS.get(uid) or {"name": "anon"}

    def shout(text):
        return text.upper()

    def unused_helper(x):
        return USERS.get(x).name
"""


def test_none_returning_helper_chain_across_modules(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/repo.py": REPO,
            "proj/tasks.py": """
            from huey import RedisHuey
            from proj import repo
            from proj.repo import always, load_user

            huey = RedisHuey("p")

            @huey.task()
            def greet(uid):
                user = load_user(uid)
                return user.name

            @huey.task()
            def greet_always(uid):
                return always(uid)["name"]

            @huey.task()
            def shout_nick(uid):
                return repo.shout(repo.USERS.get(uid))
        """,
        },
    )
    result = scan([str(root)])
    by_line = {(Path(f.path).name, f.line, f.code): f for f in result.findings}
    assert set(by_line) == {("tasks.py", 11, "NS101"), ("repo.py", 16, "NS101")}
    greet = by_line[("tasks.py", 11, "NS101")]
    assert greet.subject == "user" and greet.task == "proj.tasks.greet"
    assert "load_user(uid) can return None" in greet.message
    assert "because find_user() returns None at line 6" in greet.message
    assert [s.line for s in greet.trace] == [10, 11]
    inside = by_line[("repo.py", 16, "NS101")]
    assert inside.subject == "text" and "the call to shout() at line 19" in inside.message
    assert inside.path.endswith("repo.py") and inside.task == "proj.tasks.shout_nick"


def test_helper_modules_are_analysed_only_where_tasks_reach(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/repo.py": REPO,
            "proj/tasks.py": """
            from huey import RedisHuey
            from proj.repo import find_user
            huey = RedisHuey("p")

            @huey.task()
            def t(uid):
                return find_user(uid) is None
        """,
        },
    )
    default = scan([str(root)])
    assert default.findings == ()  # unused_helper is not reachable from a task
    everything = scan([str(root)], ScanOptions(all_functions=True))
    assert [(Path(f.path).name, f.line) for f in everything.findings] == [("repo.py", 19)]


def test_reexported_helper_through_package_init(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/db/__init__.py": "from .impl import fetch\n",
            "proj/db/impl.py": """
            def fetch(cursor):
                return cursor.fetchone()
        """,
            "proj/jobs.py": """
            from huey.contrib.djhuey import task
            from proj.db import fetch

            @task()
            def count(cursor):
                return fetch(cursor)[0]
        """,
        },
    )
    [finding] = [f for f in scan([str(root)]).findings if f.code.startswith("NS1")]
    assert finding.code == "NS102" and "fetchone() returns None" in finding.message
