"""A result cache like Ruff's: findings per file, reused while the file, the configuration,
the rules and copydesk itself are unchanged.

One cache per effective configuration (its fingerprint covers the copydesk version, the
command-line selection, the configuration file and every rule and lexicon file): an SQLite
file with one row per file: size, mtime and content digest, and the file's result. A file
whose size and mtime match is not even read; one whose bytes hash the same is reused too.

Rows are looked up one file at a time as the walk reaches them, so a run holds only what
it is working on, never the whole cache. A result is stored as plain tuples (marshal), in
two parts: `brief` (what counting and one-line reports need) and `detail` (fixes, related
places, the flagged text), which is decoded only when a Finding object is wanted.

The cache directory is tagged (CACHEDIR.TAG, and a .gitignore of its own) only when copydesk
creates it; `remove_directory` (copydesk clean) deletes only a directory so tagged. A run that
writes results deletes the cache files (of other configurations and versions) that no run
has opened for `STALE_AFTER` seconds (`prune`)."""

from __future__ import annotations

import hashlib
import importlib
import marshal
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from lint import __version__, resources
from lint.errors import UsageError
from lint.finding import Finding, finding_from_rows, finding_to_rows

CACHE_DIR_NAME = ".copydesk_cache"
ENV_VAR = "COPYDESK_CACHE_DIR"
_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
_TAG = (f"{_SIGNATURE}\n"
        "# This file is a cache directory tag created by copydesk.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")
_TAG_NAME = "CACHEDIR.TAG"
# Another configuration's (or copydesk version's) cache file that no run opened for this long
# is deleted: switching back to it costs one cold run, and a cache left behind by a changed
# configuration or an upgrade stops taking space (a file per key, as large as the tree's results).
STALE_AFTER = 14 * 24 * 3600
_CACHE_FILE = re.compile(r"[0-9a-f]{32}\.sqlite3")  # a fingerprint's; nothing else is pruned
# Written rows are flushed in transactions of this many, so a cold run holds few of them.
_FLUSH_EVERY = 256


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _hash_tree(h, directory: Path) -> None:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(directory).as_posix().encode())
            h.update(path.read_bytes())


def fingerprint(settings, cli_key: Any) -> str:
    """Everything besides the file itself that a file's findings depend on."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"copydesk {__version__}\n{cli_key!r}\n".encode())
    if settings.path is not None:
        h.update(str(settings.path).encode())
        h.update(settings.path.read_bytes())
    for directory in (str(resources.builtin_rules_dir()),) + tuple(settings.rules_dirs):
        _hash_tree(h, Path(directory))
    # In a checkout, the checks' code changes without the version: their stat is enough.
    for module in sorted(Path(__file__).resolve().parent.rglob("*.py")):
        stat = module.stat()
        h.update(f"{module.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return h.hexdigest()


def default_dir(project_root: Callable[[], Path]) -> Path:
    """$COPYDESK_CACHE_DIR, else .copydesk_cache in the project root (`project_root()`,
    called only then: it reads the configuration)."""
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else project_root() / CACHE_DIR_NAME


# -- the directory -----------------------------------------------------------------------------

def create_directory(directory: Path) -> None:
    """Makes `directory` if need be, tagged as copydesk's cache when copydesk makes it (or
    finds it empty): a directory that already holds files (--cache-dir pointed at one by
    mistake) is used but never tagged, so `copydesk clean` never deletes it."""
    if (directory / _TAG_NAME).exists():
        return
    try:
        with os.scandir(directory) as entries:
            ours = next(entries, None) is None
    except FileNotFoundError:
        ours = True
    directory.mkdir(parents=True, exist_ok=True)
    if ours:
        tag_directory(directory)


def tag_directory(directory: Path) -> None:
    """Marks `directory` as copydesk's cache: backup tools skip it, git ignores it."""
    tag = directory / _TAG_NAME
    if not tag.exists():
        tag.write_text(_TAG)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by copydesk automatically.\n*\n")


def is_tagged(directory: Path) -> bool:
    """Whether `directory` carries copydesk's CACHEDIR.TAG (another tool's tag is not enough)."""
    try:
        with open(directory / _TAG_NAME, encoding="utf-8", errors="replace") as tag:
            head = tag.read(len(_TAG))
    except OSError:
        return False
    return head.startswith(_SIGNATURE + "\n") and "created by copydesk" in head


