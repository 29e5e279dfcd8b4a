"""Regular expressions compiled when first used.

A module-level pattern is compiled when its module is imported, whether or not the run
needs it; a one-file run imports every family it enables. Patterns that only unusual
input reaches (a TOML block, a control character, a broken date) are declared with
`lazy` instead and cost a run nothing until then."""

from __future__ import annotations

import re
from typing import Any

# What a pattern is used for; after the first use these are found on the instance itself.
_FORWARDED = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split",
              "pattern", "flags", "groups", "groupindex")


class lazy:
    """Stands for re.compile(pattern, flags), compiled on first use."""

    def __init__(self, pattern: str, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probing: not a pattern's business
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        self.__dict__.update((attr, getattr(compiled, attr)) for attr in _FORWARDED)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"
