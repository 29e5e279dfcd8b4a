"""Every output format, read back the way its consumer reads it: SARIF validated against the
official 2.1.0 schema plus GitHub code scanning's extra requirements, workflow commands
decoded as the Actions runner decodes them, XML through the standard library's parser,
JSON formats through json, line formats through the regular expressions their readers use."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from integrations import DAMAGED, make_site

SCHEMA = Path(__file__).resolve().parent / "sarif-schema-2.1.0.json"
DAMAGED_PATH = "_posts/damaged.md"
# (code, line, column, end line, end column, severity) of what the house rules find in DAMAGED
EXPECTED = [
    ("HS101", 3, 22, 3, 28, "error"),
    ("HS102", 5, 3, 7, 4, "warning"),
    ("HS103", 7, 7, 7, 8, "info"),
    ("HS101", 9, 14, 9, 20, "error"),
]
HOSTILE_MESSAGE = "marked span: BEGIN\n::error file=evil.md,line=1::injected %0A done\nEND"


@pytest.fixture
def site(tmp_path):
    return make_site(tmp_path / "site")


@pytest.fixture
def check(run_cli, site):
    def run(*args: str, cwd: Path | None = None):
        return run_cli("check", *args, cwd=cwd or site)

    return run


def _stdout(result) -> str:
    return result.stdout.decode("utf-8")


# -- SARIF ------------------------------------------------------------------------------


def _validate_sarif(document: dict) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(document)


def _github_requirements(document: dict) -> None:
    """What code scanning needs beyond the schema (docs.github.com, SARIF support)."""
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    run = document["runs"][0]
    assert run["columnKind"] in ("unicodeCodePoints", "utf16CodeUnits")
    rules = run["tool"]["driver"]["rules"]
    assert rules, "the tool's rules are described even when nothing is found"
    for rule in rules:
        for key in ("id", "shortDescription", "fullDescription", "help"):
            assert rule[key], (rule["id"], key)
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        if rule["id"].startswith("CD"):  # built-in rules have a documentation page
            assert rule["helpUri"].startswith("https://")
    ids = {r["id"] for r in rules}
    for result in run["results"]:
        assert result["ruleId"] in ids
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")) and ":" not in uri.split("/")[0], uri
        region = location["region"]
        for key in ("startLine", "startColumn", "endLine", "endColumn"):
            assert isinstance(region[key], int) and region[key] >= 1
        assert result["partialFingerprints"]


def test_sarif_validates_and_meets_github_requirements(check):
    result = check("--output-format", "sarif")
    assert result.returncode == 1
    document = json.loads(_stdout(result))
    _validate_sarif(document)
    _github_requirements(document)
    run = document["runs"][0]
    found = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]) for r in run["results"]]
    assert [(code, (reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"]))
            for code, reg in found] == [(c, (l, col, el, ec)) for c, l, col, el, ec, _ in EXPECTED]
    levels = [r["level"] for r in run["results"]]
    assert levels == ["error", "warning", "note", "error"]
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": DAMAGED_PATH,
                                                                             "uriBaseId": "%SRCROOT%"}
    assert first["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] == "e-mail"
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "email"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert "baselineState" not in first


def test_sarif_without_findings_is_a_valid_document_with_the_rules(check, site):
    (site / DAMAGED_PATH).unlink()
    result = check("--output-format", "sarif")
    assert result.returncode == 0
    document = json.loads(_stdout(result))
    _validate_sarif(document)
    _github_requirements(document)
    run = document["runs"][0]
    assert run["results"] == []
    assert {"HS101", "HS102", "HS103", "CD101"} <= {r["id"] for r in run["tool"]["driver"]["rules"]}


def test_sarif_fingerprints_survive_unrelated_edits(check, site):
    def fingerprints() -> list[tuple[str, int, str]]:
        document = json.loads(_stdout(check("--output-format", "sarif")))
        return [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
                 r["partialFingerprints"]["copydesk/v1"]) for r in document["runs"][0]["results"]]

    before = fingerprints()
    assert len({fp for _, _, fp in before}) == len(before), "fingerprints are unique"
    # the two HS101 findings flag the same text: they are told apart, not merged
    assert before[0][2] != before[3][2]
    article = site / DAMAGED_PATH
    article.write_text("An editor's note, added later.\n\nAnd another line.\n" + DAMAGED, encoding="utf-8")
    after = fingerprints()
    assert [line for _, line, _ in after] == [line + 3 for _, line, _ in before]
    assert [fp for _, _, fp in after] == [fp for _, _, fp in before]


# -- GitHub workflow commands -------------------------------------------------------------

_COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _unescape_data(text: str) -> str:  # @actions/core's escaping, reversed
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def _parse_github(output: str) -> list[tuple[str, dict[str, str], str]]:
    commands = []
    for line in output.splitlines():
        m = _COMMAND.match(line)
        assert m, f"not a workflow command: {line!r}"
        props = dict(item.split("=", 1) for item in m.group(2).split(","))
        commands.append((m.group(1), {k: _unescape_property(v) for k, v in props.items()},
                         _unescape_data(m.group(3))))
    return commands


def test_github_annotations(check):
    result = check("--output-format", "github")
    assert result.returncode == 1
    commands = _parse_github(_stdout(result))
    assert [(kind, props["file"], int(props["line"]), int(props["col"]), int(props["endLine"]),
             int(props["endColumn"])) for kind, props, _ in commands] == [
        ({"error": "error", "warning": "warning", "info": "notice"}[sev], DAMAGED_PATH, l, c, el, ec)
        for _, l, c, el, ec, sev in EXPECTED]
    assert commands[0][1]["title"] == "copydesk HS101 (email-spelling)"
    assert commands[0][2] == "write 'email', not 'e-mail'"


def test_github_article_text_cannot_inject_a_command(check, site):
    # the path carries the property delimiters too
    hostile = site / "_posts" / "x,line=99::y.md"
    hostile.write_text(DAMAGED, encoding="utf-8")
    output = _stdout(check("--output-format", "github"))
    lines = output.splitlines()
    assert len(lines) == 8, "one line per finding: no line break of the article got through"
    assert not any("::error file=evil.md" in line.split("::", 2)[1] for line in lines)
    commands = _parse_github(output)
    assert {props["file"] for _, props, _ in commands} == {DAMAGED_PATH, "_posts/x,line=99::y.md"}
    assert {int(props["line"]) for _, props, _ in commands} == {3, 5, 7, 9}
    assert [message for _, _, message in commands].count(HOSTILE_MESSAGE) == 2


# -- GitLab Code Quality ----------------------------------------------------------------------


def test_gitlab_code_quality(check, site):
    issues = json.loads(_stdout(check("--output-format", "gitlab")))
    assert len(issues) == len(EXPECTED)
    for issue, (code, line, _, end_line, _, severity) in zip(issues, EXPECTED):
        assert issue["check_name"] == code
        assert code in issue["description"]
        assert issue["severity"] == {"error": "major", "warning": "minor", "info": "info"}[severity]
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] == DAMAGED_PATH
        assert issue["location"]["lines"]["begin"] == line
        assert issue["location"]["lines"]["end"] == end_line
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # line-independent
    (site / DAMAGED_PATH).write_text("A new first paragraph.\n\n" + DAMAGED, encoding="utf-8")
    moved = json.loads(_stdout(check("--output-format", "gitlab")))
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]
    assert [i["location"]["lines"]["begin"] for i in moved] == [line + 2 for _, line, *_ in EXPECTED]


def test_gitlab_empty_report_is_an_empty_array(check, site):
    (site / DAMAGED_PATH).unlink()
    assert json.loads(_stdout(check("--output-format", "gitlab"))) == []


# -- JUnit and Checkstyle XML ---------------------------------------------------------------


def test_junit(check):
    result = check("--output-format", "junit")
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    assert root.get("failures") == "4"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {DAMAGED_PATH, "_posts/clean.md"}
    damaged = suites[DAMAGED_PATH]
    cases = damaged.findall("testcase")
    assert int(damaged.get("tests")) == len(cases) == 4 and damaged.get("failures") == "4"
    failures = [c.find("failure") for c in cases]
    assert [c.get("name").split()[0] for c in cases] == [code for code, *_ in EXPECTED]
    assert [int(c.get("line")) for c in cases] == [line for _, line, *_ in EXPECTED]
    assert failures[1].get("message") == HOSTILE_MESSAGE
    # XML cannot hold an escape character: it is replaced, the document stays well-formed
    assert failures[2].get("message") == "control character [\ufffd]"
    clean = suites["_posts/clean.md"]
    assert clean.get("failures") == "0" and len(clean.findall("testcase")) == 1
    assert clean.find("testcase/failure") is None
    assert int(root.get("tests")) == 5


def test_checkstyle(check):
    root = ET.fromstring(check("--output-format", "checkstyle").stdout)
    assert root.tag == "checkstyle"
    files = {f.get("name"): f for f in root.findall("file")}
    assert set(files) == {DAMAGED_PATH, "_posts/clean.md"}
    errors = files[DAMAGED_PATH].findall("error")
    assert [(e.get("source"), int(e.get("line")), int(e.get("column")), e.get("severity")) for e in errors] == [
        (f"copydesk.{code}", line, col, sev) for code, line, col, _, _, sev in EXPECTED]
    assert errors[1].get("message") == HOSTILE_MESSAGE
    assert files["_posts/clean.md"].findall("error") == []


# -- reviewdog rdjson --------------------------------------------------------------------------


def _apply_suggestions(data: bytes, diagnostics: list[dict]) -> bytes:
    """Apply rdjson suggestions as reviewdog does: line and UTF-8 byte column, end exclusive."""
    lines = data.split(b"\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: dict) -> int:
        return starts[position["line"] - 1] + position["column"] - 1

    edits = [(offset(s["range"]["start"]), offset(s["range"]["end"]), s["text"].encode("utf-8"))
             for d in diagnostics for s in d.get("suggestions", [])]
    for start, end, text in sorted(edits, reverse=True):
        data = data[:start] + text + data[end:]
    return data


def test_rdjson_byte_columns_and_suggestions(check, site, run_cli):
    document = json.loads(_stdout(check("--output-format", "rdjson")))
    assert document["source"]["name"] == "copydesk"
    diagnostics = document["diagnostics"]
    assert [d["code"]["value"] for d in diagnostics] == [code for code, *_ in EXPECTED]
    assert [d["severity"] for d in diagnostics] == ["ERROR", "WARNING", "INFO", "ERROR"]
    assert all(d["location"]["path"] == DAMAGED_PATH for d in diagnostics)
    # "At the café, " is 13 code points but 14 bytes: reviewdog counts bytes
    last = diagnostics[3]["location"]["range"]
    assert last == {"start": {"line": 9, "column": 15}, "end": {"line": 9, "column": 21}}
    first = diagnostics[0]["location"]["range"]
    assert first == {"start": {"line": 3, "column": 22}, "end": {"line": 3, "column": 28}}
    assert "suggestions" not in diagnostics[1]
    # the suggestions, applied by byte position, give what --fix writes
    original = (site / DAMAGED_PATH).read_bytes()
    suggested = _apply_suggestions(original, diagnostics)
    run_cli("check", "--fix", DAMAGED_PATH, cwd=site)
    assert suggested == (site / DAMAGED_PATH).read_bytes()
    assert suggested != original


# -- line formats ------------------------------------------------------------------------------

# Jenkins warnings-ng's PyLintParser pattern
_PYLINT = re.compile(r"(.*):(\d+): \[(\D\d*).*\] (.*)")
_CONCISE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+)(?P<fix> \[\*\])? (?P<msg>.*)$")


def test_pylint(check):
    lines = _stdout(check("--output-format", "pylint")).splitlines()
    assert len(lines) == len(EXPECTED)
    parsed = [_PYLINT.fullmatch(line) for line in lines]
    assert all(parsed), lines
    assert [(m.group(1), int(m.group(2))) for m in parsed] == [(DAMAGED_PATH, line) for _, line, *_ in EXPECTED]
    assert all(f"[{code}]" in line for line, (code, *_) in zip(lines, EXPECTED))
    assert parsed[0].group(4) == "write 'email', not 'e-mail'"


def test_concise(check):
    lines = _stdout(check("--output-format", "concise")).splitlines()
    parsed = [_CONCISE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(m["path"], int(m["line"]), int(m["col"]), m["code"], bool(m["fix"])) for m in parsed] == [
        (DAMAGED_PATH, line, col, code, code == "HS101") for code, line, col, *_ in EXPECTED]
    # a line break inside a message is shown escaped: one finding, one line
    assert parsed[1]["msg"] == HOSTILE_MESSAGE.replace("\n", "\\n")


def test_full(check):
    output = _stdout(check("--output-format", "full"))
    frames = [f for f in output.split("\n\n") if f.strip()]
    assert len(frames) == len(EXPECTED)
    first = frames[0].splitlines()
    assert first[0] == f"{DAMAGED_PATH}:3:22: HS101 [*] [error] write 'email', not 'e-mail'"
    source, caret = first[2], first[3]
    assert source == "3 | Write to the desk by e-mail."
    # the caret sits under the flagged text
    assert caret.index("^") == source.index("e-mail") and caret.count("^") == len("e-mail")
    assert first[4] == "  = help: safe fix: replace with 'email'"


def test_json_and_json_lines(check):
    findings = json.loads(_stdout(check("--output-format", "json")))
    assert [(f["code"], f["line"], f["column"], f["end_line"], f["end_column"], f["severity"]) for f in findings] == EXPECTED
    assert findings[0]["fix"]["applicability"] == "safe"
    assert findings[0]["fix"]["edits"][0]["content"] == "email"
    assert findings[1]["message"] == HOSTILE_MESSAGE
    lines = _stdout(check("--output-format", "json-lines")).splitlines()
    assert [json.loads(line) for line in lines] == findings


# -- output file and rule listing ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["concise", "sarif", "junit"])
def test_output_file_gets_the_report_stderr_the_summary(check, site, fmt):
    result = check("--output-format", fmt, "-o", "reports/copydesk.out")
    assert result.returncode == 1
    assert result.stdout == b""
    assert "Found 4 findings" in result.stderr.decode()
    written = (site / "reports" / "copydesk.out").read_text(encoding="utf-8")
    assert written == _stdout(check("--output-format", fmt))


def test_output_file_is_written_without_findings(check, site):
    (site / DAMAGED_PATH).unlink()
    result = check("--output-format", "gitlab", "-o", "gl-code-quality-report.json")
    assert result.returncode == 0 and result.stdout == b""
    assert json.loads((site / "gl-code-quality-report.json").read_text(encoding="utf-8")) == []


def test_output_file_that_cannot_be_written_is_a_usage_error(check, site):
    (site / "taken").write_text("a file, not a directory", encoding="utf-8")
    result = check("-o", "taken/report.txt")
    assert result.returncode == 2
    assert "cannot write" in result.stderr.decode()


def test_rules_json_lists_every_rule_completely(run_cli, site):
    from lint.config import Resolver

    listed = json.loads(_stdout(run_cli("rules", "--output-format", "json", cwd=site)))
    expected = {r.code for r in Resolver(cwd=site).project.ruleset}
    assert {r["code"] for r in listed} == expected
    page = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    anchors = {re.sub(r"[^a-z0-9 -]", "", line[3:].strip().lower()).replace(" ", "-")
               for line in page.splitlines() if line.startswith("## ")}
    for rule in listed:
        for key in ("code", "name", "severity", "fix", "fixable", "default", "summary", "url"):
            assert key in rule, (rule["code"], key)
        assert rule["severity"] in ("error", "warning", "info")
        assert rule["fix"] in ("none", "safe", "unsafe") and rule["fixable"] == (rule["fix"] != "none")
        if rule["builtin"]:
            assert rule["url"].split("#")[1] in anchors, f"docs/rules.md has no section for {rule['code']}"
        else:  # a house rule has no page in copydesk's docs
            assert rule["url"] is None
    house = next(r for r in listed if r["code"] == "HS101")
    assert (house["name"], house["severity"], house["fix"]) == ("email-spelling", "error", "safe")



def test_rdjson_columns_past_the_stored_line_text(run_cli, site):
    """A finding far into a long one-paragraph line (the finding keeps only the start of its
    line) after multi-byte characters, with CRLF line ends: byte columns still exact."""
    article = site / "_posts" / "long.md"
    article.write_bytes(("👍 e-mail\r\n\r\n" + "é" * 450 + " e-mail\r\n").encode("utf-8"))
    document = json.loads(_stdout(run_cli("check", "--output-format", "rdjson", "_posts/long.md", cwd=site)))
    ranges = [d["location"]["range"]["start"] for d in document["diagnostics"]]
    assert ranges == [{"line": 1, "column": 6}, {"line": 3, "column": 902}]
    suggested = _apply_suggestions(article.read_bytes(), document["diagnostics"])
    run_cli("check", "--fix", "_posts/long.md", cwd=site)
    assert suggested == article.read_bytes() == ("👍 email\r\n\r\n" + "é" * 450 + " email\r\n").encode("utf-8")


# -- all formats on real and damaged text ---------------------------------------------------------

WORD_RULE = """
- code: HS201
  name: names
  check: existence
  severity: warning
  message: "name {match!r}"
  params:
    tokens: [Putin, Trump, Ukraine, café, e-mail]
