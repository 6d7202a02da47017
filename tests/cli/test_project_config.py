"""``[tool.huey-nullscan]``: discovery by walking up, every key checked, helpful errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from huey_guard.analyzer.project_config import ConfigError, discover, load_file, parse_table


def _project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        f"[project]\nname = 'x'\n\n[tool.huey-nullscan]\n{table}"
    )
    (tmp_path / "src" / "app").mkdir(parents=True)
    return tmp_path


def test_nearest_table_wins_walking_up_from_the_paths(tmp_path: Path) -> None:
    root = _project(tmp_path, 'exclude = ["migrations/"]\njobs = 2\nfail-on = "NS2"\n')
    config = discover([str(root / "src" / "app")])
    assert config.path == root / "pyproject.toml"
    assert config.root == root
    assert (config.exclude, config.jobs, config.fail_on) == (("migrations/",), 2, "NS2")


def test_a_pyproject_without_the_table_is_skipped(tmp_path: Path) -> None:
    root = _project(tmp_path, "all-functions = true\n")
    (root / "src" / "pyproject.toml").write_text("[project]\nname = 'inner'\n")
    config = discover([str(root / "src" / "app")])
    assert config.path == root / "pyproject.toml"
    assert config.all_functions is True


def test_paths_in_the_table_are_relative_to_it(tmp_path: Path) -> None:
    root = _project(tmp_path, 'cache-dir = ".cache/ns"\nbaseline = "ns-baseline.json"\n')
    config = discover([str(root / "src")])
    assert config.cache_dir == root / ".cache/ns"
    assert config.baseline == root / "ns-baseline.json"


def test_no_configuration_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = discover([str(tmp_path)])
    assert config.path is None
    assert config.root == tmp_path
    assert config.select == ("NS",) and config.fail_on == "NS1"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('exlude = ["x"]', "unknown key `exlude`.*did you mean `exclude`"),
        ("all_functions = true", "unknown key `all_functions`.*did you mean `all-functions`"),
        ("jobs = '4'", "`jobs` must be a whole number"),
        ("jobs = -1", "`jobs` must be a whole number"),
        ('exclude = "migrations/"', "`exclude` must be a list of strings"),
        ("all-functions = 1", "`all-functions` must be true or false"),
        ('fail-on = "NS3"', "`fail-on` must be one of NS1, NS2, .*did you mean 'NS2'"),
        ('select = ["NS1O1"]', "unknown code 'NS1O1'.*did you mean 'NS101'"),
        ('ignore = ["E501"]', "unknown code 'E501'"),
        ('format = "sarf"', "did you mean 'sarif'"),
    ],
)
def test_bad_keys_and_types_are_errors_naming_the_key(
    tmp_path: Path, table: str, message: str
) -> None:
    _project(tmp_path, table + "\n")
    with pytest.raises(ConfigError, match=message) as info:
        discover([str(tmp_path)])
    assert "pyproject.toml" in str(info.value)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.huey-nullscan\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        discover([str(tmp_path)])


def test_explicit_config_file_may_be_bare_toml(tmp_path: Path) -> None:
    path = tmp_path / "nullscan.toml"
    path.write_text('select = ["NS1"]\nignore = ["NS105"]\n')
    config = load_file(path)
    assert (config.select, config.ignore, config.root) == (("NS1",), ("NS105",), tmp_path)


def test_every_documented_key_is_accepted(tmp_path: Path) -> None:
    table = {
        "include": ["*.py"],
        "exclude": ["x/"],
        "respect-gitignore": False,
        "select": ["NS1", "NS201"],
        "ignore": ["NS105"],
        "fail-on": "warning",
        "extra-none-sources": ["myapp.db.find_user", ".maybe_get"],
        "extra-task-decorators": ["myapp.queue.task"],
        "all-functions": True,
        "jobs": 0,
        "cache-dir": "c",
        "warn-unused-ignores": True,
        "baseline": "b.json",
        "format": "concise",
    }
    config = parse_table(table, tmp_path, None)
    assert config.extra_none_sources == ("myapp.db.find_user", ".maybe_get")
    assert config.respect_gitignore is False and config.warn_unused_ignores is True
