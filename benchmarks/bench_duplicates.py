"""How the duplicate-article check (RP106) grows with the number of articles.

Times the compare step (LSH banding + verification) over 1k, 10k and 100k synthetic
signatures, 1% of them near-copies of another, and optionally the SQLite index pass
(--index), which a pre-commit run pays for. Signatures are made directly (random bins):
compare never looks at the text, and the per-file cost of a signature is measured once
on a real-sized article at the top.

    python benchmarks/bench_duplicates.py [--sizes 1000 10000 100000] [--index]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time

from lint.article import Article
from lint.checks import CorpusContext
from lint.checks import _duplicates as dup

PARAMS = {"threshold": 0.8, "band-rows": 4, "index": True, "min-words": 100, "shingle-size": 5}


def synthetic(n: int, rng: random.Random) -> list[tuple[str, dup.Signature]]:
    scheme = dup.scheme(5)
    docs = []
    for i in range(n):
        if docs and rng.random() < 0.01:  # a near-copy: a few bins differ
            _, original = docs[rng.randrange(len(docs))]
            sig = bytearray(original.sig)
            for b in rng.sample(range(dup.BINS), 8):
                sig[4 * b:4 * b + 4] = rng.randbytes(4)
            docs.append((f"posts/{i:06d}.md", dup.Signature(scheme, f"{i:032x}", 800, bytes(sig))))
        else:
            docs.append((f"posts/{i:06d}.md", dup.Signature(scheme, f"{i:032x}", 800, rng.randbytes(4 * dup.BINS))))
    return docs


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--index", action="store_true", help="also time the SQLite index pass")
    args = parser.parse_args()
    print(f"signature of an 800-word article: {per_file_cost() * 1000:.2f} ms CPU")
    print("times are wall clock; cpu = CPU seconds of this process (what a shared machine hides)")
    print(f"{'articles':>9} {'compare s':>10} {'cpu s':>7} {'µs/article':>11} {'pairs':>6}" + ("  index s" if args.index else ""))
    previous = None
    for n in args.sizes:
        docs = synthetic(n, random.Random(n))
        start, cpu = time.perf_counter(), time.process_time()
        hits = list(dup.compare(docs, PARAMS))
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        line = f"{n:>9} {took:>10.2f} {cpu:>7.2f} {cpu / n * 1e6:>11.1f} {len(hits):>6}"
        if args.index:
            with tempfile.TemporaryDirectory() as tmp:
                for path, _ in docs:  # the index keeps files that exist
                    full = os.path.join(tmp, path)
                    os.makedirs(os.path.dirname(full), exist_ok=True)
                    open(full, "wb").close()
                context = CorpusContext(cache_dir=os.path.join(tmp, "cache"), base_dir=tmp)
                start = time.perf_counter()
                list(dup.compare(docs, PARAMS, context=context))
                full_run = time.perf_counter() - start
                start = time.perf_counter()
                list(dup.compare(docs[-1:], PARAMS, context=context))  # pre-commit: one file
                line += f"  {full_run:.2f} (one file: {time.perf_counter() - start:.3f})"
        if previous:
            line += f"   cpu x{cpu / previous:.1f} for x{n / args.sizes[args.sizes.index(n) - 1]:.0f} articles"
        previous = cpu
        print(line, flush=True)


if __name__ == "__main__":
    main()
