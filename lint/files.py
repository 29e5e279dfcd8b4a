"""Which files to lint: explicit paths, directories walked with include/exclude patterns and
.gitignore files respected (pathspec's gitignore semantics, not a hand-rolled matcher)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from lint.config import Resolver, Settings

if TYPE_CHECKING:
    import pathspec


@dataclass(frozen=True)
class Candidate:
    path: Path
    settings: Settings
    # Problems found while discovering (a missing path): reported as unreadable-file.
    problem: str | None = None


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
        for ancestor, prefix in self._chain(directory, top):
            if self._specs[ancestor].match_file(prefix + name + ("/" if is_dir else "")):
                return True
        return False

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


def discover(paths: list[str], resolver: Resolver, *, force_exclude: bool = False) -> Iterator[Candidate]:
    gitignores = _GitIgnores()
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not os.path.lexists(path):
            yield Candidate(path, resolver.project, "no such file or directory")
            continue
        if path.is_dir():
            yield from _walk(path, resolver, gitignores, seen)
            continue
        settings = resolver.for_path(path)
        if force_exclude and settings.is_excluded(path):
            continue
        key = str(path.absolute())
        if key not in seen:
            seen.add(key)
            yield Candidate(path, settings)


def _walk(top: Path, resolver: Resolver, gitignores: _GitIgnores,
          seen: set[str]) -> Iterator[Candidate]:
    git_top = _git_root(top.resolve())
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        directory = Path(dirpath)
        resolved = directory.resolve()  # once a directory; files are matched as strings
        absolute = os.path.abspath(dirpath)
        settings = resolver.for_directory(resolved)
        relative = settings.relative(resolved)
        use_gitignore = settings.respect_gitignore
        dirnames[:] = [
            name for name in sorted(dirnames)
            if not settings.excluded_in(relative, name)
            and not (use_gitignore and gitignores.ignored(resolved, name, True, git_top))
        ]
        for name in sorted(filenames):
            if not settings.include_spec.match_file(name) or settings.excluded_in(relative, name):
                continue
            if use_gitignore and gitignores.ignored(resolved, name, False, git_top):
                continue
            key = os.path.join(absolute, name)
            if key in seen:
                continue
            seen.add(key)
            yield Candidate(directory / name, settings)
