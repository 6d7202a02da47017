"""``[tool.huey-nullscan]`` in pyproject.toml: finding it, reading it and checking every key.

The nearest pyproject.toml with the table, walking up from the scanned paths, wins (or the file
named by ``--config``). Every key is checked: an unknown key or a value of the wrong type is a
:class:`ConfigError` that names the key and suggests the closest valid one, because a silently
ignored typo (``exlude = [...]``) is worse than a failing run.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from huey_guard.analyzer.model import CODES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

TABLE = "huey-nullscan"
FAIL_ON_VALUES = ("NS1", "NS2", "error", "warning", "info", "never")
FORMAT_VALUES = ("text", "concise", "json", "sarif", "github")


class ConfigError(Exception):
    """A configuration problem the user must fix (exit status 2)."""


@dataclass(frozen=True)
class ProjectConfig:
    """The settings of one ``[tool.huey-nullscan]`` table (or the defaults when there is none).

    ``path`` is the file the settings came from (None: defaults); ``root`` is the project
    root, against which include/exclude patterns, cache-dir and baseline are resolved.
    """

    root: Path
    path: Path | None = None
    include: tuple[str, ...] = ("*.py",)
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    select: tuple[str, ...] = ("NS",)
    ignore: tuple[str, ...] = ()
    fail_on: str = "NS1"
    extra_none_sources: tuple[str, ...] = ()
    extra_task_decorators: tuple[str, ...] = ()
    all_functions: bool = False
    jobs: int = 0
    cache_dir: Path | None = field(default=None)
    warn_unused_ignores: bool = False
    baseline: Path | None = None
    format: str = "text"


def _strings(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings, got {value!r}")
    return tuple(value)


def _bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"`{key}` must be true or false, got {value!r}")
    return value


def _jobs(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"`{key}` must be a whole number >= 0 (0: all cores), got {value!r}")
    return value


def _choice(values: Sequence[str]) -> Callable[[str, object], str]:
    def check(key: str, value: object) -> str:
        if value in values:
            return str(value)
        hint = _suggest(str(value), values)
        raise ConfigError(
            f"`{key}` must be one of {', '.join(values)}, got {value!r}"
            + (f"; did you mean {hint!r}?" if hint else "")
        )

    return check


def _str(key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"`{key}` must be a non-empty string, got {value!r}")
    return value


def check_codes(key: str, value: object) -> tuple[str, ...]:
    """Code selectors: full codes or prefixes of known codes (``NS``, ``NS1``, ``NS101``)."""
    codes = tuple(c.strip().upper() for c in _strings(key, value))
    for code in codes:
        if not any(known.startswith(code) for known in CODES) or not code.startswith("NS"):
            hint = _suggest(code, sorted(CODES))
            raise ConfigError(
                f"`{key}` names unknown code {code!r}"
                + (f"; did you mean {hint!r}?" if hint else "")
            )
    return codes


# key in the TOML table -> (dataclass field, checker). The table *is* the reference.
KEYS: dict[str, tuple[str, Callable[[str, object], object]]] = {
    "include": ("include", _strings),
    "exclude": ("exclude", _strings),
    "respect-gitignore": ("respect_gitignore", _bool),
    "select": ("select", check_codes),
    "ignore": ("ignore", check_codes),
    "fail-on": ("fail_on", _choice(FAIL_ON_VALUES)),
    "extra-none-sources": ("extra_none_sources", _strings),
    "extra-task-decorators": ("extra_task_decorators", _strings),
    "all-functions": ("all_functions", _bool),
    "jobs": ("jobs", _jobs),
    "cache-dir": ("cache_dir", _str),
    "warn-unused-ignores": ("warn_unused_ignores", _bool),
    "baseline": ("baseline", _str),
    "format": ("format", _choice(FORMAT_VALUES)),
}
assert {f for f, _ in KEYS.values()} <= {f.name for f in fields(ProjectConfig)}


def _suggest(word: str, candidates: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.5)
    return close[0] if close else None


def parse_table(table: Mapping[str, object], root: Path, path: Path | None) -> ProjectConfig:
    """Check a ``[tool.huey-nullscan]`` table and turn it into a :class:`ProjectConfig`."""
    where = f"{path}: " if path else ""
    values: dict[str, object] = {}
    for key, value in table.items():
        spec = KEYS.get(key)
        if spec is None:
            hint = _suggest(key, list(KEYS)) or _suggest(key.replace("_", "-"), list(KEYS))
            raise ConfigError(
                f"{where}unknown key `{key}` in [tool.{TABLE}]"
                + (f"; did you mean `{hint}`?" if hint else f"; valid keys: {', '.join(KEYS)}")
            )
        name, check = spec
        try:
            values[name] = check(key, value)
        except ConfigError as exc:
            raise ConfigError(f"{where}[tool.{TABLE}] {exc}") from None
    for name in ("cache_dir", "baseline"):
        if name in values:
            values[name] = root / str(values[name])
    return ProjectConfig(root=root, path=path, **values)  # type: ignore[arg-type]


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def _table(document: Mapping[str, object]) -> Mapping[str, object] | None:
    tool = document.get("tool")
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"[tool.{TABLE}] must be a table")
    return table


def load_file(path: Path) -> ProjectConfig:
    """``--config FILE``: a pyproject.toml (its tool table) or a bare TOML file of the keys."""
    path = path.resolve()
    document = _read_toml(path)
    table = _table(document)
    if table is None:
        table = {} if path.name == "pyproject.toml" else document
    return parse_table(table, path.parent, path)


def start_directory(paths: Sequence[str]) -> Path:
    """Where the walk up starts: the deepest directory containing every scanned path."""
    resolved = [Path(os.path.abspath(p)) for p in paths] or [Path.cwd()]
    dirs = [p if p.is_dir() else p.parent for p in resolved]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def discover(paths: Sequence[str]) -> ProjectConfig:
    """The configuration for a run over ``paths``: nearest pyproject.toml with our table."""
    start = start_directory(paths)
    fallback_root: Path | None = None
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            table = _table(_read_toml(candidate))
            if table is not None:
                return parse_table(table, directory, candidate)
            fallback_root = fallback_root or directory
        if fallback_root is None and (directory / ".git").exists():
            fallback_root = directory
    return ProjectConfig(root=fallback_root or Path.cwd())
