"""The command line, run as a user runs it: a subprocess in a scratch directory."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

HOUSE_RULES = """\
- code: HS101
  name: banned-phrases
  check: existence
  severity: error
  message: "avoid {match!r}"
  params:
    tokens: ["very unique"]
  doc: Banned phrases.
- code: HS102
  name: house-spellings
  check: substitution
  severity: warning
  message: "write {replacement!r}, not {match!r}"
  fix: safe
  params:
    swap: {e-mail: email}
  doc: Preferred spellings.
- code: HS103
  name: unsafe-swap
  check: substitution
  severity: info
  message: "consider {replacement!r}"
  fix: unsafe
  params:
    swap: {utilize: use}
  doc: Plain words.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "rules.yaml").write_text(HOUSE_RULES)
    (tmp_path / "copydesk.toml").write_text('rules-dirs = ["house"]\n')
    return tmp_path


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


# -- exit codes and formats ----------------------------------------------------------------


def test_exit_codes_follow_fail_on(project, run_cli):
    write(project / "warn.md", "Send an e-mail.\n")
    assert run_cli("check", "warn.md").returncode == 0
    assert run_cli("check", "warn.md", "--fail-on", "warning").returncode == 1
    write(project / "err.md", "A very unique story.\n")
    assert run_cli("check", "err.md").returncode == 1
    assert run_cli("check", "err.md", "--exit-zero").returncode == 0
    write(project / "clean.md", "A clean story.\n")
    result = run_cli("check", "clean.md")
    assert result.returncode == 0 and result.stdout == b""
    assert b"No findings in 1 file" in result.stderr


def test_usage_errors_exit_2_with_one_line(project, run_cli):
    for args in (["check", "--select", "XX999"], ["check", "--output-format", "nope"],
                 ["rule", "ZZ100"], ["check", "--unsafe-fixes"], ["frobnicate"]):
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert b"Traceback" not in result.stderr
        assert result.stderr.startswith(b"copydesk: error:") or b"usage" in result.stderr.lower()


def test_concise_format_is_path_line_col_code_message(project, run_cli):
    write(project / "a.md", "# T\n\nA very unique e-mail.\n")
    out = run_cli("check", "a.md").stdout.decode().splitlines()
    assert out == ["a.md:3:3: HS101 avoid 'very unique'",
                   "a.md:3:15: HS102 [*] write 'email', not 'e-mail'"]


def test_full_format_shows_a_code_frame(project, run_cli):
    write(project / "a.md", "A very unique story.\n")
    out = run_cli("check", "a.md", "--output-format", "full").stdout.decode()
    assert "a.md:1:3: HS101 [error] avoid 'very unique'" in out
    assert "1 | A very unique story." in out
    assert "  ^^^^^^^^^^^ HS101" in out


def test_json_and_json_lines_parse_back(project, run_cli):
    write(project / "a.md", "A very unique e-mail.\n")
    findings = json.loads(run_cli("check", "a.md", "--output-format", "json").stdout)
    assert [f["code"] for f in findings] == ["HS101", "HS102"]
    first = findings[1]
    for key in ("path", "line", "column", "end_line", "end_column", "code", "name",
                "severity", "message", "fix"):
        assert key in first
    assert first["fix"]["applicability"] == "safe"
    assert first["fix"]["edits"][0]["content"] == "email"
    assert findings[0]["fix"] is None
    lines = run_cli("check", "a.md", "--output-format", "json-lines").stdout.decode().splitlines()
    assert [json.loads(line) for line in lines] == findings


def test_statistics_count_per_rule(project, run_cli):
    write(project / "a.md", "e-mail e-mail very unique\n")
    out = run_cli("check", ".", "--statistics").stdout.decode()
    assert "    2  HS102   [*] house-spellings" in out
    assert "    1  HS101       banned-phrases" in out


def test_output_file(project, run_cli):
    write(project / "a.md", "A very unique story.\n")
    result = run_cli("check", "a.md", "-o", "report.txt")
    assert result.stdout == b""
    assert (project / "report.txt").read_text().startswith("a.md:1:3: HS101")


# -- selection and configuration -----------------------------------------------------------


def test_select_ignore_and_extend_select(project, run_cli):
    write(project / "a.md", "A very unique e-mail to utilize.\n")
    codes = lambda *a: [l.split()[1] for l in run_cli("check", "a.md", *a).stdout.decode().splitlines()]
    assert codes() == ["HS101", "HS102", "HS103"]
    assert codes("--select", "HS102") == ["HS102"]
    assert codes("--ignore", "HS1") == []
    assert codes("--select", "HS101", "--extend-select", "HS103") == ["HS101", "HS103"]