def remove_directory(directory: Path) -> bool:
    """Deletes copydesk's cache directory with everything in it (result caches, RP106's
    signature index, derived data kept there); False if there is none. Raises UsageError
    for a path that is not a directory carrying copydesk's tag (nothing is deleted), and
    for a directory it cannot delete whole (the tag goes last: what is left is still
    recognised by the next attempt)."""
    if not os.path.lexists(directory):
        return False
    if directory.is_symlink():
        raise UsageError(f"{directory} is a symbolic link; not removing it (remove it yourself)")
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory; not removing it")
    if not is_tagged(directory):
        raise UsageError(f"{directory} has no copydesk CACHEDIR.TAG, so copydesk did not create it; "
                         "not removing it")
    try:
        for entry in list(os.scandir(directory)):
            if entry.name == _TAG_NAME:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.remove(entry.path)
        os.remove(directory / _TAG_NAME)
        os.rmdir(directory)
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename and str(exc.filename) != str(directory) else ""
        raise UsageError(f"cannot remove {directory}{where}: {exc.strerror or exc}") from None
    return True


def prune(directory: Path) -> list[str]:
    """Deletes the cache files under `directory` (a tagged one), of any configuration and
    version, that no run has opened for STALE_AFTER seconds (a run touches its file when it
    opens it), and version directories left empty; returns the files deleted. Lists a
    handful of entries: a run that writes its cache can afford it."""
    if not is_tagged(directory):
        return []
    cutoff = time.time() - STALE_AFTER
    removed = []
    try:
        versions = [entry.path for entry in os.scandir(directory) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return removed
    for version in versions:
        emptied = False
        try:
            for entry in os.scandir(version):
                if _CACHE_FILE.fullmatch(entry.name) and entry.stat(follow_symlinks=False).st_mtime < cutoff \
                        and remove_database(entry.path):
                    removed.append(entry.path)
                    emptied = True
            if emptied:
                os.rmdir(version)  # only if nothing else is left in it
        except OSError:
            continue
    return removed


def remove_database(file: str) -> bool:
    """Deletes an SQLite file with its journal files, as far as it can (a cache that stays
    is rebuilt or pruned later); whether the database file itself is gone."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(file + suffix)
        except FileNotFoundError:
            pass
        except OSError:
            if not suffix:
                return False
    return True


# -- a file's result as plain data ------------------------------------------------------------

class CachedResult:
    """An engine.FileResult read back from the cache. `stats` (counts per rule) and `tails`
    (the default format's lines, without the leading path) are all that counting and a
    concise report need; `rows` (the brief part of each finding) and `findings` (Finding
    objects) are read only with details, and decoded on first use. The corpus rules'
    summaries stay in their stored form (`corpus`; `summary_codes` names the rules)."""

    internal_error = False
    fixed_data = None

    def __init__(self, path: str, stats: tuple, tails: list[str], rows: bytes | None, detail: bytes | None,
                 corpus: bytes):
        self.path, self.stats, self.tails = path, stats, tails
        self._rows, self._detail = rows, detail
        # checked here, so that a damaged or hostile row is a miss; the stored form goes on
        # to the corpus step as it is (runner.SummarySpill.add_cached), decoded there
        self.corpus = corpus
        summaries, suppressions = marshal.loads(corpus)
        for value in summaries.values():
            check_value(value)
        self.summary_codes = tuple(summaries)
        self.suppressions = _decode_suppressions(suppressions)
        self._findings: list[Finding] | None = None

    @property
    def rows(self) -> list[tuple]:
        if isinstance(self._rows, bytes):
            self._rows = marshal.loads(self._rows)
        return self._rows

    @property
    def findings(self) -> list[Finding]:
        if self._findings is None:
            if self._detail is None:
                raise RuntimeError("a result read without details has no Finding objects")
            details = marshal.loads(self._detail)
            self._findings = [finding_from_rows(self.path, brief, detail)
                              for brief, detail in zip(self.rows, details)]
            self._detail = b""
        return self._findings


def file_stats(rows) -> tuple:
    """Counts per (code, name, severity): (code, name, severity, findings, with a safe fix),
    from brief rows; a file's stats are summed into the run's summary line."""
    counts: dict[tuple, list[int]] = {}
    for row in rows:
        entry = counts.setdefault((row[4], row[5], row[6]), [0, 0])
        entry[0] += 1
        entry[1] += row[8]
    return tuple((code, name, severity, n, safe) for (code, name, severity), (n, safe) in counts.items())


def encode(result) -> tuple[bytes, bytes, bytes, bytes] | None:
    """(brief, corpus, rows, detail) blobs of a FileResult; None if it holds something that
    has no plain form (it is then simply not cached). brief: the file's counts per rule and
    its concise lines (a warm run decodes nothing else to count and print them)."""
    from lint.report.text import concise_tails

    try:
        rows = [finding_to_rows(f) for f in result.findings]
        briefs = [brief for brief, _ in rows]
        detail = marshal.dumps([d for _, d in rows])
        summaries = {code: encode_value(value) for code, value in result.summaries.items()}
        suppressions = _encode_suppressions(result.suppressions)
        corpus = marshal.dumps((summaries, suppressions))
        brief = marshal.dumps((file_stats(briefs), concise_tails(briefs)))
        return brief, corpus, marshal.dumps(briefs), detail
    except (ValueError, TypeError):
        return None


def decode(path: str, brief: bytes, corpus: bytes, rows: bytes | None, detail: bytes | None) -> CachedResult:
    stats, tails = marshal.loads(brief)
    return CachedResult(path, stats, tails, rows, detail, corpus)


def decode_corpus(corpus: bytes) -> tuple[dict, Any]:
    """(summaries by rule code, suppressions) from a stored corpus blob."""
    summaries, suppressions = marshal.loads(corpus)
    return ({code: decode_value(value) for code, value in summaries.items()},
            _decode_suppressions(suppressions))


# A corpus rule's summary is plain data, or a NamedTuple of copydesk's (RP106's Signature):
# stored as (0, value) or (1, module, class name, fields).
def encode_value(value):
    if isinstance(value, tuple) and hasattr(type(value), "_fields"):
        cls = type(value)
        return (1, cls.__module__, cls.__qualname__, tuple(value))
    marshal.dumps(value)  # raises ValueError if it has no plain form
    return (0, value)


_classes: dict[tuple[str, str], type] = {}


def decode_value(encoded):
    if encoded[0] == 0:
        return encoded[1]
    _, module, name, fields = encoded
    return _class(module, name)(*fields)


def check_value(encoded) -> None:
    """Raises unless decode_value can build the value (without building it)."""
    if encoded[0] != 0:
        _, module, name, fields = encoded
        if len(fields) != len(_class(module, name)._fields):
            raise ValueError(f"a stored {name} with {len(fields)} fields")


def _class(module: str, name: str) -> type:
    cls = _classes.get((module, name))
    if cls is None:
        # The cache directory is writable by whoever can write the work tree: build only
        # copydesk's own tuple classes, never an arbitrary callable.
        if not (module == "lint" or module.startswith("lint.")):
            raise ValueError(f"refusing to load {module}.{name} from the cache")
        cls = getattr(importlib.import_module(module), name)
        if not (isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields")):
            raise ValueError(f"refusing to load {module}.{name} from the cache")
        _classes[(module, name)] = cls
    return cls


def _encode_suppressions(sup):
    if sup is None or not (sup.directives or sup.invalid):
        return None  # none at all: to the corpus step the same as an empty set
    return (tuple((d.kind, tuple(d.codes), d.start, d.end, d.line, d.first_line, d.last_line)
                  for d in sup.directives), [tuple(item) for item in sup.invalid])


def _decode_suppressions(encoded):
    if encoded is None:
        return None
    from lint.suppress import Directive, Suppressions

    directives, invalid = encoded
    return Suppressions([Directive(*d) for d in directives], list(invalid))


# -- the store -----------------------------------------------------------------------------

# A result row is read with the other files of its directory (a walk asks for them in
# turn), in one query, from 16 KiB pages that hold a whole row. The detail blob comes last:
# it is not read unless the report needs Finding objects. (The schema is part of the file
# name's key: a cache of another layout is another file.)
_PAGE_SIZE = 16384
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    path TEXT PRIMARY KEY, dir TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL, brief BLOB NOT NULL, corpus BLOB NOT NULL, rows BLOB NOT NULL,
    detail BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS results_dir ON results (dir);
"""


class Cache:
    """The result cache of one configuration. `details=False`: the run writes one-line
    reports or counts only, and results come back without their findings' rows."""

    def __init__(self, directory: Path, key: str, *, details: bool = True):
        self.directory = directory
        self.file = directory / __version__ / f"{key}.sqlite3"
        self.details = details
        self._con: sqlite3.Connection | None = None
        self._opened = False
        self._writes: list[tuple] = []
        self._touches: list[tuple] = []
        self._wrote = False
        # the rows of the directory being walked; a directory's rows are read at once from
        # its second lookup on (a run over a few named files reads only their own rows)
        self._dir: str | None = None
        self._dir_rows: dict[str, tuple] | None = None
        columns = "path, size, mtime_ns, digest, brief, corpus" + (", rows, detail" if details else "")
        self._select_one = f"SELECT {columns} FROM results WHERE path = ?"
        self._select_dir = f"SELECT {columns} FROM results WHERE dir = ?"

    # reading

    def _connection(self, create: bool = False) -> sqlite3.Connection | None:
        if self._con is None and (not self._opened or create):
            self._opened = True
            if not create and not self.file.exists():
                return None
            try:
                self._con = self._connect(create)
            except (sqlite3.Error, OSError):
                self._con = None
        return self._con

    def _connect(self, create: bool) -> sqlite3.Connection:
        if create:
            create_directory(self.directory)
            self.file.parent.mkdir(exist_ok=True)
        con = sqlite3.connect(self.file, timeout=5, isolation_level=None)
        try:
            os.utime(self.file)  # in use: not stale (prune)
        except OSError:
            pass  # a read-only cache is still read
        try:
            con.execute(f"PRAGMA page_size = {_PAGE_SIZE}")  # only takes effect on a new file
            try:
                con.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError:
                pass  # no shared memory on some file systems: the default journal works too
            con.executescript(_SCHEMA)
            return con
        except sqlite3.DatabaseError as exc:
            con.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            # not a database, or a damaged one: a cache is simply rebuilt
            remove_database(str(self.file))
            if not create:
                raise
            return self._connect(create)

    def _row(self, path: str) -> tuple | None:
        directory = path.rpartition("/")[0]
        if directory == self._dir:
            if self._dir_rows is None:  # the second file of this directory: read them all
                con = self._connection()
                if con is None:
                    return None
                self._dir_rows = {row[0]: row for row in con.execute(self._select_dir, (directory,))}
            return self._dir_rows.get(path)
        self._dir, self._dir_rows = directory, None
        con = self._connection()
        if con is None:
            return None
        return con.execute(self._select_one, (path,)).fetchone()

    def find(self, path: str, stat: os.stat_result, read_digest: Callable[[], str]) -> CachedResult | None:
        """The cached result of `path` if its size and mtime still match, or else if its bytes
        (`read_digest()`) still hash the same; None for a miss."""
        try:
            row = self._row(path)
        except sqlite3.Error:
            return None
        if row is None:
            return None
        if row[1] != stat.st_size or row[2] != stat.st_mtime_ns:
            try:
                if read_digest() != row[3]:
                    return None
            except OSError:
                return None
            self._touches.append((stat.st_size, stat.st_mtime_ns, path))
        try:
            if self.details:
                return decode(path, row[4], row[5], row[6], row[7])
            return decode(path, row[4], row[5], None, None)
        except Exception:  # a damaged or foreign row is a miss; the file is linted again
            return None

    # writing

    def store(self, path: str, stat: os.stat_result, data_digest: str, result: Any) -> None:
        blobs = encode(result)
        if blobs is None:
            return
        self._writes.append((path, path.rpartition("/")[0], stat.st_size, stat.st_mtime_ns, data_digest,
                             *blobs))
        if len(self._writes) >= _FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        writes, touches = self._writes, self._touches
        self._writes, self._touches = [], []
        if not (writes or touches):
            return
        con = self._connection(create=True)
        if con is None:
            return  # a read-only tree still gets its findings; only the cache is lost
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", writes)
                con.executemany("UPDATE results SET size = ?, mtime_ns = ? WHERE path = ?", touches)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            self._wrote |= bool(writes)
        except sqlite3.Error:
            pass  # locked by a concurrent run, or read-only: these results are not kept

    def save(self) -> None:
        """Writes what is pending; a run that added results also prunes stale caches (a
        warm run, which adds none, does not even list the directory)."""
        self._flush()
        self._dir = self._dir_rows = None
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._wrote:
            prune(self.directory)
