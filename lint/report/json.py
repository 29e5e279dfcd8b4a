"""Machine formats: a JSON array, or one JSON object a line."""

from __future__ import annotations

import json

from lint.report import Report


def render(report: Report) -> str:
    return json.dumps([f.to_dict() for f in report.findings], indent=2, ensure_ascii=False) + "\n"


def render_lines(report: Report) -> str:
    return "".join(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in report.findings)
