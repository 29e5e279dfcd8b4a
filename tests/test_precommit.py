"""The pre-commit hooks, run by the real `pre-commit try-repo` against a copy of this
repository, in a git repository with a damaged and a clean article.

pre-commit builds the hook's environment from the repository (pip installs copydesk and its
dependencies from PyPI), hence the network mark. The damaged article breaks a house rule
(a substitution with a safe fix) so that the test depends on the hook mechanics only."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lint.config import DEFAULT_INCLUDE

ROOT = Path(__file__).resolve().parent.parent
HOUSE_RULE = """\
- code: HS101
  name: email-spelling
  check: substitution
  severity: error
  message: "write {replacement!r}, not {match!r}"
  fix: safe
  summary: House style spells it email
  params:
    swap:
      e-mail: email
"""
DAMAGED = "# Contact\n\nReaders can reach the newsroom by e-mail at any hour.\n"
CLEAN = "# Contact\n\nReaders can reach the newsroom by email at any hour.\n"
_IGNORED = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", ".pytest_cache", "*.egg-info",
                                  "build", "dist", ".copydesk_cache", ".ruff_cache", ".mypy_cache")


def test_manifest_declares_both_hooks():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"copydesk", "copydesk-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["text"]
        # the hook is given the files a directory walk would find
        selected = re.compile(hook["files"])
        for pattern in DEFAULT_INCLUDE:
            assert selected.search("posts/2024-01-01-a" + pattern.removeprefix("*")), pattern
        for name in ("photo.jpg", "config.yaml", "notes.md.bak", "page.html"):
            assert not selected.search(name), name
        assert hook["entry"].startswith("copydesk check --force-exclude")
    assert "--fix" not in hooks["copydesk"]["entry"].split()
    assert "--fix" in hooks["copydesk-fix"]["entry"].split()


def _copy_checkout(target: Path) -> None:
    """The files of this checkout as git sees them (tracked or new, not ignored: no virtual
    environment, no benchmark data); a plain copy when this is not a git checkout."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, timeout=60)
    if listed.returncode != 0:
        shutil.copytree(ROOT, target, ignore=_IGNORED)
        return
    for name in listed.stdout.decode("utf-8").split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _git(cwd: Path, *args: str, env: dict) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=60)


@pytest.mark.network
@pytest.mark.slow
def test_pre_commit_try_repo(tmp_path):
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
               GIT_AUTHOR_NAME="copydesk test", GIT_AUTHOR_EMAIL="test@example.invalid",
               GIT_COMMITTER_NAME="copydesk test", GIT_COMMITTER_EMAIL="test@example.invalid",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", PRE_COMMIT_COLOR="never")
    env.pop("COPYDESK_DEBUG", None)
    # try-repo needs a git repository holding the manifest: a committed copy of this checkout
    hook_repo = tmp_path / "copydesk"
    _copy_checkout(hook_repo)
    _git(hook_repo, "init", "-q", env=env)
    _git(hook_repo, "add", "-A", env=env)
    _git(hook_repo, "commit", "-q", "-m", "copydesk under test", env=env)

    site = tmp_path / "site"
    (site / "house").mkdir(parents=True)
    # the house rule only: what the built-in families make of two tiny articles is not the point
    (site / "copydesk.toml").write_text('rules-dirs = ["house"]\nselect = ["HS"]\n', encoding="utf-8")
    (site / "house" / "style.yaml").write_text(HOUSE_RULE, encoding="utf-8")
    (site / "damaged.md").write_text(DAMAGED, encoding="utf-8")
    (site / "damaged.text").write_text(DAMAGED, encoding="utf-8")  # an extension with no type tag
    (site / "clean.md").write_text(CLEAN, encoding="utf-8")
    _git(site, "init", "-q", env=env)
    _git(site, "add", "-A", env=env)
    _git(site, "commit", "-q", "-m", "articles", env=env)

    def try_repo(*files: str) -> subprocess.CompletedProcess:
        # No hook id: both hooks of the manifest run, in order (try-repo installs the hook
        # environment afresh on every call, so the test makes two calls, not one a case).
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "--files", *files],
                              cwd=site, env=env, capture_output=True, text=True, timeout=300)

    first = try_repo("damaged.md", "damaged.text", "clean.md")
    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    report, fix_report = output.split("copydesk (fix)", 1)
    # the copydesk hook fails with copydesk's findings, on the damaged article only
    assert "Failed" in report
    assert "damaged.md:3:35: HS101 [*] write 'email', not 'e-mail'" in report
    assert "damaged.text:3:35: HS101 [*] write 'email', not 'e-mail'" in report
    assert "clean.md:" not in report
    # the fix hook rewrites it (pre-commit fails a hook that changed files, to have the
    # change reviewed and staged)
    assert "files were modified by this hook" in fix_report
    assert (site / "damaged.md").read_text(encoding="utf-8") == CLEAN
    assert (site / "damaged.text").read_text(encoding="utf-8") == CLEAN
    assert (site / "clean.md").read_text(encoding="utf-8") == CLEAN

    second = try_repo("damaged.md", "damaged.text", "clean.md")
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.count("Passed") == 2, second.stdout
