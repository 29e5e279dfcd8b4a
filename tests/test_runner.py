"""Parallel runs and the result cache: same findings, deterministic order, real invalidation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from test_cli import HOUSE_RULES, write


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "rules.yaml").write_text(HOUSE_RULES)
    (tmp_path / "copydesk.toml").write_text('rules-dirs = ["house"]\n')
    for i in range(60):
        body = "A very unique e-mail.\n" if i % 3 == 0 else f"Post number {i}, utilize it.\n"
        write(tmp_path / f"posts/{i % 7}/post-{i:03}.md", body)
    return tmp_path


def findings(run_cli, *args):
    result = run_cli("check", "posts", "--output-format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout), result


def test_parallel_and_serial_runs_agree_in_order(tree, run_cli):
    serial, _ = findings(run_cli, "--jobs", "1", "--no-cache")
    parallel, _ = findings(run_cli, "--jobs", "2", "--no-cache")
    assert serial == parallel
    assert len(serial) == 20 * 2 + 40  # HS101+HS102 in every third post, HS103 in the rest
    assert serial == sorted(serial, key=lambda f: (f["path"], f["line"], f["column"], f["code"]))


def test_cached_findings_equal_fresh_ones(tree, run_cli):
    fresh, _ = findings(run_cli, "--no-cache")
    first, _ = findings(run_cli)
    cache_dir = tree / ".copydesk_cache"
    assert (cache_dir / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache_dir / ".gitignore").read_text().strip().endswith("*")
    second, _ = findings(run_cli)
    assert fresh == first == second


def test_cache_sees_content_changes_and_touches(tree, run_cli):
    findings(run_cli)
    post = tree / "posts/1/post-001.md"
    post.write_text("Now a very unique post.\n")
    got, _ = findings(run_cli)
    assert any(f["path"] == "posts/1/post-001.md" and f["code"] == "HS101" for f in got)
    os.utime(tree / "posts/0/post-000.md")  # touched, same bytes
    again, _ = findings(run_cli)
    assert again == got


def test_rule_and_config_changes_invalidate_the_cache(tree, run_cli):
    before, _ = findings(run_cli)
    rules = (tree / "house" / "rules.yaml")
    rules.write_text(rules.read_text().replace('tokens: ["very unique"]', 'tokens: ["post number"]'))
    after_rules, _ = findings(run_cli)
    assert {f["code"] for f in after_rules} != {f["code"] for f in before} or after_rules != before
    assert any("Post number" in f["message"] for f in after_rules)
    with (tree / "copydesk.toml").open("a") as f:
        f.write('ignore = ["HS103"]\n')
    after_config, _ = findings(run_cli)
    assert not any(f["code"] == "HS103" for f in after_config)


def test_cache_dir_option_and_env(tree, run_cli, tmp_path):
    elsewhere = tree / "elsewhere"
    findings(run_cli, "--cache-dir", str(elsewhere))
    assert (elsewhere / "CACHEDIR.TAG").exists()
    env_dir = tree / "from-env"
    run_cli("check", "posts", env={"COPYDESK_CACHE_DIR": str(env_dir)})
    assert (env_dir / "CACHEDIR.TAG").exists()
    assert not (tree / ".copydesk_cache").exists()


def cache_files(tree: Path) -> list[Path]:
    files = sorted((tree / ".copydesk_cache").glob("*/*.sqlite3"))
    assert files
    return files


def test_a_corrupt_or_hostile_cache_is_ignored(tree, run_cli):
    import marshal
    import sqlite3

    fresh, _ = findings(run_cli)
    for file in cache_files(tree):
        # a row that names a callable outside copydesk would run code if trusted
        with sqlite3.connect(file) as con:
            con.execute("UPDATE results SET corpus = ?",
                        (marshal.dumps(({"RP106": (1, "os", "system", ("echo owned",))}, None)),))
    again, result = findings(run_cli)
    assert again == fresh and b"Traceback" not in result.stderr and b"owned" not in result.stdout
    for file in cache_files(tree):
        with sqlite3.connect(file) as con:  # rows that are not marshal data at all
            con.execute("UPDATE results SET brief = X'00ff', detail = X'00ff'")
    assert findings(run_cli)[0] == fresh
    for file in cache_files(tree):
        file.write_bytes(b"not a database" * 500)
        for extra in file.parent.glob(file.name + "-*"):
            extra.unlink()
    again, result = findings(run_cli)
    assert again == fresh and b"Traceback" not in result.stderr
    assert findings(run_cli)[0] == fresh  # rebuilt


SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """Real articles (many findings, fixes, related places), a duplicate pair for RP106,
    a suppression, files in several directories."""
    for i, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        write(tmp_path / f"posts/{i % 2}/{seed.name}", seed.read_text(encoding="utf-8"))
        write(tmp_path / f"posts/{seed.name}", seed.read_text(encoding="utf-8"))  # RP106
    story = "The council approved the budget on Tuesday after a long debate about roads. " * 12
    write(tmp_path / "posts/2/story.md", story + "\n")
    write(tmp_path / "posts/2/story-again.md", "<!-- copydesk-disable-file RP106 -->\n\n" + story + "\n")
    write(tmp_path / "posts/2/story-third.md", "Teh story , again.\n\n" + story + "\n")
    return tmp_path


@pytest.mark.parametrize("fmt", ["concise", "full", "json", "json-lines", "pylint", "sarif", "github",
                                 "junit", "statistics"])
def test_warm_runs_report_what_cold_runs_report(articles, run_cli, fmt):
    args = ["check", "posts", "--isolated", "--extend-select", "ALL", "--ignore", "GR"]
    args += ["--statistics"] if fmt == "statistics" else ["--output-format", fmt]
    cold = run_cli(*args, "--no-cache")
    assert cold.returncode == 1, cold.stderr
    filling = run_cli(*args)
    warm = run_cli(*args)
    assert list((articles / ".copydesk_cache").glob("*/*.sqlite3"))
    assert cold.stdout == filling.stdout == warm.stdout
    assert cold.stderr == filling.stderr == warm.stderr  # the summary line: counts, fixable
    if fmt == "concise":
        assert b"RP106" in warm.stdout and b"[*]" in warm.stdout


def test_a_changed_file_is_linted_again_among_cached_ones(articles, run_cli):
    args = ("check", "posts", "--isolated", "--output-format", "json")
    assert b"story-third.md" in run_cli(*args).stdout  # a duplicate (RP106)
    write(articles / "posts/2/story-third.md", "Now a different text entirely, no duplicate.\n")
    warm = run_cli(*args)
    assert warm.stdout == run_cli(*args, "--no-cache").stdout
    assert b"story-third.md" not in warm.stdout


def test_the_concise_rows_render_as_the_findings_do(articles):
    from lint.config import Resolver
    from lint.engine import lint_bytes
    from lint.finding import finding_from_rows, finding_to_rows
    from lint.report import Report
    from lint.report.text import concise, concise_lines, concise_tails

    resolver = Resolver(isolated=True)
    settings = resolver.project
    checked = 0
    for path in sorted(articles.rglob("*.*")):
        result, _ = lint_bytes(path.read_bytes(), path.name, resolver.active_rules(path, settings),
                               settings.ruleset, max_size=settings.max_file_size)
        rows = [finding_to_rows(f) for f in result.findings]
        assert [finding_from_rows(path.name, *r) for r in rows] == result.findings
        text = concise_lines(path.name, concise_tails([brief for brief, _ in rows]))
        assert text == concise(Report(result.findings, settings.ruleset))
        checked += len(rows)
    assert checked > 50


def test_summaries_spill_to_disk_and_read_back_in_order():
    from lint.checks._duplicates import Signature
    from lint.runner import SummarySpill
    from lint.suppress import Directive, Suppressions

    spill = SummarySpill()
    sup = Suppressions([Directive("disable-file", ("RP106",), 0, 10, 1, 1, 99)], [])
    for i in range(300):
        spill.add(f"p{i}.md", {"RP106": Signature("s", f"d{i}", i, bytes([i % 256]) * 512) if i % 3 else None},
                  sup if i == 7 else Suppressions([], []))
    for _ in range(2):  # every corpus rule reads them again
        got = list(spill)
        assert [r.path for r in got] == [f"p{i}.md" for i in range(300)]
        assert got[4].summaries["RP106"] == Signature("s", "d4", 4, bytes([4]) * 512)
        assert got[3].summaries["RP106"] is None
    assert spill.suppressions_of("p7.md") is sup and spill.suppressions_of("p8.md") is None
    spill.close()


def test_one_regex_per_spec_matches_as_pathspec_does():
    import random

    import pathspec

    from lint.config import DEFAULT_EXCLUDE, DEFAULT_INCLUDE
    from lint.files import matcher

    names = ["a.md", "README.txt", "requirements-dev.txt", "LICENSE.md", "node_modules", "build", "x.markdown",
             ".git", "notes.text", "b.MD", "dist", "_site", "docs", "robots.txt", "a b.md", "ü.md"]
    rng = random.Random(7)
    paths = ["/".join(rng.choice(names) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
    specs = [DEFAULT_EXCLUDE, DEFAULT_INCLUDE, ("*.md", "!README*", "docs/"), ("/build", "**/x*", "a?.md"), (),
             ("build", "*.MD", "a?.md", "[!d]*.text", "ü*", "requirements*.txt")]  # slashless: one prefix
    for patterns in specs:
        spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        match = matcher(spec)
        assert [match(p) for p in paths] == [spec.match_file(p) for p in paths], patterns


def test_runs_with_external_checks_are_not_cached(tree, run_cli):
    from fake_languagetool import FakeLanguageTool  # the grammar tests' stand-in server

    with FakeLanguageTool() as server:
        result = run_cli("check", "posts", "--extend-select", "GR", env={"LANGUAGETOOL_URL": server.url})
    assert result.returncode in (0, 1), result.stderr
    assert not (tree / ".copydesk_cache").exists()


def test_no_cache_keeps_no_state_at_all(tree, run_cli):
    story = "The council approved the budget on Tuesday after a long debate about roads. " * 8
    write(tree / "posts/a/story.md", story + "\n")
    write(tree / "posts/b/same-story.md", story + "\n")
    result = run_cli("check", "posts", "--no-cache")
    assert "RP106" in result.stdout.decode()  # duplicates are still found within the run
    assert not (tree / ".copydesk_cache").exists()


class _Scrambled:
    """An executor whose batches finish in a random order, and that records what it was sent."""

    batch_size = 3
    in_flight = 4

    def __init__(self, seed: int):
        import random

        self.rng = random.Random(seed)
        self.started = False
        self.here_files = self.sent_files = 0

    def _outcomes(self, tasks):
        from lint.engine import FileResult
        from lint.runner import Outcome

        return [Outcome(shown, FileResult(shown)) for _, shown, _ in tasks]

    def here(self, tasks):
        self.here_files += len(tasks)
        return self._Handle(self._outcomes(tasks), lambda: True)

    def submit(self, tasks):
        self.started = True
        self.sent_files += len(tasks)
        return self._Handle(self._outcomes(tasks), lambda: self.rng.random() < 0.3)

    class _Handle:
        def __init__(self, outcomes, ready):
            self.outcomes, self.ready = outcomes, ready

        def result(self):
            return self.outcomes


class _Hits:
    """A cache in which every file whose number is in `hits` is found."""

    def __init__(self, hits):
        self.hits = hits

    def find(self, path, stat, read_digest):
        from lint.engine import FileResult

        return FileResult(path) if int(path.rsplit("-", 1)[1]) in self.hits else None


def _candidates(tmp_path: Path, count: int, consumed: list):
    from lint.config import Resolver
    from lint.files import Candidate

    settings = Resolver(isolated=True).project
    for i in range(count):
        consumed.append(i)
        yield Candidate(str(tmp_path / "f"), settings, shown=f"f-{i}"), f"f-{i}"


@pytest.mark.parametrize("seed", range(5))
def test_outcomes_come_in_walk_order_whatever_finishes_first(tmp_path, seed):
    import random

    from lint import runner

    (tmp_path / "f").write_text("x\n")
    count = 3 * runner.QUEUE
    hits = set(random.Random(seed).sample(range(count), count // 2))
    executor, consumed, order = _Scrambled(seed), [], []
    for outcome in runner.run(_candidates(tmp_path, count, consumed), executor, cache=_Hits(hits)):
        order.append(int(outcome.shown.rsplit("-", 1)[1]))
        # the run holds a bounded number of files between the walk and the report
        assert len(consumed) - len(order) <= runner.QUEUE + executor.batch_size * executor.in_flight
    assert order == list(range(count))
    assert executor.here_files + executor.sent_files == count - len(hits)


def test_a_few_misses_among_cached_files_start_no_workers(tmp_path):
    from lint import runner

    (tmp_path / "f").write_text("x\n")
    count = 4 * runner.QUEUE
    # misses far apart: never PARALLEL_THRESHOLD of them waiting at once
    misses = set(range(0, count, runner.QUEUE // 8))
    executor, consumed = _Scrambled(0), []
    outcomes = list(runner.run(_candidates(tmp_path, count, consumed), executor,
                               cache=_Hits(set(range(count)) - misses)))
    assert [o.shown for o in outcomes] == [f"f-{i}" for i in range(count)]
    assert not executor.started and executor.here_files == len(misses)
    crowded = set(range(runner.PARALLEL_THRESHOLD))  # enough misses together: the pool starts
    executor = _Scrambled(0)
    list(runner.run(_candidates(tmp_path, count, []), executor, cache=_Hits(set(range(count)) - crowded)))
    assert executor.started and executor.sent_files == len(crowded)


def test_the_concise_spill_merges_runs_as_one_sort_would(articles, monkeypatch):
    """Parts of a path arrive apart (a file's findings, then cross-file ones), some from the
    cache as ready lines; the spilled, merged report equals the report of every finding sorted."""

    from lint.config import Resolver
    from lint.engine import lint_bytes
    from lint.finding import Finding, finding_to_rows
    from lint.report import Report
    from lint.report.text import ConciseSpill, concise, concise_tails

    class Cached:  # what ConciseSpill reads of a cache.CachedResult
        def __init__(self, path, findings):
            self.path, self.tails = path, concise_tails([finding_to_rows(f)[0] for f in findings])

    resolver = Resolver(isolated=True)
    settings = resolver.project
    parts = []
    for path in sorted(articles.rglob("*.*"), reverse=True):  # not in path order
        shown = path.relative_to(articles).as_posix()
        result, _ = lint_bytes(path.read_bytes(), shown, resolver.active_rules(path, settings),
                               settings.ruleset, max_size=settings.max_file_size)
        findings = sorted(result.findings, key=Finding.sort_key)
        if findings:
            parts.append((Cached(shown, findings) if len(parts) % 2 else None, findings))
    # a second part for some paths, with findings at the same places as the first's
    later = [f._replace(message=f.message + " (again)")
             for _, findings in parts[::3] for f in findings[::2]]
    everything = [f for _, findings in parts for f in findings] + later
    expected = concise(Report(sorted(everything, key=Finding.sort_key), settings.ruleset))
    for run in (2, 5, ConciseSpill.RUN):
        monkeypatch.setattr(ConciseSpill, "RUN", run)
        monkeypatch.setattr(ConciseSpill, "BLOCK", 64)  # records that span blocks
        spill = ConciseSpill()
        for cached, findings in parts:
            spill.add_cached(cached) if cached is not None else spill.add_findings(findings)
        spill.add_findings(later)
        assert "".join(spill.lines()) == expected
        assert (spill._file is not None) == (run < len(parts))
        spill.close()
    assert expected.count("\n") > 50


def test_a_warm_run_imports_only_the_corpus_rules_checks(articles):
    """The cache says which rules have summaries; nothing else needs a check module (nor the
    scan for external checks, which a run with a cache file never had)."""
    import subprocess
    import sys

    code = ("import sys; from lint.cli import main; main(['check', 'posts', '-q', '--isolated', '-j', '1']); "
            "print(sorted(m for m in sys.modules if m.startswith('lint.checks.')))")
    cold = subprocess.run([sys.executable, "-c", code], cwd=articles, capture_output=True, text=True)
    warm = subprocess.run([sys.executable, "-c", code], cwd=articles, capture_output=True, text=True)
    assert cold.stdout.splitlines()[:-1] == warm.stdout.splitlines()[:-1] and "RP106" in warm.stdout
    assert "lint.checks.encoding" in cold.stdout.splitlines()[-1]
    assert warm.stdout.splitlines()[-1] == "['lint.checks._duplicates', 'lint.checks.repetition']", warm.stderr


def test_a_one_file_run_reads_the_language_lexicon_without_pyyaml(tmp_path):
    """RP104 and the sentence splitter ask for the language lexicon on text with doubled
    words or "etc."; once the derived cache holds it, PyYAML (~15 ms) is not imported."""
    import subprocess
    import sys

    post = tmp_path / "post.md"
    post.write_text("Mình chỉ biết sơ sơ về mảng này, etc. The rest is fine. We met the the team.\n",
                    encoding="utf-8")
    code = ("import sys; from lint.cli import main\n"
            "try:\n    main(['check', 'post.md', '-q', '--isolated', '--no-cache'])\n"
            "except SystemExit:\n    pass\n"
            "print('yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
            for _ in range(2)]
    assert runs[1].stdout.splitlines()[-1] == "False", runs[1].stderr


# -- copydesk clean, pruning -----------------------------------------------------------------


def test_clean_removes_the_cache_directory_and_nothing_else(articles, run_cli):
    args = ("check", "posts", "--isolated", "-q")
    assert run_cli(*args).returncode == 1
    cache_dir = articles / ".copydesk_cache"
    assert list(cache_dir.glob("*/*.sqlite3")) and (cache_dir / "duplicate-articles-v4.sqlite3").exists()
    before = sorted(p for p in articles.rglob("*") if cache_dir not in p.parents and p != cache_dir)
    result = run_cli("clean")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == f"Removed the cache directory {cache_dir}\n"
    assert not cache_dir.exists()
    assert sorted(articles.rglob("*")) == before
    again = run_cli("clean")
    assert again.returncode == 0 and b"nothing to remove" in again.stdout
    assert b"clean" in run_cli("--help").stdout


def test_clean_follows_cache_dir_and_the_environment(tree, run_cli):
    elsewhere = tree / "elsewhere"
    findings(run_cli, "--cache-dir", str(elsewhere))
    assert b"nothing to remove" in run_cli("clean").stdout  # not the default directory
    assert elsewhere.exists()
    assert run_cli("clean", "--cache-dir", "elsewhere").returncode == 0
    assert not elsewhere.exists()
    env = {"COPYDESK_CACHE_DIR": str(tree / "from-env")}
    run_cli("check", "posts", env=env)
    assert (tree / "from-env" / "derived").is_dir()  # the derived data lives there too
    result = run_cli("clean", env=env)
    assert result.returncode == 0 and b"from-env" in result.stdout
    assert not (tree / "from-env").exists()


def test_clean_finds_the_cache_beside_the_configuration(tree, run_cli):
    findings(run_cli)
    below = tree / "posts" / "1"
    assert run_cli("clean", cwd=below).returncode == 0  # the project root is tree, as for check
    assert not (tree / ".copydesk_cache").exists()


def test_a_cache_directory_only_rp106_creates_is_tagged_and_cleaned(tree, run_cli):
    from fake_languagetool import FakeLanguageTool

    story = "The council approved the budget on Tuesday after a long debate about roads. " * 12
    write(tree / "posts/a/story.md", story + "\n")
    with FakeLanguageTool() as server:  # an external check: no result cache, but RP106's index
        result = run_cli("check", "posts", "--extend-select", "GR", env={"LANGUAGETOOL_URL": server.url})
    cache_dir = tree / ".copydesk_cache"
    assert result.returncode in (0, 1), result.stderr
    assert not list(cache_dir.glob("*/*.sqlite3")) and (cache_dir / "duplicate-articles-v4.sqlite3").exists()
    assert (cache_dir / "CACHEDIR.TAG").exists()
    assert run_cli("clean").returncode == 0 and not cache_dir.exists()


def test_clean_refuses_a_directory_copydesk_did_not_tag(tree, run_cli):
    mine = tree / "notes"
    write(mine / "draft.md", "My own notes.\n")
    findings(run_cli, "--cache-dir", str(mine))  # a mistake: check uses it but does not tag it
    assert list(mine.glob("*/*.sqlite3"))
    assert not (mine / "CACHEDIR.TAG").exists() and not (mine / ".gitignore").exists()
    other_tool = tree / "other"
    write(other_tool / "CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# created by pytest.\n")
    for target in (mine, other_tool, tree / "posts/0/post-000.md"):
        result = run_cli("clean", "--cache-dir", str(target))
        assert result.returncode == 2 and b"Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1 and b"not removing it" in result.stderr
        assert target.exists()
    assert (mine / "draft.md").read_text() == "My own notes.\n"


def test_clean_reports_a_directory_it_cannot_remove(tree, monkeypatch, capsys):
    import shutil

    from lint.cli import main

    monkeypatch.chdir(tree)
    assert main(["check", "posts", "-q", "-j", "1"]) == 1
    cache_dir = tree / ".copydesk_cache"

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(shutil, "rmtree", refuse)
    capsys.readouterr()
    assert main(["clean"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"copydesk: error: cannot remove {cache_dir}: {cache_dir}/")
    assert err.endswith(": Permission denied\n") and len(err.splitlines()) == 1
    assert (cache_dir / "CACHEDIR.TAG").exists()  # kept: a later clean still recognises it
    monkeypatch.undo()
    monkeypatch.chdir(tree)
    assert main(["clean"]) == 0 and not cache_dir.exists()


def test_a_run_that_writes_results_prunes_caches_unused_for_long(tree, run_cli):
    import time

    from lint.cache import STALE_AFTER

    findings(run_cli)
    findings(run_cli, "--select", "HS101")  # another configuration: another file
    cache_dir = tree / ".copydesk_cache"
    current, other = sorted(cache_dir.glob("*/*.sqlite3"), key=lambda p: p.stat().st_mtime)
    old_version = cache_dir / "0.0.1"
    old_version.mkdir()
    stale_old = old_version / ("a" * 32 + ".sqlite3")
    stale_old.write_bytes(b"")
    (old_version / ("a" * 32 + ".sqlite3-wal")).write_bytes(b"")
    fresh_old = cache_dir / "0.0.2" / ("b" * 32 + ".sqlite3")
    write(fresh_old, "")
    not_ours = current.parent / "notes.sqlite3"
    write(not_ours, "")
    long_ago = time.time() - STALE_AFTER - 3600
    for path in (other, stale_old, not_ours, *old_version.iterdir()):
        os.utime(path, (long_ago, long_ago))
    findings(run_cli)  # warm: writes nothing, so prunes nothing
    assert other.exists() and stale_old.exists()
    write(tree / "posts/1/post-001.md", "A changed post.\n")
    findings(run_cli)
    assert not other.exists() and not old_version.exists()
    assert current.exists() and fresh_old.exists() and not_ours.exists()
    findings(run_cli, "--select", "HS101")  # a pruned configuration is simply linted afresh
    assert other.exists()


def test_a_run_without_a_cache_does_not_hash_the_files(tree, monkeypatch):
    from lint import cache
    from lint.cli import main

    hashed = []
    real = cache.digest
    monkeypatch.setattr(cache, "digest", lambda data: hashed.append(data) or real(data))
    monkeypatch.chdir(tree)
    assert main(["check", "posts", "-q", "-j", "1", "--no-cache"]) == 1
    assert hashed == []
    assert main(["check", "posts", "-q", "-j", "1"]) == 1
    assert len(hashed) == 60  # each file linted, for its cache row
