"""The engine: rule binding, message templates, internal errors, rule files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lint import checks
from lint.checks import check
from lint.config import ActiveRule, Resolver
from lint.engine import INTERNAL_ERROR, format_message, lint_bytes
from lint.errors import UsageError
from lint.finding import Hit, Severity
from lint.ruleset import Rule, load_rule_file


@check("testing.crash")
def _crash(article, params):
    yield Hit(0, 1, {})
    raise RuntimeError("boom")


@check("testing.first-word")
def _first_word(article, params):
    end = article.text.find(" ")
    yield Hit(0, end, {"word": article.text[:end]})


def _active(code: str, kind: str, message: str = "m") -> ActiveRule:
    return ActiveRule(Rule(code, "test-rule", kind, Severity.WARNING, message), Severity.WARNING, {})


def test_a_crashing_rule_becomes_an_internal_error_finding():
    rules = Resolver(isolated=True).project.ruleset
    active = (_active("TT101", "testing.crash"), _active("TT102", "testing.first-word", "{word!r}"))
    result, _ = lint_bytes(b"Hello world\n", "p.md", active, rules, max_size=10**6)
    assert result.internal_error
    codes = [f.code for f in result.findings]
    assert INTERNAL_ERROR in codes and "TT102" in codes  # the other rule still ran
    crash = next(f for f in result.findings if f.code == INTERNAL_ERROR)
    assert "TT101" in crash.message and "RuntimeError: boom" in crash.message
    assert next(f for f in result.findings if f.code == "TT102").message == "'Hello'"


@check("testing.every-word")
def _every_word(article, params):
    for m in re.finditer(r"\w+", article.text):
        yield Hit(m.start(), m.end(), {})


def test_findings_on_one_line_share_its_text():
    rules = Resolver(isolated=True).project.ruleset
    result, _ = lint_bytes(b"one two\nthree\n", "p.md", (_active("TT103", "testing.every-word"),),
                           rules, max_size=10**6)
    one, two, three = result.findings
    assert one.line_text == two.line_text == "one two" and three.line_text == "three"
    assert one.line_text is two.line_text  # pickled once when a worker sends the result


def test_message_templates_tolerate_missing_and_bad_fields():
    assert format_message("{found!r} reads as {fixed!r}", {"found": "â€“", "fixed": "–"}) == "'â€“' reads as '–'"
    assert format_message("missing {nothing}", {}) == "missing {nothing}"
    assert format_message("broken {", {}) == "broken {"


def test_unknown_check_kind_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown check kind"):
        checks.resolve("nosuchfamily.thing")
    with pytest.raises(UsageError, match="unknown check kind 'existance'"):
        checks.resolve("existance")


@pytest.mark.parametrize("body, message", [
    ("- code: HS1\n  name: x\n", "missing field 'check'"),
    ("- code: hs101\n  name: x\n  check: existence\n  severity: warning\n  message: m\n", "not a rule code"),
    ("- code: HS101\n  name: Bad_Name\n  check: existence\n  severity: warning\n  message: m\n", "not kebab-case"),
    ("- code: HS101\n  name: x\n  check: existence\n  severity: fatal\n  message: m\n", "field 'severity'"),
    ("- code: HS101\n  name: x\n  check: existence\n  severity: error\n  message: m\n  sevrity: x\n", "did you mean 'severity'"),
    ("- code: HS101\n  name: x\n  check: existence\n  severity: error\n  message: m\n  fix: maybe\n", "field 'fix'"),
    ("code: HS101\n", "a list of rules"),
    ("- [unclosed\n", "invalid YAML"),
])
def test_malformed_rule_files_name_file_and_field(tmp_path: Path, body, message):
    file = tmp_path / "house.yaml"
    file.write_text(body)
    with pytest.raises(UsageError, match=message) as info:
        load_rule_file(file)
    assert str(file) in str(info.value)


def test_every_builtin_rule_is_complete_and_resolvable():
    rules = Resolver(isolated=True).project.ruleset
    assert len(rules) > 0
    for rule in rules:
        assert rule.doc.strip(), f"{rule.code} has no doc"
        assert rule.short_description, f"{rule.code} has no summary"
        if rule.check != "engine":
            checks.resolve(rule.check)


def test_rules_reference_is_up_to_date():
    from lint.docs import rules_reference

    reference = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    expected = rules_reference(Resolver(isolated=True).project.ruleset)
    assert reference.read_text(encoding="utf-8") == expected, \
        "docs/rules.md is stale: run `python -m lint.docs > docs/rules.md`"
