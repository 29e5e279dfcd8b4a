"""The derived-data cache: reuse, invalidation by key, robustness, plain data only."""

from __future__ import annotations

import os
import time

import pytest

from lint import derived, ruleset
from lint.config import read_config_file
from lint.errors import UsageError
from lint.finding import Severity


def test_computes_once_per_key(tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"words": ("a", "b"), "n": 2}

    assert derived.load("lexicon", "k1", compute) == {"words": ("a", "b"), "n": 2}
    assert derived.load("lexicon", "k1", compute) == {"words": ("a", "b"), "n": 2}
    assert len(calls) == 1
    derived.load("lexicon", "k2", compute)
    assert len(calls) == 2
    assert all(p.suffix == ".marshal" for p in (tmp_path / "derived").iterdir())


def test_corrupt_files_are_recomputed_and_unplain_values_not_stored(tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path))
    derived.load("x", "k", lambda: [1, 2])
    for file in (tmp_path / "derived").iterdir():
        file.write_bytes(b"\xff garbage")
    assert derived.load("x", "k", lambda: [3]) == [3]
    obj = object()
    assert derived.load("y", "k", lambda: obj) is obj
    assert not any(p.name.startswith("y-") for p in (tmp_path / "derived").iterdir())


def test_an_unwritable_cache_still_computes(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(blocker))
    assert derived.load("x", "k", lambda: "value") == "value"


def test_config_files_are_read_from_the_cache_and_changes_are_seen(tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path / "cache"))
    config = tmp_path / "copydesk.toml"
    config.write_text('select = ["EN"]\n[rules.EN107]\nallow = ["U+00AD"]\n')
    assert read_config_file(config) == {"select": ["EN"], "rules": {"EN107": {"allow": ["U+00AD"]}}}
    assert any(p.name.startswith("toml-") for p in (tmp_path / "cache" / "derived").iterdir())
    assert read_config_file(config) == {"select": ["EN"], "rules": {"EN107": {"allow": ["U+00AD"]}}}
    config.write_text('select = ["FM"]\n')
    assert read_config_file(config) == {"select": ["FM"]}
    config.write_text('select = [\n')
    with pytest.raises(UsageError, match="invalid TOML"):
        read_config_file(config)


HOUSE_RULE = """- code: HS101
  name: house-phrase
  check: existence
  severity: warning
  message: "{{found}}"
  params:
    tokens-lexicon: {lexicon}
"""


def _house_rules(tmp_path, lexicon: str, words: str):
    (tmp_path / "house").mkdir(exist_ok=True)
    (tmp_path / "house" / "rules.yaml").write_text(HOUSE_RULE.format(lexicon=lexicon))
    (tmp_path / "words.txt").write_text(words)
    ruleset._load_dir.cache_clear()
    ruleset.lexicon_file.cache_clear()
    return ruleset._load_dir(str(tmp_path / "house"))


def test_rules_come_from_the_cache_and_changed_lexicons_are_seen(tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path / "cache"))
    builtin = str(ruleset.resources.builtin_rules_dir())
    ruleset._load_dir.cache_clear()
    fresh = ruleset._load_dir(builtin)
    ruleset._load_dir.cache_clear()
    assert ruleset._load_dir(builtin) == fresh  # the second time, from the cache
    assert {p.name.split("-0")[0] for p in (tmp_path / "cache" / "derived").iterdir()} >= {"rules", "rule-lexicons"}
    assert all(isinstance(rule.severity, Severity) for _, rule in fresh)

    # A lexicon outside the rules directory is part of the key too.
    (rule,) = [r for _, r in _house_rules(tmp_path, "../words.txt", "breaking news\n")]
    assert rule.params["tokens-lexicon"] == ("breaking news",) and rule.source.endswith("rules.yaml")
    (rule,) = [r for _, r in _house_rules(tmp_path, "../words.txt", "breaking news\nexclusive\n")]
    assert rule.params["tokens-lexicon"] == ("breaking news", "exclusive")
    (tmp_path / "house" / "rules.yaml").write_text(HOUSE_RULE.format(lexicon="../missing.txt"))
    ruleset._load_dir.cache_clear()
    with pytest.raises(UsageError, match="cannot read lexicon"):
        ruleset._load_dir(str(tmp_path / "house"))


def test_a_write_prunes_files_no_run_has_read_for_a_while(tmp_path, monkeypatch):
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path))
    for name in ("old", "used", "fresh"):
        derived.load(name, "k", lambda: [name])
    folder = tmp_path / "derived"
    long_ago = time.time() - derived.STALE_AFTER - 60
    for file in folder.iterdir():
        os.utime(file, (long_ago, long_ago))
    (folder / "notes.txt").write_text("not ours")
    os.utime(folder / "notes.txt", (long_ago, long_ago))
    (folder / "fresh-x.marshal").touch()  # written recently, never read since: kept
    assert derived.load("used", "k", lambda: ["recomputed"]) == ["used"]  # a read marks it used
    assert derived.load("new", "k", lambda: ["new"]) == ["new"]  # a write prunes
    names = {p.name.split("-")[0] for p in folder.iterdir()}
    assert names == {"used", "new", "fresh", "notes.txt"}
    assert derived.load("old", "k", lambda: ["recomputed"]) == ["recomputed"]
