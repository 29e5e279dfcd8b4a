"""The command line: copydesk check | rule | rules | stats | clean."""

from __future__ import annotations

import gc

# A run's objects (modules, rules, lexicons, patterns) mostly live until it ends: the default
# collection every 700 allocations scans them again and again, milliseconds of a one-file
# run. Set before the imports below, and inherited by forked workers.
gc.set_threshold(100_000, 50, 100)

import argparse
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from lint import __version__
from lint.errors import UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # exit 2 with one line, like every usage error
        self.exit(EXIT_ERROR, f"copydesk: error: {message}\n(see 'copydesk --help')\n")


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    from lint.report import FORMATS

    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files, directories or fsspec URLs (s3://bucket/posts/**/*.md); - reads stdin")
    rules = parser.add_argument_group("rule selection")
    rules.add_argument("--select", type=_codes, action="extend", default=None, metavar="CODES",
                       help="only these codes or prefixes (comma-separated; ALL for every rule)")
    rules.add_argument("--extend-select", type=_codes, action="extend", default=[], metavar="CODES",
                       help="add codes or prefixes to the selection")
    rules.add_argument("--ignore", type=_codes, action="extend", default=[], metavar="CODES",
                       help="leave out codes or prefixes")
    cfg = parser.add_argument_group("configuration")
    cfg.add_argument("--config", type=Path, metavar="PATH", help="use this configuration file for every file")
    cfg.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    files = parser.add_argument_group("files")
    files.add_argument("--force-exclude", action="store_true",
                       help="apply exclude patterns to files named on the command line too (pre-commit)")
    files.add_argument("--stdin-filename", metavar="NAME", help="the name of the file read from stdin")
    out = parser.add_argument_group("output")
    out.add_argument("--output-format", choices=sorted(FORMATS), metavar="FORMAT",
                     help=f"one of: {', '.join(sorted(FORMATS))} (default: concise)")
    out.add_argument("-o", "--output-file", type=Path, metavar="FILE", help="write the report to FILE")
    out.add_argument("--statistics", action="store_true", help="print counts per rule instead of findings")
    out.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    base = parser.add_argument_group("baseline (adopting copydesk on an existing archive)")
    base.add_argument("--baseline", metavar="FILE",
                      help="report and fail only on findings that FILE does not record")
    base.add_argument("--write-baseline", metavar="FILE",
                      help="record the current findings in FILE (sorted JSON); they count as baselined")
    base.add_argument("--prune-baseline", action="store_true",
                      help="with --baseline, remove the entries no finding matches any more")
    exits = parser.add_argument_group("exit status")
    exits.add_argument("--fail-on", choices=("error", "warning", "info"),
                       help="lowest severity that makes the exit status 1 (default: error)")
    exits.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    fixes = parser.add_argument_group("fixes")
    fixes.add_argument("--fix", action="store_true", help="apply safe fixes to the files")
    fixes.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply unsafe fixes too")
    fixes.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    speed = parser.add_argument_group("speed")
    speed.add_argument("-j", "--jobs", type=int, metavar="N",
                       help="worker processes (default: the number of CPUs)")
    speed.add_argument("--executor", choices=("local", "dask"), default="local",
                       help="local worker processes (default) or a Dask cluster (pip install copydesk[dask])")
    speed.add_argument("--dask-scheduler", metavar="ADDRESS",
                       help="an existing Dask scheduler (tcp://host:8786); default: a local cluster")
    speed.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    _cache_dir_argument(speed)


def _cache_dir_argument(parser) -> None:
    parser.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help="where the cache lives (default: .copydesk_cache in the project root; "
                             "env COPYDESK_CACHE_DIR)")


def _rule_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code")
    parser.add_argument("--config", type=Path, metavar="PATH")


def _rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output-format", choices=("table", "json"), default="table")
    parser.add_argument("--config", type=Path, metavar="PATH")