def test_nearest_config_wins_and_overrides_apply(project, run_cli):
    write(project / "news" / "copydesk.toml",
          'rules-dirs = ["../house"]\nignore = ["HS101"]\n'
          '[severity]\nHS102 = "error"\n'
          '[[overrides]]\npaths = ["drafts/**"]\nignore = ["HS102"]\n'
          '[per-file-ignores]\n"legacy.md" = ["HS103"]\n')
    text = "A very unique e-mail to utilize.\n"
    write(project / "root.md", text)
    write(project / "news" / "story.md", text)
    write(project / "news" / "drafts" / "d.md", text)
    write(project / "news" / "legacy.md", text)
    out = run_cli("check", ".", "--output-format", "json").stdout
    got = sorted((f["path"], f["code"], f["severity"]) for f in json.loads(out))
    assert got == [
        ("news/drafts/d.md", "HS103", "info"),
        ("news/legacy.md", "HS102", "error"),
        ("news/story.md", "HS102", "error"),
        ("news/story.md", "HS103", "info"),
        ("root.md", "HS101", "error"),
        ("root.md", "HS102", "warning"),
        ("root.md", "HS103", "info"),
    ]


def test_paths_through_symlinks_get_the_settings_and_rules_of_their_target(project, monkeypatch):
    from lint.config import Resolver

    write(project / "news" / "copydesk.toml",
          'rules-dirs = ["../house"]\n[[overrides]]\npaths = ["drafts/**"]\nignore = ["HS102"]\n')
    write(project / "news" / "story.md", "x\n")
    write(project / "news" / "drafts" / "d.md", "x\n")
    (project / "alias").symlink_to(project / "news" / "drafts")
    (project / "story-link.md").symlink_to(project / "news" / "story.md")
    monkeypatch.chdir(project)
    resolver = Resolver(cwd=project)

    def rules(path: str) -> tuple[str, list[str]]:
        settings = resolver.for_path(Path(path))
        active = resolver.active_rules(Path(path), settings)
        return settings.root.name, sorted(a.rule.code for a in active if a.rule.code.startswith("HS"))

    news, drafts = ("news", ["HS101", "HS102", "HS103"]), ("news", ["HS101", "HS103"])
    # asked twice each: the second answer comes from the resolved directories
    for _ in range(2):
        assert rules("news/drafts/d.md") == rules("alias/d.md") == drafts
        assert rules("news/story.md") == rules("story-link.md") == news
        assert rules("alias/../story.md") == news  # ".." of the link's target, not of "alias"
        assert rules(str(project / "alias" / "d.md")) == drafts


def test_rule_parameters_from_config(project, run_cli):
    with (project / "copydesk.toml").open("a") as f:
        f.write('[rules.HS101]\ntokens = ["breaking news"]\n')
    write(project / "a.md", "Breaking news: a very unique story.\n")
    out = run_cli("check", "a.md").stdout.decode()
    assert "avoid 'Breaking news'" in out and "very unique" not in out


def test_pyproject_config_and_explicit_and_isolated(project, run_cli):
    (project / "copydesk.toml").unlink()
    (project / "pyproject.toml").write_text('[tool.copydesk]\nrules-dirs = ["house"]\nignore = ["HS102"]\n')
    write(project / "a.md", "A very unique e-mail.\n")
    assert [l.split()[1] for l in run_cli("check", "a.md").stdout.decode().splitlines()] == ["HS101"]
    assert run_cli("check", "a.md", "--isolated").stdout == b""
    write(project / "other.toml", 'rules-dirs = ["house"]\nselect = ["HS102"]\n')
    out = run_cli("check", "a.md", "--config", "other.toml").stdout.decode()
    assert [l.split()[1] for l in out.splitlines()] == ["HS102"]


