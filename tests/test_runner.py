"""Parallel runs and the result cache: same findings, deterministic order, real invalidation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from test_cli import HOUSE_RULES, write


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "rules.yaml").write_text(HOUSE_RULES)
    (tmp_path / "copydesk.toml").write_text('rules-dirs = ["house"]\n')
    for i in range(60):
        body = "A very unique e-mail.\n" if i % 3 == 0 else f"Post number {i}, utilize it.\n"
        write(tmp_path / f"posts/{i % 7}/post-{i:03}.md", body)
    return tmp_path


def findings(run_cli, *args):
    result = run_cli("check", "posts", "--output-format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout), result


def test_parallel_and_serial_runs_agree_in_order(tree, run_cli):
    serial, _ = findings(run_cli, "--jobs", "1", "--no-cache")
    parallel, _ = findings(run_cli, "--jobs", "2", "--no-cache")
    assert serial == parallel
    assert len(serial) == 20 * 2 + 40  # HS101+HS102 in every third post, HS103 in the rest
    assert serial == sorted(serial, key=lambda f: (f["path"], f["line"], f["column"], f["code"]))


def test_cached_findings_equal_fresh_ones(tree, run_cli):
    fresh, _ = findings(run_cli, "--no-cache")
    first, _ = findings(run_cli)
    cache_dir = tree / ".copydesk_cache"
    assert (cache_dir / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache_dir / ".gitignore").read_text().strip().endswith("*")
    second, _ = findings(run_cli)
    assert fresh == first == second


def test_cache_sees_content_changes_and_touches(tree, run_cli):
    findings(run_cli)
    post = tree / "posts/1/post-001.md"
    post.write_text("Now a very unique post.\n")
    got, _ = findings(run_cli)
    assert any(f["path"] == "posts/1/post-001.md" and f["code"] == "HS101" for f in got)
    os.utime(tree / "posts/0/post-000.md")  # touched, same bytes
    again, _ = findings(run_cli)
    assert again == got


def test_rule_and_config_changes_invalidate_the_cache(tree, run_cli):
    before, _ = findings(run_cli)
    rules = (tree / "house" / "rules.yaml")
    rules.write_text(rules.read_text().replace('tokens: ["very unique"]', 'tokens: ["post number"]'))
    after_rules, _ = findings(run_cli)
    assert {f["code"] for f in after_rules} != {f["code"] for f in before} or after_rules != before
    assert any("Post number" in f["message"] for f in after_rules)
    with (tree / "copydesk.toml").open("a") as f:
        f.write('ignore = ["HS103"]\n')
    after_config, _ = findings(run_cli)
    assert not any(f["code"] == "HS103" for f in after_config)


def test_cache_dir_option_and_env(tree, run_cli, tmp_path):
    elsewhere = tree / "elsewhere"
    findings(run_cli, "--cache-dir", str(elsewhere))
    assert (elsewhere / "CACHEDIR.TAG").exists()
    env_dir = tree / "from-env"
    run_cli("check", "posts", env={"COPYDESK_CACHE_DIR": str(env_dir)})
    assert (env_dir / "CACHEDIR.TAG").exists()
    assert not (tree / ".copydesk_cache").exists()


def test_a_corrupt_or_hostile_cache_is_ignored(tree, run_cli):
    import pickle

    fresh, _ = findings(run_cli)
    for file in (tree / ".copydesk_cache").rglob("*.pickle"):
        file.write_bytes(pickle.dumps(os.system))  # would run code if trusted
    again, result = findings(run_cli)
    assert again == fresh and b"Traceback" not in result.stderr
    for file in (tree / ".copydesk_cache").rglob("*.pickle"):
        file.write_bytes(b"not a pickle")
    assert findings(run_cli)[0] == fresh


def test_runs_with_external_checks_are_not_cached(tree, run_cli):
    from fake_languagetool import FakeLanguageTool  # the grammar tests' stand-in server

    with FakeLanguageTool() as server:
        result = run_cli("check", "posts", "--extend-select", "GR", env={"LANGUAGETOOL_URL": server.url})
    assert result.returncode in (0, 1), result.stderr
    assert not (tree / ".copydesk_cache").exists()


def test_no_cache_keeps_no_state_at_all(tree, run_cli):
    story = "The council approved the budget on Tuesday after a long debate about roads. " * 8
    write(tree / "posts/a/story.md", story + "\n")
    write(tree / "posts/b/same-story.md", story + "\n")
    result = run_cli("check", "posts", "--no-cache")
    assert "RP106" in result.stdout.decode()  # duplicates are still found within the run
    assert not (tree / ".copydesk_cache").exists()
