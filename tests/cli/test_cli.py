"""huey-nullscan end to end, the way a new user meets it: real files, the real engine."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from huey_guard.cli.nullscan import run

QUEUE = "from huey import RedisHuey\n\nhuey = RedisHuey('app')\n"
BAD = """\
import os

from app.queue import huey


@huey.task()
def backup(name):
    target = os.environ.get("BACKUP_DIR")
    return target.rstrip("/") + f"/{name}"
"""
CLEAN = BAD.replace('os.environ.get("BACKUP_DIR")', 'os.environ.get("BACKUP_DIR", "/srv")')
DEREF_LINE = 9


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # a project root (git work tree), so discovery stops here
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "queue.py").write_text(QUEUE)
    (tmp_path / "app" / "tasks.py").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def nullscan(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(["-j", "1", *argv], out, err)
    return status, out.getvalue(), err.getvalue()


def test_finding_exits_1_with_a_code_frame(project: Path) -> None:
    status, out, _ = nullscan("app")
    assert status == 1
    assert f"app/tasks.py:{DEREF_LINE}:" in out
    assert " NS101 " in out
    code_line = next(line for line in out.splitlines() if line.startswith(f"{DEREF_LINE} | "))
    caret_line = out.splitlines()[out.splitlines().index(code_line) + 1]
    assert code_line[caret_line.index("^") :].startswith("target")
    assert "None source (line 8)" in out
    assert "Found 1 finding" in out and "\x1b[" not in out


def test_clean_code_exits_0(project: Path) -> None:
    (project / "app" / "tasks.py").write_text(CLEAN)
    status, out, _ = nullscan("app")
    assert status == 0
    assert out.startswith("All clear")


def test_json_contract(project: Path) -> None:
    status, out, _ = nullscan("--format", "json", "app")
    document = json.loads(out)
    assert status == 1
    (finding,) = document["findings"]
    assert (finding["path"], finding["line"], finding["code"]) == ("app/tasks.py", 9, "NS101")
    assert finding["source"]["line"] == 8
    assert document["summary"]["files"] == 3
    assert document["summary"]["task_modules"] == 1
    assert document["summary"]["findings"] == 1


def test_sarif_and_github_formats(project: Path) -> None:
    _, out, _ = nullscan("--format", "sarif", "app")
    (result,) = json.loads(out)["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app/tasks.py"
    assert location["region"]["startLine"] == DEREF_LINE
    assert result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 8
    _, out, _ = nullscan("--format", "github", "app")
    assert out.startswith(f"::error file=app/tasks.py,line={DEREF_LINE},")
    assert ",title=NS101::" in out


def test_config_typo_is_a_usage_error(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.huey-nullscan]\nexlude = ["x/"]\n')
    status, out, err = nullscan("app")
    assert status == 2 and out == ""
    assert "unknown key `exlude`" in err and "did you mean `exclude`" in err


def test_config_is_applied_and_flags_override_it(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.huey-nullscan]\nignore = ["NS1"]\n')
    assert nullscan("app")[0] == 0
    assert nullscan("--select", "NS101", "app")[0] == 1
    (project / "pyproject.toml").write_text('[tool.huey-nullscan]\nexclude = ["tasks.py"]\n')
    assert nullscan("app/tasks.py")[0] == 0  # excluded even when named (pre-commit)


def test_suppression_comments(project: Path) -> None:
    tasks = project / "app" / "tasks.py"
    lines = BAD.splitlines()
    lines[DEREF_LINE - 1] += "  # nullscan: ignore[NS101]"
    tasks.write_text("\n".join(lines) + "\n")
    status, out, _ = nullscan("app")
    assert status == 0 and "1 suppressed" in out
    lines[DEREF_LINE - 1] = lines[DEREF_LINE - 1].replace("[NS101]", "[NS102]")
    tasks.write_text("\n".join(lines) + "\n")
    assert nullscan("app")[0] == 1  # the wrong code does not suppress
    (project / "app" / "tasks.py").write_text(CLEAN.replace('/srv")', '/srv")  # nullscan: ignore'))
    assert nullscan("app")[0] == 0
    status, out, _ = nullscan("--warn-unused-ignores", "--format", "concise", "app")
    assert status == 1 and " NS003 unused suppression" in out


def test_baseline_survives_lines_inserted_above_every_finding(project: Path) -> None:
    status, out, err = nullscan("--write-baseline", "baseline.json", "app")
    assert status == 0 and "wrote 1 finding to baseline.json" in err
    assert out == ""
    tasks = project / "app" / "tasks.py"
    tasks.write_text(
        '"""Backups."""\n\nimport sys\n' + BAD.replace("    target =", "    x = 1\n    target =")
    )
    status, out, _ = nullscan("--baseline", "baseline.json", "app")
    assert status == 0, out
    assert "1 in baseline" in out
    tasks.write_text(
        tasks.read_text() + "\n\n@huey.task()\ndef other():\n    return os.getenv('X').lower()\n"
    )
    status, out, _ = nullscan("--baseline", "baseline.json", "--format", "concise", "app")
    assert status == 1
    new_line = tasks.read_text().splitlines().index("    return os.getenv('X').lower()") + 1
    (only,) = out.splitlines()
    assert only.startswith(f"app/tasks.py:{new_line}:")


def test_usage_errors_exit_2(project: Path) -> None:
    status, _, err = nullscan("missing/")
    assert status == 2 and "missing/" in err
    status, _, err = nullscan("--baseline", "nope.json", "app")
    assert status == 2 and "--write-baseline" in err
    with pytest.raises(SystemExit) as info:
        nullscan("--select", "NS1O1", "app")
    assert info.value.code == 2


def test_unparsable_file_exits_2_and_others_are_still_analysed(project: Path) -> None:
    (project / "app" / "broken.py").write_text("def f(:\n")
    status, out, _ = nullscan("--format", "concise", "app")
    assert status == 2
    assert "app/broken.py:1:" in out and " NS001 " in out
    assert " NS101 " in out


def test_statistics_and_quiet(project: Path) -> None:
    status, out, _ = nullscan("--statistics", "app")
    assert status == 1
    assert out.splitlines()[0].split() == ["1", "NS101", "none-attribute"]
    status, out, _ = nullscan("--quiet", "app")
    assert "Found" not in out and " NS101 " in out


def test_cache_dir_defaults_under_the_project_root(project: Path) -> None:
    os.chdir(project / "app")
    nullscan(".")
    assert (project / ".huey-nullscan-cache").is_dir()
    (project / "nocache").mkdir()
    nullscan("--no-cache", str(project / "app"))
    assert not any((project / "nocache").iterdir())


def test_output_file(project: Path) -> None:
    status, out, _ = nullscan("--format", "sarif", "-o", "r.sarif", "app")
    assert status == 1 and out == ""
    assert json.loads((project / "r.sarif").read_text())["version"] == "2.1.0"


def test_console_script_never_colours_a_pipe(project: Path) -> None:
    script = Path(sys.executable).with_name("huey-nullscan")
    proc = subprocess.run(
        [str(script), "app"], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 1, proc.stderr
    assert "\x1b[" not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
