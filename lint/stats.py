"""`copydesk stats PATHS`: the readability metrics of every file, whether or not a rule
fires, and a summary of the corpus (median and spread) — a whole site's reading level.

The numbers are the ones the RD rules judge: the same prose extraction, the same language
resolution (the RD101 and RD102 parameters in force for each file), the same textstat
measurements. Grade formulas are reported for English only; Flesch reading ease also in
the languages where textstat has a variant of it; other languages get counts only."""

from __future__ import annotations

import csv
import io
import json
import os
import statistics
import sys
from dataclasses import dataclass, field
from typing import Any, Iterable

from lint.errors import UsageError

FORMATS = ("table", "json", "csv")
# Column order, and the short table headers.
_SHORT = {
    "flesch-reading-ease": "FRE",
    "flesch-kincaid-grade": "FK",
    "gunning-fog": "fog",
    "smog": "SMOG",
    "coleman-liau": "CLI",
    "automated-readability": "ARI",
    "dale-chall": "DC",
    "linsear-write": "LW",
    "text-standard": "std",
}
SUMMARY_ROWS = ("median", "p25", "p75", "min", "max")


@dataclass
class FileStats:
    path: str
    language: str | None
    language_source: str
    words: int | None = None
    sentences: int | None = None
    scores: dict[str, float | None] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"path": self.path, "language": self.language,
                               "language_source": self.language_source,
                               "words": self.words, "sentences": self.sentences}
        row.update({name: _round(self.scores.get(name)) for name in _SHORT})
        if self.error:
            row["error"] = self.error
        return row


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def measure(article, params: dict[str, Any]) -> FileStats:
    """The metrics of one article (params: those of RD101, for the language settings)."""
    from lint.checks import readability as rd

    lang = rd.language(article, params)
    stats = FileStats(article.path, lang.code, lang.source)
    if lang.code is None or lang.code in rd.UNSPACED or not rd.units(article):
        if lang.code not in rd.UNSPACED:
            stats.words = sum(u.words for u in rd.units(article))
        return stats
    allowed = {"grade": {str(x).lower() for x in params.get("languages") or ()},
               "ease": {str(x).lower() for x in params.get("ease-languages") or ()}}
    formulas = [f for f in rd.FORMULAS.values()
                if lang.code in f.languages and lang.code in allowed[f.kind]]
    if not formulas:
        stats.words = sum(u.words for u in rd.units(article))
        return stats
    m = rd.measures(article, lang.code)
    stats.words, stats.sentences = m.words, m.sentences
    if m.words:
        for formula in formulas:
            stats.scores[formula.name] = m.score(formula.name)
    return stats


def collect(paths: list[str], config=None) -> list[FileStats]:
    from lint.article import Article, looks_binary
    from lint.config import Resolver
    from lint.engine import display_path
    from lint.files import discover

    resolver = Resolver(config=config)
    cwd = os.getcwd()
    found = []
    for candidate in discover(paths or ["."], resolver):
        shown = display_path(candidate.path.absolute(), cwd)
        if candidate.problem:
            found.append(FileStats(shown, None, "unknown", error=candidate.problem))
            continue
        try:
            data = candidate.path.read_bytes()
        except OSError as exc:
            found.append(FileStats(shown, None, "unknown", error=exc.strerror or str(exc)))
            continue
        if looks_binary(data) or len(data) > candidate.settings.max_file_size:
            found.append(FileStats(shown, None, "unknown", error="binary or too large: not measured"))
            continue
        found.append(measure(Article(data, shown), _params(resolver, candidate)))
    return found


def _params(resolver, candidate) -> dict[str, Any]:
    """RD101's parameters in force for this file (its language settings), enabled or not,
    and RD102's `languages` as `ease-languages`."""
    active = {a.rule.code: a.params for a in resolver.active_rules(candidate.path, candidate.settings)}
    rules = candidate.settings.ruleset

    def params_of(code: str) -> dict[str, Any]:
        if code in active:
            return dict(active[code])
        rule = rules.get(code)
        return dict(rule.params) if rule else {}

    params = params_of("RD101")
    params["ease-languages"] = params_of("RD102").get("languages") or ()
    return params


