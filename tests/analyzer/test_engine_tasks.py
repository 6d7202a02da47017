"""Task discovery: huey instances (local, imported, subclassed), djhuey, factories, call form."""

from __future__ import annotations

import textwrap
from pathlib import Path

from huey_guard.analyzer import ScanOptions, analyze_source, scan


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _names(result_tasks) -> dict[str, str]:
    return {t.function: t.registered_name for t in result_tasks}


def test_local_instance_decorators_and_call_form() -> None:
    src = textwrap.dedent(
        """
        from huey import RedisHuey, crontab
        huey = RedisHuey("app")

        @huey.task(retries=2)
        def send(order_id):
            return order_id

        @huey.periodic_task(crontab(minute="*"))
        def tick():
            pass

        @huey.task(name="renamed")
        def original(x):
            return x

        def plain(x):
            return x

        def later(x):
            return x

        wrapped = huey.task()(later)
        """
    )
    result = analyze_source(src, "jobs.py")
    assert _names(result.tasks) == {
        "send": "jobs.send",
        "tick": "jobs.tick",
        "original": "jobs.renamed",
        "later": "jobs.later",
    }
    assert result.is_task_module
    send = next(t for t in result.tasks if t.function == "send")
    assert send.parameters == ("order_id",) and send.decorator == "huey.task"


def test_no_huey_no_tasks() -> None:
    src = "import functools\n\n@functools.lru_cache()\ndef f(x):\n    return x.get('a').b\n"
    result = analyze_source(src, "plain.py")
    assert result.tasks == () and not result.is_task_module and result.findings == ()


def test_imported_instance_subclass_and_factory_across_modules(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/queue.py": """
            from huey import RedisHuey

            class GuardedQueue(RedisHuey):
                pass

            broker = GuardedQueue("app")

            def retrying(**kw):
                def deco(fn):
                    return broker.task(retries=5, **kw)(fn)
                return deco
        """,
            "app/tasks.py": """
            import os
            from app.queue import broker, retrying

            @broker.task()
            def one(x):
                return x

            @retrying(priority=1)
            def two(x):
                return os.environ.get("X").lower()

            @broker.lock_task("l")
            def not_a_task():
                return 1
        """,
        },
    )
    result = scan([str(tmp_path / "app")])
    tasks = {t.function: t for t in result.tasks}
    assert set(tasks) == {"one", "two"}
    assert tasks["two"].registered_name == "app.tasks.two"
    [finding] = [f for f in result.findings if f.code == "NS101"]
    assert finding.task == "app.tasks.two" and finding.function == "two"
    assert finding.path == str(tmp_path / "app") + "/tasks.py"


def test_name_based_fallback_for_an_unscanned_huey_module(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "tasks.py": """
        from myproject.queue import huey

        @huey.task(context=True)
        def run(job, task=None):
            return task.id
    """
        },
    )
    result = scan([str(tmp_path)])
    [task] = result.tasks
    assert task.registered_name == "tasks.run" and task.parameters == ("job",)
    assert result.findings == ()  # huey injects `task` when context=True


def test_djhuey_decorators(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/tasks.py": """
        from huey import crontab
        from huey.contrib.djhuey import db_task, db_periodic_task, on_commit_task
        from huey.contrib import djhuey

        @db_task()
        def a(x):
            return x

        @db_periodic_task(crontab(hour="1"))
        def b():
            pass

        @on_commit_task()
        def c(x):
            return x

        @djhuey.task()
        def d(x):
            return x
    """,
        },
    )
    result = scan([str(tmp_path)])
    assert _names(result.tasks) == {n: f"shop.tasks.{n}" for n in "abcd"}


def test_results_false_instance_makes_task_calls_none() -> None:
    src = textwrap.dedent(
        """
        from huey import SqliteHuey
        huey = SqliteHuey("x", results=False)

        @huey.task()
        def add(a, b):
            return a + b

        @huey.task()
        def caller():
            res = add(1, 2)
            return res.get(blocking=True)
        """
    )
    [finding] = [f for f in analyze_source(src, "m.py").findings if f.code == "NS101"]
    assert finding.line == 12 and "results=False" in finding.message


def test_extra_task_decorators_option() -> None:
    src = "from lib import job\n\n@job(retries=1)\ndef f(p):\n    return p.x\n"
    plain = analyze_source(src, "m.py")
    extra = analyze_source(src, "m.py", ScanOptions(extra_task_decorators=("lib.job",)))
    assert plain.tasks == () and [t.function for t in extra.tasks] == ["f"]
    assert [f.code for f in extra.findings] == ["NS201"]
