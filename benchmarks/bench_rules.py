"""Per-rule cost of the default rules: CPU milliseconds per MB of text for each check.

Each default rule's check (a corpus rule's summarize) is timed alone over the tree's
.md and .txt files, on fresh Articles whose shared attributes (lines, blocks, prose_text,
...) are computed beforehand: no rule is charged for those, nor spared work another rule
put in `article.memo` (rules sharing a memo are each charged the whole of it, so the sum
over-counts; the "all" line pays it once). The least of --repeat passes is kept, which
leaves out one-time costs (compiling expressions, loading lexicons).

    python benchmarks/bench_rules.py TREE [--repeat 3] [--only RP,SP,BP] [--marginal]
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from lint import checks, ruleset
from lint.article import Article
from lint.ruleset import ENGINE_KIND

SHARED = ("lines", "front_matter", "nonprose", "prose_text", "blocks", "sentences", "body")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--repeat", type=int, default=3, help="runs per rule; the minimum is kept")
    parser.add_argument("--only", default="", help="comma-separated code prefixes")
    parser.add_argument("--marginal", action="store_true",
                        help="also each rule's marginal cost: all rules on one Article, less all but that rule")
    args = parser.parse_args()
    prefixes = tuple(p for p in args.only.split(",") if p)
    rules = [r for r in ruleset.load() if r.default and r.code.startswith(prefixes or ("",))]
    files = [(str(p), p.read_bytes()) for p in sorted(Path(args.tree).rglob("*"))
             if p.is_file() and p.suffix in (".md", ".txt")]
    megabytes = sum(len(data) for _, data in files) / 1e6
    runners = []
    for rule in rules:
        if rule.check != ENGINE_KIND:
            runners.append((rule.code, rule.check, runner(rule)))
    results = [(timed(files, [run], args.repeat), code, check) for code, check, run in runners]
    for ms, code, check in sorted(results, reverse=True):
        print(f"{code:7} {ms / megabytes:8.1f} ms/MB  {check}")
    together = timed(files, [run for _, _, run in runners], args.repeat)
    print(f"{'sum':7} {sum(r[0] for r in results) / megabytes:8.1f} ms/MB (each rule alone)")
    print(f"{'all':7} {together / megabytes:8.1f} ms/MB (one Article for all: shared memos paid once)"
          f" over {megabytes:.2f} MB, {len(files)} files")
    if args.marginal:
        for code, check, _ in runners:
            rest = timed(files, [run for other, _, run in runners if other != code], args.repeat)
            print(f"{code:7} {(together - rest) / megabytes:8.1f} ms/MB marginal  {check}")


def runner(rule):
    kind = checks.resolve(rule.check)
    params = dict(rule.params)
    if kind.is_corpus:
        return lambda article: kind.summarize(article, params)
    return lambda article: list(kind.fn(article, params))


def timed(files: list[tuple[str, bytes]], runs, repeat: int) -> float:
    """Least CPU milliseconds of `repeat` passes of `runs` over fresh Articles."""
    best = float("inf")
    for _ in range(repeat):
        articles = [Article(data, path) for path, data in files]
        for a in articles:  # the shared Article attributes are not a rule's cost
            for name in SHARED:
                getattr(a, name)
        gc.collect()
        t0 = time.process_time()
        for a in articles:
            for run in runs:
                run(a)
        best = min(best, time.process_time() - t0)
    return best * 1000


if __name__ == "__main__":
    main()