def summary(rows: Iterable[FileStats]) -> dict[str, dict[str, float | None]]:
    """Median, quartiles and range of every column over the files that have it."""
    rows = list(rows)
    columns: dict[str, list[float]] = {"words": [], "sentences": []}
    columns.update({name: [] for name in _SHORT})
    for row in rows:
        if row.words is not None and row.sentences is not None:
            columns["words"].append(row.words)
            columns["sentences"].append(row.sentences)
        for name in _SHORT:
            value = row.scores.get(name)
            if value is not None:
                columns[name].append(value)
    result: dict[str, dict[str, float | None]] = {k: {} for k in SUMMARY_ROWS}
    for column, values in columns.items():
        values.sort()
        if not values:
            for k in SUMMARY_ROWS:
                result[k][column] = None
            continue
        if len(values) > 1:
            p25, _, p75 = statistics.quantiles(values, n=4, method="inclusive")
        else:
            p25 = p75 = values[0]
        for k, v in zip(SUMMARY_ROWS, (statistics.median(values), p25, p75, values[0], values[-1])):
            result[k][column] = round(float(v), 2)
    return result


# -- output ------------------------------------------------------------------------------


def render_json(rows: list[FileStats]) -> str:
    scored = sum(1 for r in rows if r.scores)
    document = {"files": [r.as_dict() for r in rows],
                "summary": {"files": len(rows), "scored": scored, **summary(rows)}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_csv(rows: list[FileStats]) -> str:
    out = io.StringIO()
    header = ["row", "path", "language", "words", "sentences", *_SHORT]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        d = r.as_dict()
        writer.writerow(["file", r.path, r.language or "", *(_cell(d[c]) for c in header[3:])])
    for name, values in summary(rows).items():
        writer.writerow([name, "", "", *(_cell(values.get(c)) for c in header[3:])])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def render_table(rows: list[FileStats]) -> str:
    header = ["file", "lang", "words", "sent", *_SHORT.values()]
    body = []
    for r in rows:
        d = r.as_dict()
        lang = r.language or "?"
        if r.error:
            body.append([r.path, "-", f"({r.error})"] + [""] * (len(header) - 3))
            continue
        body.append([r.path, lang, _show(r.words), _show(r.sentences),
                     *(_show(d[name], 1) for name in _SHORT)])
    stats = summary(rows)
    foot = [[name, "", _show(values["words"], 0), _show(values["sentences"], 0),
             *(_show(values[n], 1) for n in _SHORT)] for name, values in stats.items()]
    widths = [max(len(row[i]) for row in [header, *body, *foot]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [cells[1].ljust(widths[1])] + [c.rjust(w) for c, w in zip(cells[2:], widths[2:])]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    scored = sum(1 for r in rows if r.scores)
    lines = [line(header), rule, *(line(b) for b in body), rule, *(line(f) for f in foot),
             f"{len(rows)} files, {scored} scored (grade formulas in English only; FRE also in "
             "the languages where textstat has a variant; '-': not measured)"]
    return "\n".join(lines) + "\n"


def _show(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and digits:
        return f"{value:.{digits}f}"
    return str(int(round(value))) if isinstance(value, float) else str(value)


RENDERERS = {"table": render_table, "json": render_json, "csv": render_csv}


def run_stats(args) -> int:
    """The `copydesk stats` command (exit 0; 2 on a usage error)."""
    output_format = args.output_format or "table"
    if output_format not in RENDERERS:
        raise UsageError(f"stats: unknown output format {output_format!r}")
    rows = collect(list(args.paths), config=args.config)
    sys.stdout.write(RENDERERS[output_format](rows))
    sys.stdout.flush()
    return 0
