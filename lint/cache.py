"""A result cache like Ruff's: findings per file, reused while the file, the configuration,
the rules and copydesk itself are unchanged.

One cache file per effective configuration (its fingerprint covers the copydesk version,
the command-line selection, the configuration file and every rule and lexicon file). In it,
per file: size, mtime and content hash, and the file's result. A file whose size and mtime
match is not even read; one whose bytes hash the same is reused too."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lint import __version__, resources

CACHE_DIR_NAME = ".copydesk_cache"
ENV_VAR = "COPYDESK_CACHE_DIR"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by copydesk.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")


@dataclass
class Entry:
    size: int
    mtime_ns: int
    digest: str
    result: Any  # engine.FileResult


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _hash_tree(h, directory: Path) -> None:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(directory).as_posix().encode())
            h.update(path.read_bytes())


def fingerprint(settings, cli_key: Any) -> str:
    """Everything besides the file itself that a file's findings depend on."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"copydesk {__version__}\n{cli_key!r}\n".encode())
    if settings.path is not None:
        h.update(str(settings.path).encode())
        h.update(settings.path.read_bytes())
    for directory in (str(resources.builtin_rules_dir()),) + tuple(settings.rules_dirs):
        _hash_tree(h, Path(directory))
    return h.hexdigest()


class _SafeUnpickler(pickle.Unpickler):
    """A cache directory is writable by whoever can write the work tree: load only the
    classes copydesk itself stores, never arbitrary callables."""

    _BUILTINS = {"set", "frozenset", "bytes", "bytearray", "complex", "range", "slice", "object"}

    def find_class(self, module: str, name: str):
        if module == "lint" or module.startswith("lint."):
            return super().find_class(module, name)
        if module == "builtins" and name in self._BUILTINS:
            return super().find_class(module, name)
        if module == "copyreg" and name in ("_reconstructor", "__newobj__", "__newobj_ex__"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the cache")


def default_dir(project_root: Path) -> Path:
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else project_root / CACHE_DIR_NAME


class Cache:
    def __init__(self, directory: Path, key: str):
        self.directory = directory
        self.file = directory / __version__ / f"{key}.pickle"
        self.entries: dict[str, Entry] = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            data = self.file.read_bytes()
        except OSError:
            return
        try:
            entries = _SafeUnpickler(io.BytesIO(data)).load()
        except Exception:  # a corrupt or foreign cache is simply rebuilt
            return
        if isinstance(entries, dict):
            self.entries = entries

    def lookup(self, path: str, stat: os.stat_result) -> Entry | None:
        """The cached entry if size and mtime still match (no need to read the file)."""
        entry = self.entries.get(path)
        if entry is not None and entry.size == stat.st_size and entry.mtime_ns == stat.st_mtime_ns:
            return entry
        return None

    def lookup_content(self, path: str, data_digest: str, stat: os.stat_result) -> Entry | None:
        entry = self.entries.get(path)
        if entry is not None and entry.digest == data_digest:
            entry.size, entry.mtime_ns = stat.st_size, stat.st_mtime_ns
            self.dirty = True
            return entry
        return None

    def store(self, path: str, stat: os.stat_result, data_digest: str, result: Any) -> None:
        self.entries[path] = Entry(stat.st_size, stat.st_mtime_ns, data_digest, result)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        import tempfile

        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self._mark_directory()
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(self.entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        except OSError:
            pass  # a read-only tree still gets its findings; only the cache is lost

    def _mark_directory(self) -> None:
        tag = self.directory / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(_TAG)
        ignore = self.directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by copydesk automatically.\n*\n")