@pytest.mark.parametrize("config, expected", [
    ('selct = ["HS"]\n', "unknown key 'selct' (did you mean 'select'?)"),
    ('select = ["HS199"]\n', "'HS199' names no rule"),
    ('fail-on = "warn"\n', "did you mean 'warning'?"),
    ('[rules.HS101]\ntokenz = ["x"]\n', "unknown parameter 'tokenz' (did you mean 'tokens'?)"),
    ('[rules.HS101]\ntokens = 3\n', "tokens must be a list"),
    ('[severity]\nHS101 = "fatal"\n', "is not a severity"),
    ('select = [\n', "invalid TOML"),
])
def test_bad_configuration_is_one_clear_error(project, run_cli, config, expected):
    with (project / "copydesk.toml").open("a") as f:
        f.write(config)
    write(project / "a.md", "text\n")
    result = run_cli("check", "a.md")
    assert result.returncode == 2
    assert expected in result.stderr.decode()
    assert "copydesk.toml" in result.stderr.decode()
    assert b"Traceback" not in result.stderr


def test_malformed_rule_file_exits_2(project, run_cli):
    write(project / "house" / "broken.yaml", "- code: HS200\n  name: x\n")
    result = run_cli("check", ".")
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr.decode() and "missing field" in result.stderr.decode()


# -- files ---------------------------------------------------------------------------------


def test_directories_are_walked_with_includes_excludes_and_gitignore(project, run_cli):
    text = "A very unique story.\n"
    for name in ("a.md", "b.txt", "c.markdown", "skip.py", "requirements.txt",
                 "node_modules/x.md", "ignored/y.md", "drafts/z.md", "sub/keep.mdx"):
        write(project / name, text)
    (project / ".git").mkdir()
    write(project / ".gitignore", "ignored/\n")
    with (project / "copydesk.toml").open("a") as f:
        f.write('extend-exclude = ["drafts"]\n')
    out = run_cli("check").stdout.decode()
    paths = sorted({line.split(":")[0] for line in out.splitlines()})
    assert paths == ["a.md", "b.txt", "c.markdown", "sub/keep.mdx"]


def test_explicit_files_are_checked_unless_force_exclude(project, run_cli):
    write(project / "drafts" / "z.md", "A very unique story.\n")
    with (project / "copydesk.toml").open("a") as f:
        f.write('extend-exclude = ["drafts"]\n')
    assert run_cli("check", "drafts/z.md").returncode == 1
    result = run_cli("check", "--force-exclude", "drafts/z.md")
    assert result.returncode == 0 and result.stdout == b""


def test_stdin_with_filename(project, run_cli):
    result = run_cli("check", "-", "--stdin-filename", "news/a.md", stdin=b"A very unique story.\n")
    assert result.stdout.decode() == "news/a.md:1:3: HS101 avoid 'very unique'\n"
    assert result.returncode == 1


def test_unreadable_paths_are_findings(project, run_cli):
    os.symlink(project / "nowhere.md", project / "broken.md")
    write(project / "dir.md" / "inner.txt", "x\n")
    result = run_cli("check", "missing.md", "broken.md", "--output-format", "json")
    found = {(f["path"], f["code"]) for f in json.loads(result.stdout)}
    assert found == {("missing.md", "CD101"), ("broken.md", "CD101")}
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    # a directory named like an article is walked, not read as a file
    assert run_cli("check", "dir.md").returncode == 0


