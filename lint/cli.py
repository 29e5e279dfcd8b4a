"""The command line: copydesk check | rule | rules."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
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


def build_parser() -> argparse.ArgumentParser:
    from lint.report import FORMATS

    parser = _Parser(prog="copydesk", description="An editorial quality linter for article files.")
    parser.add_argument("--version", action="version", version=f"copydesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="lint files and directories (default: .)")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories; - reads stdin")
    rules = check.add_argument_group("rule selection")
    rules.add_argument("--select", type=_codes, action="extend", default=None, metavar="CODES",
                       help="only these codes or prefixes (comma-separated; ALL for every rule)")
    rules.add_argument("--extend-select", type=_codes, action="extend", default=[], metavar="CODES",
                       help="add codes or prefixes to the selection")
    rules.add_argument("--ignore", type=_codes, action="extend", default=[], metavar="CODES",
                       help="leave out codes or prefixes")
    cfg = check.add_argument_group("configuration")
    cfg.add_argument("--config", type=Path, metavar="PATH", help="use this configuration file for every file")
    cfg.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    files = check.add_argument_group("files")
    files.add_argument("--force-exclude", action="store_true",
                       help="apply exclude patterns to files named on the command line too (pre-commit)")
    files.add_argument("--stdin-filename", metavar="NAME", help="the name of the file read from stdin")
    out = check.add_argument_group("output")
    out.add_argument("--output-format", choices=sorted(FORMATS), metavar="FORMAT",
                     help=f"one of: {', '.join(sorted(FORMATS))} (default: concise)")
    out.add_argument("-o", "--output-file", type=Path, metavar="FILE", help="write the report to FILE")
    out.add_argument("--statistics", action="store_true", help="print counts per rule instead of findings")
    out.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    exits = check.add_argument_group("exit status")
    exits.add_argument("--fail-on", choices=("error", "warning", "info"),
                       help="lowest severity that makes the exit status 1 (default: error)")
    exits.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    fixes = check.add_argument_group("fixes")
    fixes.add_argument("--fix", action="store_true", help="apply safe fixes to the files")
    fixes.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply unsafe fixes too")
    fixes.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")

    rule = sub.add_parser("rule", help="explain a rule: what it finds, why, an example, the fix")
    rule.add_argument("code")
    rule.add_argument("--config", type=Path, metavar="PATH")

    listing = sub.add_parser("rules", help="list every rule")
    listing.add_argument("--output-format", choices=("table", "json"), default="table")
    listing.add_argument("--config", type=Path, metavar="PATH")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _dispatch(build_parser().parse_args(argv))
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


@dataclass
class _Run:
    findings: list = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    results: list = field(default_factory=list)
    fixed: int = 0
    diffs: list[str] = field(default_factory=list)
    internal_error: bool = False


def run_check(args: argparse.Namespace) -> int:
    from lint.config import CliOverrides, Resolver
    from lint.engine import corpus_findings, display_path

    if args.config is not None and args.isolated:
        raise UsageError("--config and --isolated exclude each other")
    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes goes with --fix or --diff")
    cli = CliOverrides(select=tuple(args.select) if args.select is not None else None,
                       ignore=tuple(args.ignore), extend_select=tuple(args.extend_select))
    resolver = Resolver(config=args.config, isolated=args.isolated, cli=cli)
    project = resolver.project
    output_format = args.output_format or project.output_format or "concise"
    fail_on = args.fail_on or project.fail_on or "error"
    paths = args.paths or ["."]
    run = _Run()
    cwd = os.getcwd()

    if paths == ["-"]:
        _check_stdin(args, resolver, run)
    else:
        if "-" in paths:
            raise UsageError("'-' (stdin) cannot be combined with other paths")
        from lint.files import discover

        for candidate in discover(paths, resolver, force_exclude=args.force_exclude):
            _check_file(args, resolver, candidate, display_path(candidate.path.absolute(), cwd), run)

    run.findings.extend(corpus_findings(run.results, resolver.active_rules(None, project), project.ruleset,
                                        context=_corpus_context(project.root, cwd)))
    run.findings.sort(key=lambda f: f.sort_key())
    _emit(args, output_format, project.ruleset, run)
    return _exit_code(args, run, fail_on)


def cache_dir(root: Path) -> str:
    """Where corpus rules keep state between runs: $COPYDESK_CACHE_DIR, else .copydesk_cache/
    beside the nearest configuration (or in the working directory)."""
    return os.environ.get("COPYDESK_CACHE_DIR") or str(root / ".copydesk_cache")


def _corpus_context(root: Path, cwd: str):
    from lint.checks import CorpusContext

    return CorpusContext(cache_dir=cache_dir(root), base_dir=cwd)


def _lint(data: bytes, path: str, resolver, settings, file_path: Path | None):
    from lint.engine import lint_bytes

    active = resolver.active_rules(file_path, settings)
    return lint_bytes(data, path, active, settings.ruleset, max_size=settings.max_file_size)


def _check_file(args, resolver, candidate, shown: str, run: _Run) -> None:
    from lint.engine import TOO_LARGE, UNREADABLE, engine_finding

    settings = candidate.settings
    enabled = {a.rule.code for a in resolver.active_rules(candidate.path, settings)}

    def unreadable(reason: str) -> None:
        if UNREADABLE in enabled:
            run.findings.append(engine_finding(settings.ruleset, UNREADABLE, shown, f"cannot read file: {reason}"))
        run.files.append(shown)

    if candidate.problem:
        unreadable(candidate.problem)
        return
    try:
        size = os.stat(candidate.path).st_size
        # A file over the limit is not read at all: its finding needs only the size.
        data = candidate.path.read_bytes() if size <= settings.max_file_size else b""
    except IsADirectoryError:
        unreadable("is a directory")
        return
    except OSError as exc:
        unreadable(exc.strerror or str(exc))
        return
    if size > settings.max_file_size:
        if TOO_LARGE in enabled:
            run.findings.append(engine_finding(
                settings.ruleset, TOO_LARGE, shown,
                f"file is {size:,} bytes, over max-file-size ({settings.max_file_size:,}): not checked"))
        run.files.append(shown)
        return
    run.files.append(shown)
    if args.fix or args.diff:
        result = _fix(args, resolver, settings, candidate.path, shown, data, run)
    else:
        result, _ = _lint(data, shown, resolver, settings, candidate.path)
    _collect(result, run)


def _collect(result, run: _Run) -> None:
    run.findings.extend(result.findings)
    run.internal_error |= result.internal_error
    # only what the corpus step needs travels on
    if result.summaries:
        result.findings = []
        run.results.append(result)


def _fix(args, resolver, settings, file_path: Path | None, shown: str, data: bytes, run: _Run,
         *, write: bool = True):
    from lint.engine import UNREADABLE, engine_finding
    from lint.fix import FileChanged, fix_until_stable, write_atomic

    last = {}

    def lint_once(current: bytes):
        result, article = _lint(current, shown, resolver, settings, file_path)
        last["result"] = result
        return result.findings, article

    outcome = fix_until_stable(data, shown, lint_once, args.unsafe_fixes)
    result = last["result"]
    if outcome.data != data:
        if args.diff:
            run.diffs.append(_unified_diff(shown, data, outcome.data))
        elif write and file_path is not None:
            try:
                write_atomic(file_path, data, outcome.data)
                run.fixed += outcome.applied
            except (FileChanged, OSError) as exc:
                result.findings.append(engine_finding(settings.ruleset, UNREADABLE, shown,
                                                      f"fixes not written: {exc}"))
        else:
            run.fixed += outcome.applied
    result.fixed_data = outcome.data
    return result


def _unified_diff(path: str, old: bytes, new: bytes) -> str:
    import difflib

    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", errors="replace").splitlines(keepends=True)

    diff = difflib.unified_diff(lines(old), lines(new), fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff)


def _check_stdin(args, resolver, run: _Run) -> None:
    name = args.stdin_filename or "-"
    file_path = Path(args.stdin_filename) if args.stdin_filename else None
    settings = resolver.for_path(file_path) if file_path else resolver.project
    if args.force_exclude and file_path is not None and settings.is_excluded(file_path):
        return
    data = sys.stdin.buffer.read()
    run.files.append(name)
    if args.fix:
        # Like Ruff: the fixed text goes to stdout, the report to stderr.
        result = _fix(args, resolver, settings, file_path, name, data, run, write=False)
        sys.stdout.buffer.write(result.fixed_data)
        sys.stdout.flush()
        args.report_to_stderr = True
    elif args.diff:
        result = _fix(args, resolver, settings, file_path, name, data, run, write=False)
    else:
        result, _ = _lint(data, name, resolver, settings, file_path)
    _collect(result, run)


def _emit(args, output_format: str, rules, run: _Run) -> None:
    from lint.report import Report, renderer

    if args.diff:
        sys.stdout.write("".join(run.diffs))
    elif args.statistics:
        sys.stdout.write(_statistics(run.findings))
    else:
        text = renderer(output_format)(Report(run.findings, rules, run.files, run.fixed))
        if args.output_file is not None:
            try:
                args.output_file.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"cannot write {args.output_file}: {exc.strerror or exc}") from None
        elif getattr(args, "report_to_stderr", False):
            sys.stderr.write(text)
        else:
            sys.stdout.write(text)
    sys.stdout.flush()
    if not args.quiet:
        print(_summary(args, run), file=sys.stderr)


def _statistics(findings) -> str:
    counts: dict[str, list] = {}
    for f in findings:
        entry = counts.setdefault(f.code, [0, f.name, False])
        entry[0] += 1
        entry[2] |= f.fix is not None and str(f.fix.applicability) == "safe"
    lines = [f"{n:>5}  {code:<7} {'[*]' if fixable else '   '} {name}"
             for code, (n, name, fixable) in sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))]
    return "".join(line + "\n" for line in lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(args, run: _Run) -> str:
    from lint.finding import Severity

    files = _plural(len(run.files), "file")
    if args.diff:
        return f"{_plural(len(run.diffs), 'file')} would be changed by fixes; {files} checked."
    by = {s: sum(1 for f in run.findings if f.severity == s) for s in Severity}
    head = f"Fixed {_plural(run.fixed, 'finding')}. " if args.fix else ""
    if not run.findings:
        return f"{head}No findings in {files}."
    parts = [_plural(by[Severity.ERROR], "error"), _plural(by[Severity.WARNING], "warning"),
             f"{by[Severity.INFO]} info"]
    fixable = sum(1 for f in run.findings if f.fix is not None and str(f.fix.applicability) == "safe")
    tail = f"; {fixable} fixable with --fix" if fixable and not args.fix else ""
    return f"{head}Found {_plural(len(run.findings), 'finding')} ({', '.join(parts)}) in {files}{tail}."


def _exit_code(args, run: _Run, fail_on: str) -> int:
    from lint.finding import Severity

    if run.internal_error:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    if args.diff:
        return EXIT_FINDINGS if run.diffs else EXIT_OK
    threshold = Severity.parse(fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in run.findings) else EXIT_OK
