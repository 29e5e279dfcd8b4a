"""Which files to lint: explicit paths, directories walked with include/exclude patterns and
.gitignore files respected (pathspec's gitignore semantics, not a hand-rolled matcher)."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from lint.config import Resolver, Settings

if TYPE_CHECKING:
    import pathspec


@dataclass(frozen=True)
class Candidate:
    # What to read: a local path (a str for walked files: a Path costs more to make than
    # the rest of a warm run's work on a file) or a URL.
    location: Path | str
    settings: Settings
    # Problems found while discovering (a missing path): reported as unreadable-file.
    problem: str | None = None
    # The display path (engine.display_path), when the walk already knows it.
    shown: str | None = None

    @property
    def path(self) -> Path:
        """The local file as a Path."""
        return self.location if isinstance(self.location, Path) else Path(self.location)


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
# how pathspec's expression for a pattern without a slash begins and ends (named group removed)
_ANY_DIRS, _DIR_OR_END = "^(?:.+/)?", "(?:(?:/)|$)"


_matchers: dict[int, tuple] = {}


def matcher(spec: "pathspec.PathSpec"):
    """spec.match_file for relative POSIX paths, made once a spec (specs are not hashable:
    kept by identity, with the spec itself so that its id stays its own)."""
    known = _matchers.get(id(spec))
    if known is None or known[0] is not spec:
        known = _matchers[id(spec)] = (spec, _matcher(spec))
    return known[1]


def _matcher(spec: "pathspec.PathSpec"):
    """spec.match_file as one regular expression when the spec has no negated pattern (then
    a path matches if any pattern matches, whatever their order and kind); pathspec tries
    its patterns one by one in Python."""
    patterns = [p for p in spec.patterns if p.include is not None]
    regexes = [getattr(p, "regex", None) for p in patterns]
    if os.sep != "/" or not all(p.include is True for p in patterns) \
            or not all(isinstance(r, re.Pattern) and r.flags == re.UNICODE for r in regexes):
        return spec.match_file
    if not regexes:
        return lambda path: False
    # pathspec marks directory matches with a named group; one expression cannot repeat a name
    bodies = [_NAMED_GROUP.sub("(?:", r.pattern) for r in regexes]
    if all(b.startswith(_ANY_DIRS) and b.endswith(_DIR_OR_END) for b in bodies):
        # patterns without a slash (the default excludes): the leading directories are tried
        # once for all of them, not once a pattern
        cut = slice(len(_ANY_DIRS), -len(_DIR_OR_END))
        combined = re.compile(f"{_ANY_DIRS}(?:{'|'.join(f'(?:{b[cut]})' for b in bodies)}){_DIR_OR_END}")
    else:
        combined = re.compile("|".join(f"(?:{b})" for b in bodies))
    search = combined.search

    def match(path: str) -> bool:
        if path.startswith(("/", "./")):
            return spec.match_file(path)
        return search(path) is not None

    return match


class _GitIgnores:
    """The .gitignore files that apply inside a walk, read once per directory."""

    def __init__(self) -> None:
        self._specs: dict[Path, "pathspec.PathSpec | None"] = {}

    def _spec(self, directory: Path) -> "pathspec.PathSpec | None":
        if directory not in self._specs:
            import pathspec

            spec = None
            file = directory / ".gitignore"
            if file.is_file():
                try:
                    lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
                    spec = pathspec.GitIgnoreSpec.from_lines(lines)
                except (OSError, ValueError):
                    spec = None
            self._specs[directory] = spec
        return self._specs[directory]

    def ignored(self, directory: Path, name: str, is_dir: bool, top: Path) -> bool:
        """Whether `name` in the resolved `directory` is ignored by a .gitignore between the
        directory and `top`."""
        return self.matcher(directory, top)(name, is_dir)

    def matcher(self, directory: Path, top: Path):
        """ignored() for the names in one directory: fn(name, is_dir) -> bool."""
        chain = [(matcher(self._specs[ancestor]), prefix) for ancestor, prefix in self._chain(directory, top)]
        if not chain:
            return _never

        def ignored(name: str, is_dir: bool) -> bool:
            tail = name + ("/" if is_dir else "")
            return any(match(prefix + tail) for match, prefix in chain)

        return ignored

    @functools.lru_cache(maxsize=4096)
    def _chain(self, directory: Path, top: Path) -> tuple[tuple[Path, str], ...]:
        """The ancestors with a .gitignore, each with the directory's path relative to it:
        worked out once a directory, so a file costs only string matching."""
        chain = []
        for ancestor in _ancestors(directory, top):
            if self._spec(ancestor) is not None:
                rel = directory.relative_to(ancestor).as_posix()
                chain.append((ancestor, "" if rel == "." else rel + "/"))
        return tuple(chain)


def _never(name: str, is_dir: bool) -> bool:
    return False


def _ancestors(directory: Path, top: Path) -> Iterator[Path]:
    current = directory
    while True:
        yield current
        if current == top or current.parent == current:
            return
        current = current.parent


def _git_root(start: Path) -> Path:
    for directory in _ancestors(start, Path(start.anchor)):
        if (directory / ".git").exists():
            return directory
    return start


def discover(paths: list[str], resolver: Resolver, *, force_exclude: bool = False,
             cwd: str | None = None) -> Iterator[Candidate]:
    """Candidates in walk order. With `cwd`, walked files carry their display path relative
    to it. One walk yields each file once: only several paths need the set of files seen
    (which grows with the tree)."""
    gitignores = _GitIgnores()
    seen: set[str] | None = set() if len(paths) > 1 else None
    for raw in paths:
        path = Path(raw)
        if not os.path.lexists(path):
            yield Candidate(path, resolver.project, "no such file or directory")
            continue
        if path.is_dir():
            yield from _walk(path, resolver, gitignores, seen, cwd)
            continue
        settings = resolver.for_path(path)
        if force_exclude and settings.is_excluded(path):
            continue
        key = str(path.absolute())
        if seen is None or key not in seen:
            if seen is not None:
                seen.add(key)
            yield Candidate(path, settings)


def _walk(top: Path, resolver: Resolver, gitignores: _GitIgnores,
          seen: set[str] | None, cwd: str | None) -> Iterator[Candidate]:
    from lint.engine import display_path

    git_top = _git_root(top.resolve())
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        directory = Path(dirpath)
        resolved = directory.resolve()  # once a directory; files are matched as strings
        absolute = os.path.abspath(dirpath)
        settings = resolver.for_directory(resolved)
        relative = settings.relative(resolved)
        ignored = gitignores.matcher(resolved, git_top) if settings.respect_gitignore else _never
        included, excluded = matcher(settings.include_spec), matcher(settings.exclude_spec)
        prefix = "" if relative in (None, ".") else relative + "/"
        dirnames[:] = [
            name for name in sorted(dirnames)
            if not excluded(prefix + name) and not ignored(name, True)
        ]
        # display paths: the directory's once, then its files' by appending the name
        shown_dir = None if cwd is None else display_path(directory.absolute(), cwd)
        shown_prefix = "" if shown_dir in (None, ".") else shown_dir + "/"
        for name in sorted(filenames):
            if not included(name) or excluded(prefix + name):
                continue
            if ignored(name, False):
                continue
            if seen is not None:
                key = os.path.join(absolute, name)
                if key in seen:
                    continue
                seen.add(key)
            yield Candidate(os.path.join(dirpath, name), settings,
                            shown=None if shown_dir is None else shown_prefix + name)
