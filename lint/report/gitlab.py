"""GitLab Code Quality (a subset of the Code Climate format): a JSON array of issues with
description, check_name, fingerprint, severity and location.path/lines.begin. The
fingerprint is unique in the report and does not depend on line numbers, so GitLab can tell
a moved finding from a new one in merge requests."""

from __future__ import annotations

import json

from lint.baseline import fingerprints
from lint.finding import Severity
from lint.report import Report

# Code Climate severities: info, minor, major, critical, blocker.
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(report: Report) -> str:
    rules = report.rules
    issues = []
    # counted over baselined findings too, so that a finding keeps its fingerprint whether or
    # not a baseline hides its older twins
    everything = report.all_findings()
    by_id = {id(f): fp for f, fp in zip(everything, fingerprints(everything))}
    for f in report.findings:
        fingerprint = by_id[id(f)]
        rule = rules.get(f.code)
        issues.append({
            "type": "issue",
            "check_name": f.code,
            "description": f"{f.code} {f.message}",
            "content": {"body": rule.short_description if rule else f.name},
            "categories": ["Style"],
            "severity": SEVERITY[f.severity],
            "fingerprint": fingerprint,
            "location": {
                "path": f.path,
                "lines": {"begin": f.location.line, "end": f.location.end_line},
            },
        })
    return json.dumps(issues, ensure_ascii=False) + "\n"  # compact: the C encoder
