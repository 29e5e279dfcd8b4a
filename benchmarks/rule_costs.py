"""CPU cost of each active default rule, and of building the Article, in ms per MB.

    python benchmarks/rule_costs.py [TREE] [--rounds N] [--top K] [--only RP,SP,BP]

Every file of TREE (default /tmp/copydesk-bench/tree-1MB) is read once; each round builds
its Articles afresh and runs every rule the default configuration enables, clocking each
check apart. Work that rules share through Article properties or article.memo is charged
to the first rule that asks for it (rules run in the engine's order), except for the
Article's own structure (decoding, non-prose spans, prose text, blocks), which is charged
to "Article". Reports the first round (cold per-process memos) and the best round.
Not part of the test suite: timings belong here, not in assertions."""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "Article"


def one_round(files: list[tuple[Path, bytes]], active, resolve) -> dict[str, float]:
    from lint.article import Article
    from lint.engine import ENGINE_KIND

    cpu: dict[str, float] = defaultdict(float)
    clock = time.process_time
    for path, data in files:
        start = clock()
        article = Article(data, str(path))
        article.prose_text
        article.blocks
        cpu[ARTICLE] += clock() - start
        for item in active:
            if item.rule.check == ENGINE_KIND:
                continue
            kind = resolve(item.rule.check)
            start = clock()
            if kind.is_corpus:
                kind.summarize(article, item.params)
            else:
                for _ in kind.fn(article, item.params):
                    pass
            cpu[item.rule.code] += clock() - start
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path, default=Path("/tmp/copydesk-bench/tree-1MB"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", default="", help="comma-separated code prefixes (the Article is always built)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import lint.cli  # noqa: F401  (importing it sets a run's garbage-collection thresholds)
    from lint import checks
    from lint.config import Resolver

    resolver = Resolver(isolated=True, cwd=ROOT)
    active = resolver.active_rules(None, resolver.project)
    prefixes = tuple(p for p in args.only.split(",") if p)
    if prefixes:
        active = [item for item in active if item.rule.code.startswith(prefixes)]
    files = [(p, p.read_bytes()) for p in sorted(args.tree.rglob("*")) if p.is_file()]
    megabytes = sum(len(data) for _, data in files) / 1e6
    rounds = [one_round(files, active, checks.resolve) for _ in range(args.rounds)]
    first, best = rounds[0], {key: min(r[key] for r in rounds) for key in rounds[0]}
    print(f"{len(files)} files, {megabytes:.2f} MB, {len(active)} active rules; ms per MB CPU")
    print(f"{'':8} {'first':>8} {'best':>8}")
    for key in sorted(best, key=best.__getitem__, reverse=True)[:args.top]:
        print(f"{key:8} {1000 * first[key] / megabytes:8.1f} {1000 * best[key] / megabytes:8.1f}")
    print(f"{'total':8} {1000 * sum(first.values()) / megabytes:8.1f} "
          f"{1000 * sum(best.values()) / megabytes:8.1f}")


if __name__ == "__main__":
    main()
