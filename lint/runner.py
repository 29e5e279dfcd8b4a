"""Run the per-file step over many files: serially, or across worker processes, with the
result cache in front. Results come back in the order of discovery whatever the scheduling."""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from lint import cache as cache_mod
from lint.config import ActiveRule, CliOverrides, Resolver
from lint.engine import UNREADABLE, FileResult, enabled_codes, engine_finding, lint_bytes, too_large
from lint.files import Candidate
from lint.remote import is_url

# Below this many files a process pool costs more to start than it saves.
PARALLEL_THRESHOLD = 32


@dataclass(frozen=True)
class Options:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    # the run has a result cache: hash each file linted, the key of its stored result
    # (without one, nothing else reads the hash)
    digest: bool = False


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
    # For the cache: what the file was when it was linted (stat None: do not cache;
    # digest None: the run has no cache).
    stat: os.stat_result | None = None
    digest: str | None = None


def lint_data(resolver: Resolver, settings, file_path: Path | None, shown: str, data: bytes):
    return _lint(resolver.active_rules(file_path, settings), settings, shown, data)


def _lint(active: tuple[ActiveRule, ...], settings, shown: str, data: bytes):
    return lint_bytes(data, shown, active, settings.ruleset, max_size=settings.max_file_size)


def check_path(resolver: Resolver, path: str, shown: str, problem: str | None,
               options: Options) -> Outcome:
    """The whole per-file step for a file on disk or at a URL: read, lint, fix. Never raises."""
    if is_url(path):
        return check_url(resolver, path, options)
    path = Path(path)
    settings = resolver.for_path(path)
    active = resolver.active_rules(path, settings)

    def unreadable(reason: str) -> Outcome:
        result = FileResult(shown)
        if UNREADABLE in enabled_codes(active):
            result.findings.append(engine_finding(settings.ruleset, UNREADABLE, shown,
                                                  f"cannot read file: {reason}"))
        return Outcome(shown, result)

    if problem:
        return unreadable(problem)
    try:
        stat = os.stat(path)
        if stat.st_size > settings.max_file_size:  # not read at all: the finding needs only the size
            return Outcome(shown, too_large(settings.ruleset, enabled_codes(active), shown,
                                            stat.st_size, settings.max_file_size))
        data = path.read_bytes()
    except IsADirectoryError:
        return unreadable("is a directory")
    except OSError as exc:
        return unreadable(exc.strerror or str(exc))
    if options.fix or options.diff:
        return fix_data(resolver, settings, path, shown, data, options, write=options.fix)
    result, _ = _lint(active, settings, shown, data)
    if not options.digest:  # a run without a cache: nothing reads what the file was
        return Outcome(shown, result)
    return Outcome(shown, result, stat=stat, digest=cache_mod.digest(data))


def check_url(resolver: Resolver, url: str, options: Options) -> Outcome:
    """A remote file: read through fsspec, checked under the project's configuration."""
    from lint import remote

    settings = resolver.project
    active = resolver.active_rules(None, settings)
    try:
        size = remote.size(url)
        if size > settings.max_file_size:
            return Outcome(url, too_large(settings.ruleset, enabled_codes(active), url, size,
                                          settings.max_file_size))
        data = remote.read(url)
    except Exception as exc:  # every storage backend raises its own errors
        result = FileResult(url)
        result.findings.append(engine_finding(settings.ruleset, UNREADABLE, url,
                                              f"cannot read file: {type(exc).__name__}: {exc}"))
        return Outcome(url, result)
    if options.fix or options.diff:
        return fix_data(resolver, settings, None, url, data, Options(diff=options.diff), write=False)
    result, _ = _lint(active, settings, url, data)
    return Outcome(url, result)


def fix_data(resolver: Resolver, settings, file_path: Path | None, shown: str, data: bytes,
             options: Options, *, write: bool) -> Outcome:
    from lint.fix import FileChanged, fix_until_stable, write_atomic

    last: dict[str, FileResult] = {}
    active = resolver.active_rules(file_path, settings)

    def lint_once(current: bytes):
        result, article = _lint(active, settings, shown, current)
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

