"""Every fixture article against its snapshot, and every rule covered both ways."""

from __future__ import annotations

import pytest

from lint import checks
from lint.config import Resolver
from lint.ruleset import ENGINE_KIND
from snapshots import FIXTURES, UPDATE, expected_path, fixture_files, lint_fixture, tags

FILES = fixture_files()


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(FIXTURES).as_posix() for p in FILES])
def test_fixture_matches_snapshot(path):
    actual = lint_fixture(path)
    snapshot = expected_path(path)
    if UPDATE:
        snapshot.write_text("".join(line + "\n" for line in actual), encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with COPYDESK_UPDATE_SNAPSHOTS=1"
    expected = snapshot.read_text(encoding="utf-8").splitlines()
    assert actual == expected
    for code, positive in tags(path):
        codes = {line.split(" ")[1] for line in actual}
        if positive:
            assert code in codes, f"{path.name} is a positive fixture for {code} but {code} did not fire"
        else:
            assert code not in codes, f"{path.name} is a negative fixture for {code} but {code} fired"


# Rules no fixture file can trigger, and the tests that cover them instead.
UNIT_TESTED = {
    "CD100": "tests/test_engine.py::test_a_crashing_rule_becomes_an_internal_error_finding",
    "CD101": "tests/test_cli.py::test_unreadable_paths_are_findings",
}


def _exempt(rule) -> bool:
    if rule.code in UNIT_TESTED:
        return True
    if rule.check == ENGINE_KIND:
        return False
    return checks.resolve(rule.check).external


def test_every_rule_has_positive_and_negative_fixtures():
    rules = Resolver(isolated=True, cwd=FIXTURES).project.ruleset
    positive: set[str] = set()
    negative: set[str] = set()
    for path in FILES:
        for code, is_positive in tags(path):
            (positive if is_positive else negative).add(code)
    missing = [f"{r.code} ({'positive' if r.code not in positive else 'negative'})"
               for r in rules
               if not _exempt(r) and (r.code not in positive or r.code not in negative)]
    assert not missing, "rules without fixtures: " + ", ".join(missing)