@pytest.mark.parametrize("data, code", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "CD102"),
    (b"Caf\xe9 au lait, tr\xe8s bien.\n", None),   # Windows-1252: read, not crashed on
    (b"\xff\xfe" + "UTF-16 text\n".encode("utf-16-le"), None),
    (b"---\na: &a [*a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n---\nx\n", None),
    (b"---\n" + b"[" * 5000 + b"\n---\nbody\n", None),
    (b"---\nx: !!python/object/apply:os.system ['touch /tmp/copydesk-pwned']\n---\n", None),
])
def test_bad_input_never_crashes(project, run_cli, data, code):
    write(project / "bad.md", data)
    result = run_cli("check", "bad.md", "--output-format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert b"Traceback" not in result.stderr
    codes = {f["code"] for f in json.loads(result.stdout)}
    if code:
        assert code in codes
    assert not Path("/tmp/copydesk-pwned").exists()


def test_huge_file_is_skipped_with_a_finding(project, run_cli):
    with (project / "copydesk.toml").open("a") as f:
        f.write("max-file-size = 1000\n")
    write(project / "big.md", "word " * 1000)
    result = run_cli("check", "big.md")
    assert "CD103" in result.stdout.decode()


# -- fixes ---------------------------------------------------------------------------------


def test_fix_applies_safe_fixes_only_and_is_idempotent(project, run_cli):
    path = write(project / "a.md", "Send an e-mail, utilize it.\r\nE-mail again: e-mail.\r\n")
    os.chmod(path, 0o640)
    result = run_cli("check", "a.md", "--fix")
    assert path.read_bytes() == b"Send an email, utilize it.\r\nEmail again: email.\r\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert b"Fixed 3 findings" in result.stderr
    assert "HS103" in result.stdout.decode()  # the unsafe one remains, reported
    again = run_cli("check", "a.md", "--fix")
    assert path.read_bytes() == b"Send an email, utilize it.\r\nEmail again: email.\r\n"
    assert b"Fixed 0 findings" in again.stderr


def test_unsafe_fixes_need_the_flag(project, run_cli):
    path = write(project / "a.md", "Utilize the e-mail.\n")
    run_cli("check", "a.md", "--fix", "--unsafe-fixes")
    assert path.read_text() == "Use the email.\n"


def test_fix_keeps_untouched_bytes_bom_and_non_utf8_files(project, run_cli):
    text = "\ufeffCafé ☕ — e-mail\n\nSecond paragraph, untouched: “quotes” «guillemets».\n"
    path = write(project / "a.md", text)
    run_cli("check", "a.md", "--fix", "--ignore", "EN106")  # EN106's own fix removes the BOM
    assert path.read_bytes() == text.replace("e-mail", "email").encode("utf-8")
    broken = write(project / "b.md", b"Caf\xe9 and an e-mail.\n")
    run_cli("check", "b.md", "--fix")
    assert broken.read_bytes() == b"Caf\xe9 and an e-mail.\n"  # would lose the \xe9 byte


def test_diff_prints_and_writes_nothing(project, run_cli):
    path = write(project / "a.md", "Send an e-mail.\n")
    result = run_cli("check", "a.md", "--diff")
    assert path.read_text() == "Send an e-mail.\n"
    out = result.stdout.decode()
    assert "--- a/a.md" in out and "-Send an e-mail." in out and "+Send an email." in out
    assert result.returncode == 1


def test_fix_on_stdin_prints_the_fixed_text(project, run_cli):
    result = run_cli("check", "-", "--fix", "--stdin-filename", "a.md", stdin=b"An e-mail.\n")
    assert result.stdout == b"An email.\n"


def test_fix_refuses_a_file_that_changed_meanwhile(tmp_path):
    from lint.fix import FileChanged, write_atomic

    path = write(tmp_path / "a.md", "new content\n")
    with pytest.raises(FileChanged):
        write_atomic(path, b"old content\n", b"fixed\n")
    assert path.read_text() == "new content\n"


def test_fix_writes_through_symlinks(tmp_path):
    from lint.fix import write_atomic

    real = write(tmp_path / "real.md", "old\n")
    link = tmp_path / "link.md"
    os.symlink(real, link)
    write_atomic(link, b"old\n", b"new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


# -- rule docs -----------------------------------------------------------------------------


def test_rule_and_rules_commands(project, run_cli):
    doc = run_cli("rule", "cd104").stdout.decode()
    assert doc.startswith("# CD104 unused-suppression")
    assert "**Fix:**" in doc
    listing = json.loads(run_cli("rules", "--output-format", "json").stdout)
    codes = [r["code"] for r in listing]
    assert "CD101" in codes and "HS102" in codes
    assert {"code", "name", "severity", "fix", "url"} <= set(listing[0])
    assert run_cli("--version").stdout.decode().startswith("copydesk ")


def test_python_dash_m_works(run_cli):
    assert run_cli("--help").returncode == 0


def test_lexicon_params_in_config_name_files_beside_the_config(project, run_cli):
    write(project / "house" / "banned.txt", "# our own list\nbreaking news\n")
    (project / "house" / "rules.yaml").write_text(HOUSE_RULES.replace(
        'tokens: ["very unique"]', 'tokens: ["very unique"]\n    tokens-lexicon: []'))
    with (project / "copydesk.toml").open("a") as f:
        f.write('[rules.HS101]\ntokens-lexicon = "house/banned.txt"\n')
    from lint.config import load_settings

    settings = load_settings(project / "copydesk.toml")
    assert dict(settings.selection.rules)["HS101"] == (("tokens-lexicon", ("breaking news",)),)
    with (project / "copydesk.toml").open("a") as f:
        f.write('[rules.HS102]\nswap = {a = "b"}\n')
    missing = project / "copydesk.toml"
    missing.write_text(missing.read_text().replace("house/banned.txt", "house/missing.txt"))
    result = run_cli("check", ".")
    assert result.returncode == 2 and b"cannot read lexicon 'house/missing.txt'" in result.stderr
