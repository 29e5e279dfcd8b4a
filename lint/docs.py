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


def rules_reference(rules) -> str:
    """docs/rules.md: every built-in rule's documentation, grouped by family."""
    from lint.ruleset import RuleSet

    assert isinstance(rules, RuleSet)
    out = [
        "# copydesk rules",
        "",
        "Generated from `rules/*.yaml` by `python -m lint.docs > docs/rules.md`; "
        "`copydesk rule CODE` prints the same text for one rule.",
        "",
        "| code | name | severity | fix | default | what it finds |",
        "|---|---|---|---|---|---|",
    ]
    for r in rules:
        anchor = f"{r.code.lower()}-{r.name}"
        out.append(f"| [{r.code}](#{anchor}) | {r.name} | {r.severity} | {r.fix} | "
                   f"{'on' if r.default else 'off'} | {r.short_description} |")
    for r in rules:
        body = rule_markdown(r).replace(f"# {r.code} {r.name}", f"## {r.code} {r.name}", 1)
        body = body.replace("\n## Parameters", "\n### Parameters")
        out += ["", body.rstrip()]
    return "\n".join(out) + "\n"


def main() -> None:
    import sys

    from lint.config import Resolver

    sys.stdout.write(rules_reference(Resolver(isolated=True).project.ruleset))


if __name__ == "__main__":
    main()
