"""A cache of data derived from slow-to-parse sources (rule files and lexicons, third-party
dictionaries): computed once, then loaded with marshal in a millisecond or two.

Like Python's own bytecode cache, it lives outside the project: $COPYDESK_CACHE_DIR/derived,
else $XDG_CACHE_HOME/copydesk/derived, else ~/.cache/copydesk/derived (`copydesk clean`
deletes the first with the rest of that cache directory, and leaves the user-level one,
shared by every project, alone). Only plain data (None, bool, int, float, str, bytes,
tuple, list, dict, set, frozenset) is stored; marshal never runs code when loading. A key
is whatever identifies the source's content (a digest, a package version): a changed
source gets a new file, and a broken or unwritable cache just means computing again."""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any, Callable

from lint import __version__

# marshal's format can change between Python versions: the file name carries the version.
_FORMAT = f"{__version__}-py{'.'.join(map(str, __import__('sys').version_info[:2]))}"


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
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
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
    except OSError:
        pass
    return value
