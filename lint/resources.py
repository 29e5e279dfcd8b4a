"""Where the built-in policy lives: rules/ in a checkout, lint/_rules in a wheel."""

from __future__ import annotations

import functools
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def builtin_rules_dir() -> Path:
    shipped = _PACKAGE_DIR / "_rules"
    if shipped.is_dir():
        return shipped
    checkout = _PACKAGE_DIR.parent / "rules"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("copydesk's built-in rules are missing (looked in lint/_rules and rules/)")


@functools.lru_cache(maxsize=None)
def lexicon(name: str) -> tuple[str, ...]:
    """A phrase list from rules/lexicons/NAME.txt: one entry a line, '#' starts a comment."""
    path = builtin_rules_dir() / "lexicons" / f"{name}.txt"
    return tuple(read_lexicon(path))


@functools.lru_cache(maxsize=None)
def languages() -> dict:
    """rules/lexicons/languages.yaml: language names and codes, and each language's stop
    words (readability's language detection, the sentence splitter's function words,
    RP104's reduplication languages). The rules that name it get the same object, read
    from the derived cache: parsing it with PyYAML costs a one-file run ~15 ms."""
    from lint.ruleset import lexicon_file

    return lexicon_file(builtin_rules_dir() / "lexicons" / "languages.yaml")


def read_lexicon(path: Path) -> list[str]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            entries.append(line)
    return entries
