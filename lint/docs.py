"""Rule documentation: `copydesk rule CODE` and `copydesk rules --output-format json`."""

from __future__ import annotations

from typing import Any

from lint.ruleset import Rule


def rule_markdown(rule: Rule) -> str:
    fix = {"none": "not fixable", "safe": "safe fix (--fix)", "unsafe": "unsafe fix (--fix --unsafe-fixes)"}[rule.fix]
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        f"- Severity: {rule.severity}",
        f"- Default: {'on' if rule.default else 'off (enable with --extend-select ' + rule.code + ')'}",
        f"- Fix: {fix}",
        f"- Check kind: `{rule.check}`",
        f"- Message: {rule.message}",
    ]
    if rule.params:
        lines += ["", "## Parameters", ""]
        lines += [f"- `{k}` = `{_show(v)}`" for k, v in rule.params.items()]
        lines += ["", f"Set them in configuration under `[tool.copydesk.rules.{rule.code}]`."]
    if rule.doc.strip():
        lines += ["", rule.doc.strip()]
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return repr(list(value[:6]))[:-1] + f", … ({len(value)} entries)]"
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def rule_summary(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": str(rule.severity),
        "fix": rule.fix,
        "default": rule.default,
        "check": rule.check,
        "summary": rule.short_description,
        "url": rule.doc_url,
    }
