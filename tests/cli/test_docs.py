"""Every code has a documentation page with a bad example, a good example and a why."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from huey_guard.analyzer.model import CODES
from huey_guard.analyzer.project_config import KEYS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "nullscan"


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_code_has_a_page(code: str) -> None:
    page = (DOCS / f"{code}.md").read_text()
    for heading in ("## Bad", "## Good", "## Why"):
        assert heading in page
    assert f"[{code}]({code}.md)" in (DOCS / "index.md").read_text()


def test_configuration_reference_lists_every_key() -> None:
    reference = (DOCS / "configuration.md").read_text()
    for key in KEYS:
        assert f"| `{key}` |" in reference


def test_pre_commit_hook_definition() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == hook["entry"] == "huey-nullscan"
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert hook["pass_filenames"] is True
