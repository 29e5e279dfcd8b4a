"""SARIF 2.1.0, as GitHub code scanning reads it: one run for all files, every rule of the
tool described (so an empty run still tells "ran and found nothing"), relative artifact URIs
under %SRCROOT%, full regions in Unicode code points, and line-independent partial
fingerprints. With --baseline, results carry baselineState (new / unchanged) and baselined
ones an external suppression."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lint import __version__
from lint.baseline import fingerprints
from lint.docs import rule_url
from lint.finding import Finding, Location, Severity
from lint.report import Report
from lint.ruleset import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/copydesk/copydesk"
FINGERPRINT_KEY = "copydesk/v1"
SRCROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(report: Report) -> str:
    # compact: with indent, json falls back to its pure-Python encoder (seconds on a big run)
    return json.dumps(document(report), ensure_ascii=False) + "\n"


def document(report: Report) -> dict[str, Any]:
    rules = list(report.rules)
    index = {rule.code: i for i, rule in enumerate(rules)}
    shown = report.all_findings() if report.baseline else report.findings
    baselined = {id(f) for f in report.baselined}
    results = [_result(f, fp, index, report, id(f) in baselined)
               for f, fp in zip(shown, fingerprints(shown))]
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "copydesk",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_rule(r) for r in rules],
        }},
        "originalUriBaseIds": {SRCROOT: {"uri": Path(os.getcwd()).as_uri().rstrip("/") + "/"}},
        "invocations": [{"executionSuccessful": not any(f.code == "CD100" for f in report.findings)}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(rule: Rule) -> dict[str, Any]:
    doc = rule.doc.strip()
    first_paragraph = doc.split("\n\n", 1)[0].replace("\n", " ").strip() if doc else ""
    help_text = doc or f"{rule.short_description}. Message: {rule.message}"
    url = rule_url(rule)
    tags = ["copydesk", rule.code.rstrip("0123456789")]
    if rule.fix != "none":
        tags.append(f"fix-{rule.fix}")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.short_description},
        "fullDescription": {"text": first_paragraph or rule.short_description},
        "help": {"text": help_text, "markdown": help_text},
        **({"helpUri": url} if url else {}),
        "defaultConfiguration": {"level": _LEVEL[rule.severity], "enabled": rule.default},
        "properties": {"tags": tags},
    }


def uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId): a relative path stays relative to %SRCROOT% (the working directory,
    the repository root in CI); an absolute one becomes a file: URI."""
    if os.path.isabs(path):
        return Path(path).as_uri(), None
    return quote(path.replace(os.sep, "/"), safe="/"), SRCROOT


def _artifact(path: str) -> dict[str, Any]:
    value, base = uri(path)
    return {"uri": value, "uriBaseId": base} if base else {"uri": value}


def _region(loc: Location, snippet: str = "") -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": loc.line, "startColumn": loc.column,
                              "endLine": loc.end_line, "endColumn": loc.end_column}
    if snippet:
        region["snippet"] = {"text": snippet}
    return region


def _result(f: Finding, fingerprint: str, index: dict[str, int], report: Report, baselined: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(f.path),
                                            "region": _region(f.location, f.snippet)}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    if report.baseline:
        result["baselineState"] = "unchanged" if baselined else "new"
        if baselined:
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": f"recorded in the baseline {report.baseline}"}]
    if f.related:
        result["relatedLocations"] = [
            {"id": i, "message": {"text": r.message},
             "physicalLocation": {"artifactLocation": _artifact(r.path or f.path), "region": _region(r.location)}}
            for i, r in enumerate(f.related, 1)]
    fixes = _fixes(f)
    if fixes:
        result["fixes"] = fixes
    return result


def _fixes(f: Finding) -> list[dict[str, Any]]:
    fix = f.fix
    if fix is None or not fix.edits or any(e.location is None for e in fix.edits):
        return []
    return [{
        "description": {"text": f"{fix.applicability} fix"},
        "artifactChanges": [{
            "artifactLocation": _artifact(f.path),
            "replacements": [{"deletedRegion": _region(e.location), "insertedContent": {"text": e.replacement}}
                             for e in fix.edits],
        }],
    }]
