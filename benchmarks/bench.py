"""Throughput and latency of `copydesk check`, measured as a user runs it.

    python benchmarks/bench.py                      # generate trees of 10 and 50 MB, measure
    python benchmarks/bench.py --sizes 5            # smaller
    python benchmarks/bench.py --tree DIR           # measure an existing tree of articles
    python benchmarks/bench.py --real               # real documents installed on this machine
    python benchmarks/bench.py --warm-runs 5        # the warm run: the fastest of 5

A generated tree is built deterministically from the real sample articles in
tests/fixtures/seeds/ and examples/: articles of mixed sizes (one to many stories long),
about one in five damaged (mojibake, a pasted-twice block, a comment form at the end, cut
front matter). Each run reports files, MB, seconds, files/s, MB/s and the peak RSS of the
largest copydesk process, for a cold run (no cache), a first run that fills the cache, a
warm run from the cache, and the one-file latency (process start to exit, median of 20).

A generated tree repeats a few hundred real paragraphs, which flatters every memo keyed by
word or paragraph. `--real` measures real text instead: a tree assembled from the
documentation that Debian packages install (REAL_SOURCES; e.g. `apt-get install nodejs
python3.11-doc debian-faq`), Markdown and plain text written by many hands.
Not part of the test suite: timings belong here, not in assertions."""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Outside the repository: its .gitignore would (rightly) make copydesk skip the trees.
DATA = Path(tempfile.gettempdir()) / "copydesk-bench"


def copydesk_command() -> list[str]:
    exe = shutil.which("copydesk", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "lint"]


def source_paragraphs() -> list[str]:
    paragraphs = []
    for folder in (ROOT / "tests" / "fixtures" / "seeds", ROOT / "examples"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".md", ".txt"):
                text = path.read_text(encoding="utf-8", errors="replace")
                if text.startswith("---"):
                    text = text.split("\n---", 2)[-1]
                paragraphs += [p.strip() for p in text.replace("\r", "").split("\n") if len(p.strip()) > 60]
    return paragraphs


DAMAGE = {
    "mojibake": lambda body, rng: body.replace("–", "â€“", 1).replace("’", "â€™", 2) if "–" in body or "’" in body
    else body + "\n\nThe cafÃ© was closed â€“ again.\n",
    "pasted-twice": lambda body, rng: body + "\n\n" + body,
    "comment-form": lambda body, rng: body + ("\n\nShare this:\n\nTwitter\nFacebook\n\nLeave a Reply\n\n"
                                              "Your email address will not be published. Required fields are marked *\n"),
    "cut-excerpt": None,  # handled in the front matter
}


def generate(target: Path, megabytes: float, seed: int = 42) -> None:
    if target.exists() and (target / ".complete").exists():
        return
    shutil.rmtree(target, ignore_errors=True)
    rng = random.Random(seed)
    paragraphs = source_paragraphs()
    size = 0
    i = 0
    limit = megabytes * 1024 * 1024
    while size < limit:
        length = rng.choice([3, 5, 8, 12, 20, 30, 60])
        body = "\n\n".join(rng.choice(paragraphs) for _ in range(length))
        damage = rng.choice(list(DAMAGE)) if rng.random() < 0.2 else None
        if damage and DAMAGE[damage]:
            body = DAMAGE[damage](body, rng)
        words = body.split()
        title = " ".join(words[:8]).strip(".,\"'")
        excerpt = " ".join(words[:25])
        if damage == "cut-excerpt":
            excerpt = excerpt[:-3]
        day = 1 + i % 28
        front = (f"---\nlayout: post\ntitle: \"{title.replace(chr(34), '')}\"\n"
                 f"date: 2024-{1 + i % 12:02}-{day:02} 10:00:00 +0000\n"
                 f"tags: [news, world]\nexcerpt: \"{excerpt.replace(chr(34), '')}\"\n---\n\n")
        folder = target / "_posts" / f"{2015 + i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        suffix = ".md" if i % 4 else ".txt"
        text = (front if suffix == ".md" else "") + body + "\n"
        (folder / f"2024-{1 + i % 12:02}-{day:02}-post-{i:05}{suffix}").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
        i += 1
    (target / ".complete").write_text("")


# (folder in the tree, where the files are, glob): real documents that Debian packages install
REAL_SOURCES = [
    ("nodejs", "/usr/share/doc/nodejs", "**/*.md"),  # nodejs: API docs, guides, changelogs
    ("npm", "/usr/lib/node_modules/npm/docs/content", "**/*.md"),  # npm's command docs
    ("python", "/usr/share/doc/python3.11/html/_sources", "**/*.txt"),  # python3.11-doc (reST as text)
    ("debian-faq", "/usr/share/doc/debian/FAQ", "debian-faq.*.txt.gz"),  # debian-faq, -de, -fr, ...
]


def assemble_real(target: Path) -> None:
    """A tree of the REAL_SOURCES found on this machine (gzipped ones unpacked)."""
    shutil.rmtree(target, ignore_errors=True)
    found = 0
    for label, folder, pattern in REAL_SOURCES:
        base = Path(folder)
        for path in sorted(base.glob(pattern)) if base.is_dir() else []:
            name = path.relative_to(base)
            data = path.read_bytes()
            if path.suffix == ".gz":
                data, name = gzip.decompress(data), name.with_suffix("")
            dest = target / label / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            found += 1
    if not found:
        sys.exit("--real: none of the documentation folders in REAL_SOURCES is installed")


def tree_size(tree: Path) -> tuple[int, int]:
    files = [p for p in tree.rglob("*") if p.is_file() and p.suffix in (".md", ".txt")]
    return len(files), sum(p.stat().st_size for p in files)


