"""CheckSetupError: a check that cannot run at all ends the run with one line and exit 2,
instead of becoming a CD100 internal-error finding on every file."""

from __future__ import annotations

import pytest

from lint import checks
from lint.config import ActiveRule
from lint.engine import lint_bytes
from lint.errors import CheckSetupError, UsageError
from lint.finding import Hit, Severity
from lint.ruleset import Rule, RuleSet


@checks.check("zz-setup-test.unreachable")
def _unreachable(article, params):
    raise CheckSetupError("cannot reach the service at http://127.0.0.1:9")
    yield Hit(0, 0, {})  # pragma: no cover


@checks.check("zz-setup-test.broken")
def _broken(article, params):
    raise ValueError("a bug")
    yield Hit(0, 0, {})  # pragma: no cover


def _active(code: str, kind: str) -> tuple[tuple[ActiveRule, ...], RuleSet]:
    rule = Rule(code=code, name="probe", check=kind, severity=Severity.ERROR, message="m")
    return (ActiveRule(rule, rule.severity, {}),), RuleSet([rule])


def test_setup_error_propagates_with_rule_named():
    active, rules = _active("ZZ901", "zz-setup-test.unreachable")
    with pytest.raises(CheckSetupError) as info:
        lint_bytes(b"Some text.\n", "a.md", active, rules, max_size=1 << 20)
    assert str(info.value) == "rule ZZ901 (probe): cannot reach the service at http://127.0.0.1:9"
    assert isinstance(info.value, UsageError)  # the CLI's one-line, exit-2 path


def test_other_exceptions_still_become_internal_error_findings():
    active, rules = _active("ZZ902", "zz-setup-test.broken")
    result, _ = lint_bytes(b"Some text.\n", "a.md", active, rules, max_size=1 << 20)
    assert result.internal_error
    assert [f.code for f in result.findings] == ["CD100"]
    assert "ValueError: a bug" in result.findings[0].message