# The run holds at most QUEUE files between the walk and the report (cache hits waiting
# behind a file still being linted, and those being linted), so its memory does not grow
# with the tree. Misses go to the executor in batches, a bounded number in flight.
QUEUE = 1024

_worker: tuple[Resolver, Options] | None = None


def _init_worker(spec: ResolverSpec, options: Options) -> None:
    global _worker
    _worker = (spec.build(), options)


def check_batch(resolver: Resolver, tasks: list[tuple[str, str, str | None]],
                options: Options) -> list[Outcome]:
    """The per-file step for a batch of (path, display path, problem), as executors send them."""
    return [check_path(resolver, *task, options) for task in tasks]


def _work(tasks: list[tuple[str, str, str | None]]) -> list[Outcome]:
    resolver, options = _worker
    return check_batch(resolver, tasks, options)


class _Done:
    """A batch worked out in this process."""

    def __init__(self, outcomes: list[Outcome]):
        self.outcomes = outcomes

    def ready(self) -> bool:
        return True

    def result(self) -> list[Outcome]:
        return self.outcomes


class SerialExecutor:
    """The per-file step in this process, one file at a time."""

    batch_size = 1
    in_flight = 1
    started = True  # nothing to start: misses are linted as soon as they are found

    def __init__(self, resolver: Resolver, options: Options):
        self.resolver, self.options = resolver, options

    def here(self, tasks: list) -> _Done:
        return _Done(check_batch(self.resolver, tasks, self.options))

    submit = here

    def close(self) -> None:
        pass


class ProcessExecutor(SerialExecutor):
    """A pool of worker processes, started once enough files wait to be linted (a run
    where most files come from the cache lints the few others here)."""

    # Each batch costs the parent most of a millisecond of CPU (the pool's threads, pipes
    # and locks): on a 10 MB tree, batches of 16 files (some 80 KB of posts) cost it a third
    # less than batches of 4, and the last batch keeps a worker busy only tens of ms longer.
    batch_size = 16

    def __init__(self, resolver: Resolver, spec: ResolverSpec, options: Options, jobs: int):
        super().__init__(resolver, options)
        self.spec, self.jobs, self.pool = spec, jobs, None
        self.in_flight = jobs * 4

    @property
    def started(self) -> bool:
        return self.pool is not None

    def submit(self, tasks: list):
        if self.pool is None:
            import multiprocessing

            # fork shares the parent's imports and parsed rules; elsewhere spawn rebuilds them
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self.pool = multiprocessing.get_context(method).Pool(
                self.jobs, initializer=_init_worker, initargs=(self.spec, self.options))
        return _Pending(self.pool.apply_async(_work, (tasks,)))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


class _Pending:
    def __init__(self, async_result):
        self._async = async_result

    def ready(self) -> bool:
        return self._async.ready()

    def result(self) -> list[Outcome]:
        return self._async.get()


def executor_for(resolver: Resolver, spec: ResolverSpec, options: Options, *, jobs: int,
                 executor: str = "local", scheduler: str | None = None):
    if executor == "dask":
        from lint.distributed import DaskExecutor

        return DaskExecutor(spec, options, scheduler=scheduler, workers=jobs)
    if jobs > 1:
        return ProcessExecutor(resolver, spec, options, jobs)
    return SerialExecutor(resolver, options)


class _Slot:
    """A candidate's place in the run's order, and its outcome once known."""

    __slots__ = ("outcome",)

    def __init__(self, outcome: Outcome | None = None):
        self.outcome = outcome


