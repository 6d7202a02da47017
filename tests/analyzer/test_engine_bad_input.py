"""Bad input: every broken file becomes one clear NS0xx/NS9xx finding; the rest is analysed."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from huey_guard.analyzer import ScanOptions, UsageError, analyze_source, scan

GOOD = (
    "import os\nfrom huey import RedisHuey\nhuey = RedisHuey('x')\n\n"
    "@huey.task()\ndef t():\n    return os.environ.get('A').lower()\n"
)


def _codes(result, name: str) -> list[tuple[str, str]]:
    return [
        (f.code, f.message) for fr in result.files if fr.path.endswith(name) for f in fr.findings
    ]


def _tree(tmp_path: Path, bad: dict[str, bytes]) -> Path:
    (tmp_path / "good.py").write_text(GOOD)
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def _assert_good_still_analysed(result) -> None:
    assert [c for c, _ in _codes(result, "good.py")] == ["NS101"]


def test_syntax_error_has_position_and_reason(tmp_path: Path) -> None:
    result = scan([str(_tree(tmp_path, {"broken.py": b"def f(:\n    pass\n"}))])
    [finding] = [f for f in result.findings if f.code == "NS001"]
    assert finding.path.endswith("broken.py") and finding.line == 1 and finding.column > 1
    assert "cannot parse" in finding.message
    _assert_good_still_analysed(result)


def test_python2_file_is_named_as_such(tmp_path: Path) -> None:
    result = scan([str(_tree(tmp_path, {"old.py": b"print 'hello'\nexec code\n"}))])
    [(code, message)] = _codes(result, "old.py")
    assert code == "NS001" and "Python 2" in message
    _assert_good_still_analysed(result)


def test_non_utf8_and_binary_files(tmp_path: Path) -> None:
    result = scan(
        [
            str(
                _tree(
                    tmp_path,
                    {
                        "latin.py": "x = 'caf\xe9'\n".encode("latin-1"),
                        "blob.py": bytes(range(256)) * 4,
                        "declared.py": b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
                    },
                )
            )
        ]
    )
    assert [c for c, _ in _codes(result, "latin.py")] == ["NS002"]
    [(code, message)] = _codes(result, "blob.py")
    assert code == "NS002" and "binary" in message
    assert _codes(result, "declared.py") == []  # a PEP 263 declaration is honoured
    _assert_good_still_analysed(result)


def test_empty_file_is_fine() -> None:
    result = analyze_source("", "empty.py")
    assert result.findings == () and result.lines == 0


def test_deep_nesting_does_not_crash(tmp_path: Path) -> None:
    depth = 5000
    files = {
        "parens.py": ("x = " + "(" * depth + "1" + ")" * depth + "\n").encode(),
        "chain.py": ("def f(a):\n    return a" + " + a" * 20000 + "\n").encode(),
        "unary.py": ("y = " + "-" * depth + "1\n").encode(),
        "lists.py": ("z = " + "[" * 3000 + "]" * 3000 + "\n").encode(),
    }
    result = scan([str(_tree(tmp_path, files))], ScanOptions(all_functions=True))
    for name in files:
        for code, message in _codes(result, name):
            assert code in ("NS001", "NS901", "NS902"), message
            assert name in message
    _assert_good_still_analysed(result)


def test_symlink_loops(tmp_path: Path) -> None:
    root = _tree(tmp_path, {})
    (root / "sub").mkdir()
    (root / "sub" / "back").symlink_to(root, target_is_directory=True)
    (root / "a.py").symlink_to(root / "b.py")
    (root / "b.py").symlink_to(root / "a.py")
    result = scan([str(root)])
    assert [c for c, _ in _codes(result, "a.py")] == ["NS002"]
    assert sum(1 for fr in result.files if fr.path.endswith("good.py")) == 1
    _assert_good_still_analysed(result)


def test_unreadable_entries_fifo_and_directory_named_py(tmp_path: Path) -> None:
    root = _tree(tmp_path, {})
    os.mkfifo(root / "pipe.py")  # opening it for reading would block forever
    (root / "pkg.py").mkdir()  # a directory with a .py name is walked, not read
    (root / "pkg.py" / "inner.py").write_text("x = 1\n")
    result = scan([str(root)])
    [(code, message)] = _codes(result, "pipe.py")
    assert code == "NS002" and "not a regular file" in message
    assert any(fr.path.endswith("inner.py") for fr in result.files)
    _assert_good_still_analysed(result)
    # Given explicitly, the FIFO is still reported, not read.
    [finding] = scan([str(root / "pipe.py")]).findings
    assert finding.code == "NS002"


def test_nonexistent_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"nope\.py"):
        scan([str(tmp_path / "nope.py")])


def test_internal_errors_go_to_the_debug_log_not_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # A file nested deeper than the engine's recursion budget but still parseable by CPython.
    deep = "def f(a):\n    return " + "a.b(" * 400 + ")" * 400 + "\n"
    (tmp_path / "deep.py").write_text(deep)
    with caplog.at_level(logging.DEBUG, logger="huey_guard.analyzer"):
        result = scan([str(tmp_path)], ScanOptions(all_functions=True))
    out = capsys.readouterr()
    assert "Traceback" not in out.out and "Traceback" not in out.err
    assert all(f.code in ("NS001", "NS902", "NS901") for f in result.findings)


@pytest.mark.slow
def test_five_megabyte_generated_file(tmp_path: Path) -> None:
    body = "".join(
        f"def f{i}(d):\n    v = d.get('k{i}')\n    if v is None:\n        return 0\n"
        f"    return v.count + {i}\n\n"
        for i in range(60_000)
    )
    assert len(body) > 5_000_000
    (tmp_path / "huge.py").write_text(body)
    result = scan([str(tmp_path)], ScanOptions(all_functions=True))
    [fr] = result.files
    assert fr.findings == () and fr.lines > 300_000
