"""Check kinds: Python functions registered by name, one module per family.

A check is `fn(article, params) -> Iterable[Hit]`. It never prints and never exits. Family
modules import heavy libraries inside their functions, so that importing a family is cheap
and a run pays only for the rules it enables."""

from __future__ import annotations

import importlib
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple

from lint.errors import UsageError, did_you_mean
from lint.finding import Hit, Location

CheckFn = Callable[[Any, Mapping[str, Any]], Iterable[Hit]]

# Kinds without a family prefix ("existence") live in lint/checks/general.py.
_GENERAL_MODULE = "general"
_REGISTRY: dict[str, "CheckKind"] = {}


# NamedTuples, not frozen dataclasses: creating a dataclass costs every run time at import.
class CorpusHit(NamedTuple):
    """A cross-file finding produced by a corpus check's compare step."""

    path: str
    location: Location
    data: Mapping[str, Any]
    message: str | None = None
    related: tuple[tuple[str, Location, str], ...] = ()


class CorpusContext(NamedTuple):
    """What a corpus check's compare step may know about the run beyond the summaries.

    `cache_dir`: a directory where the check may keep state between runs (an index of the
    summaries of files not in this run); None when the run keeps no state. `base_dir`: the
    directory that relative display paths are relative to."""

    cache_dir: str | None = None
    base_dir: str | None = None


class CheckKind(NamedTuple):
    name: str
    fn: CheckFn | None
    # Cross-file checks: summarize runs in the per-file step (and must return something
    # small and picklable); compare runs once over all summaries.
    summarize: Callable[[Any, Mapping[str, Any]], Any] | None = None
    compare: Callable[..., Iterator[CorpusHit]] | None = None
    # compare takes a keyword argument `context` (a CorpusContext)
    wants_context: bool = False
    # Needs a service outside this process (LanguageTool): no fixture can exercise it alone.
    external: bool = False

    @property
    def is_corpus(self) -> bool:
        return self.compare is not None


def check(name: str, *, external: bool = False) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        _REGISTRY[name] = CheckKind(name, fn, external=external)
        return fn

    return register


def corpus_check(name: str, *, summarize, compare, context: bool = False) -> None:
    """Register a cross-file check. With context=True, compare is called as
    compare(summaries, params, context=CorpusContext(...))."""
    _REGISTRY[name] = CheckKind(name, None, summarize=summarize, compare=compare,
                                wants_context=context)


def family_module(kind: str) -> str:
    return kind.split(".", 1)[0] if "." in kind else _GENERAL_MODULE


def resolve(kind: str) -> CheckKind:
    if kind not in _REGISTRY:
        module = family_module(kind)
        try:
            importlib.import_module(f"lint.checks.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"lint.checks.{module}":
                raise
            raise UsageError(f"unknown check kind {kind!r}: there is no family {module!r}") from None
    if kind not in _REGISTRY:
        known = [k for k in _REGISTRY if family_module(k) == family_module(kind)]
        raise UsageError(f"unknown check kind {kind!r}{did_you_mean(kind, known)}")
    return _REGISTRY[kind]
