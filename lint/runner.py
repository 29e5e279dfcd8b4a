"""Run the per-file step over many files: serially, or across worker processes, with the
result cache in front. Results come back in the order of discovery whatever the scheduling."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from lint import cache as cache_mod
from lint.config import CliOverrides, Resolver
from lint.engine import TOO_LARGE, UNREADABLE, FileResult, engine_finding, lint_bytes
from lint.files import Candidate

# Below this many files a process pool costs more to start than it saves.
PARALLEL_THRESHOLD = 32


@dataclass(frozen=True)
class Options:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False


@dataclass(frozen=True)
class ResolverSpec:
    """What a worker process needs to build the same Resolver as the parent."""

    config: Path | None
    isolated: bool
    cli: CliOverrides
    cwd: Path

    def build(self) -> Resolver:
        return Resolver(config=self.config, isolated=self.isolated, cli=self.cli, cwd=self.cwd)


@dataclass
class Outcome:
    shown: str
    result: FileResult
    fixed: int = 0
    diff: str | None = None
    # For the cache: what the file was when it was linted (None: do not cache).
    stat: os.stat_result | None = None
    digest: str | None = None


def lint_data(resolver: Resolver, settings, file_path: Path | None, shown: str, data: bytes):
    active = resolver.active_rules(file_path, settings)
    return lint_bytes(data, shown, active, settings.ruleset, max_size=settings.max_file_size)


def check_path(resolver: Resolver, path: Path, shown: str, problem: str | None,
               options: Options) -> Outcome:
    """The whole per-file step for a file on disk: read, lint, fix. Never raises."""
    settings = resolver.for_path(path)
    enabled = {a.rule.code for a in resolver.active_rules(path, settings)}

    def unreadable(reason: str) -> Outcome:
        result = FileResult(shown)
        if UNREADABLE in enabled:
            result.findings.append(engine_finding(settings.ruleset, UNREADABLE, shown,
                                                  f"cannot read file: {reason}"))
        return Outcome(shown, result)

    if problem:
        return unreadable(problem)
    try:
        stat = os.stat(path)
        if stat.st_size > settings.max_file_size:
            # Not read at all: the finding needs only the size.
            result = FileResult(shown)
            if TOO_LARGE in enabled:
                result.findings.append(engine_finding(
                    settings.ruleset, TOO_LARGE, shown,
                    f"file is {stat.st_size:,} bytes, over max-file-size "
                    f"({settings.max_file_size:,}): not checked"))
            return Outcome(shown, result)
        data = path.read_bytes()
    except IsADirectoryError:
        return unreadable("is a directory")
    except OSError as exc:
        return unreadable(exc.strerror or str(exc))
    if options.fix or options.diff:
        return fix_data(resolver, settings, path, shown, data, options, write=options.fix)
    result, _ = lint_data(resolver, settings, path, shown, data)
    return Outcome(shown, result, stat=stat, digest=cache_mod.digest(data))


def fix_data(resolver: Resolver, settings, file_path: Path | None, shown: str, data: bytes,
             options: Options, *, write: bool) -> Outcome:
    from lint.fix import FileChanged, fix_until_stable, write_atomic

    last: dict[str, FileResult] = {}

    def lint_once(current: bytes):
        result, article = lint_data(resolver, settings, file_path, shown, current)
        last["result"] = result
        return result.findings, article

    fixed = fix_until_stable(data, shown, lint_once, options.unsafe_fixes)
    outcome = Outcome(shown, last["result"])
    outcome.result.fixed_data = fixed.data
    if fixed.data == data:
        return outcome
    if options.diff:
        outcome.diff = unified_diff(shown, data, fixed.data)
    elif write and file_path is not None:
        try:
            write_atomic(file_path, data, fixed.data)
            outcome.fixed = fixed.applied
        except (FileChanged, OSError) as exc:
            outcome.result.findings.append(engine_finding(
                settings.ruleset, UNREADABLE, shown, f"fixes not written: {exc}"))
    else:
        outcome.fixed = fixed.applied
    return outcome


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    import difflib

    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", errors="replace").splitlines(keepends=True)

    diff = difflib.unified_diff(lines(old), lines(new), fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in diff)


# -- many files --------------------------------------------------------------------------

_worker: tuple[Resolver, Options] | None = None


def _init_worker(spec: ResolverSpec, options: Options) -> None:
    global _worker
    _worker = (spec.build(), options)


def _work(task: tuple[str, str, str | None]) -> Outcome:
    resolver, options = _worker
    path, shown, problem = task
    return check_path(resolver, Path(path), shown, problem, options)


def run(candidates: list[tuple[Candidate, str]], resolver: Resolver, spec: ResolverSpec,
        options: Options, *, jobs: int, cache: "cache_mod.Cache | None") -> Iterator[Outcome]:
    """Outcomes for every candidate, in candidate order."""
    pending: list[tuple[int, tuple[str, str, str | None]]] = []
    ready: dict[int, Outcome] = {}
    for index, (candidate, shown) in enumerate(candidates):
        hit = _from_cache(cache, candidate, shown)
        if hit is not None:
            ready[index] = hit
        else:
            pending.append((index, (str(candidate.path), shown, candidate.problem)))

    if jobs > 1 and len(pending) >= PARALLEL_THRESHOLD:
        outcomes = _parallel([task for _, task in pending], spec, options, jobs)
    else:
        outcomes = (check_path(resolver, Path(p), s, problem, options) for _, (p, s, problem) in pending)
    pending_iter = iter(pending)
    next_index = 0
    for outcome in outcomes:
        index, _ = next(pending_iter)
        if cache is not None and outcome.stat is not None and not outcome.result.internal_error:
            cache.store(outcome.shown, outcome.stat, outcome.digest, outcome.result)
        ready[index] = outcome
        while next_index in ready:
            yield ready.pop(next_index)
            next_index += 1
    while next_index in ready:
        yield ready.pop(next_index)
        next_index += 1


def _from_cache(cache, candidate: Candidate, shown: str) -> Outcome | None:
    if cache is None or candidate.problem:
        return None
    try:
        stat = os.stat(candidate.path)
    except OSError:
        return None
    entry = cache.lookup(shown, stat)
    if entry is None and shown in cache.entries:
        try:
            entry = cache.lookup_content(shown, cache_mod.digest(candidate.path.read_bytes()), stat)
        except OSError:
            return None
    return Outcome(shown, entry.result) if entry is not None else None


def _parallel(tasks, spec: ResolverSpec, options: Options, jobs: int) -> Iterator[Outcome]:
    import multiprocessing

    # fork shares the parent's imported modules and parsed rules; elsewhere, spawn rebuilds them
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    chunksize = max(1, min(64, len(tasks) // (jobs * 8)))
    with context.Pool(jobs, initializer=_init_worker, initargs=(spec, options)) as pool:
        yield from pool.imap(_work, tasks, chunksize=chunksize)