def run(candidates: Iterable[tuple[Candidate, str]], executor, *,
        cache: "cache_mod.Cache | None") -> Iterator[Outcome]:
    """Outcomes for every candidate, in candidate order, whatever the scheduling. The
    cache is asked as the walk reaches a file; an executor that has to start (a process
    pool) is sent files only once PARALLEL_THRESHOLD of them wait."""
    queue: deque[_Slot] = deque()  # candidate order
    waiting: list[tuple[_Slot, tuple[str, str, str | None]]] = []  # misses not yet sent
    in_flight: deque[tuple[object, list[_Slot]]] = deque()  # sent batches, oldest first

    def send(everything: bool) -> None:
        """Sends the waiting misses, in batches; `everything`: a last short batch too, and
        a few misses that would not pay for starting the executor are linted here."""
        if not executor.started:
            if len(waiting) < PARALLEL_THRESHOLD:
                if everything and waiting:
                    in_flight.append((executor.here([task for _, task in waiting]),
                                      [slot for slot, _ in waiting]))
                    waiting.clear()
                return
        size = executor.batch_size
        sent = 0
        while len(waiting) - sent >= size or (everything and sent < len(waiting)):
            batch = waiting[sent:sent + size]
            while len(in_flight) >= executor.in_flight:
                settle()
            in_flight.append((executor.submit([task for _, task in batch]), [slot for slot, _ in batch]))
            sent += len(batch)
        del waiting[:sent]

    def settle() -> None:
        """Waits for the oldest batch in flight and files its outcomes."""
        handle, slots = in_flight.popleft()
        for slot, outcome in zip(slots, handle.result()):
            if cache is not None and outcome.stat is not None and not outcome.result.internal_error:
                cache.store(outcome.shown, outcome.stat, outcome.digest, outcome.result)
            slot.outcome = outcome

    for candidate, shown in candidates:
        hit = _from_cache(cache, candidate, shown)
        if hit is not None and not queue:  # nothing waits ahead of it (a warm run's usual case)
            yield hit
            continue
        slot = _Slot(hit)
        queue.append(slot)
        if hit is None:
            waiting.append((slot, (str(candidate.location), shown, candidate.problem)))
            send(everything=False)
        while in_flight and in_flight[0][0].ready():
            settle()
        if len(queue) >= QUEUE and queue[0].outcome is None:
            send(everything=True)
            while queue[0].outcome is None:
                settle()
        while queue and queue[0].outcome is not None:
            yield queue.popleft().outcome
    send(everything=True)
    while queue:
        while queue[0].outcome is None:
            settle()
        yield queue.popleft().outcome


def _from_cache(cache, candidate: Candidate, shown: str) -> Outcome | None:
    if cache is None or candidate.problem:
        return None
    location = candidate.location
    if candidate.shown is None:  # named, not walked: a path or a URL
        location = str(location)
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
        from lint.spill import RecordFile

        self._file = RecordFile()
        self._count = 0
        self._suppressions: dict[str, object] = {}
        self.codes: set[str] = set()  # the rules some file has a summary for

    def add(self, path: str, summaries: dict, suppressions) -> None:
        self.codes.update(summaries)
        try:
            record = (path, self._PLAIN, {code: cache_mod.encode_value(value)
                                          for code, value in summaries.items()})
        except ValueError:  # a summary with no plain form: this file of our own may hold a pickle
            import pickle

            record = (path, self._PICKLED, pickle.dumps(summaries, protocol=pickle.HIGHEST_PROTOCOL))
        self._write(record, suppressions)

    def add_cached(self, result: "cache_mod.CachedResult") -> None:
        """A result from the cache: its stored summaries go on as they are."""
        self.codes.update(result.summary_codes)
        self._write((result.path, self._CACHED, result.corpus), result.suppressions)

    def _write(self, record: tuple, suppressions) -> None:
        self._file.write(record)
        self._count += 1
        if suppressions is not None and (suppressions.directives or suppressions.invalid):
            self._suppressions[record[0]] = suppressions

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator["SpilledSummaries"]:
        """The summaries in the order they were added."""
        for path, kind, payload in self._file.read():
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
