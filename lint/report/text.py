"""Human formats: concise (path:line:col: CODE message, as Vim and Emacs parse it) and full
(a Ruff-style code frame with a caret under the span)."""

from __future__ import annotations

from lint.finding import Finding
from lint.report import Report

_FRAME_WIDTH = 100


def _marker(finding: Finding) -> str:
    if finding.fix is not None and str(finding.fix.applicability) == "safe":
        return " [*]"
    return ""


def one_line(message: str) -> str:
    """A message quoting article text may hold line breaks; line formats show them escaped,
    so that every finding stays one line for the tools that read them."""
    return message.replace("\r", "\\r").replace("\n", "\\n")


def concise(report: Report) -> str:
    return "".join(
        f"{f.path}:{f.line}:{f.column}: {f.code}{_marker(f)} {one_line(f.message)}\n" for f in report.findings)


def concise_tails(rows) -> list[str]:
    """`concise`'s lines without the leading path, from the brief rows of the result cache
    (lint.finding.finding_brief): the cache keeps them, and a warm run prints them."""
    return [f":{r[0]}:{r[1]}: {r[4]}{' [*]' if r[8] else ''} {one_line(r[7])}\n" for r in rows]


def _tail_key(tail: str) -> tuple[int, int, str]:
    """Finding.sort_key within one path, read back from a concise line's tail."""
    _, line, column, rest = tail.split(":", 3)
    return int(line), int(column), rest.split(" ", 2)[1]


def concise_lines(path: str, tails: list[str]) -> str:
    return path + path.join(tails) if tails else ""


def full(report: Report) -> str:
    return "\n".join(_frame(f) for f in report.findings) + ("\n" if report.findings else "")


def _frame(f: Finding) -> str:
    loc = f.location
    gutter = " " * len(str(loc.line))
    out = [f"{f.path}:{loc.line}:{loc.column}: {f.code}{_marker(f)} [{f.severity}] {one_line(f.message)}"]
    if f.line_text or f.snippet:
        line = f.line_text.expandtabs(1)
        start = loc.column - 1
        end = loc.end_column - 1 if loc.end_line == loc.line else len(line)
        # Long lines (one paragraph per line is common) are shown as a window on the span.
        offset = max(0, min(start - 20, len(line) - _FRAME_WIDTH))
        shown = line[offset:offset + _FRAME_WIDTH]
        prefix = "…" if offset else ""
        suffix = "…" if offset + _FRAME_WIDTH < len(line) else ""
        caret_at = start - offset + len(prefix)
        width = max(1, min(end, offset + _FRAME_WIDTH) - start)
        out += [
            f"{gutter} |",
            f"{loc.line} | {prefix}{shown}{suffix}",
            f"{gutter} | {' ' * caret_at}{'^' * width} {f.code}",
        ]
    for related in f.related:
        out.append(f"{gutter} = note: {related.message} (line {related.location.line})")
    if f.fix is not None:
        help_text = _fix_help(f)
        out.append(f"{gutter} = help: {help_text}")
    return "\n".join(out) + "\n"


def _fix_help(f: Finding) -> str:
    fix = f.fix
    kind = "safe fix" if str(fix.applicability) == "safe" else "unsafe fix (--unsafe-fixes)"
    if fix.encoding:
        return f"{kind}: re-encode the file as {fix.encoding}"
    if len(fix.edits) == 1:
        edit = fix.edits[0]
        if edit.replacement:
            shown = edit.replacement if len(edit.replacement) <= 60 else edit.replacement[:57] + "..."
            return f"{kind}: replace with {shown!r}"
        return f"{kind}: delete"
    if fix.remove_bom and not fix.edits:
        return f"{kind}: remove the byte-order mark"
    return f"{kind}: {len(fix.edits)} edits"


def pylint(report: Report) -> str:
    """`path:line: [CODE] message`, the parseable pylint line that Jenkins warnings-ng and
    other pylint readers take (Ruff writes the same)."""
    return "".join(f"{f.path}:{f.line}: [{f.code}] {one_line(f.message)}\n" for f in report.findings)


class ConciseSpill:
    """The concise report of a run, in path order, without holding it: each file's part (its
    lines without the path, in Finding.sort_key order) is kept as it arrives, sorted a
    buffer at a time into runs on a temporary file, and the runs are merged by path when
    the report is written. A path with several parts (a file's own findings and cross-file
    ones) gets them merged as a stable sort of all its findings would order them."""

    RUN = 1024  # parts sorted in memory before they go to the file
    BLOCK = 16384  # bytes read from a run at a time when merging

    def __init__(self) -> None:
        self._buffer: list[tuple] = []
        self._runs: list[tuple[int, int]] = []  # (start, end) offsets in the file
        self._file = None
        self._count = 0

    def add_findings(self, findings: list[Finding]) -> None:
        from lint.finding import finding_brief

        by_path: dict[str, list[tuple]] = {}
        for f in sorted(findings, key=Finding.sort_key):  # a file's findings normally share its path
            by_path.setdefault(f.path, []).append(finding_brief(f))
        for path, rows in by_path.items():
            self._add(path, concise_tails(rows))

    def add_cached(self, result) -> None:
        """A cache.CachedResult with findings: its lines are ready."""
        self._add(result.path, result.tails)

    def _add(self, path: str, tails: list[str]) -> None:
        # the arrival number keeps parts of one path in order, and no two records equal
        self._buffer.append((path, self._count, tails))
        self._count += 1
        if len(self._buffer) >= self.RUN:
            self._spill()

    def _spill(self) -> None:
        from lint.spill import RecordFile

        if self._file is None:
            self._file = RecordFile()
        self._buffer.sort()
        start = self._file.tell()
        for record in self._buffer:
            self._file.write(record)
        self._runs.append((start, self._file.tell()))
        self._buffer = []

    def lines(self):
        """The report, a path's lines at a time."""
        import heapq
        import itertools

        self._buffer.sort()
        runs = (self._file.read(start, end, self.BLOCK) for start, end in self._runs)
        records = heapq.merge(self._buffer, *runs)
        for path, parts in itertools.groupby(records, key=lambda record: record[0]):
            tails = next(parts)[2]
            more = [tail for part in parts for tail in part[2]]
            if more:
                tails = sorted(tails + more, key=_tail_key)
            yield concise_lines(path, tails)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
