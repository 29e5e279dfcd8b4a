"""Which files to lint: explicit paths, directories walked with include/exclude patterns and
.gitignore files respected (pathspec's gitignore semantics, not a hand-rolled matcher)."""

from __future__ import annotations

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

    def ignored(self, path: Path, is_dir: bool, top: Path) -> bool:
        for directory in _ancestors(path.parent, top):
            spec = self._spec(directory)
            if spec is None:
                continue
            rel = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
            if spec.match_file(rel):
                return True
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


def discover(paths: list[str], resolver: Resolver, *, force_exclude: bool = False) -> Iterator[Candidate]:
    gitignores = _GitIgnores()
    seen: set[Path] = set()
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
        key = path.absolute()
        if key not in seen:
            seen.add(key)
            yield Candidate(path, settings)


def _walk(top: Path, resolver: Resolver, gitignores: _GitIgnores,
          seen: set[Path]) -> Iterator[Candidate]:
    top_abs = top.resolve()
    git_top = _git_root(top_abs)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        directory = Path(dirpath)
        settings = resolver.for_directory(directory.resolve())
        use_gitignore = settings.respect_gitignore
        kept = []
        for name in sorted(dirnames):
            sub = directory / name
            if settings.is_excluded(sub):
                continue
            if use_gitignore and gitignores.ignored(sub.resolve(), True, git_top):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            file = directory / name
            if not settings.include_spec.match_file(name):
                continue
            if settings.is_excluded(file):
                continue
            if use_gitignore and gitignores.ignored(file.absolute() if file.is_symlink() else file.resolve(), False, git_top):
                continue
            key = file.absolute()
            if key in seen:
                continue
            seen.add(key)
            yield Candidate(file, settings)
