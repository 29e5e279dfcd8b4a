"""Inputs from fsspec URLs (s3://, gs://, file://, memory:// ... and glob patterns).

fsspec and the storage backend (s3fs, gcsfs ...) are optional: `pip install copydesk[remote]`
plus the backend for your store. Local paths never import any of this."""

from __future__ import annotations

import re
from typing import Iterator

from lint.errors import UsageError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB = re.compile(r"[*?\[]")


def is_url(path: str) -> bool:
    return bool(_URL.match(path))


def _fsspec():
    try:
        import fsspec
    except ModuleNotFoundError:
        raise UsageError("reading URLs needs fsspec: pip install 'copydesk[remote]' "
                         "(plus s3fs for s3://, gcsfs for gs://)") from None
    return fsspec


def filesystem(url: str):
    fsspec = _fsspec()
    try:
        fs, _, paths = fsspec.get_fs_token_paths(url)
    except (ImportError, ValueError) as exc:
        raise UsageError(f"{url}: {exc}") from None
    return fs, paths


def discover(url: str, include) -> Iterator[str]:
    """Every article under a URL: the file itself, a directory walked, or a glob's matches.
    `include(name) -> bool` tells which file names are articles."""
    fs, paths = filesystem(url)
    if _GLOB.search(url):
        found = sorted(p for p in paths if not fs.isdir(p))
        explicit = True
    elif fs.isdir(paths[0]):
        found = sorted(fs.find(paths[0]))
        explicit = False
    elif fs.exists(paths[0]):
        found = [paths[0]]
        explicit = True
    else:
        raise UsageError(f"{url}: no such file or directory")
    for path in found:
        if explicit or include(path.rsplit("/", 1)[-1]):
            yield fs.unstrip_protocol(path)


def read(url: str) -> bytes:
    fs, paths = filesystem(url)
    return fs.cat_file(paths[0])


def size(url: str) -> int:
    fs, paths = filesystem(url)
    return int(fs.size(paths[0]) or 0)
