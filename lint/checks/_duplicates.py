"""Duplicate articles across files (RP106): MinHash signatures, LSH, and an SQLite index.

Summary (per-file step): the body's words, lower-cased, cut into overlapping shingles of
`shingle-size` words; each shingle is hashed once and a one-permutation MinHash
(Li, Owen & Zhang 2012) keeps the smallest hash in each of 128 bins, with empty bins
filled by rotation (Shrivastava & Li 2014). One hash per shingle instead of one per
shingle and permutation keeps this near 1 µs a word in pure Python. The signature is 512
bytes, plus a digest of the word sequence for exact copies.

Compare (once per run): LSH banding (bands of `band-rows` bins) puts signatures that agree
on a whole band in one bucket; candidates from a bucket are verified over all 128 bins
(the share of equal bins estimates the Jaccard similarity of the shingle sets, standard
error about 0.03 near 0.85). Cost grows linearly with the number of articles. Up to
IN_MEMORY_LIMIT signatures the buckets are dicts in memory; above it they are rows of a
temporary SQLite file, joined on the band key, so that memory stays flat however many
files a run has.

Index: the signatures of the files a run saw are kept in SQLite under the cache directory,
so that a run over one staged file can still find the older post it duplicates. A band is
keyed there by its number and first two bins; a run writes its new and changed files in one
transaction, their band keys cut in SQL and inserted in key order; a second run over the
same tree writes nothing. A corrupt database is rebuilt; a locked one is skipped for that run;
the index never fails a run."""

from __future__ import annotations

import gc
import hashlib
import marshal
import operator
import os
import sqlite3
import struct
import sys
import tempfile
import zlib
from array import array
from itertools import groupby, islice
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple

from lint.cache import remove_database
from lint.checks import CorpusContext, CorpusHit
from lint.finding import Location

BINS = 128
_MASK32 = 0xFFFFFFFF
_EMPTY = _MASK32
_DB_NAME = "duplicate-articles-v4.sqlite3"  # bumped by every change to its keys or tables
_FILE_START = Location(1, 1, 1, 1)
# Signatures compared in memory (about 4 KB each with their buckets, so at most ~20 MB);
# a run with more compares them in a temporary SQLite file (about twice the CPU time).
IN_MEMORY_LIMIT = 5_000
_CHUNK = 500  # signatures read, written or looked up at a time by the SQLite passes


class Signature(NamedTuple):
    scheme: str  # what the signature depends on: only equal schemes are comparable
    digest: str  # of the normalised word sequence: equal digests are identical texts
    words: int
    sig: bytes  # BINS unsigned 32-bit values, native order (the scheme names the order)


def scheme(size: int) -> str:
    # The shingle hash is CPython's tuple hash (xxHash-based, deterministic for ints since
    # 3.8) over the CRC-32 of each word: stable across runs, named here in case it changes.
    return f"oph{BINS}-crc32-tuplehash{sys.hash_info.width}-w{size}-{sys.byteorder}"


def signature(words: list[str] | list[bytes], size: int) -> bytes:
    """One-permutation MinHash of the set of `size`-word shingles, computed with C-level
    iteration only: word hashes (CRC-32 of the UTF-8 bytes), shingle hashes (hash of a
    tuple of ints), then the smallest hash per bin (see _bin_minima; a shingle seen twice
    only repeats a hash, so no set is needed)."""
    if words and isinstance(words[0], str):
        words = list(map(str.encode, words))
    return signature_of_codes(list(map(zlib.crc32, words)), size)


def signature_of_codes(codes: list[int], size: int) -> bytes:
    """signature() from the words' CRC-32 codes (the family computes them once)."""
    if len(codes) < size:
        codes = codes + [0] * (size - len(codes))  # a new list: the family's is shared
    ascending, firsts = _bin_minima(list(map(hash, zip(*(codes[j:] for j in range(size))))))
    mins = [(ascending[i] >> 7) & _MASK32 if i >= 0 else _EMPTY for i in firsts]
    # Densify: an empty bin borrows the value of the next full bin to its right, mixed with
    # the distance, so that two sets agree on it exactly when they agree on the donor.
    if -1 in firsts:
        filled = list(mins)
        for b in range(BINS):
            if firsts[b] >= 0:
                continue
            t = 1
            while firsts[(b + t) % BINS] < 0:
                t += 1
            filled[b] = (mins[(b + t) % BINS] + t * 0x9E3779B9) & _MASK32
        mins = filled
    return array("I", mins).tobytes()


