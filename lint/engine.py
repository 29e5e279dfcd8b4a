"""Run rules over one article (the per-file step, a pure function of bytes, path and the
rules in force), then the corpus step over per-file summaries."""

from __future__ import annotations

import os
from typing import AbstractSet, Any, Iterable, Mapping

from lint import checks, suppress
from lint.article import Article, looks_binary
from lint.config import ActiveRule
from lint.errors import CheckSetupError
from lint.finding import Edit, Finding, Fix, Hit, Location, Related, Severity
from lint.ruleset import ENGINE_KIND, Rule, RuleSet

INTERNAL_ERROR = "CD100"
UNREADABLE = "CD101"
BINARY = "CD102"
TOO_LARGE = "CD103"
UNUSED_SUPPRESSION = "CD104"
INVALID_SUPPRESSION = "CD105"
_FILE_START = Location(1, 1, 1, 1)
_LINE_TEXT_LIMIT = 400


class FileResult:
    """One file's outcome. A plain class: creating a dataclass costs every run time at import."""

    __slots__ = ("path", "findings", "summaries", "suppressions", "internal_error", "fixed_data")

    def __init__(self, path: str, findings: list[Finding] | None = None,
                 summaries: dict[str, Any] | None = None,
                 suppressions: suppress.Suppressions | None = None,
                 internal_error: bool = False, fixed_data: bytes | None = None):
        self.path = path
        self.findings = [] if findings is None else findings
        # Corpus rules' per-file summaries, by rule code.
        self.summaries = {} if summaries is None else summaries
        self.suppressions = suppressions
        self.internal_error = internal_error
        # With --fix: the file's bytes after fixing.
        self.fixed_data = fixed_data


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_message(template: str, data: Mapping[str, Any]) -> str:
    # str.format_map formats in C; string.Formatter().vformat, the same language in
    # Python, cost several times more per finding.
    try:
        return template.format_map(_Defaulting(data))
    except (ValueError, IndexError, AttributeError, KeyError, TypeError):
        return template


def display_path(path: str | os.PathLike, cwd: str | None = None) -> str:
    """Relative to the working directory where possible, always with forward slashes."""
    text = os.fspath(path)
    if os.path.isabs(text):
        try:
            rel = os.path.relpath(text, cwd or os.getcwd())
            if not rel.startswith(".."):
                text = rel
        except ValueError:  # another drive on Windows
            pass
    return text.replace(os.sep, "/")


def engine_finding(rules: RuleSet, code: str, path: str, message: str,
                   location: Location = _FILE_START) -> Finding:
    rule = rules.get(code)
    name = rule.name if rule else code.lower()
    severity = rule.severity if rule else Severity.ERROR
    return Finding(path, location, code, name, severity, message)


def enabled_codes(active: tuple[ActiveRule, ...]) -> set[str]:
    return {a.rule.code for a in active}


def too_large(rules: RuleSet, enabled: set[str], path: str, size: int, max_size: int) -> FileResult:
    """The result for a file over max-file-size: not checked, one finding if CD103 is on."""
    result = FileResult(path)
    if TOO_LARGE in enabled:
        result.findings.append(engine_finding(
            rules, TOO_LARGE, path, f"file is {size:,} bytes, over max-file-size ({max_size:,}): not checked"))
    return result


def lint_bytes(data: bytes, path: str, active: tuple[ActiveRule, ...], rules: RuleSet,
               *, max_size: int) -> tuple[FileResult, Article | None]:
    """The per-file step: findings for one file's bytes. Never raises, except
    CheckSetupError (a check that cannot run at all ends the run)."""
    result = FileResult(path)
    if len(data) > max_size:
        return too_large(rules, enabled_codes(active), path, len(data), max_size), None
    if looks_binary(data):
        if BINARY in enabled_codes(active):
            result.findings.append(engine_finding(
                rules, BINARY, path, "binary file (NUL bytes and no UTF-16/32 byte-order mark): not checked"))
        return result, None
    article = Article(data, path)
    return lint_article(article, active, rules, result), article


def lint_article(article: Article, active: tuple[ActiveRule, ...], rules: RuleSet,
                 result: FileResult | None = None) -> FileResult:
    result = result or FileResult(article.path)
    findings: list[Finding] = []
    line_texts: dict[int, str] = {}
    corpus_codes: set[str] = set()
    for item in active:
        rule = item.rule
        if rule.check == ENGINE_KIND:
            continue
        try:
            kind = checks.resolve(rule.check)
            if kind.is_corpus:
                corpus_codes.add(rule.code)
                result.summaries[rule.code] = kind.summarize(article, item.params)
                continue
            for hit in kind.fn(article, item.params):
                findings.append(to_finding(article, item, hit, line_texts))
        except CheckSetupError as exc:  # no file can be checked: end the run, name the rule
            raise CheckSetupError(f"rule {rule.code} ({rule.name}): {exc}") from None
        except Exception as exc:  # one broken rule must not end the run
            result.internal_error = True
            if os.environ.get("COPYDESK_DEBUG"):
                import traceback

                traceback.print_exc()
            findings.append(engine_finding(
                rules, INTERNAL_ERROR, article.path,
                f"internal error in rule {rule.code} ({rule.name}): {type(exc).__name__}: {exc}"))
    result.findings = _apply_suppressions(article, findings, active, rules, result, corpus_codes)
    result.findings.sort(key=Finding.sort_key)
    return result


