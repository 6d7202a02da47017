"""Gitignore pattern semantics (gitignore(5)) and the file selection built on them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from huey_guard.analyzer.file_selection import PathError, make_selector, select_files
from huey_guard.analyzer.gitignore import compile_patterns, is_ignored

PATTERNS = compile_patterns(
    [
        "# a comment",
        "",
        "build/",
        "*.pyc",
        "!keep.pyc",
        "/top.py",
        "a/**/b.py",
        "docs/*.py",
        "**/gen",
        "x/**",
        r"\#hash",
        "fo[o0].py",
        "[!a]z.py",
        "trailing.py   ",
    ]
)


@pytest.mark.parametrize(
    ("path", "is_dir", "ignored"),
    [
        ("build", True, True),
        ("build", False, False),  # "build/" names directories only
        ("build/x.py", False, True),
        ("src/build/x.py", False, True),
        ("q.pyc", False, True),
        ("keep.pyc", False, False),
        ("top.py", False, True),
        ("s/top.py", False, False),  # a leading slash anchors
        ("a/b.py", False, True),
        ("a/x/y/b.py", False, True),
        ("docs/a.py", False, True),
        ("docs/s/a.py", False, False),  # "*" does not cross "/"
        ("p/gen/a.py", False, True),
        ("x/a.py", False, True),
        ("x", True, False),  # "x/**" matches inside x, not x itself
        ("#hash", False, True),
        ("fo0.py", False, True),
        ("bz.py", False, True),
        ("az.py", False, False),
        ("trailing.py", False, True),
    ],
)
def test_pattern_semantics(path: str, is_dir: bool, ignored: bool) -> None:
    assert is_ignored(PATTERNS, path, is_dir) is ignored


def test_no_reinclusion_below_an_excluded_directory() -> None:
    patterns = compile_patterns(["build/", "!build/keep.py"])
    assert is_ignored(patterns, "build/keep.py", False)


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def test_walk_honours_gitignore_exclude_and_include(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    _tree(
        tmp_path,
        {
            ".gitignore": "generated/\n*_pb2.py\n",
            "src/app/tasks.py": "",
            "src/app/models_pb2.py": "",
            "src/app/sub/.gitignore": "local.py\n!keep_pb2.py\n",
            "src/app/sub/local.py": "",
            "src/app/sub/keep_pb2.py": "",
            "src/app/sub/ok.py": "",
            "src/generated/x.py": "",
            "src/migrations/0001.py": "",
            "src/notes.txt": "",
            "src/.venv/lib.py": "",
            "src/env/pyvenv.cfg": "",
            "src/env/lib/x.py": "",
        },
    )
    monkeypatch.chdir(tmp_path)
    selector = make_selector(tmp_path, ["*.py"], ["migrations/"], respect_gitignore=True)
    assert sorted(select_files(["src"], selector)) == [
        os.path.join("src", "app", "sub", "keep_pb2.py"),
        os.path.join("src", "app", "sub", "ok.py"),
        os.path.join("src", "app", "tasks.py"),
    ]
    # Exclusions apply to files named explicitly (pre-commit passes every changed file)...
    assert select_files(["src/generated/x.py", "src/app/tasks.py"], selector) == [
        "src/app/tasks.py"
    ]
    # ... and "." yields paths without a "./" prefix.
    assert "src/app/tasks.py" in select_files(["."], selector)
    unfiltered = make_selector(tmp_path, ["*.py"], [], respect_gitignore=False)
    assert os.path.join("src", "generated", "x.py") in select_files(["src"], unfiltered)


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    selector = make_selector(tmp_path, ["*.py"], [], respect_gitignore=True)
    with pytest.raises(PathError, match="does-not-exist"):
        select_files([str(tmp_path / "does-not-exist")], selector)


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    _tree(tmp_path, {"pkg/a.py": ""})
    (tmp_path / "pkg" / "loop").symlink_to(tmp_path / "pkg", target_is_directory=True)
    selector = make_selector(tmp_path, ["*.py"], [], respect_gitignore=True)
    assert select_files([str(tmp_path / "pkg")], selector) == [str(tmp_path / "pkg" / "a.py")]
