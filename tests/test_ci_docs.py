"""docs/ci.md: every copydesk command on the page is one of the commands below, and each is
run here on a sample repository and checked for what the page says it does."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from integrations import DAMAGED, make_site

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "ci.md"
DAMAGED_PATH = "_posts/damaged.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
_INLINE = re.compile(r"`(copydesk [^`]+)`")


def _blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _FENCE.finditer(PAGE.read_text(encoding="utf-8"))]


def _yaml_commands(node) -> list[str]:
    if isinstance(node, dict):
        return [c for key, value in node.items()
                for c in ([value] if key == "run" and isinstance(value, str) else _yaml_commands(value))]
    if isinstance(node, list):
        return [c for item in node for c in ([item] if isinstance(item, str) else _yaml_commands(item))]
    return [node] if isinstance(node, str) else []


def page_commands() -> list[str]:
    commands: list[str] = []
    for lang, body in _blocks():
        if lang == "sh":
            commands += [line.strip() for line in body.splitlines() if line.strip().startswith("copydesk ")]
        elif lang == "yaml":
            commands += [c for c in _yaml_commands(yaml.safe_load(body)) if c.startswith("copydesk ")]
    outside = _FENCE.sub("", PAGE.read_text(encoding="utf-8"))
    commands += _INLINE.findall(outside)
    return commands


def _yaml_block(marker: str) -> dict:
    return next(yaml.safe_load(body) for lang, body in _blocks() if lang == "yaml" and marker in body)


# -- what each command must do -------------------------------------------------------------------


def _site_with_only_a_warning(site: Path) -> None:
    (site / DAMAGED_PATH).write_text("x BEGIN and END y\n", encoding="utf-8")


def check_plain(run, site):
    assert run().returncode == 1
    (site / DAMAGED_PATH).unlink()
    assert run().returncode == 0


def check_fail_on_warning(run, site):
    _site_with_only_a_warning(site)
    assert run().returncode == 1
    assert run(["copydesk", "check"]).returncode == 0


def check_github(run, site):
    result = run()
    assert result.returncode == 1  # the annotate job fails on errors
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 4 and all(re.match(r"^::(error|warning|notice) file=", line) for line in lines)


def check_sarif_upload(run, site):
    from test_reports import _github_requirements, _validate_sarif

    result = run()
    assert result.returncode == 0  # --exit-zero: the upload step must run
    workflow = _yaml_block("upload-sarif")
    upload = next(s for s in workflow["jobs"]["code-scanning"]["steps"] if "upload-sarif" in s.get("uses", ""))
    document = json.loads((site / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    _validate_sarif(document)
    _github_requirements(document)
    assert len(document["runs"][0]["results"]) == 4
    assert "security-events" in workflow["jobs"]["code-scanning"]["permissions"]


def check_gitlab(run, site):
    result = run()
    assert result.returncode == 1 and result.stdout == b""
    job = _yaml_block("codequality")["copydesk"]
    assert job["artifacts"]["when"] == "always"
    issues = json.loads((site / job["artifacts"]["reports"]["codequality"]).read_text(encoding="utf-8"))
    assert len(issues) == 4
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["location"]["path"] == DAMAGED_PATH and issue["location"]["lines"]["begin"] >= 1


def check_write_baseline(run, site):
    assert run().returncode == 0
    assert json.loads((site / "copydesk-baseline.json").read_text(encoding="utf-8"))["files"]


def _baselined(run, site):
    assert run(["copydesk", "check", "--write-baseline", "copydesk-baseline.json"]).returncode == 0


def check_baseline(run, site):
    _baselined(run, site)
    assert run().returncode == 0
    with (site / DAMAGED_PATH).open("a", encoding="utf-8") as handle:
        handle.write("\nA new e-mail.\n")
    assert run().returncode == 1


def check_prune(run, site):
    _baselined(run, site)
    (site / DAMAGED_PATH).write_text(DAMAGED.replace("e-mail", "email"), encoding="utf-8")
    result = run()
    assert result.returncode == 0
    assert "Removed 2 stale findings" in result.stderr.decode()


def check_baseline_github(run, site):
    _baselined(run, site)
    result = run()
    assert result.returncode == 0 and result.stdout == b""


def check_clean(run, site):
    cache_dir = site / ".copydesk_cache"
    assert run(["copydesk", "check"]).returncode == 1
    assert (cache_dir / "CACHEDIR.TAG").exists()
    posts = sorted((site / "_posts").iterdir())
    result = run()
    assert result.returncode == 0 and b"Removed" in result.stdout
    assert not cache_dir.exists() and sorted((site / "_posts").iterdir()) == posts
    assert run().returncode == 0


COMMANDS = {
    "copydesk check": check_plain,
    "copydesk check --fail-on warning": check_fail_on_warning,
    "copydesk check --output-format github": check_github,
    "copydesk check --output-format sarif -o copydesk.sarif --exit-zero": check_sarif_upload,
    "copydesk check --output-format gitlab -o gl-code-quality-report.json": check_gitlab,
    "copydesk check --write-baseline copydesk-baseline.json": check_write_baseline,
    "copydesk check --baseline copydesk-baseline.json": check_baseline,
    "copydesk check --baseline copydesk-baseline.json --prune-baseline": check_prune,
    "copydesk check --baseline copydesk-baseline.json --output-format github": check_baseline_github,
    "copydesk clean": check_clean,
}


def test_every_command_on_the_page_is_tested():
    assert set(page_commands()) == set(COMMANDS)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_command(command, tmp_path, run_cli):
    site = make_site(tmp_path / "site")

    def run(argv: list[str] | None = None):
        argv = argv or shlex.split(command)
        assert argv[0] == "copydesk"
        return run_cli(*argv[1:], cwd=site)

    COMMANDS[command](run, site)


def test_pre_commit_snippet_is_a_valid_config(tmp_path):
    from pre_commit.clientlib import load_config

    block = next(body for lang, body in _blocks() if lang == "yaml" and "repos:" in body)
    config_file = tmp_path / ".pre-commit-config.yaml"
    config_file.write_text(block, encoding="utf-8")
    config = load_config(str(config_file))
    manifest = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    used = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert used <= manifest
    commented = set(re.findall(r"#\s*- id: (\S+)", block))
    assert commented <= manifest
