"""GR rules (LanguageTool): the prose sent and its offset map, UTF-16 offsets, the HTTP
contract of /v2/check against a loopback stand-in server, errors, and (when
LANGUAGETOOL_URL is set) a real server."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

from fake_languagetool import FakeLanguageTool, utf16_len
from lint import ruleset
from lint.article import Article
from lint.checks import grammar
from lint.config import ActiveRule
from lint.engine import lint_bytes
from lint.errors import CheckSetupError
from lint.fix import apply_once
from lint.prose import prose_paragraphs

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
RULES = ruleset.load()
GR = [r for r in RULES if r.code.startswith("GR")]


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.delenv(grammar.ENV_URL, raising=False)
    grammar.reset()
    yield
    grammar.reset()


def active(codes=("GR101", "GR102", "GR103"), **params):
    chosen = [r for r in GR if r.code in codes]
    return tuple(ActiveRule(r, r.severity, dict(r.params, **params)) for r in chosen)


def lint(text: str, name: str = "post.md", **params):
    result, article = lint_bytes(text.encode("utf-8"), name, active(**params), RULES, max_size=1 << 24)
    return result.findings, article


def position(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column (code points) of the nth occurrence of needle in text."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


# -- the text sent ---------------------------------------------------------------------


def _mapping_holds(article: Article) -> None:
    prose = prose_paragraphs(article)
    assert len(prose.text) == len(prose.origin) == len(prose.opaque)
    last = -1
    for i, ch in enumerate(prose.text):
        assert prose.origin[i] >= last, "the map must run forward"
        last = prose.origin[i]
        if not prose.opaque[i] and ch != " ":
            assert article.text[prose.origin[i]] == ch, (article.path, i, ch)
        if not prose.opaque[i]:
            assert not any(s.start <= prose.origin[i] < s.end for s in article.nonprose), \
                f"{article.path}: non-prose sent as prose at {prose.origin[i]}"


@pytest.mark.parametrize("path", [p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".md", ".txt")],
                         ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_every_sent_character_maps_back_to_itself(path):
    _mapping_holds(Article(path.read_bytes(), path.name))


def test_only_prose_is_sent():
    text = textwrap.dedent("""\
        ---
        title: "A title with teh typo"
        lang: en-GB
        ---
        # A *heading* with [a link](https://example.org/teh) here

        Run `pip install teh` first, then read **the guide** at https://example.org/teh.
        A second line of the same paragraph.\\
        <span class="x">Inline</span> HTML and <!-- a teh comment --> a comment.

        ```python
        teh = "code"
        ```

        | teh | table |
        |-----|-------|

        - first item
        - second item
          continued here

        > quoted text

        See **[the docs](https://example.org)**, _**really**_, or mail <someone@example.org>.[^1]

        [^1]: A footnote.
        """)
    prose = prose_paragraphs(Article(text.encode(), "post.md"))
    assert prose.text == (
        "A heading with a link here\n\n"
        "Run X first, then read the guide at X. A second line of the same paragraph. "
        "Inline HTML and a comment.\n\n"
        "first item\n\nsecond item continued here\n\nquoted text\n\n"
        "See the docs, really, or mail X.\n\nA footnote.")
    assert "teh" not in prose.text


def test_plain_text_keeps_its_characters():
    text = "Stars *and* under_scores stay in plain text.\nSee https://example.org/x for more.\n\n- An item.\n"
    prose = prose_paragraphs(Article(text.encode(), "post.txt"))
    assert prose.text == "Stars *and* under_scores stay in plain text. See X for more.\n\nAn item."


# -- UTF-16 offsets --------------------------------------------------------------------


def test_utf16_table():
    assert grammar.utf16_to_codepoints("plain ascii") is None
    assert grammar.utf16_to_codepoints("CJK 中文 and é") is None  # BMP: one unit each
    text = "a🎉b😀c"
    table = grammar.utf16_to_codepoints(text)
    assert len(table) == utf16_len(text) + 1
    for cp, ch in enumerate(text):
        unit = utf16_len(text[:cp])
        assert grammar._to_codepoints(table, unit) == cp
    # an end inside a surrogate pair takes the whole character
    assert grammar._to_codepoints(table, 2, end=True) == 2
    assert grammar._to_codepoints(table, 2) == 1


# -- the HTTP contract -----------------------------------------------------------------

MULTIBYTE = textwrap.dedent("""\
    ---
    title: Emoji and CJK
    ---
    Party 🎉🎉 time: we recieve 中文 guests and 😀 teh 👍🏽 crowd.

    Straße 中文字 🇩🇪 — a wierd 错字 here, 𝒞𝒞 and definately more.
    """)


def test_offsets_land_on_the_word_across_emoji_and_cjk():
    with FakeLanguageTool() as server:
        findings, article = lint(MULTIBYTE, server=server.url)
    spelled = sorted((f.location.line, f.location.column, f.snippet) for f in findings if f.code == "GR101")
    expected = sorted((*position(MULTIBYTE, word), word)
                      for word in ("recieve", "teh", "wierd", "错字", "definately"))
    assert spelled == expected
    for f in findings:
        assert f.location.end_column - f.location.column == len(f.snippet)


def test_rules_share_one_request_per_file_and_one_connection_per_run():
    texts = ["He go to teh office.\n\nthe the end.\n", "Nothing wrong here.\n", "We recieve it.\n"]
    with FakeLanguageTool() as server:
        counts = []
        for i, text in enumerate(texts):
            findings, _ = lint(text, name=f"post{i}.md", server=server.url)
            counts.append(sorted(f.code for f in findings))
        assert len(server.requests) == len(texts)
        assert len(server.connections) == 1
    assert counts[0] == ["GR101", "GR102", "GR102", "GR103"]
    assert counts[1] == []
    assert counts[2] == ["GR101"]


def test_severity_message_and_unsafe_fix():
    text = "He go to teh office.\n"
    with FakeLanguageTool() as server:
        findings, article = lint(text, server=server.url)
    by_code = {f.code: f for f in findings}
    spelling = by_code["GR101"]
    assert str(spelling.severity) == "warning"
    assert spelling.message == "Possible spelling mistake found (suggestion: 'the') [MORFOLOGIK_RULE_EN_US]"
    assert str(spelling.fix.applicability) == "unsafe"
    assert str(by_code["GR102"].severity) == "warning"
    fixed, applied = apply_once(article, findings, unsafe=True)
    assert applied == 2
    assert fixed.decode() == "He goes to the office.\n"
    assert apply_once(article, findings, unsafe=False) == (article.raw, 0)


def test_no_fix_when_the_match_spans_stripped_markup():
    text = "It was the *the* plan.\n"
    with FakeLanguageTool() as server:
        findings, _ = lint(text, server=server.url)
    [repeat] = [f for f in findings if f.code == "GR102"]
    assert repeat.snippet == "the *the"
    assert repeat.fix is None


def test_matches_touching_code_or_urls_are_dropped():
    text = "Run `make` `make` to build `teh`, then read https://teh.example.\n"
    with FakeLanguageTool() as server:
        findings, _ = lint(text, server=server.url)
        [form] = server.requests
    assert form["text"] == "Run X X to build X, then read X."
    assert findings == []  # the server's "X X" repeat is two placeholders, not the author's words


def test_request_parameters():
    text = "---\nlang: en\n---\nWe recieve it.\n"
    with FakeLanguageTool() as server:
        lint(text, server=server.url, enable=["EN_QUOTES"], disable=["WHITESPACE_RULE", "COMMA_PARENTHESIS_WHITESPACE"],
             **{"preferred-variants": ["en-GB"], "disable-categories": ["CASING"], "picky": True})
        [form] = server.requests
    assert form["language"] == "en-GB"
    assert form["enabledRules"] == "EN_QUOTES"
    assert form["disabledRules"] == "WHITESPACE_RULE,COMMA_PARENTHESIS_WHITESPACE"
    assert form["disabledCategories"] == "CASING"
    assert form["level"] == "picky"
    assert form["text"] == "We recieve it."


def test_language_auto_and_unknown_front_matter_language():
    with FakeLanguageTool(known_languages=("auto", "en-US")) as server:
        findings, _ = lint("---\nlang: tlh\n---\nWe recieve it.\n", server=server.url)
        assert [r["language"] for r in server.requests] == ["tlh", "auto"]
    assert [f.code for f in findings] == ["GR101"]


def test_long_articles_go_in_chunks_of_whole_paragraphs():
    paragraphs = [f"Paragraph {i} says we recieve mail." for i in range(30)]
    text = "\n\n".join(paragraphs) + "\n"
    with FakeLanguageTool() as server:
        findings, _ = lint(text, server=server.url, **{"max-chars": 200})
        assert len(server.requests) > 1
        assert all(len(r["text"]) <= 200 for r in server.requests)
    assert sorted(f.location.line for f in findings) == [2 * i + 1 for i in range(30)]


def test_env_var_names_the_server(monkeypatch):
    with FakeLanguageTool() as server:
        monkeypatch.setenv(grammar.ENV_URL, server.url + "/v2/")
        findings, _ = lint("We recieve it.\n")
    assert [f.code for f in findings] == ["GR101"]


# -- errors: one line, exit 2, never a hang --------------------------------------------


def test_no_server_configured():
    with pytest.raises(CheckSetupError, match="no LanguageTool server: set the LANGUAGETOOL_URL"):
        lint("Some text.\n")


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server():
    with pytest.raises(CheckSetupError, match="cannot reach LanguageTool at http://127.0.0.1:"):
        lint("Some text.\n", server=f"http://127.0.0.1:{_closed_port()}")


def test_timeout():
    with FakeLanguageTool(delay=3) as server:
        started = time.monotonic()
        with pytest.raises(CheckSetupError, match="did not answer within 0.5 s"):
            lint("Some text.\n", server=server.url, timeout=0.5)
        assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("status, body, message", [
    (500, b"Error: Internal Error: java.lang.OutOfMemoryError", "refused the request: HTTP 500: Error: Internal"),
    (413, b"Error: Your text exceeds the limit of 20000 characters", "lower the max-chars param"),
    (200, b"<html>not a LanguageTool</html>", "did not answer like a LanguageTool server"),
])
def test_server_errors(status, body, message):
    with FakeLanguageTool(status=status, body=body) as server:
        with pytest.raises(CheckSetupError, match=message):
            lint("Some text.\n", server=server.url)


def test_not_a_url():
    with pytest.raises(CheckSetupError, match="not an http:// or https:// URL"):
        lint("Some text.\n", server="ftp://example.org")


def test_local_mode_needs_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "language_tool_python", None)  # import fails
    with pytest.raises(CheckSetupError, match=r"pip install 'copydesk\[grammar\]'"):
        lint("Some text.\n", local=True)


def test_local_mode_start_failure_is_one_line(monkeypatch):
    class Failing:
        def __init__(self, language):
            raise ConnectionError("Failed to resolve 'github.com'\nand a second line")

    monkeypatch.setitem(sys.modules, "language_tool_python", types.SimpleNamespace(LanguageTool=Failing))
    with pytest.raises(CheckSetupError) as info:
        lint("Some text.\n", local=True)
    assert "cannot start a local LanguageTool" in str(info.value)
    assert "\n" not in str(info.value)


def test_local_mode_uses_the_started_server(monkeypatch):
    with FakeLanguageTool() as server:
        started = []

        class Started:
            def __init__(self, language):
                started.append(language)
                self.url = server.url + "/v2/"

        monkeypatch.setitem(sys.modules, "language_tool_python", types.SimpleNamespace(LanguageTool=Started))
        lint("We recieve it.\n", name="a.md", local=True)
        findings, _ = lint("We recieve it.\n", name="b.md", local=True)
    assert started == ["auto"]  # one server for the run
    assert [f.code for f in findings] == ["GR101"]


def test_local_mode_start_timeout(monkeypatch):
    class Slow:
        def __init__(self, language):
            time.sleep(5)

    monkeypatch.setitem(sys.modules, "language_tool_python", types.SimpleNamespace(LanguageTool=Slow))
    started = time.monotonic()
    with pytest.raises(CheckSetupError, match="did not start within 0.3 s"):
        lint("Some text.\n", local=True, **{"start-timeout": 0.3})
    assert time.monotonic() - started < 2


# -- the command line ------------------------------------------------------------------


def test_cli_enabled_without_server_is_one_line_exit_2(run_cli, tmp_path):
    (tmp_path / "post.md").write_text("Some text.\n")
    result = run_cli("check", "--extend-select", "GR", "post.md", cwd=tmp_path, env={grammar.ENV_URL: ""})
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("copydesk: error: rule GR101 (spelling): no LanguageTool server")
    assert result.stdout == b""


def test_cli_local_without_languagetool_fails_fast(run_cli, tmp_path):
    """Here LanguageTool cannot be downloaded (and the test makes sure nothing is fetched:
    every download host points at a closed loopback port): exit 2, one line, quickly."""
    (tmp_path / "post.md").write_text("Some text.\n")
    (tmp_path / "copydesk.toml").write_text(
        'extend-select = ["GR"]\n' + "".join(f"[rules.{c}]\nlocal = true\n" for c in ("GR101", "GR102", "GR103")))
    dead = f"http://127.0.0.1:{_closed_port()}/"
    env = {grammar.ENV_URL: "", "LTP_PATH": str(tmp_path / "ltp"), "LTP_JAR_DIR_PATH": "",
           **{f"LTP_DOWNLOAD_HOST_{k}": dead for k in ("SNAPSHOT", "NEW_RELEASES", "RELEASE", "ARCHIVE")}}
    started = time.monotonic()
    result = run_cli("check", "post.md", cwd=tmp_path, env=env)
    assert time.monotonic() - started < 60
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("copydesk: error: rule GR101 (spelling): ")
    assert "LanguageTool" in lines[0]


def test_cli_with_server_reports_lines(run_cli, tmp_path):
    (tmp_path / "post.md").write_text(MULTIBYTE, encoding="utf-8")
    with FakeLanguageTool() as server:
        result = run_cli("check", "--extend-select", "GR", "--output-format", "concise", "post.md",
                         cwd=tmp_path, env={grammar.ENV_URL: server.url})
    out = result.stdout.decode()
    line, column = position(MULTIBYTE, "definately")
    assert f"post.md:{line}:{column}: GR101" in out
    assert result.returncode == 0  # warnings only; fail-on defaults to error


def test_cli_parallel_workers_each_keep_one_connection(run_cli, tmp_path):
    for i in range(40):  # over the runner's threshold for a process pool
        (tmp_path / f"p{i:02}.md").write_text(f"Post {i}: we recieve mail.\n\nIt is fine.\n")
    with FakeLanguageTool() as server:
        result = run_cli("check", "--no-cache", "--jobs", "2", "--extend-select", "GR", "--statistics", ".",
                         cwd=tmp_path, env={grammar.ENV_URL: server.url})
        assert len(server.requests) == 40
        assert len(server.connections) <= 2
    assert result.stdout.decode().split() == ["40", "GR101", "spelling"]
    without = run_cli("check", "--no-cache", "--jobs", "2", "--extend-select", "GR", ".",
                      cwd=tmp_path, env={grammar.ENV_URL: ""})
    assert without.returncode == 2
    assert len(without.stderr.decode().splitlines()) == 1


def test_family_off_imports_no_languagetool_code(tmp_path):
    (tmp_path / "post.md").write_text("A short clean article.\n")
    code = textwrap.dedent("""\
        import sys
        from lint.cli import main
        status = main(["check", "--isolated", "-q", "post.md"])
        assert status in (0, 1), status
        assert "language_tool_python" not in sys.modules
        assert "lint.checks.grammar" not in sys.modules
        print("ok")
        """)
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().endswith("ok\n")


# -- a real LanguageTool ---------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("LANGUAGETOOL_URL"), reason="set LANGUAGETOOL_URL to test a real server")
def test_real_languagetool_server():
    url = os.environ["LANGUAGETOOL_URL"]
    text = "---\nlang: en-US\n---\nParty 🎉 time 中文: we recieve `code` guests.\n\nHe go to the the office.\n"
    findings, _ = lint(text, server=url)
    spelling = [f for f in findings if f.code == "GR101"]
    assert (spelling[0].location.line, spelling[0].location.column) == position(text, "recieve")
    assert spelling[0].snippet == "recieve"
    assert any(f.code == "GR102" and f.snippet.lower() == "the the" for f in findings)