def _clean_arguments(parser: argparse.ArgumentParser) -> None:
    _cache_dir_argument(parser)
    parser.add_argument("--config", type=Path, metavar="PATH",
                        help="the configuration file that places the project root (as for check)")
    parser.add_argument("--isolated", action="store_true",
                        help="ignore every configuration file: the project root is the current directory")


def _stats_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--output-format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--config", type=Path, metavar="PATH", help="use this configuration file for every file")


# name -> (help, the function that defines its arguments)
_COMMANDS = {
    "check": ("lint files and directories (default: .)", _check_arguments),
    "rule": ("explain a rule: what it finds, why, an example, the fix", _rule_arguments),
    "rules": ("list every rule", _rules_arguments),
    "stats": ("print readability metrics of every file, and corpus medians", _stats_arguments),
    "clean": ("delete the cache directory a check from here would use (results, RP106's index)",
              _clean_arguments),
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: when it names a command, only that command's parser is built
    (a one-file pre-commit run pays for every parser built, in argparse's gettext lookups);
    otherwise every command's, for help and for the error message."""
    parser = _Parser(prog="copydesk", description="An editorial quality linter for article files.")
    parser.add_argument("--version", action="version", version=f"copydesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    named = next((a for a in argv or () if not a.startswith("-")), None)
    for name, (help_text, define) in _COMMANDS.items():
        if named not in _COMMANDS or named == name:
            define(sub.add_parser(name, help=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else argv
        return _dispatch(build_parser(argv).parse_args(argv))
    except UsageError as exc:
        print(f"copydesk: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("copydesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (| head): not our error, but nothing more can be written
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:  # never a traceback for the user; COPYDESK_DEBUG=1 shows it
        if os.environ.get("COPYDESK_DEBUG"):
            raise
        print(f"copydesk: internal error: {type(exc).__name__}: {exc} "
              "(run with COPYDESK_DEBUG=1 for details, and please report it)", file=sys.stderr)
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "check":
        return run_check(args)
    if args.command == "rule":
        return run_rule(args)
    if args.command == "rules":
        return run_rules(args)
    if args.command == "stats":
        from lint.stats import run_stats

        return run_stats(args)
    if args.command == "clean":
        return run_clean(args)
    build_parser().print_help(sys.stderr)
    return EXIT_ERROR


def _ruleset(args: argparse.Namespace):
    from lint.config import Resolver

    return Resolver(config=args.config).project.ruleset


def run_rule(args: argparse.Namespace) -> int:
    from lint.docs import rule_markdown

    rules = _ruleset(args)
    rule = rules.get(args.code)
    if rule is None:
        from lint.errors import did_you_mean

        raise UsageError(f"no rule {args.code!r}{did_you_mean(args.code.upper(), rules.by_code)}")
    sys.stdout.write(rule_markdown(rule))
    return EXIT_OK


def run_rules(args: argparse.Namespace) -> int:
    rules = _ruleset(args)
    if args.output_format == "json":
        import json

        from lint.docs import rule_summary

        print(json.dumps([rule_summary(r) for r in rules], indent=2, ensure_ascii=False))
        return EXIT_OK
    for r in rules:
        state = "on " if r.default else "off"
        fix = {"none": "   ", "safe": "[*]", "unsafe": "[~]"}[r.fix]
        print(f"{r.code:<7} {fix} {state} {str(r.severity):<7} {r.name:<32} {r.short_description}")
    return EXIT_OK


def run_clean(args: argparse.Namespace) -> int:
    """Deletes the cache directory, only if it carries copydesk's CACHEDIR.TAG (see
    cache.remove_directory). The user-level derived-data cache is shared by every project
    and holds no results: it stays, unless $COPYDESK_CACHE_DIR puts it in this directory."""
    from lint import cache
    from lint.config import Resolver

    if args.config is not None and args.isolated:
        raise UsageError("--config and --isolated exclude each other")
    directory = _cache_dir(args, lambda: Resolver(config=args.config, isolated=args.isolated).project.root)
    if cache.remove_directory(directory):
        print(f"Removed the cache directory {directory}")
    else:
        print(f"No cache directory at {directory}: nothing to remove")
    return EXIT_OK


@dataclass
class _Run:
    """What the run has seen. Findings are kept only when the format needs them all at the
    end (sorted reports), one entry a file (`per_file`); the concise format spills them to a
    temporary file (`concise`); streamed formats and counts keep none."""

    keep: bool = True
    concise: object = None  # lint.report.text.ConciseSpill
    # per file, in discovery order: its sorted findings, or a cache.CachedResult, whose
    # Finding objects are built only if the report needs more than one-line text
    per_file: list = field(default_factory=list)
    corpus: list = field(default_factory=list)  # cross-file findings, sorted
    files: list[str] = field(default_factory=list)
    file_count: int = 0
    # corpus rules' per-file summaries (runner.SummarySpill: on disk, not in memory)
    summaries: object = None
    fixed: int = 0
    diffs: list[str] = field(default_factory=list)
    internal_error: bool = False
    by_severity: dict = field(default_factory=dict)
    by_code: dict = field(default_factory=dict)  # code -> [count, name, safe fix seen]
    fixable: int = 0
    stream: object = None
    # --baseline / --write-baseline (lint.baseline.Filter): findings it sets aside are
    # neither counted nor streamed; sorted reports get them for SARIF's baselineState
    baseline: object = None
    baselined: list = field(default_factory=list)

    def collect(self, outcome) -> None:
        result = outcome.result
        self.file_count += 1
        if self.keep:
            self.files.append(outcome.shown)
        if self.baseline is not None:
            self.baseline.file_checked(outcome.shown)
        if getattr(result, "tails", None) is not None and self.baseline is None and self.stream is None:
            # from the cache: counted from its per-file stats, kept as rows
            self._count(result.stats)
            if result.tails:
                if self.concise is not None:
                    self.concise.add_cached(result)
                elif self.keep:
                    self.per_file.append(result)
        else:
            from lint.finding import Finding

            findings = self._add(sorted(result.findings, key=Finding.sort_key))
            if self.concise is not None:
                self.concise.add_findings(findings)
            elif self.keep:
                self.per_file.append(findings)
        self.internal_error |= result.internal_error
        self.fixed += outcome.fixed
        if outcome.diff:
            self.diffs.append(outcome.diff)
        # only what the corpus step needs travels on; a cached result's as it was stored
        cached = getattr(result, "corpus", None) is not None
        if cached or result.summaries:
            if self.summaries is None:
                from lint.runner import SummarySpill

                self.summaries = SummarySpill()
            if cached:
                self.summaries.add_cached(result)
            else:
                self.summaries.add(result.path, result.summaries, result.suppressions)

    def add_corpus(self, findings: list) -> None:
        findings = self._add(findings)
        if self.concise is not None:
            self.concise.add_findings(findings)
        else:
            self.corpus.extend(findings)

    def _add(self, findings: list) -> list:
        """Counts (and streams) findings; returns those the baseline does not set aside."""
        if self.baseline is not None:
            findings, old = self.baseline.split(findings)
            if self.keep:
                self.baselined.extend(old)
        for f in findings:
            self.by_severity[f.severity] = self.by_severity.get(f.severity, 0) + 1
            entry = self.by_code.setdefault(f.code, [0, f.name, False])
            entry[0] += 1
            if _safe_fix(f):
                entry[2] = True
                self.fixable += 1
        if self.stream is not None:
            self.stream.write(findings)
        return findings

    def _count(self, stats) -> None:
        from lint.finding import SEVERITIES

        by_severity, by_code = self.by_severity, self.by_code
        for code, name, severity, n, safe in stats:
            severity = SEVERITIES[severity]
            by_severity[severity] = by_severity.get(severity, 0) + n
            entry = by_code.get(code)
            if entry is None:
                entry = by_code[code] = [0, name, False]
            entry[0] += n
            if safe:
                entry[2] = True
                self.fixable += safe

    def by_file(self) -> list[tuple[str, list]]:
        """(path, what it reported) in report order: paths sorted; a path's part is a lone
        result from the cache (a cache.CachedResult, in order), or a list of Finding objects
        and cached results to merge in the order a stable sort of every finding by
        Finding.sort_key gives (_merged_findings)."""
        from lint.finding import Finding

        groups: dict[str, list] = {}
        for item in self.per_file:
            if isinstance(item, list):
                for f in item:  # a file's findings normally share its path
                    groups.setdefault(f.path, []).append(f)
            else:
                groups.setdefault(item.path, []).append(item)
        for f in self.corpus:
            groups.setdefault(f.path, []).append(f)
        return [(path, groups[path][0] if len(groups[path]) == 1 and not isinstance(groups[path][0], Finding)
                 else groups[path]) for path in sorted(groups)]

    def sorted_findings(self) -> list:
        return [f for _, part in self.by_file() for f in _merged_findings(part)]

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


def _safe_fix(finding) -> bool:
    return finding.fix is not None and str(finding.fix.applicability) == "safe"


def _merged_findings(part) -> list:
    """A path's findings as Finding objects, in report order (see _Run.by_file)."""
    from lint.finding import Finding

    if not isinstance(part, list):
        return part.findings
    found = []
    for item in part:
        found.extend((item,) if isinstance(item, Finding) else item.findings)
    return sorted(found, key=Finding.sort_key)


def run_check(args: argparse.Namespace) -> int:
    from lint import runner
    from lint.config import CliOverrides
    from lint.engine import corpus_findings

    if args.config is not None and args.isolated:
        raise UsageError("--config and --isolated exclude each other")
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes goes with --fix or --diff")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    if args.dask_scheduler and args.executor != "dask":
        raise UsageError("--dask-scheduler goes with --executor dask")
    cli = CliOverrides(select=tuple(args.select) if args.select is not None else None,
                       ignore=tuple(args.ignore), extend_select=tuple(args.extend_select))
    spec = runner.ResolverSpec(args.config, args.isolated, cli, Path.cwd().resolve())
    resolver = spec.build()
    project = resolver.project
    output_format = args.output_format or project.output_format or "concise"
    fail_on = args.fail_on or project.fail_on or "error"
    options = runner.Options(fix=args.fix, unsafe_fixes=args.unsafe_fixes, diff=args.diff)
    paths = args.paths or ["."]
    run = _Run()
    if args.baseline or args.write_baseline or args.prune_baseline:
        from lint import baseline

        run.baseline = baseline.from_args(args, {a.rule.code for a in resolver.active_rules(None, project)})
    if args.statistics or args.diff:
        run.keep = False  # counts, or the diffs
    elif output_format == "concise" and run.baseline is None:
        from lint.report.text import ConciseSpill

        run.concise, run.keep = ConciseSpill(), False
    else:
        from lint.report import open_stream

        run.stream = open_stream(output_format, args.output_file)
        run.keep = run.stream is None

    try:
        if paths == ["-"]:
            _check_stdin(args, resolver, options, run)
        else:
            if "-" in paths:
                raise UsageError("'-' (stdin) cannot be combined with other paths")
            # streamed from the walk; listed only to show a progress bar with a total
            candidates = _candidates(paths, resolver, args.force_exclude)
            total = None
            if _progress_wanted(args.quiet):
                candidates = list(candidates)
                total = len(candidates)
            # Finding objects are built only for reports that need more than one-line text
            details = (run.baseline is not None or run.stream is not None
                       or not (args.statistics or output_format == "concise"))
            cache = _open_cache(args, resolver, project, cli, options, details)
            jobs = args.jobs or os.cpu_count() or 1
            executor = runner.executor_for(resolver, spec, replace(options, digest=cache is not None),
                                           jobs=jobs, executor=args.executor, scheduler=args.dask_scheduler)
            try:
                for outcome in _with_progress(runner.run(candidates, executor, cache=cache),
                                              total, args.quiet):
                    run.collect(outcome)
            finally:
                executor.close()
            if cache is not None:
                cache.save()
        context = _corpus_context(args, project)
        # a corpus rule keeps its state in the cache directory, creating it if need be (when
        # this run wrote no results); a directory created by this run is copydesk's: tagged
        created = context.cache_dir is not None and not os.path.isdir(context.cache_dir)
        corpus = corpus_findings(run.summaries if run.summaries is not None else [],
                                 resolver.active_rules(None, project), project.ruleset, context=context)
        if created and os.path.isdir(context.cache_dir):
            from lint.cache import tag_directory

            tag_directory(Path(context.cache_dir))
        run.add_corpus(sorted(corpus, key=lambda f: f.sort_key()))
    finally:
        if run.stream is not None:
            run.stream.close()
        if run.summaries is not None:
            run.summaries.close()
    notes = run.baseline.finish() if run.baseline is not None else []
    try:
        _emit(args, output_format, project.ruleset, run)
    finally:
        if run.concise is not None:
            run.concise.close()
    if not args.quiet:
        for note in notes:
            print(note, file=sys.stderr)
    return _exit_code(args, run, fail_on)


def _candidates(paths: list[str], resolver, force_exclude: bool):
    """Every file to check with its display path: local paths walked as the run goes (the
    list of files is never held), then URLs, listed before the run starts."""
    import itertools

    from lint.files import Candidate
    from lint.remote import discover as discover_urls
    from lint.remote import is_url

    project = resolver.project
    urls = [(Candidate(u, project), u) for url in paths if is_url(url)
            for u in discover_urls(url, project.include_spec.match_file)]
    local = [p for p in paths if not is_url(p)]
    return itertools.chain(_local_candidates(local, resolver, force_exclude) if local else (), urls)


def _local_candidates(paths: list[str], resolver, force_exclude: bool):
    from lint.engine import display_path
    from lint.files import discover

    cwd = os.getcwd()
    for c in discover(paths, resolver, force_exclude=force_exclude, cwd=cwd):
        yield c, c.shown if c.shown is not None else display_path(c.path.absolute(), cwd)


def _progress_wanted(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def _with_progress(outcomes, total: int | None, quiet: bool):
    """A progress bar on stderr for runs long enough to want one, only on a terminal."""
    if not _progress_wanted(quiet) or total is None or total < 2:
        return outcomes
    try:
        from tqdm import tqdm
    except ModuleNotFoundError:
        return outcomes
    return tqdm(outcomes, total=total, unit="file", file=sys.stderr, delay=1.0,
                dynamic_ncols=True, leave=False)


def _cache_dir(args, project_root) -> Path:
    """--cache-dir, else $COPYDESK_CACHE_DIR, else .copydesk_cache in the project root
    (`project_root()`, called only then)."""
    from lint import cache

    return args.cache_dir or cache.default_dir(project_root)


def _corpus_context(args, project):
    """Where cross-file rules keep state between runs (RP106's signature index); --no-cache
    keeps none."""
    from lint.checks import CorpusContext

    cache_dir = None if args.no_cache else str(_cache_dir(args, lambda: project.root))
    return CorpusContext(cache_dir=cache_dir, base_dir=os.getcwd())


def _open_cache(args, resolver, project, cli, options, details: bool = True):
    """The result cache, unless disabled; fixing always lints afresh."""
    from lint import cache

    if args.no_cache or os.environ.get("COPYDESK_NO_CACHE") or options.fix or options.diff:
        return None
    store = cache.Cache(_cache_dir(args, lambda: project.root),
                        cache.fingerprint(project, (cli, args.config, args.isolated)), details=details)
    # A service's answers are not a function of the file: such runs never reuse or write a
    # cache. So a cache of this configuration exists only if it has no external checks;
    # finding that out otherwise imports every check module.
    if not store.file.exists() and _uses_external_checks(resolver, project):
        return None
    return store


def _uses_external_checks(resolver, project) -> bool:
    from lint import checks
    from lint.ruleset import ENGINE_KIND

    return any(rule.check != ENGINE_KIND and checks.resolve(rule.check).external
               for rule in resolver.enabled_anywhere(project))


def _check_stdin(args, resolver, options, run: _Run) -> None:
    from lint import runner

    name = args.stdin_filename or "-"
    file_path = Path(args.stdin_filename) if args.stdin_filename else None
    settings = resolver.for_path(file_path) if file_path else resolver.project
    if args.force_exclude and file_path is not None and settings.is_excluded(file_path):
        return
    data = sys.stdin.buffer.read()
    if args.fix or args.diff:
        outcome = runner.fix_data(resolver, settings, file_path, name, data, options, write=False)
        if args.fix:
            # Like Ruff: the fixed text goes to stdout, the report to stderr.
            sys.stdout.buffer.write(outcome.result.fixed_data)
            sys.stdout.flush()
            args.report_to_stderr = True
    else:
        result, _ = runner.lint_data(resolver, settings, file_path, name, data)
        outcome = runner.Outcome(name, result)
    run.collect(outcome)


def _emit(args, output_format: str, rules, run: _Run) -> None:
    from lint.report import Report, renderer

    if args.diff:
        sys.stdout.write("".join(run.diffs))
    elif args.statistics:
        sys.stdout.write(_statistics(run.by_code))
    elif run.stream is None:
        if run.concise is not None:
            _write_report(args, run.concise.lines())
        else:
            _write_report(args, (renderer(output_format)(Report(
                run.sorted_findings(), rules, run.files, run.fixed, baselined=run.baselined,
                baseline=run.baseline.path if run.baseline else None)),))
    sys.stdout.flush()
    if not args.quiet:
        print(_summary(args, run), file=sys.stderr)


def _write_report(args, chunks) -> None:
    """The report's text, written a chunk at a time (the concise report is read back from
    its spill a path at a time), to -o FILE, stderr (stdin fixed to stdout) or stdout."""
    if args.output_file is not None:
        try:
            args.output_file.parent.mkdir(parents=True, exist_ok=True)
            with args.output_file.open("w", encoding="utf-8") as out:
                out.writelines(chunks)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output_file}: {exc.strerror or exc}") from None
    else:
        out = sys.stderr if getattr(args, "report_to_stderr", False) else sys.stdout
        out.writelines(chunks)


def _statistics(by_code: dict) -> str:
    lines = [f"{n:>5}  {code:<7} {'[*]' if fixable else '   '} {name}"
             for code, (n, name, fixable) in sorted(by_code.items(), key=lambda kv: (-kv[1][0], kv[0]))]
    return "".join(line + "\n" for line in lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(args, run: _Run) -> str:
    from lint.finding import Severity

    files = _plural(run.file_count, "file")
    if args.diff:
        return f"{_plural(len(run.diffs), 'file')} would be changed by fixes; {files} checked."
    head = f"Fixed {_plural(run.fixed, 'finding')}. " if args.fix else ""
    if run.baseline is not None:
        files += f" ({run.baseline.count} baselined)"
    if not run.total:
        return f"{head}No {'new ' if run.baseline is not None else ''}findings in {files}."
    by = {s: run.by_severity.get(s, 0) for s in Severity}
    parts = [_plural(by[Severity.ERROR], "error"), _plural(by[Severity.WARNING], "warning"),
             f"{by[Severity.INFO]} info"]
    tail = f"; {run.fixable} fixable with --fix" if run.fixable and not args.fix else ""
    word = "new finding" if run.baseline is not None else "finding"
    return f"{head}Found {_plural(run.total, word)} ({', '.join(parts)}) in {files}{tail}."


def _exit_code(args, run: _Run, fail_on: str) -> int:
    from lint.finding import Severity

    if run.internal_error:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    if args.diff:
        return EXIT_FINDINGS if run.diffs else EXIT_OK
    threshold = Severity.parse(fail_on)
    return EXIT_FINDINGS if any(s >= threshold for s, n in run.by_severity.items() if n) else EXIT_OK
