"""Baselines: adopting copydesk on an archive without fixing it first."""

from __future__ import annotations

import json

import pytest

from integrations import DAMAGED, make_site
from lint import baseline
from lint.finding import Finding, Location, Severity

BASELINE = "copydesk-baseline.json"
DAMAGED_PATH = "_posts/damaged.md"


@pytest.fixture
def site(tmp_path):
    return make_site(tmp_path / "site")


@pytest.fixture
def check(run_cli, site):
    def run(*args: str):
        result = run_cli("check", *args, cwd=site)
        result.out = result.stdout.decode("utf-8")
        result.err = result.stderr.decode("utf-8")
        return result

    return run


def _codes(concise_output: str) -> list[str]:
    return [line.split(": ", 1)[1].split()[0] for line in concise_output.splitlines()]


def test_round_trip(check, site):
    article = site / DAMAGED_PATH
    assert check().returncode == 1

    written = check("--write-baseline", BASELINE)
    assert written.returncode == 0, written.err
    assert written.out == ""
    assert "Wrote 4 findings (3 entries) to the baseline" in written.err

    quiet = check("--baseline", BASELINE)
    assert quiet.returncode == 0 and quiet.out == ""
    assert "No new findings in 2 files (4 baselined)." in quiet.err

    # an edit above every finding moves them all: none becomes new
    article.write_text("A correction, added on top.\n\nAnd a second line.\n" + DAMAGED, encoding="utf-8")
    moved = check("--baseline", BASELINE)
    assert moved.returncode == 0 and moved.out == "", moved.out
    assert "(4 baselined)" in moved.err

    # a new defect: exactly one new finding, though the same text is already recorded twice
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\nReplies by e-mail are welcome.\n")
    new = check("--baseline", BASELINE)
    assert new.returncode == 1
    assert new.out.splitlines() == [f"{DAMAGED_PATH}:14:12: HS101 [*] write 'email', not 'e-mail'"]
    assert "Found 1 new finding (1 error, 0 warnings, 0 info) in 2 files (4 baselined)" in new.err


def test_baseline_file_is_sorted_readable_json(check, site):
    (site / "_posts" / "another.md").write_text("Send it by e-mail.\n", encoding="utf-8")
    check("--write-baseline", BASELINE)
    text = (site / BASELINE).read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["copydesk-baseline"] == 1
    assert list(data["files"]) == sorted(data["files"]) == ["_posts/another.md", DAMAGED_PATH]
    entries = data["files"][DAMAGED_PATH]
    assert [(e["code"], e["count"]) for e in entries] == sorted((e["code"], e["count"]) for e in entries)
    email = next(e for e in entries if e["code"] == "HS101")
    assert email["count"] == 2 and email["text"] == "e-mail"  # two instances of one key
    # one entry a line: a merge conflict touches only the entries that changed
    entry_lines = [line for line in text.splitlines() if '"code"' in line]
    assert len(entry_lines) == sum(len(v) for v in data["files"].values())
    assert all(json.loads(line.strip().rstrip(",")) for line in entry_lines)
    assert "\n" not in json.dumps(email)
    # writing again from the same findings gives the same bytes
    check("--write-baseline", BASELINE)
    assert (site / BASELINE).read_text(encoding="utf-8") == text


def test_paths_are_relative_to_the_baseline_file(check, site, run_cli):
    check("--write-baseline", "ci/copydesk-baseline.json")
    data = json.loads((site / "ci" / "copydesk-baseline.json").read_text(encoding="utf-8"))
    assert list(data["files"]) == [f"../{DAMAGED_PATH}"]
    # the same baseline works from another working directory
    result = run_cli("check", "--baseline", "../ci/copydesk-baseline.json", ".", cwd=site / "_posts")
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_stale_entries_are_reported_then_pruned(check, site):
    check("--write-baseline", BASELINE)
    article = site / DAMAGED_PATH
    article.write_text(DAMAGED.replace("by e-mail", "by email"), encoding="utf-8")
    result = check("--baseline", BASELINE)
    assert result.returncode == 0
    assert "records 1 finding that no longer occurs" in result.err
    assert f"{DAMAGED_PATH}: HS101 'e-mail'" in result.err
    before = json.loads((site / BASELINE).read_text(encoding="utf-8"))

    # a run over other files judges nothing about this one
    other = check("--baseline", BASELINE, "_posts/clean.md")
    assert "no longer" not in other.err

    pruned = check("--baseline", BASELINE, "--prune-baseline")
    assert pruned.returncode == 0
    assert "Removed 1 stale finding" in pruned.err
    after = json.loads((site / BASELINE).read_text(encoding="utf-8"))
    count = {e["code"]: e["count"] for e in after["files"][DAMAGED_PATH]}
    assert count["HS101"] == 1 and {e["code"]: e["count"] for e in before["files"][DAMAGED_PATH]}["HS101"] == 2
    again = check("--baseline", BASELINE)
    assert again.returncode == 0 and "no longer" not in again.err
    # the remaining instance is still covered; a second one is new again
    article.write_text(DAMAGED, encoding="utf-8")
    assert _codes(check("--baseline", BASELINE).out) == ["HS101"]


def test_entries_of_deleted_files_are_stale(check, site):
    check("--write-baseline", BASELINE)
    (site / DAMAGED_PATH).unlink()
    result = check("--baseline", BASELINE, "--prune-baseline")
    assert "Removed 4 stale findings" in result.err
    assert json.loads((site / BASELINE).read_text(encoding="utf-8"))["files"] == {}


