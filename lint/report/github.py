"""GitHub Actions workflow commands: one `::error file=...,line=...::message` a finding, which
the runner turns into annotations on the pull request.

Escaping follows the Actions toolkit (@actions/core): in the message, % CR LF become %25 %0D
%0A; in properties also : and , become %3A %2C. Article text reaches both (messages quote the
flagged text), so without it a line in an article could end the annotation and start a
workflow command of its own."""

from __future__ import annotations

from lint.finding import Finding, Severity
from lint.report import Report

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(f: Finding) -> str:
    loc = f.location
    props = {
        "file": f.path,
        "line": str(loc.line),
        "col": str(loc.column),
        "endLine": str(loc.end_line),
        "endColumn": str(loc.end_column),
        "title": f"copydesk {f.code} ({f.name})",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::{_COMMAND[f.severity]} {joined}::{escape_data(f.message)}"


def render(report: Report) -> str:
    return "".join(command(f) + "\n" for f in report.findings)
