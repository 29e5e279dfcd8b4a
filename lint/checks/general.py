"""General check kinds that house-style rules are made of (Vale-like semantics):

- existence: flag any of a list of words, phrases or regular expressions in prose;
- substitution: flag X and suggest Y (a fix).

Tokens are regular expressions matched as whole words unless `nonword: true`; white space
in a token matches any run of white space (a phrase may wrap across lines)."""

from __future__ import annotations

import functools
import re
from typing import Any, Iterator, Mapping

from lint.article import Article
from lint.checks import check
from lint.finding import Edit, Fix, Hit


@functools.lru_cache(maxsize=256)
def _compile(tokens: tuple[str, ...], ignorecase: bool, nonword: bool, literal: bool) -> re.Pattern:
    parts = []
    for token in tokens:
        body = re.escape(token) if literal else token
        body = re.sub(r"(?:\\ |\s)+", r"\\s+", body)
        parts.append(body if nonword else rf"(?<![\w-])(?:{body})(?![\w-])")
    flags = re.IGNORECASE if ignorecase else 0
    return re.compile("|".join(f"(?:{p})" for p in parts), flags)


def _scope(article: Article, params: Mapping[str, Any]) -> str:
    """prose (default): code, URLs, markup and front matter are blanked; raw: everything."""
    return article.text if params.get("scope") == "raw" else article.prose_text


@check("existence")
def existence(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    tokens = tuple(params.get("tokens") or ())
    if not tokens:
        return
    pattern = _compile(tokens, bool(params.get("ignorecase", True)), bool(params.get("nonword", False)),
                       bool(params.get("literal", False)))
    for m in pattern.finditer(_scope(article, params)):
        if m.end() > m.start():
            yield Hit(m.start(), m.end(), {"match": article.text[m.start():m.end()]})


@check("substitution")
def substitution(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    swap: Mapping[str, str] = params.get("swap") or {}
    if not swap:
        return
    ignorecase = bool(params.get("ignorecase", True))
    nonword = bool(params.get("nonword", False))
    literal = bool(params.get("literal", False))
    keys = tuple(swap)
    pattern = _compile(keys, ignorecase, nonword, literal)
    singles = [_compile((k,), ignorecase, nonword, literal) for k in keys]
    for m in pattern.finditer(_scope(article, params)):
        found = article.text[m.start():m.end()]
        if not found:
            continue
        key = next(k for k, single in zip(keys, singles) if single.fullmatch(found))
        replacement = swap[key]
        if not literal and re.search(r"\\\d|\\g<", replacement):
            replacement = singles[keys.index(key)].sub(replacement, found)
        if ignorecase:
            replacement = _match_case(found, replacement)
        if replacement == found:
            continue
        yield Hit(m.start(), m.end(), {"match": found, "replacement": replacement},
                  fix=Fix((Edit(m.start(), m.end(), replacement),)))


def _match_case(found: str, replacement: str) -> str:
    """Keep the capitalisation of the text: 'E-mail' -> 'Email', 'WEB SITE' -> 'WEBSITE'."""
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    if found[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