def timed(args: list[str], cwd: Path, expect_files: int | None = None) -> tuple[float, float, int]:
    """Seconds, peak RSS in MB (largest process of the run), exit status. With expect_files,
    the summary line must say that many files were checked: a benchmark that silently
    skipped its tree would measure nothing."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err.seek(0)
        summary = err.read().decode(errors="replace")
    if expect_files is not None:
        checked = re.search(r"in ([\d,]+) files?", summary)
        assert checked and int(checked.group(1).replace(",", "")) == expect_files, summary[-500:]
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(tree: Path, jobs: int | None, warm_runs: int = 1, cache: Path | None = None) -> list[dict]:
    """Cold, filling and warm runs (the warm one the fastest of `warm_runs`; its peak RSS
    the largest of them), then the one-file latency. The cache goes to `cache` (emptied
    first; default: .bench-cache in the tree)."""
    cmd = copydesk_command() + ["check", "."]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    cache = cache or tree / ".bench-cache"
    shutil.rmtree(cache, ignore_errors=True)
    files, size = tree_size(tree)
    rows = []
    for label, extra, runs in (("cold, no cache", ["--no-cache"], 1),
                               ("cold, filling cache", ["--cache-dir", str(cache)], 1),
                               (f"warm cache{f' (min of {warm_runs})' if warm_runs > 1 else ''}",
                                ["--cache-dir", str(cache)], warm_runs)):
        measured = [timed(cmd + extra, tree, expect_files=files) for _ in range(runs)]
        assert all(status in (0, 1) for _, _, status in measured), f"copydesk exited {measured}"
        seconds, rss = min(s for s, _, _ in measured), max(r for _, r, _ in measured)
        rows.append({"run": label, "files": files, "MB": size / 1e6, "seconds": seconds,
                     "files/s": files / seconds, "MB/s": size / 1e6 / seconds, "peak RSS MB": rss})
    one = next(p for p in sorted(tree.rglob("*.md")))
    latencies = [timed(copydesk_command() + ["check", "--no-cache", str(one)], tree)[0] for _ in range(20)]
    rows.append({"run": "one file (median of 20)", "files": 1, "MB": one.stat().st_size / 1e6,
                 "seconds": statistics.median(latencies), "files/s": None, "MB/s": None,
                 "peak RSS MB": timed(copydesk_command() + ["check", "--no-cache", str(one)], tree)[1]})
    return rows


CLIENT = """
import resource, sys, time
from lint.cli import main
start = time.perf_counter()
status = main(sys.argv[1:])
seconds = time.perf_counter() - start
print(f"{seconds:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}", file=sys.__stderr__)
"""


def client_run(args: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds and the peak RSS of the client process alone (workers are not counted)."""
    proc = subprocess.run([sys.executable, "-c", CLIENT, *args], cwd=cwd, capture_output=True, text=True)
    last = proc.stderr.strip().splitlines()[-1]
    seconds, rss = last.split()
    return float(seconds), float(rss)


def measure_dask(tree: Path) -> list[dict]:
    """Throughput of the Dask executor with 1 and 2 local workers, and the client's memory;
    output streamed as json-lines so the client holds no findings."""
    files, size = tree_size(tree)
    rows = []
    for label, extra in (("local processes, 2", ["--jobs", "2"]),
                         ("dask, 1 worker", ["--executor", "dask", "--jobs", "1"]),
                         ("dask, 2 workers", ["--executor", "dask", "--jobs", "2"])):
        seconds, rss = client_run(["check", ".", "--no-cache", "-q", "--output-format", "json-lines",
                                   "-o", os.devnull, *extra], tree)
        rows.append({"run": label, "files": files, "MB": size / 1e6, "seconds": seconds,
                     "files/s": files / seconds, "MB/s": size / 1e6 / seconds, "peak RSS MB": rss})
    return rows


def table(rows: list[dict]) -> str:
    head = ["run", "files", "MB", "seconds", "files/s", "MB/s", "peak RSS MB"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = []
        for key in head:
            value = row[key]
            if value is None:
                cells.append("")
            elif isinstance(value, float):
                cells.append(f"{value:,.3f}" if key == "seconds" else f"{value:,.1f}")
            else:
                cells.append(f"{value:,}" if isinstance(value, int) else str(value))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[10, 50], help="generated tree sizes in MB")
    parser.add_argument("--tree", type=Path, help="measure this tree instead of generated ones")
    parser.add_argument("--real", action="store_true",
                        help="measure a tree of the real documents in REAL_SOURCES instead of generated ones")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to copydesk")
    parser.add_argument("--dask", action="store_true",
                        help="also measure the Dask executor (1 and 2 workers) and the client's memory")
    parser.add_argument("--data-dir", type=Path, default=DATA, help=f"where generated trees go (default {DATA})")
    parser.add_argument("--warm-runs", type=int, default=1, metavar="N",
                        help="time the warm run N times and report the fastest (default 1)")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help="the cache of the measured runs (emptied first; default: .bench-cache in the tree)")
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    trees = [args.tree] if args.tree else []
    if args.real:
        trees.append(args.data_dir / "real-docs")
        assemble_real(trees[-1])
    for mb in ([] if args.tree or args.real else args.sizes):
        tree = args.data_dir / f"tree-{mb:g}MB"
        generate(tree, mb)
        trees.append(tree)
    for tree in trees:
        print(f"\n### {tree.name}\n")
        cache = args.cache_dir / tree.name if args.cache_dir and len(trees) > 1 else args.cache_dir
        print(table(measure(tree, args.jobs, args.warm_runs, cache)))
        if args.dask:
            print(f"\n### {tree.name}, Dask (peak RSS of the client process only)\n")
            print(table(measure_dask(tree)))


if __name__ == "__main__":
    main()
