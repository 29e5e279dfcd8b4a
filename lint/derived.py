"""A cache of data derived from slow-to-parse sources (rule files and lexicons, third-party
dictionaries): computed once, then loaded with marshal in a millisecond or two.

Like Python's own bytecode cache, it lives outside the project: $COPYDESK_CACHE_DIR/derived,
else $XDG_CACHE_HOME/copydesk/derived, else ~/.cache/copydesk/derived (`copydesk clean`
deletes the first with the rest of that cache directory, and leaves the user-level one,
shared by every project, alone). Only plain data (None, bool, int, float, str, bytes,
tuple, list, dict, set, frozenset) is stored; marshal never runs code when loading. A key
is whatever identifies the source's content (a digest, a package version): a changed
source gets a new file, and a broken or unwritable cache just means computing again.

Every virtual environment, upgrade and edited rule file adds files (a CMU dictionary table
is 1.3 MB), so a read marks its file as used (its mtime) and a write, which is rare,
deletes the files no run has read for `STALE_AFTER` seconds."""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from pathlib import Path
from typing import Any, Callable

from lint import __version__

# marshal's format can change between Python versions: the file name carries the version.
_FORMAT = f"{__version__}-py{'.'.join(map(str, __import__('sys').version_info[:2]))}"
STALE_AFTER = 30 * 24 * 3600


def directory() -> Path:
    env = os.environ.get("COPYDESK_CACHE_DIR")
    if env:
        return Path(env) / "derived"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "copydesk" / "derived"


def key_of(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def load(name: str, key: str, compute: Callable[[], Any]) -> Any:
    """compute(), or what an earlier compute() with the same name and key returned."""
    if os.environ.get("COPYDESK_NO_DERIVED_CACHE"):
        return compute()
    path = directory() / f"{name}-{_FORMAT}-{key}.marshal"
    try:
        value = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    else:
        try:
            os.utime(path)  # in use: not stale
        except OSError:
            pass  # a read-only cache is still read
        return value
    value = compute()
    try:
        data = marshal.dumps(value)
    except ValueError:  # not plain data: usable, but not cacheable
        return value
    try:
        import tempfile  # only when writing: its import costs a run that reads ~10 ms

        if os.environ.get("COPYDESK_CACHE_DIR"):  # in copydesk's cache directory: tagged if made here
            from lint.cache import create_directory

            create_directory(path.parent.parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        prune(path.parent)
    except OSError:
        pass
    return value


def prune(folder: Path) -> list[str]:
    """Deletes the derived files (and leftover temporary files) in `folder` that no run has
    read for STALE_AFTER seconds; returns their names."""
    cutoff = time.time() - STALE_AFTER
    removed = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith((".marshal", ".tmp")) and entry.is_file(follow_symlinks=False) \
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                try:
                    os.remove(entry.path)
                except FileNotFoundError:
                    continue  # another run pruned it first
                removed.append(entry.name)
    return removed
