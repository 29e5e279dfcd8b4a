"""reviewdog's Diagnostic Format (rdjson): a DiagnosticResult with one Diagnostic a finding,
fixes as suggestions.

reviewdog counts columns in UTF-8 bytes of the file, copydesk in code points. The finding's
own line text and flagged text give the byte columns of most positions; for the rest the
file is read again (and decoded as the engine decoded it). A suggestion whose byte range
cannot be known exactly is left out rather than risk splicing text at the wrong place."""

from __future__ import annotations

import codecs
import json
from typing import Any

from lint.docs import rule_url
from lint.finding import Finding, Severity
from lint.report import Report

_SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}
SOURCE = {"name": "copydesk", "url": "https://github.com/copydesk/copydesk"}


class _File:
    def __init__(self, path: str, data: bytes) -> None:
        self.path, self.data = path, data
        self.bom = data.startswith(codecs.BOM_UTF8)
        try:
            data.decode("utf-8")
            self.utf8 = True
        except UnicodeDecodeError:
            self.utf8 = False
        self._article = None

    @property
    def article(self):
        if self._article is None:
            from lint.article import Article

            self._article = Article(self.data, self.path)
        return self._article


class _Columns:
    """Code-point (line, column) -> UTF-8 byte column, from what the findings carry, else from
    the file itself. Only a file stored as UTF-8 has UTF-8 byte columns: for one in another
    encoding (or unreadable now, or stdin) positions stay in code points and no suggestion
    is made."""

    def __init__(self) -> None:
        self._files: dict[str, _File | None] = {}

    def _file(self, path: str) -> _File | None:
        if path not in self._files:
            try:
                with open(path, "rb") as handle:
                    self._files[path] = _File(path, handle.read())
            except OSError:
                self._files[path] = None
        return self._files[path]

    def byte_column(self, f: Finding, line: int, column: int) -> int | None:
        file = self._file(f.path) if f.path != "-" else None
        if file is None or not file.utf8:
            return None
        prefix = self._prefix_from_finding(f, line, column)
        if prefix is None:
            article = file.article
            if not 1 <= line <= len(article.line_starts):
                return None
            start = article.line_starts[line - 1]
            prefix = article.text[start:start + column - 1]
            if len(prefix) != column - 1:
                return None
        # reviewdog counts the bytes of the file: a byte-order mark is three of them
        bom = 3 if file.bom and line == 1 else 0
        return len(prefix.encode("utf-8", errors="surrogatepass")) + 1 + bom

    @staticmethod
    def _prefix_from_finding(f: Finding, line: int, column: int) -> str | None:
        """The text of `line` before `column`, when the finding's line text or flagged text
        holds it."""
        loc = f.location
        if line == loc.line and column - 1 <= len(f.line_text):
            return f.line_text[:column - 1]
        if loc.line < line <= loc.end_line and f.snippet and len(f.snippet) == f.span[1] - f.span[0]:
            segments = f.snippet.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            k = line - loc.line
            if k < len(segments) and column - 1 <= len(segments[k]):
                return segments[k][:column - 1]
        return None


def _position(columns: _Columns, f: Finding, line: int, column: int, exact: bool) -> dict[str, int] | None:
    byte = columns.byte_column(f, line, column)
    if byte is None:
        if exact:
            return None
        byte = column  # a display position only: code points are the best left
    return {"line": line, "column": byte}


def diagnostic(columns: _Columns, f: Finding, rules) -> dict[str, Any]:
    loc = f.location
    rule = rules.get(f.code)
    url = rule_url(rule) if rule else None
    result: dict[str, Any] = {
        "message": f.message,
        "location": {"path": f.path, "range": {
            "start": _position(columns, f, loc.line, loc.column, False),
            "end": _position(columns, f, loc.end_line, loc.end_column, False),
        }},
        "severity": _SEVERITY[f.severity],
        "code": {"value": f.code, **({"url": url} if url else {})},
    }
    suggestions = []
    if f.fix is not None and str(f.fix.applicability) == "safe" and not f.fix.encoding and not f.fix.remove_bom:
        for edit in f.fix.edits:
            el = edit.location
            start = el and _position(columns, f, el.line, el.column, True)
            end = el and _position(columns, f, el.end_line, el.end_column, True)
            if not (start and end):
                suggestions = []
                break
            suggestions.append({"range": {"start": start, "end": end}, "text": edit.replacement})
    if suggestions:
        result["suggestions"] = suggestions
    return result


def render(report: Report) -> str:
    columns = _Columns()
    document = {
        "source": SOURCE,
        "diagnostics": [diagnostic(columns, f, report.rules) for f in report.findings],
    }
    return json.dumps(document, ensure_ascii=False) + "\n"  # compact: the C encoder