_KEEP = 12 * BINS  # hashes kept on average by _bin_minima from a long text's
_BIN_OF_BYTE = bytes(b & (BINS - 1) for b in range(256))


def _bin_minima(hashes: list[int]) -> tuple[list[int], list[int]]:
    """Hashes in ascending order, and the index among them of each bin's smallest (its
    first), -1 for an empty bin. A long text's are found among its smallest hashes only
    (about _KEEP of them: those under a cut-off set from the uniform spread of hash
    values), which spares sorting its thousands: exact whenever every bin has a hash under
    the cut-off, since a bin's smallest is then under it too (all are sorted otherwise,
    about 1 text in 1,000)."""
    if len(hashes) > 2 * _KEEP:
        width = sys.hash_info.width
        cut = -(1 << (width - 1)) + (_KEEP << width) // len(hashes)
        kept = sorted(filter(cut.__gt__, hashes))
        firsts = _first_of_each_bin(kept)
        if -1 not in firsts:
            return kept, firsts
    hashes.sort()
    return hashes, _first_of_each_bin(hashes)


def _first_of_each_bin(hashes: list[int]) -> list[int]:
    """The index of the first hash of each bin, -1 if none: each hash's bin (its low bits,
    the first byte of its two's complement, least significant byte first) as one byte of a
    string, where bytes.find looks for each bin at C speed."""
    bins = struct.pack(f"<{len(hashes)}q", *hashes)[::8].translate(_BIN_OF_BYTE)
    return list(map(bins.find, range(BINS)))


def summarize(article, params: Mapping[str, Any]) -> Signature | None:
    size = int(params.get("shingle-size", 5))
    from lint.checks.repetition import body_codes, body_words  # the family's one tokenisation

    words = body_words(article)  # casefolded, as UTF-8 bytes
    if len(words) < int(params.get("min-words", 100)):
        return None  # too short to call two texts the same article
    digest = hashlib.blake2b(b" ".join(words), digest_size=16).hexdigest()
    return Signature(scheme(size), digest, len(words), signature_of_codes(body_codes(article), size))


def similarity(a: bytes, b: bytes) -> float:
    """The share of bins on which two signatures agree: an estimate of Jaccard similarity."""
    if a == b:
        return 1.0
    x, y = array("I", a), array("I", b)
    return sum(map(operator.eq, x, y)) / len(x)


_KEY_BYTES = 8


def band_keys(sig: bytes, rows: int) -> list[tuple[int, bytes]]:
    """The index's key of each band: its number and its first 8 bytes (two bins: hash
    values already, so not hashed again; _INDEX_NEW_BANDS cuts the same keys in SQL).
    Signatures that agree on a band share its key; the few that share a key only are told
    apart by _shares_band."""
    size = min(4 * rows, _KEY_BYTES)
    return [(band, sig[start:start + size]) for band, start in enumerate(_band_starts(rows))]


def _shares_band(a: bytes, b: bytes, rows: int) -> bool:
    """Whether two signatures agree on a whole band (what makes them candidates)."""
    width = 4 * rows
    return any(a[start:start + width] == b[start:start + width] for start in _band_starts(rows))


