"""The README's examples are real: every TOML snippet is a valid configuration for the
rules copydesk ships, and every rule it names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lint.config import Resolver, parse_settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"```toml\n(.*?)```", README, re.S)


def _toml(text: str):
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"toml-{i}" for i in range(len(SNIPPETS))])
def test_readme_configuration_snippets_are_valid(snippet, tmp_path):
    table = _toml(snippet)
    table = table.get("tool", {}).get("copydesk", table)
    for directory in table.get("rules-dirs", []):
        (tmp_path / directory).mkdir(parents=True)
    parse_settings(table, tmp_path, tmp_path / "copydesk.toml")  # raises on any unknown key


def test_readme_names_only_real_rules():
    codes = {r.code for r in Resolver(isolated=True).project.ruleset}
    named = set(re.findall(r"\b((?:FM|EN|RP|BP|RD|SP|GR|CD)\d{3})\b", README))
    assert named <= codes, f"README names rules that do not exist: {sorted(named - codes)}"
    assert len(SNIPPETS) >= 5