def test_rules_left_out_of_the_run_do_not_make_entries_stale(check, site):
    check("--write-baseline", BASELINE)
    result = check("--baseline", BASELINE, "--select", "HS101")
    assert result.returncode == 0 and "no longer" not in result.err


def test_sarif_marks_baseline_state(check, site):
    check("--write-baseline", BASELINE)
    with (site / DAMAGED_PATH).open("a", encoding="utf-8") as handle:
        handle.write("\nOne more e-mail.\n")
    document = json.loads(check("--baseline", BASELINE, "--output-format", "sarif").out)
    results = document["runs"][0]["results"]
    states = [(r["ruleId"], r["baselineState"]) for r in results]
    assert states.count(("HS101", "new")) == 1 and len(states) == 5
    assert all(s == "unchanged" for code, s in states if code != "HS101" or s != "new")
    unchanged = [r for r in results if r["baselineState"] == "unchanged"]
    assert all(r["suppressions"][0]["kind"] == "external" for r in unchanged)
    assert not any("suppressions" in r for r in results if r["baselineState"] == "new")
    from test_reports import _validate_sarif

    _validate_sarif(document)
    # other formats show the new finding only
    assert len(json.loads(check("--baseline", BASELINE, "--output-format", "gitlab").out)) == 1


@pytest.mark.parametrize("args, message", [
    (("--prune-baseline",), "--prune-baseline goes with --baseline"),
    (("--baseline", "missing.json"), "does not exist"),
])
def test_usage_errors(check, args, message):
    result = check(*args)
    assert result.returncode == 2
    assert message in result.err


def test_a_file_that_is_not_a_baseline_is_refused(check, site):
    (site / "other.json").write_text('{"files": []}', encoding="utf-8")
    (site / "broken.json").write_text("{", encoding="utf-8")
    for name in ("other.json", "broken.json"):
        result = check("--baseline", name)
        assert result.returncode == 2 and name in result.err


# -- keys ----------------------------------------------------------------------------------------


def _finding(path: str, line: int, snippet: str, code: str = "EN102", message: str = "m") -> Finding:
    return Finding(path, Location(line, 1, line, 1 + len(snippet)), code, "x", Severity.ERROR, message,
                   snippet=snippet)


def test_key_ignores_wrapping_but_not_wording():
    a = _finding("a.md", 1, "tortured  phrase\r\nhere")
    b = _finding("a.md", 9, "tortured phrase here")
    c = _finding("a.md", 1, "tortured phrase there")
    assert baseline.text_hash(a) == baseline.text_hash(b) != baseline.text_hash(c)


def test_file_level_findings_key_on_the_message_without_numbers():
    a = _finding("a.md", 1, "", code="CD103", message="file is 12,000,000 bytes, over max-file-size (10,485,760)")
    b = _finding("a.md", 1, "", code="CD103", message="file is 13,500,000 bytes, over max-file-size (10,485,760)")
    assert baseline.text_hash(a) == baseline.text_hash(b)


def test_occurrence_index_follows_file_order_not_report_order():
    first, second = _finding("a.md", 2, "same"), _finding("a.md", 7, "same")
    in_order = baseline.occurrences([first, second])
    reversed_ = baseline.occurrences([second, first])
    assert [i for _, i in in_order] == [0, 1]
    assert [i for _, i in reversed_] == [1, 0]
    assert baseline.fingerprints([first, second]) == baseline.fingerprints([second, first])[::-1]


def test_fingerprints_do_not_depend_on_the_baseline(check, site):
    """Two findings with the same key: the second is new. Its GitLab fingerprint is the one
    it has in a run without the baseline (the occurrence index counts baselined twins)."""
    article = site / DAMAGED_PATH
    article.write_text("One e-mail.\n", encoding="utf-8")
    check("--write-baseline", BASELINE)
    article.write_text("One e-mail.\n\nTwo e-mail.\n", encoding="utf-8")
    plain = json.loads(check("--output-format", "gitlab", "--select", "HS101").out)
    with_baseline = json.loads(check("--output-format", "gitlab", "--select", "HS101", "--baseline", BASELINE).out)
    assert len(plain) == 2 and len(with_baseline) == 1
    assert with_baseline[0]["fingerprint"] == plain[1]["fingerprint"]
    assert with_baseline[0]["location"]["lines"]["begin"] == 3


@pytest.mark.parametrize("extra", [("--output-format", "json-lines"), ("--jobs", "2"), ("--no-cache",)])
def test_baseline_with_streamed_formats_and_worker_processes(check, site, extra):
    """The baseline is applied to each file's findings as they arrive: streamed formats and
    parallel runs see only the new ones."""
    (site / "_posts" / "second.md").write_text("Also by e-mail.\n", encoding="utf-8")
    check("--write-baseline", BASELINE, *extra)
    with (site / DAMAGED_PATH).open("a", encoding="utf-8") as handle:
        handle.write("\nOne more e-mail.\n")
    result = check("--baseline", BASELINE, *extra)
    assert result.returncode == 1
    assert "Found 1 new finding" in result.err and "(5 baselined)" in result.err
    if "json-lines" in extra:
        [finding] = [json.loads(line) for line in result.out.splitlines()]
        assert (finding["path"], finding["line"], finding["code"]) == (DAMAGED_PATH, 11, "HS101")
    else:
        assert result.out.splitlines() == [f"{DAMAGED_PATH}:11:10: HS101 [*] write 'email', not 'e-mail'"]