def to_finding(article: Article, item: ActiveRule, hit: Hit,
               line_texts: dict[int, str] | None = None) -> Finding:
    """The Finding of a check's Hit. `line_texts` holds the line texts already cut from this
    article, by line index: findings on one line share one string (fewer to pickle)."""
    rule = item.rule
    start, end = hit.start, max(hit.start, hit.end)
    message = hit.message or format_message(rule.message, hit.data)
    location = article.location
    fix = None
    if hit.fix is not None and rule.fix != "none":
        fix = Fix(
            tuple(Edit(e.start, e.end, e.replacement, location(e.start, e.end)) for e in hit.fix.edits),
            hit.fix.applicability or rule.fix_applicability,
            hit.fix.remove_bom,
            hit.fix.encoding,
        )
    related = tuple(Related(location(s, e), label) for s, e, label in hit.related) if hit.related else ()
    line_index = article.line_of(start)
    line_text = None if line_texts is None else line_texts.get(line_index)
    if line_text is None:
        line_start, line_end = article.lines[line_index]
        line_text = article.text[line_start:min(line_end, line_start + _LINE_TEXT_LIMIT)]
        if line_texts is not None:
            line_texts[line_index] = line_text
    # positional: a NamedTuple built from keywords costs twice as much
    return Finding(article.path, location(start, end), rule.code, rule.name, item.severity, message,
                   fix, related, article.text[start:end][:_LINE_TEXT_LIMIT], (start, end), line_text)


def _apply_suppressions(article: Article, findings: list[Finding],
                        active: tuple[ActiveRule, ...], rules: RuleSet,
                        result: FileResult, corpus_codes: AbstractSet[str] = frozenset()) -> list[Finding]:
    sup = suppress.parse(article, rules.is_selector)
    result.suppressions = sup
    if not sup.directives and not sup.invalid:
        return findings
    kept = [f for f in findings
            if f.code == INTERNAL_ERROR or not sup.suppresses(f.code, f.location.line)]
    enabled = enabled_codes(active)
    extra = []
    if UNUSED_SUPPRESSION in enabled:
        # Cross-file rules report after every file is read: a directive that names only them
        # cannot be judged here, so they count as not enabled for this judgement.
        judged = enabled - corpus_codes
        for d in sup.directives:
            unused = _unused_codes(d, judged)
            if unused is not None:
                what = ", ".join(unused) if unused else "all rules"
                extra.append(engine_finding(
                    rules, UNUSED_SUPPRESSION, article.path,
                    f"suppression '{d.kind}' of {what} suppressed nothing",
                    article.location(d.start, d.end)))
    if INVALID_SUPPRESSION in enabled:
        for start, end, token in sup.invalid:
            extra.append(engine_finding(
                rules, INVALID_SUPPRESSION, article.path,
                f"suppression names {token!r}, which is not a rule code or prefix",
                article.location(start, end)))
    kept.extend(f for f in extra if not sup.suppresses(f.code, f.location.line))
    return kept


def _unused_codes(d: suppress.Directive, enabled: set[str]) -> list[str] | None:
    """The enabled codes a directive names that it never used; None when nothing is owed.
    A directive for rules that are not enabled in this run is not judged."""
    if not d.codes:
        return None if d.used else []
    named_enabled = [c for c in d.codes if any(e.startswith(c) for e in enabled)]
    unused = [c for c in named_enabled if not any(u.startswith(c) for u in d.used)]
    return unused or None


def corpus_findings(results: Iterable[FileResult], active: tuple[ActiveRule, ...],
                    rules: RuleSet, *, context: checks.CorpusContext | None = None) -> list[Finding]:
    """The reduce step: cross-file rules compare the summaries every file produced.
    `results` has .path, .summaries (and .suppressions, or results.suppressions_of(path)):
    a list, or a collection read anew at each iteration (runner.SummarySpill, which also
    knows the rule codes it holds summaries of, as `codes`), so that the summaries need
    not all be in memory. `context` tells the rules that want it where they may keep state
    between runs."""
    if iter(results) is results:  # a one-shot iterator: each rule reads the summaries again
        results = list(results)
    suppressions_of = getattr(results, "suppressions_of", None)
    if suppressions_of is None:
        by_path = {r.path: r for r in results}

        def suppressions_of(path: str):
            return by_path[path].suppressions if path in by_path else None
    # only rules some file has a summary for have anything to compare (this also spares
    # a run from the cache importing every other rule's check module)
    codes = getattr(results, "codes", None)
    if codes is None:
        codes = {code for r in results for code in r.summaries}
    context = context or checks.CorpusContext()
    found: list[Finding] = []
    for item in active:
        rule = item.rule
        if rule.code not in codes or rule.check == ENGINE_KIND:
            continue
        kind = checks.resolve(rule.check)
        if not kind.is_corpus:
            continue
        extra = {"context": context} if kind.wants_context else {}
        for hit in kind.compare(_RuleSummaries(results, rule.code), item.params, **extra):
            finding = _corpus_finding(rule, item, hit)
            sup = suppressions_of(hit.path)
            if sup and sup.suppresses(rule.code, finding.location.line):
                continue
            found.append(finding)
    return found


class _RuleSummaries:
    """(path, summary) of one rule for every file that has one, in file order; each
    iteration reads them afresh (a compare step may pass over them twice)."""

    def __init__(self, results, code: str):
        self.results, self.code = results, code

    def __iter__(self):
        code = self.code
        return ((r.path, r.summaries[code]) for r in self.results if code in r.summaries)


def _corpus_finding(rule: Rule, item: ActiveRule, hit: checks.CorpusHit) -> Finding:
    return Finding(
        path=hit.path,
        location=hit.location,
        code=rule.code,
        name=rule.name,
        severity=item.severity,
        message=hit.message or format_message(rule.message, hit.data),
        related=tuple(Related(loc, f"{path}: {label}", path) for path, loc, label in hit.related),
    )