"""


def _count(fmt: str, text: str) -> int:
    """How many findings a report holds, read the way its consumer reads it."""
    if fmt == "sarif":
        document = json.loads(text)
        _validate_sarif(document)
        _github_requirements(document)
        return len(document["runs"][0]["results"])
    if fmt in ("json", "gitlab"):
        return len(json.loads(text))
    if fmt == "rdjson":
        return len(json.loads(text)["diagnostics"])
    if fmt == "junit":
        return len(ET.fromstring(text.encode("utf-8")).findall("testsuite/testcase/failure"))
    if fmt == "checkstyle":
        return len(ET.fromstring(text.encode("utf-8")).findall("file/error"))
    if fmt == "github":
        return len(_parse_github(text))
    if fmt == "json-lines":
        return len([json.loads(line) for line in text.splitlines()])
    if fmt == "pylint":
        assert all(_PYLINT.fullmatch(line) for line in text.splitlines())
        return len(text.splitlines())
    if fmt == "concise":
        assert all(_CONCISE.match(line) for line in text.splitlines())
        return len(text.splitlines())
    assert fmt == "full"
    return len(re.findall(r"^\S+:\d+:\d+: [A-Z]+\d+ ", text, re.M))


def test_every_format_reads_back_on_real_and_damaged_articles(run_cli, site):
    from lint.report import FORMATS

    seeds = Path(__file__).resolve().parent / "fixtures" / "seeds"
    for seed in sorted(seeds.glob("*.txt")):
        (site / "_posts" / seed.name).write_bytes(seed.read_bytes())
    (site / "house" / "words.yaml").write_text(WORD_RULE, encoding="utf-8")
    posts = site / "_posts"
    (posts / "latin1.md").write_bytes(b"Le caf\xe9 du coin, par e-mail.\n")          # not UTF-8
    (posts / "utf16.md").write_bytes("\ufeffPutin et Trump, e-mail.\r\n".encode("utf-16-le"))
    (posts / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")            # CD102
    (posts / "old-mac.md").write_bytes(b"Trump\rUkraine\re-mail\r")                 # CR line ends
    (posts / "controls.md").write_bytes("Ukraine \x00\x0b\x1b e-mail \ud800".encode("utf-8", "surrogatepass"))
    counts = {}
    for fmt in sorted(set(FORMATS) - {"parquet"}):  # parquet: a binary table, tested on its own
        result = run_cli("check", "--output-format", fmt, "--exit-zero", ".", "_posts/missing.md", cwd=site)
        assert result.returncode == 0, (fmt, result.stderr.decode())
        counts[fmt] = _count(fmt, _stdout(result))
    assert len(set(counts.values())) == 1, counts
    assert counts["json"] > 50


def test_rdjson_counts_the_bytes_of_the_file(run_cli, site):
    posts = site / "_posts"
    (posts / "bom.md").write_bytes(b"\xef\xbb\xbfOne e-mail.\n")
    (posts / "latin1.md").write_bytes(b"Le caf\xe9, par e-mail.\n")
    document = json.loads(_stdout(run_cli("check", "--output-format", "rdjson", "--select", "HS101",
                                          "_posts/bom.md", "_posts/latin1.md", cwd=site)))
    bom, latin1 = document["diagnostics"]
    # the byte-order mark is three bytes of line 1
    assert bom["location"]["range"]["start"] == {"line": 1, "column": 8}
    assert _apply_suggestions(b"\xef\xbb\xbfOne e-mail.\n", [bom]) == b"\xef\xbb\xbfOne email.\n"
    # a file not stored as UTF-8 has no UTF-8 byte columns: no suggestion rather than a wrong one
    assert "suggestions" not in latin1
