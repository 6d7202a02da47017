"""Generate a realistic tree of huey task modules (default >= 100k lines) for speed benchmarks.

The tree is a package with a shared huey instance, model/helper modules whose functions
sometimes return None, and many task modules mixing buggy and correctly guarded code in the
shapes real projects use (ORM lookups, env configuration, regexes, dict payloads, helpers).
Deterministic: the same arguments always produce the same files.

    python benchmarks/gen_tree.py OUT_DIR [--lines 100000]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

QUEUE = '''"""The shared huey instance."""
from huey import RedisHuey

huey = RedisHuey("bench", results=True)


def retrying_task(**settings):
    """Project-wide retry policy applied on top of huey's task decorator."""
    def decorator(fn):
        return huey.task(retries=3, retry_delay=10, **settings)(fn)
    return decorator
'''

MODEL = '''"""Models and lookups for {name} (an in-memory stand-in for an ORM)."""
from dataclasses import dataclass
from typing import Optional

_ROWS = {{}}


@dataclass
class {cls}:
    id: int
    email: str
    owner: Optional[str] = None
    note: "str | None" = None

    def display(self):
        if self.owner is None:
            return self.email
        return self.owner.title()


def find_{name}(pk):
    """Return the {name} or None."""
    row = _ROWS.get(pk)
    if row is None:
        return None
    return {cls}(**row)


def get_{name}(pk):
    return {cls}(**_ROWS[pk])


def load_{name}(pk):
    return find_{name}(pk)


def normalise_{name}(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, str):
        return value.strip()
    return str(value)
'''

FUNCS = [
    """
@huey.task()
def sync_{n}(pk, payload):
    item = find_{m}(pk)
    if item is None:
        return None
    email = payload.get("email") or item.email
    return email.lower()
""",
    """
@huey.task()
def notify_{n}(pk):
    item = load_{m}(pk)
    return item.email.split("@")[0]
""",
    """
@retrying_task(priority=2)
def configure_{n}():
    host = os.environ.get("HOST_{n}", "localhost")
    port = os.getenv("PORT_{n}")
    if not port:
        port = "8080"
    return host.upper() + ":" + port.strip()
""",
    """
@huey.task()
def parse_{n}(line):
    m = PATTERN.match(line)
    if not m:
        return None
    key, value = m.group(1), m.group(2)
    return {{key: value.strip()}}
""",
    """
@huey.task()
def header_{n}(headers):
    token = headers.get("Authorization")
    return token.split(" ")[1]
""",
    """
@huey.periodic_task(crontab(minute="*/5"))
def sweep_{n}():
    results = []
    for pk in range(len("{n}") % 7 + 1):
        item = find_{m}(pk)
        if not item:
            continue
        results.append(item.display())
    return results
""",
    """
@huey.task()
def owner_{n}(pk):
    item = get_{m}(pk)
    try:
        return item.owner.upper()
    except AttributeError:
        return ""
""",
    """
def _helper_{n}(values):
    total = 0
    for value in values:
        if value is None:
            continue
        total += value
    return total


@huey.task()
def total_{n}(values, scale=1):
    assert values is not None
    return _helper_{n}(values) * scale
""",
    """
class Processor{n}:
    def __init__(self, client=None):
        self.client = client
        self.buffer = []

    def add(self, item):
        self.buffer.append(item)
        return self

    def flush(self):
        if self.client is None:
            return len(self.buffer)
        return self.client.send(self.buffer)


@huey.task()
def process_{n}(items):
    proc = Processor{n}()
    for item in items:
        proc.add(item)
    return proc.flush()
""",
    """
@huey.task()
def match_{n}(text):
    found = re.search(r"id=(\\d+)", text)
    return int(found.group(1))
""",
]

TASKS_HEAD = '''"""Tasks for {name} (generated benchmark module {i})."""
import os
import re

from huey import crontab

from {pkg}.queue import huey, retrying_task
from {pkg}.models.{name} import find_{name}, get_{name}, load_{name}

PATTERN = re.compile(r"(\\w+)=(.*)")
'''


def generate(out: Path, lines: int, seed: int = 7) -> int:
    """Write the tree; return the number of lines written."""
    rng = random.Random(seed)
    pkg = "benchapp"
    if out.exists():
        shutil.rmtree(out)
    root = out / pkg
    (root / "models").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "models" / "__init__.py").write_text("")
    (root / "queue.py").write_text(QUEUE)
    total = QUEUE.count("\n")
    i = 0
    while total < lines:
        name = f"entity{i}"
        model = MODEL.format(name=name, cls=f"Entity{i}")
        (root / "models" / f"{name}.py").write_text(model)
        parts = [TASKS_HEAD.format(name=name, i=i, pkg=pkg)]
        for n in range(rng.randint(12, 20)):
            parts.append(rng.choice(FUNCS).format(n=f"{i}_{n}", m=name))
        text = "\n".join(parts)
        (root / f"tasks_{name}.py").write_text(text)
        total += model.count("\n") + text.count("\n")
        i += 1
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    written = generate(args.out, args.lines)
    print(f"wrote {written} lines under {args.out}")


if __name__ == "__main__":
    main()
