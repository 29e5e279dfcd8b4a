"""Snapshot fixtures: every article under tests/fixtures/ has its expected findings in
NAME.expected beside it, one finding a line:

    LINE:COL-END_LINE:END_COL CODE severity message [fix]

Run `COPYDESK_UPDATE_SNAPSHOTS=1 pytest tests/test_fixtures.py` to rewrite them, then read
the diff: a snapshot is only as good as the review of its changes.

Fixture names carry the rule they exercise: a path with `CODE_` in it is a positive fixture
for CODE (its snapshot must contain CODE), a path with `CODE_ok` a negative one (its
snapshot must not). Every rule needs both."""

from __future__ import annotations

import os
import re
from pathlib import Path

from lint.config import Resolver
from lint.engine import corpus_findings, display_path, lint_bytes
from lint.finding import Finding

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = FIXTURES.parent.parent
ARTICLE_SUFFIXES = (".md", ".markdown", ".mdx", ".txt", ".text")
UPDATE = bool(os.environ.get("COPYDESK_UPDATE_SNAPSHOTS"))
_TAG = re.compile(r"(?:^|[/_.-])([A-Z]{2,6}[0-9]{3})_(ok)?")


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*")
                  if p.is_file() and p.suffix in ARTICLE_SUFFIXES and "_aux" not in p.parts)


def tags(path: Path) -> list[tuple[str, bool]]:
    """(code, positive) pairs a fixture's relative path declares."""
    rel = path.relative_to(FIXTURES).as_posix()
    return [(m.group(1), m.group(2) is None) for m in _TAG.finditer(rel)]


def render(finding: Finding) -> str:
    loc = finding.location
    fix = f" [{finding.fix.applicability} fix]" if finding.fix is not None else ""
    return (f"{loc.line}:{loc.column}-{loc.end_line}:{loc.end_column} {finding.code} "
            f"{finding.severity} {finding.message}{fix}")


def companions(path: Path) -> list[Path]:
    """Files a cross-file (corpus) rule compares the fixture with: _aux/NAME/* beside it.
    They run before the fixture; only the fixture's own findings are in its snapshot."""
    folder = path.parent / "_aux" / path.name
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def lint_fixture(path: Path) -> list[str]:
    """Findings of one fixture under the configuration discovered from its directory."""
    resolver = Resolver(cwd=FIXTURES)
    settings = resolver.for_path(path)
    active = resolver.active_rules(path, settings)
    # The path as the CLI shows it when run from the repository root: rules that depend on
    # where a file lives (front matter required under _posts/, the site around it) see
    # the same thing here, whatever directory pytest was started from.
    shown = display_path(path, str(ROOT))
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        # Companion files (in _aux/NAME/) are linted too, so cross-file rules see them.
        others = [lint_bytes(other.read_bytes(), display_path(other, str(ROOT)), active,
                             settings.ruleset, max_size=settings.max_file_size)[0]
                  for other in companions(path)]
        result, _ = lint_bytes(path.read_bytes(), shown, active, settings.ruleset,
                               max_size=settings.max_file_size)
    finally:
        os.chdir(previous)
    findings = result.findings + [f for f in corpus_findings(others + [result], active, settings.ruleset)
                                  if f.path == shown]
    return [render(f) for f in sorted(findings, key=Finding.sort_key)]


def expected_path(path: Path) -> Path:
    return path.with_name(path.name + ".expected")
