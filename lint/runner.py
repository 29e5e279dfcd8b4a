"""Run the per-file step over many files: serially, or across worker processes, with the
result cache in front. Results come back in the order of discovery whatever the scheduling."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from lint import cache as cache_mod
from lint.config import CliOverrides, Resolver
from lint.engine import UNREADABLE, FileResult, engine_finding, lint_bytes, too_large
from lint.files import Candidate
from lint.remote import is_url

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


def check_path(resolver: Resolver, path: str, shown: str, problem: str | None,
               options: Options) -> Outcome:
    """The whole per-file step for a file on disk or at a URL: read, lint, fix. Never raises."""
    if is_url(path):
        return check_url(resolver, path, options)
    path = Path(path)
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
        if stat.st_size > settings.max_file_size:  # not read at all: the finding needs only the size
            return Outcome(shown, too_large(settings.ruleset, enabled, shown, stat.st_size,
                                            settings.max_file_size))
        data = path.read_bytes()
    except IsADirectoryError:
        return unreadable("is a directory")
    except OSError as exc:
        return unreadable(exc.strerror or str(exc))
    if options.fix or options.diff:
        return fix_data(resolver, settings, path, shown, data, options, write=options.fix)
    result, _ = lint_data(resolver, settings, path, shown, data)
    return Outcome(shown, result, stat=stat, digest=cache_mod.digest(data))


def check_url(resolver: Resolver, url: str, options: Options) -> Outcome:
    """A remote file: read through fsspec, checked under the project's configuration."""
    from lint import remote

    settings = resolver.project
    active = resolver.active_rules(None, settings)
    try:
        size = remote.size(url)
        if size > settings.max_file_size:
            return Outcome(url, too_large(settings.ruleset, {a.rule.code for a in active}, url, size,
                                          settings.max_file_size))
        data = remote.read(url)
    except Exception as exc:  # every storage backend raises its own errors
        result = FileResult(url)
        result.findings.append(engine_finding(settings.ruleset, UNREADABLE, url,
                                              f"cannot read file: {type(exc).__name__}: {exc}"))
        return Outcome(url, result)
    if options.fix or options.diff:
        return fix_data(resolver, settings, None, url, data, Options(diff=options.diff), write=False)
    result, _ = lint_bytes(data, url, active, settings.ruleset, max_size=settings.max_file_size)
    return Outcome(url, result)


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

# Candidates are handled a window at a time: the cache is consulted, the misses go to the
# executor, and results are handed on in order, so nothing accumulates per file.
WINDOW = 4096

_worker: tuple[Resolver, Options] | None = None


def _init_worker(spec: ResolverSpec, options: Options) -> None:
    global _worker
    _worker = (spec.build(), options)


def _work(task: tuple[str, str, str | None]) -> Outcome:
    resolver, options = _worker
    return check_path(resolver, *task, options)


class SerialExecutor:
    def __init__(self, resolver: Resolver, options: Options):
        self.resolver, self.options = resolver, options

    def map(self, tasks: list) -> Iterator[Outcome]:
        return (check_path(self.resolver, *task, self.options) for task in tasks)

    def close(self) -> None:
        pass


