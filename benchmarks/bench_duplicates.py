"""How the duplicate-article check (RP106) grows with the number of articles.

Times the compare step (LSH banding + verification) over 1k, 10k and 100k synthetic
signatures, 1% of them near-copies of another, on both compare paths: in memory and in a
temporary SQLite file (dup.IN_MEMORY_LIMIT decides which a run takes); optionally also a
first run with the SQLite index (--index: an empty cache directory, as in a fresh CI job),
the same run again, then a pre-commit run of one file against the index.
Each measurement runs in a fresh process, which reports its peak RSS growth: SQLite's page
cache is memory too, and tracemalloc does not see it. Signatures are made directly
(random bins) and regenerated on every pass, as the CLI reads them back from its spill
file: compare never looks at the text, and the per-file cost of a signature is measured
once on a real-sized article at the top.

    python benchmarks/bench_duplicates.py [--sizes 1000 10000 100000] [--index]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

from lint.article import Article
from lint.checks import CorpusContext
from lint.checks import _duplicates as dup

PARAMS = {"threshold": 0.8, "band-rows": 4, "index": True, "min-words": 100, "shingle-size": 5}
PATHS = {"memory": sys.maxsize - 1, "disk": 0}  # IN_MEMORY_LIMIT for each compare path


class Synthetic:
    """n (path, signature) pairs, generated afresh on each iteration."""

    def __init__(self, n: int):
        self.n = n

    def __iter__(self):
        scheme = dup.scheme(5)
        for i in range(self.n):
            rng = random.Random(2 * i)
            if i and rng.random() < 0.01:  # a near-copy of an earlier article: a few bins differ
                sig = bytearray(self.plain(rng.randrange(i)))
                for b in rng.sample(range(dup.BINS), 8):
                    sig[4 * b:4 * b + 4] = rng.randbytes(4)
                sig = bytes(sig)
            else:
                sig = self.plain(i)
            yield f"posts/{i:06d}.md", dup.Signature(scheme, f"{i:032x}", 800, sig)

    @staticmethod
    def plain(i: int) -> bytes:
        return random.Random(2 * i + 1).randbytes(4 * dup.BINS)


def per_file_cost() -> float:
    rng = random.Random(0)
    text = " ".join(rng.choice(["the", "council", "voted", "on", "a", "plan", "to", "build", "new", "flats",
                                "near", "station", "said", "mayor", "after", "meeting"]) + str(rng.randrange(50))
                    for _ in range(800))
    article = Article(text.encode(), "a.md")
    article.prose_text  # parsing is the engine's cost, shared by every rule
    start = time.process_time()
    for _ in range(50):
        dup.summarize(article, PARAMS)
    return (time.process_time() - start) / 50


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(n: int, path: str, index: bool) -> dict:
    """One compare (or first indexed run) in this process: seconds, CPU seconds, hits, and
    how far the peak RSS rose above the RSS before it; with the index, the seconds of the
    same run again and of a one-file run after it."""
    dup.IN_MEMORY_LIMIT = PATHS[path]
    docs = Synthetic(n)
    with tempfile.TemporaryDirectory() as tmp:
        context = None
        if index:
            for name, _ in docs:  # the index keeps files that exist
                full = os.path.join(tmp, name)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                open(full, "wb").close()
            context = CorpusContext(cache_dir=os.path.join(tmp, "cache"), base_dir=tmp)
        before = _rss()
        start, cpu = time.perf_counter(), time.process_time()
        hits = sum(1 for _ in dup.compare(docs, PARAMS, context=context))
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        again = one = None
        if index:
            again = time.perf_counter()
            list(dup.compare(docs, PARAMS, context=context))
            again = time.perf_counter() - again
            # then a pre-commit run: the last file alone, against the index
            last = list(collections.deque(docs, maxlen=1))
            one = time.perf_counter()
            list(dup.compare(last, PARAMS, context=context))
            one = time.perf_counter() - one
    return {"s": took, "cpu": cpu, "hits": hits, "mb": max(0, peak - before) / 2**20, "again": again, "one": one}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--index", action="store_true", help="also time a first run with the SQLite index")
    parser.add_argument("--one", nargs=3, metavar=("N", "PATH", "INDEX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        n, path, index = args.one
        print(json.dumps(measure(int(n), path, index == "index")))
        return
    print(f"signature of an 800-word article: {per_file_cost() * 1000:.2f} ms CPU")
    print("s = wall clock; cpu = CPU seconds (what a shared machine hides); "
          "peak MB = peak RSS growth during the step")
    print(f"{'articles':>9} {'path':>7} {'step':>8} {'s':>7} {'cpu s':>7} {'µs/article':>11} {'peak MB':>8} {'hits':>5}"
          + ("  again s  one file s" if args.index else ""))
    runs = [(path, False) for path in PATHS] + ([("memory", True), ("disk", True)] if args.index else [])
    for n in args.sizes:
        for path, index in runs:
            out = subprocess.run([sys.executable, __file__, "--one", str(n), path, "index" if index else "compare"],
                                 check=True, capture_output=True, text=True).stdout
            m = json.loads(out)
            print(f"{n:>9} {path:>7} {'index' if index else 'compare':>8} {m['s']:>7.2f} {m['cpu']:>7.2f} "
                  f"{m['cpu'] / n * 1e6:>11.1f} {m['mb']:>8.1f} {m['hits']:>5}"
                  + (f"  {m['again']:>7.3f}  {m['one']:>10.3f}" if index else ""), flush=True)


if __name__ == "__main__":
    main()