def _band_starts(rows: int) -> range:
    """Where each band starts in a signature (bytes); bins after the last whole band are in none."""
    return range(0, BINS // rows * 4 * rows, 4 * rows)


class _Doc(NamedTuple):
    path: str
    summary: Signature


def _verdict(a: Signature, b: Signature) -> float:
    return 1.0 if a.digest == b.digest else similarity(a.sig, b.sig)


def _hit(path: str, other: str, score: float, exact: bool) -> CorpusHit:
    detail = (f"same text as {other}" if exact else
              f"near-identical to {other} (about {score:.0%} of word shingles shared)")
    return CorpusHit(path, _FILE_START, {"other": other, "similarity": f"{score:.0%}", "detail": detail},
                     related=((other, _FILE_START, "the other copy"),))


def compare(summaries: Iterable[tuple[str, Any]], params: Mapping[str, Any], *,
            context: CorpusContext | None = None) -> Iterator[CorpusHit]:
    threshold = float(params.get("threshold", 0.8))
    rows = int(params.get("band-rows", 4))
    if not 1 <= rows <= BINS:
        from lint.errors import UsageError

        raise UsageError(f"RP106: band-rows must be between 1 and {BINS} (bins a band), not {rows}")
    if iter(summaries) is summaries:
        summaries = list(summaries)  # read twice below

    def docs() -> Iterator[_Doc]:
        return (_Doc(p, s) for p, s in summaries if isinstance(s, Signature))

    indexed = bool(params.get("index", True) and context is not None and context.cache_dir)
    if indexed:
        # A re-run over the same signatures, with the index as the last such run left it,
        # finds what that run found: its verdicts are read back instead of recomputed,
        # reading the signatures once without keeping them.
        run_key, count = _run_key(docs(), threshold, rows, context)
        if not count:
            return
        known = _known_verdicts(os.path.join(context.cache_dir, _DB_NAME), run_key)
        if known is not None:
            yield from (_hit(*verdict) for verdict in known)
            return
    head = list(islice(docs(), IN_MEMORY_LIMIT + 1))
    if len(head) <= IN_MEMORY_LIMIT:
        verdicts = _compare_in_memory(head, threshold, rows)
        docs = head.__iter__  # the whole run, in memory already: the index reads it from there
    else:
        del head
        verdicts = _compare_out_of_core(docs(), threshold, rows)
    if indexed:
        for verdict in _with_index(docs, params, context, threshold, rows, run_key, verdicts):
            verdicts.setdefault(verdict[0], verdict)
    yield from (_hit(*verdict) for verdict in verdicts.values())


def _chunks(items: Iterable) -> Iterator[list]:
    items = iter(items)
    while chunk := list(islice(items, _CHUNK)):
        yield chunk


def _compare_in_memory(docs: list[_Doc], threshold: float, rows: int) -> dict[str, tuple]:
    """For each document, the best match among the documents before it: path -> verdict
    (path, other path, score, exact)."""
    verdicts: dict[str, tuple] = {}
    # A bucket holds the index of its first signature, and becomes a list only when a second
    # one arrives: almost every bucket has one member, and millions of small lists would
    # cost more than the comparison itself. The collector is paused for the same reason.
    width = 4 * rows
    buckets: list[dict[bytes, int | list[int]]] = [{} for _ in range(BINS // rows)]
    collecting = gc.isenabled()
    gc.disable()
    try:
        for i, doc in enumerate(docs):
            candidates: set[int] = set()
            sig = doc.summary.sig
            for band, table in enumerate(buckets):
                key = sig[band * width:(band + 1) * width]
                bucket = table.setdefault(key, i)
                if bucket == i:
                    continue
                if isinstance(bucket, int):
                    candidates.add(bucket)
                    table[key] = [bucket, i]
                else:
                    candidates.update(bucket)
                    bucket.append(i)
            if not candidates:
                continue
            best = _best((docs[j] for j in sorted(candidates)), doc, threshold)
            if best is not None:
                verdicts[doc.path] = _verdict_of(doc, best)
    finally:
        buckets.clear()
        if collecting:
            gc.enable()
    return verdicts


_COMPARE_SCHEMA = """
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA cache_size=-8192;
PRAGMA temp_store=FILE;
CREATE TABLE docs (id INTEGER PRIMARY KEY, path BLOB, scheme TEXT, digest TEXT, words INTEGER, sig BLOB);
-- a band as two columns: its number, its bins (the whole band, unlike the index's keys)
CREATE TABLE bands (band INTEGER, bins BLOB, doc INTEGER);
"""
# Cut in SQL: making millions of small rows in Python would cost most of the compare.
_CUT_BANDS = """
INSERT INTO bands
WITH RECURSIVE band(j) AS (
    SELECT 0 UNION ALL SELECT j + 1 FROM band WHERE j + 1 < (SELECT MAX(length(sig)) FROM docs) / :width)
SELECT band.j, substr(docs.sig, band.j * :width + 1, :width), docs.id
FROM docs JOIN band ON band.j < length(docs.sig) / :width
"""
# Each later document with the earlier ones it shares a bucket with, in the order the
# in-memory buckets visit them (later ascending, earlier ascending). The buckets of more
# than one document are found first, by one scan of the index: joining every band row
# to its bucket would look up all of them to find the few shared.
_CANDIDATES = """
SELECT p.later, d.path, d.scheme, d.digest, d.words, d.sig
FROM (SELECT DISTINCT b.doc AS later, a.doc AS earlier
      FROM (SELECT band, bins FROM bands GROUP BY band, bins HAVING COUNT(*) > 1) shared
      JOIN bands a ON a.band = shared.band AND a.bins = shared.bins
      JOIN bands b ON b.band = shared.band AND b.bins = shared.bins AND b.doc > a.doc) p
JOIN docs d ON d.id = p.earlier
ORDER BY p.later, p.earlier
"""


def _compare_out_of_core(docs: Iterable[_Doc], threshold: float, rows: int) -> dict[str, tuple]:
    """_compare_in_memory's verdicts, with the signatures and their buckets in a temporary
    SQLite file of bounded cache: a bucket is the rows of one band key (band number and
    bins, as in memory: no hash, so no collisions), found by a self-join on that key."""
    with tempfile.TemporaryDirectory(prefix="copydesk-rp106-") as tmp:
        con = sqlite3.connect(os.path.join(tmp, "compare.sqlite3"), isolation_level=None)
        try:
            con.executescript(_COMPARE_SCHEMA)
            con.execute("BEGIN")
            for chunk in _chunks(enumerate(docs)):
                con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                                [(i, _path_bytes(doc.path), *doc.summary) for i, doc in chunk])
            con.execute(_CUT_BANDS, {"width": 4 * rows})
            con.execute("CREATE INDEX bands_by_key ON bands (band, bins, doc)")
            con.execute("COMMIT")
            verdicts: dict[str, tuple] = {}
            for later, group in groupby(con.execute(_CANDIDATES), key=operator.itemgetter(0)):
                doc = _stored_doc(con.execute("SELECT path, scheme, digest, words, sig FROM docs WHERE id = ?",
                                              (later,)).fetchone())
                best = _best((_stored_doc(row[1:]) for row in group), doc, threshold)
                if best is not None:
                    verdicts[doc.path] = _verdict_of(doc, best)
            return verdicts
        finally:
            con.close()


def _path_bytes(path: str) -> bytes:
    return path.encode("utf-8", "surrogatepass")  # a file name that is not UTF-8 survives


def _stored_doc(row: tuple) -> _Doc:
    path, scheme_, digest, words, sig = row
    return _Doc(path.decode("utf-8", "surrogatepass"), Signature(scheme_, digest, words, sig))


def _verdict_of(doc: _Doc, best: tuple[float, _Doc]) -> tuple[str, str, float, bool]:
    score, other = best
    return (doc.path, other.path, score, score == 1.0 and other.summary.digest == doc.summary.digest)


def _run_key(docs: Iterable[_Doc], threshold: float, rows: int,
             context: CorpusContext) -> tuple[bytes, int]:
    """A digest of everything the verdicts of a run depend on besides the index: the
    signatures in run order, the parameters, where display paths are relative to; and the
    number of signatures."""
    h = hashlib.blake2b(f"{threshold!r} {rows} {context.base_dir!r}".encode(), digest_size=16)
    count = 0
    for doc in docs:
        s = doc.summary
        h.update(f"\0{doc.path}\0{s.scheme}\0{s.digest}\0{s.words}\0".encode())
        h.update(s.sig)
        count += 1
    return h.digest(), count


def _best(candidates, doc: _Doc, threshold: float) -> tuple[float, _Doc] | None:
    best = None
    for other in candidates:
        if other.path == doc.path or other.summary.scheme != doc.summary.scheme:
            continue
        score = _verdict(doc.summary, other.summary)
        if score >= threshold and (best is None or score > best[0]):
            best = (score, other)
    return best


# -- the index ----------------------------------------------------------------------------

_SCHEMA = """
-- ids are never reused: the documents a transaction adds are those above the largest id
-- when it began (see _commit)
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL UNIQUE, scheme TEXT NOT NULL,
    digest TEXT NOT NULL, words INTEGER NOT NULL, sig BLOB NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);
-- a key of band_keys() per row; one clustered B-tree: a lookup by key reads neighbouring rows
CREATE TABLE IF NOT EXISTS bands (band INTEGER NOT NULL, bins BLOB NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (band, bins, doc)) WITHOUT ROWID;
-- bumped by every change to docs: the verdicts of a run are reused only on the same index
CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL);
-- the verdicts of recent runs that compared every indexed file (see compare)
CREATE TABLE IF NOT EXISTS runs (key BLOB PRIMARY KEY, generation INTEGER NOT NULL,
    verdicts BLOB NOT NULL);
"""
_RUNS_KEPT = 8
# The keys of band_keys() for the documents a transaction added, in key order: a large write
# then fills the bands B-tree page after page (appending, into an empty index), instead of
# at a random place for every row; and SQL cuts them faster than Python can hand them over
# (documents first: each signature is read once).
_INDEX_NEW_BANDS = """
INSERT INTO bands
WITH RECURSIVE number(band) AS (SELECT 0 UNION ALL SELECT band + 1 FROM number WHERE band + 1 < :bands)
SELECT number.band, substr(docs.sig, number.band * :width + 1, :size), docs.id
FROM docs CROSS JOIN number WHERE docs.id > :since
ORDER BY 1, 2, 3
"""


def _with_index(docs: Callable[[], Iterator[_Doc]], params, context: CorpusContext, threshold: float,
                rows: int, run_key: bytes, verdicts: dict[str, tuple]) -> list[tuple]:
    db = os.path.join(context.cache_dir, _DB_NAME)
    for attempt in (1, 2):
        try:
            return _index_pass(db, docs, params, context, threshold, rows, run_key, verdicts)
        except sqlite3.DatabaseError as exc:
            # "file is not a database", "database disk image is malformed": start afresh;
            # a locked or read-only database is skipped for this run.
            text = str(exc)
            corrupt = (not isinstance(exc, sqlite3.OperationalError)
                       or "malformed" in text or "not a database" in text)
            if attempt == 1 and corrupt:
                remove_database(db)
                continue
            return []
        except OSError:
            return []
    return []


def _connect(db: str) -> sqlite3.Connection:
    os.makedirs(os.path.dirname(db), exist_ok=True)
    if not os.path.exists(db):
        _remove_older_versions(db)
    con = sqlite3.connect(db, timeout=10, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:
        pass  # some file systems have no shared memory: the default journal works too
    # A cache, rebuilt when damaged: a commit need not wait for the disk (with WAL the
    # database stays consistent anyway; the last runs' additions may be lost to a power cut).
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript(_SCHEMA)
    return con


def _remove_older_versions(db: str) -> None:
    """The index files of earlier formats beside a new one: a copydesk that still uses one
    rebuilds it, and each holds about 1.3 KB a file (127 MB for 100k files) that nothing
    else reads."""
    folder, name = os.path.split(db)
    stem = name.split("-v", 1)[0] + "-v"
    for other in os.listdir(folder):
        if other.startswith(stem) and other.endswith(".sqlite3") and other != name:
            remove_database(os.path.join(folder, other))


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _absolute(path: str, context: CorpusContext) -> str | None:
    if path == "-" or path.startswith("<"):
        return None
    return os.path.normpath(os.path.join(context.base_dir or os.getcwd(), path))


def _known_verdicts(db: str, run_key: bytes) -> list[tuple] | None:
    """The verdicts stored for this run key, if the index has not changed since."""
    if not os.path.exists(db):
        return None
    try:
        con = sqlite3.connect(db, timeout=10, isolation_level=None)
        try:
            row = con.execute("SELECT r.verdicts FROM runs r JOIN meta m ON r.generation = m.generation "
                              "WHERE r.key = ?", (run_key,)).fetchone()
        finally:
            con.close()
        if row is None:
            return None
        verdicts = marshal.loads(row[0])
        return [(str(p), str(o), float(score), bool(exact)) for p, o, score, exact in verdicts]
    except Exception:  # no such table yet, locked, damaged: compare afresh
        return None


def _remember_verdicts(con: sqlite3.Connection, run_key: bytes, verdicts: list[tuple]) -> None:
    def work():
        con.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?)",
                    (run_key, _generation(con), marshal.dumps(verdicts)))
        con.execute("DELETE FROM runs WHERE rowid NOT IN (SELECT rowid FROM runs ORDER BY rowid DESC LIMIT ?)",
                    (_RUNS_KEPT,))

    con.execute("BEGIN IMMEDIATE")
    try:
        work()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _generation(con: sqlite3.Connection) -> int:
    return con.execute("SELECT COALESCE(MAX(generation), 0) FROM meta").fetchone()[0]


def _index_pass(db: str, docs: Callable[[], Iterator[_Doc]], params, context: CorpusContext,
                threshold: float, rows: int, run_key: bytes, verdicts: dict[str, tuple]) -> list[tuple]:
    """Bring the index up to date with the run's files (`docs()` reads them afresh, a chunk
    at a time), then find what they duplicate among the indexed files outside the run."""
    con = _connect(db)
    try:
        # The run's files, by absolute path: where each occurs first and last in the run
        # (the last occurrence is the one that counts), on disk rather than in memory.
        con.execute("PRAGMA temp_store=FILE")
        con.execute("CREATE TEMP TABLE run (path TEXT PRIMARY KEY, first INTEGER NOT NULL, "
                    "last INTEGER NOT NULL) WITHOUT ROWID")
        _store_run(con, docs(), context, rows)
        _sweep(con, rows)
        outside = (con.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
                   - con.execute("SELECT COUNT(*) FROM temp.run").fetchone()[0])
        if outside <= 0:
            # every indexed file is in this run, compared with the others already: the same run
            # over the same index will find the same
            _remember_verdicts(con, run_key, list(verdicts.values()))
            return []
        base = context.base_dir or os.getcwd()
        hits: list[tuple[int, tuple]] = []
        for first, where, doc in _last_occurrences(con, docs(), context):
            keys = band_keys(doc.summary.sig, rows)
            # the files outside the run (those in it were compared already), earliest indexed first
            found = con.execute(
                f"WITH k(band, bins) AS (VALUES {','.join(['(?, ?)'] * len(keys))}) "
                "SELECT path, scheme, digest, words, sig, size, mtime_ns FROM docs "
                "WHERE id IN (SELECT b.doc FROM k JOIN bands b ON b.band = k.band AND b.bins = k.bins) "
                "AND path NOT IN (SELECT path FROM temp.run) ORDER BY id",
                [value for key in keys for value in key]).fetchall()
            others = []
            for row in found:
                if not _shares_band(doc.summary.sig, row[4], rows):
                    continue
                summary = _current(con, row, params, rows)
                if summary is not None:
                    others.append(_Doc(_display(row[0], base), summary))
            best = _best(others, doc, threshold)
            if best is not None:
                exact = best[1].summary.digest == doc.summary.digest
                hits.append((first, (doc.path, best[1].path, best[0], exact)))
        hits.sort(key=operator.itemgetter(0))  # in the order the files first occur in the run
        return [hit for _, hit in hits]
    finally:
        con.close()


def _run_files(docs: Iterable[_Doc],
               context: CorpusContext) -> Iterator[tuple[int, str, _Doc, tuple[int, int]]]:
    """(position in the run, absolute path, doc, stat) of the run's files that exist."""
    for i, doc in enumerate(docs):
        where = _absolute(doc.path, context)
        stat = _stat(where) if where is not None else None
        if stat is not None:
            yield i, where, doc, stat


def _store_run(con: sqlite3.Connection, docs: Iterable[_Doc], context: CorpusContext, rows: int) -> None:
    """Fill temp.run, and write the new or changed files to the index: a second run over
    the same tree writes nothing; a run that changes something does it in one transaction
    (begun at the first change) that bumps the generation once."""
    since = None  # where the transaction began, once the run has changed something
    try:
        for chunk in _chunks(_run_files(docs, context)):
            latest = {where: (doc, stat) for _, where, doc, stat in chunk}
            con.executemany("INSERT INTO temp.run VALUES (?, ?, ?) "
                            "ON CONFLICT (path) DO UPDATE SET last = excluded.last",
                            [(where, i, i) for i, where, _, _ in chunk])
            paths = list(latest)
            known = {row[0]: row[1:] for row in con.execute(
                f"SELECT path, digest, scheme, size, mtime_ns FROM docs WHERE path IN ({','.join('?' * len(paths))})",
                paths)}
            changed = [(where, doc.summary, stat) for where, (doc, stat) in latest.items()
                       if known.get(where) != (doc.summary.digest, doc.summary.scheme, *stat)]
            if changed and since is None:
                since = _begin(con)
            if changed:
                _store_many(con, changed, rows, known)
        if since is not None:
            _commit(con, since, rows)
    except BaseException:
        if since is not None:
            con.execute("ROLLBACK")
        raise


def _last_occurrences(con: sqlite3.Connection, docs: Iterable[_Doc],
                      context: CorpusContext) -> Iterator[tuple[int, str, _Doc]]:
    """(first position, absolute path, doc) of each file of temp.run at its last occurrence."""
    for chunk in _chunks(enumerate(docs)):
        located = [(i, _absolute(doc.path, context), doc) for i, doc in chunk]
        paths = list({where for _, where, _ in located if where is not None})
        positions = {row[0]: row[1:] for row in con.execute(
            f"SELECT path, first, last FROM temp.run WHERE path IN ({','.join('?' * len(paths))})", paths)}
        for i, where, doc in located:
            first, last = positions.get(where, (None, None))
            if i == last:
                yield first, where, doc


def _transaction(con: sqlite3.Connection, rows: int, work) -> None:
    """Changes to docs, in one transaction that also bumps the index's generation."""
    since = _begin(con)
    try:
        work()
        _commit(con, since, rows)
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _begin(con: sqlite3.Connection) -> int:
    """Begin a write; the largest document id when it began."""
    con.execute("BEGIN IMMEDIATE")
    return con.execute("SELECT COALESCE(MAX(id), 0) FROM docs").fetchone()[0]


def _commit(con: sqlite3.Connection, since: int, rows: int) -> None:
    """Index the bands of the documents added since `since`, bump the generation, commit."""
    width = 4 * rows
    con.execute(_INDEX_NEW_BANDS,
                {"bands": BINS // rows, "width": width, "size": min(width, _KEY_BYTES), "since": since})
    con.execute("INSERT OR REPLACE INTO meta VALUES (1, ?)", (_generation(con) + 1,))
    con.execute("COMMIT")


def _store_many(con: sqlite3.Connection, entries, rows: int, known=None) -> None:
    """Write entries (path, signature, stat), whose bands _commit indexes; `known` holds the
    paths already indexed (all are looked up when it is None)."""
    for where, _, _ in entries:
        if known is None or where in known:
            _forget(con, where, rows)
    con.executemany("INSERT INTO docs (path, scheme, digest, words, sig, size, mtime_ns) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", [(where, *s, *stat) for where, s, stat in entries])


def _current(con: sqlite3.Connection, row: tuple, params, rows: int) -> Signature | None:
    """The signature of an indexed file not in this run (its row: path, signature, stat),
    refreshed when the file changed since it was indexed, forgotten when the file is gone."""
    where = row[0]
    stat = _stat(where)
    if stat is None:
        _transaction(con, rows, lambda: _forget(con, where, rows))
        return None
    summary = Signature(*row[1:5])
    if tuple(row[5:]) == stat:
        return summary
    try:
        from lint.article import Article

        with open(where, "rb") as handle:
            fresh = summarize(Article(handle.read(), where), params)
    except OSError:
        return None
    if fresh is None:
        _transaction(con, rows, lambda: _forget(con, where, rows))
        return None
    _transaction(con, rows, lambda: _store_many(con, [(where, fresh, stat)], rows))
    return fresh


def _sweep(con: sqlite3.Connection, rows: int, sample: int = 64) -> None:
    """Drop the entries of deleted files: a bounded sample a run (a stretch of rows from a
    random place), so that the index does not keep files long gone and no run pays for
    the whole index."""
    top = con.execute("SELECT MAX(id) FROM docs").fetchone()[0]
    if not top:
        return
    start = int.from_bytes(os.urandom(4), "little") % top
    found = con.execute("SELECT path FROM docs WHERE id > ? ORDER BY id LIMIT ?", (start, sample)).fetchall()
    if len(found) < sample:
        found += con.execute("SELECT path FROM docs ORDER BY id LIMIT ?", (sample - len(found),)).fetchall()
    gone = {path for (path,) in found if not os.path.exists(path)}
    if gone:
        _transaction(con, rows, lambda: [_forget(con, path, rows) for path in gone])


def _forget(con: sqlite3.Connection, where: str, rows: int) -> None:
    row = con.execute("SELECT id, sig FROM docs WHERE path = ?", (where,)).fetchone()
    if row is None:
        return
    doc, sig = row
    con.executemany("DELETE FROM bands WHERE band = ? AND bins = ? AND doc = ?",
                    [(*key, doc) for key in band_keys(sig, rows)])
    con.execute("DELETE FROM docs WHERE id = ?", (doc,))


def _display(path: str, base: str) -> str:
    try:
        rel = os.path.relpath(path, base)
    except ValueError:
        return path.replace(os.sep, "/")
    return (path if rel.startswith("..") else rel).replace(os.sep, "/")
