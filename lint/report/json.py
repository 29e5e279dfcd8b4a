"""Machine formats: a JSON array, or one JSON object a line."""

from __future__ import annotations

import json
import sys

from lint.errors import UsageError
from lint.report import Report


def render(report: Report) -> str:
    return json.dumps([f.to_dict() for f in report.findings], indent=2, ensure_ascii=False) + "\n"


def render_lines(report: Report) -> str:
    return "".join(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in report.findings)


class LinesStream:
    """json-lines written as each file's findings arrive (to stdout or -o FILE)."""

    def __init__(self, output_file):
        try:
            self.handle = open(output_file, "w", encoding="utf-8") if output_file else sys.stdout
        except OSError as exc:
            raise UsageError(f"cannot write {output_file}: {exc.strerror or exc}") from None
        self.owned = output_file is not None

    def write(self, findings) -> None:
        if findings:
            self.handle.write(render_lines(Report(findings, None)))
            self.handle.flush()

    def close(self) -> None:
        if self.owned:
            self.handle.close()