class ProcessExecutor(SerialExecutor):
    """A pool of worker processes, started on the first window big enough to need it."""

    def __init__(self, resolver: Resolver, spec: ResolverSpec, options: Options, jobs: int):
        super().__init__(resolver, options)
        self.spec, self.jobs, self.pool = spec, jobs, None

    def map(self, tasks: list) -> Iterator[Outcome]:
        if len(tasks) < PARALLEL_THRESHOLD and self.pool is None:
            return super().map(tasks)
        if self.pool is None:
            import multiprocessing

            # fork shares the parent's imports and parsed rules; elsewhere spawn rebuilds them
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self.pool = multiprocessing.get_context(method).Pool(
                self.jobs, initializer=_init_worker, initargs=(self.spec, self.options))
        chunksize = max(1, min(64, len(tasks) // (self.jobs * 8)))
        return self.pool.imap(_work, tasks, chunksize=chunksize)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


def executor_for(resolver: Resolver, spec: ResolverSpec, options: Options, *, jobs: int,
                 executor: str = "local", scheduler: str | None = None):
    if executor == "dask":
        from lint.distributed import DaskExecutor

        return DaskExecutor(spec, options, scheduler=scheduler, workers=jobs)
    if jobs > 1:
        return ProcessExecutor(resolver, spec, options, jobs)
    return SerialExecutor(resolver, options)


def run(candidates: Iterable[tuple[Candidate, str]], executor, *,
        cache: "cache_mod.Cache | None") -> Iterator[Outcome]:
    """Outcomes for every candidate, in candidate order."""
    window: list[tuple[Candidate, str]] = []
    for item in candidates:
        window.append(item)
        if len(window) == WINDOW:
            yield from _run_window(window, executor, cache)
            window = []
    if window:
        yield from _run_window(window, executor, cache)


def _run_window(window, executor, cache) -> Iterator[Outcome]:
    ready: dict[int, Outcome] = {}
    pending: list[tuple[int, tuple[str, str, str | None]]] = []
    for index, (candidate, shown) in enumerate(window):
        hit = _from_cache(cache, candidate, shown)
        if hit is not None:
            ready[index] = hit
        else:
            pending.append((index, (str(candidate.location), shown, candidate.problem)))
    next_index = 0
    for (index, _), outcome in zip(pending, executor.map([task for _, task in pending])):
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
    location = str(candidate.location)
    if is_url(location):
        return None
    try:
        stat = os.stat(location)
    except OSError:
        return None
    result = cache.find(shown, stat, lambda: cache_mod.digest(Path(location).read_bytes()))
    return Outcome(shown, result) if result is not None else None


class SummarySpill:
    """The corpus rules' per-file summaries of a run, written to a temporary file as they
    arrive (plain data, marshal), so that a run's memory does not grow with its files; read
    back, in order, by every corpus rule's compare step. Suppressions are few: only the
    files that have some keep theirs in memory."""

    # how a record holds the summaries
    _PLAIN, _PICKLED, _CACHED = 0, 1, 2

    def __init__(self) -> None:
        import tempfile

        self._file = tempfile.TemporaryFile()
        self._count = 0
        self._suppressions: dict[str, object] = {}

    def add(self, path: str, summaries: dict, suppressions) -> None:
        try:
            record = (path, self._PLAIN, {code: cache_mod.encode_value(value)
                                          for code, value in summaries.items()})
        except ValueError:  # a summary with no plain form: this file of our own may hold a pickle
            import pickle

            record = (path, self._PICKLED, pickle.dumps(summaries, protocol=pickle.HIGHEST_PROTOCOL))
        self._write(record, suppressions)

    def add_cached(self, result: "cache_mod.CachedResult") -> None:
        """A result from the cache: its stored summaries go on as they are."""
        self._write((result.path, self._CACHED, result.corpus), result.suppressions)

    def _write(self, record: tuple, suppressions) -> None:
        import marshal

        self._file.write(marshal.dumps(record))
        self._count += 1
        if suppressions is not None and (suppressions.directives or suppressions.invalid):
            self._suppressions[record[0]] = suppressions

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator["SpilledSummaries"]:
        """The summaries in the order they were added (one reader at a time)."""
        import marshal

        self._file.seek(0)
        for _ in range(self._count):
            path, kind, payload = marshal.load(self._file)
            if kind == self._CACHED:
                summaries = cache_mod.decode_corpus(payload)[0]
            elif kind == self._PLAIN:
                summaries = {code: cache_mod.decode_value(value) for code, value in payload.items()}
            else:
                import pickle

                summaries = pickle.loads(payload)
            if summaries:
                yield SpilledSummaries(path, summaries)

    def suppressions_of(self, path: str):
        return self._suppressions.get(path)

    def close(self) -> None:
        self._file.close()


@dataclass
class SpilledSummaries:
    path: str
    summaries: dict
