"""The per-file cache and the parallel workers: same answers, safe under corruption and races."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from huey_guard.analyzer import ScanOptions, scan
from huey_guard.analyzer import cache as cache_module
from huey_guard.analyzer.cache import Cache, engine_files, engine_fingerprint, fingerprint_files

TASK = """import os
from huey import RedisHuey
from helpers import lookup
huey = RedisHuey("c")

@huey.task()
def t{i}(key):
    value = lookup(key)
    return value.strip() + os.environ.get("X{i}").lower()
"""
HELPERS = "CACHE = {}\n\ndef lookup(key):\n    return CACHE.get(key)\n"


def _tree(root: Path, count: int = 30) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "helpers.py").write_text(HELPERS)
    for i in range(count):
        (root / f"tasks_{i}.py").write_text(TASK.format(i=i) + "\n" * 2 + "# pad\n" * 2000)
    return root


def _key(result) -> list[tuple[str, int, str, str]]:
    return [(f.path, f.line, f.code, f.message) for f in result.findings]


def test_parallel_equals_serial_and_cache_hits(tmp_path: Path) -> None:
    root = str(_tree(tmp_path / "src"))
    serial = scan([root], ScanOptions(jobs=1))
    assert len(serial.findings) == 60 and serial.task_modules == 30
    parallel = scan([root], ScanOptions(jobs=2))
    assert _key(parallel) == _key(serial)
    cache = tmp_path / "cache"
    cold = scan([root], ScanOptions(jobs=2, cache_dir=cache))
    warm = scan([root], ScanOptions(jobs=2, cache_dir=cache))
    assert cold.extra["cache"] == "miss" and warm.extra["cache"] == "hit"
    assert _key(warm) == _key(serial)


def test_changed_helper_invalidates_dependent_results(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src", count=3)
    options = ScanOptions(jobs=1, cache_dir=tmp_path / "cache")
    assert len(scan([str(root)], options).findings) == 6
    (root / "helpers.py").write_text("def lookup(key):\n    return str(key)\n")
    assert len(scan([str(root)], options).findings) == 3  # only os.environ.get remains


def test_corrupt_cache_entries_are_ignored(tmp_path: Path) -> None:
    root = str(_tree(tmp_path / "src", count=4))
    cache = tmp_path / "cache"
    expected = _key(scan([root], ScanOptions(jobs=1, cache_dir=cache)))
    entries = [p for p in cache.rglob("*.pickle")]
    assert entries
    for i, entry in enumerate(entries):
        entry.write_bytes(b"" if i % 2 else b"\x80\x04garbage")
    again = scan([root], ScanOptions(jobs=1, cache_dir=cache))
    assert again.extra["cache"] == "miss" and _key(again) == expected


def test_concurrent_runs_share_a_cache_directory(tmp_path: Path) -> None:
    root = str(_tree(tmp_path / "src", count=12))
    cache = str(tmp_path / "cache")
    code = (
        "import sys; from pathlib import Path; "
        "from huey_guard.analyzer import scan, ScanOptions; "
        f"r = scan([{root!r}], ScanOptions(jobs=1, cache_dir=Path({cache!r}))); "
        "print(len(r.findings))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    assert outputs == ["24"] * 3
    assert not list(Path(cache).rglob(".tmp-*"))  # every temporary file was renamed or removed


def test_changed_engine_code_invalidates_entries(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    old = Cache(cache_dir, "opts", engine="engine-a")
    old.store("p1", old.key("tasks.py", "content"), "computed by engine a")
    same = Cache(cache_dir, "opts", engine="engine-a")
    assert same.load("p1", same.key("tasks.py", "content")) == "computed by engine a"
    new = Cache(cache_dir, "opts", engine="engine-b")
    assert new.load("p1", new.key("tasks.py", "content")) is None


def test_engine_fingerprint_follows_the_analyzer_source(tmp_path: Path) -> None:
    files = engine_files()
    names = {p.name for p in files}
    assert {"flow.py", "cache.py", "recognise.py"} <= names
    assert not names & {"suppressions.py", "baseline.py", "project_config.py"}
    assert engine_fingerprint() == fingerprint_files(files)
    copies = []
    for path in files:
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    assert fingerprint_files(copies) == engine_fingerprint()
    copies[0].write_bytes(copies[0].read_bytes() + b"\n# edited\n")
    assert fingerprint_files(copies) != engine_fingerprint()


def test_scan_cache_misses_after_an_engine_change(tmp_path: Path, monkeypatch) -> None:
    root = str(_tree(tmp_path / "src", count=2))
    options = ScanOptions(jobs=1, cache_dir=tmp_path / "cache")
    assert scan([root], options).extra["cache"] == "miss"
    assert scan([root], options).extra["cache"] == "hit"
    monkeypatch.setattr(cache_module, "engine_fingerprint", lambda: "a different engine")
    assert scan([root], options).extra["cache"] == "miss"
