"""The pre-commit hook through the real ``pre-commit`` tool, as a user's repository runs it.

``pre-commit try-repo`` installs a repository into a fresh environment and runs the hook on the
given files. It would also pick up uncommitted edits to tracked files; the test tries a clone of
HEAD instead, so it checks exactly what is committed, whatever else is half-done in the tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BAD = """\
import os

from huey import RedisHuey

huey = RedisHuey("app")


@huey.task()
def backup(name):
    target = os.environ.get("BACKUP_DIR")
    return target.rstrip("/") + f"/{name}"
"""
CLEAN = BAD.replace('os.environ.get("BACKUP_DIR")', 'os.environ.get("BACKUP_DIR", "/srv")')


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_hook_fails_on_a_finding_and_passes_on_clean_code(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert pre_commit is not None, "pre-commit is a test dependency"
    user_repo = tmp_path / "user-repo"
    user_repo.mkdir()
    _git(user_repo, "init", "-q")
    (user_repo / "bad.py").write_text(BAD)
    (user_repo / "clean.py").write_text(CLEAN)
    _git(user_repo, "add", ".")
    _git(user_repo, "commit", "-qm", "tasks")
    committed = tmp_path / "huey-guard-head"
    _git(tmp_path, "clone", "--quiet", str(REPO), str(committed))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}

    def hook(filename: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "try-repo", str(committed), "huey-nullscan", "--files", filename],
            cwd=user_repo, env=env, capture_output=True, text=True, timeout=540, check=False,
        )  # fmt: skip

    bad = hook("bad.py")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "huey-nullscan" in bad.stdout and "Failed" in bad.stdout
    assert "bad.py:11:" in bad.stdout and "NS101" in bad.stdout
    assert "Traceback" not in bad.stdout
    clean = hook("clean.py")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
