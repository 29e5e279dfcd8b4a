"""Apply fixes: non-overlapping edits, repeated until stable, written atomically.

Nothing a user wrote is lost: untouched bytes stay identical, line endings, encoding and
permissions are kept, and a file that changed on disk since it was read is left alone."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lint.article import Article, bom_for
from lint.finding import Applicability, Finding, Fix

MAX_ROUNDS = 10


@dataclass
class FixOutcome:
    data: bytes  # the file's new bytes (unchanged when nothing applied)
    applied: int  # fixes applied, over all rounds
    article: Article | None  # the final article, linted once more by the caller


def wanted(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None:
        return False
    return fix.applicability == Applicability.SAFE or (unsafe and fix.applicability == Applicability.UNSAFE)


def _rewrites_whole_file(article: Article, fix: Fix) -> bool:
    return any(e.start == 0 and e.end == len(article.text) for e in fix.edits)


def apply_once(article: Article, findings: list[Finding], unsafe: bool) -> tuple[bytes, int]:
    """Apply every wanted fix that does not overlap an earlier one; return the new bytes."""
    chosen: list[Fix] = []
    taken: list[tuple[int, int]] = []
    for finding in sorted(findings, key=lambda f: (f.span[0], f.code)):
        fix = finding.fix
        if not wanted(fix, unsafe):
            continue
        # Text decoded with replacement characters cannot be written back without losing
        # the original bytes; only a fix that re-decodes the whole file may touch it.
        if article.decode_errors and not _rewrites_whole_file(article, fix):
            continue
        spans = [(e.start, e.end) for e in fix.edits]
        if any(_overlaps(s, taken) for s in spans):
            continue
        if any(f.encoding for f in chosen) or (fix.encoding and chosen):
            continue  # a transcoding fix goes alone
        chosen.append(fix)
        taken.extend(spans)
    if not chosen:
        return article.raw, 0
    edits = sorted((e for f in chosen for e in f.edits), key=lambda e: (e.start, e.end), reverse=True)
    text = article.text
    for edit in edits:
        text = text[:edit.start] + _with_newlines(edit.replacement, article.newline) + text[edit.end:]
    remove_bom = any(f.remove_bom for f in chosen)
    encoding = next((f.encoding for f in chosen if f.encoding), article.encoding)
    data = text.encode(encoding)
    if article.bom and not remove_bom and encoding == article.encoding:
        data = bom_for(encoding) + data
    return data, len(chosen)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    start, end = span
    for s, e in taken:
        if start < e and s < end:
            return True
        if start == end == s or s == e == start:  # two insertions at one point
            return True
    return False


def _with_newlines(replacement: str, newline: str) -> str:
    if newline == "\n" or "\n" not in replacement:
        return replacement
    return replacement.replace("\r\n", "\n").replace("\n", newline)


def fix_until_stable(data: bytes, path: str, lint: Callable[[bytes], tuple[list[Finding], Article | None]],
                     unsafe: bool) -> FixOutcome:
    """Lint, apply, lint again, until no wanted fix is left (or MAX_ROUNDS)."""
    applied = 0
    findings, article = lint(data)
    for _ in range(MAX_ROUNDS):
        if article is None:
            break
        new, count = apply_once(article, findings, unsafe)
        if count == 0 or new == data:
            break
        applied += count
        data = new
        findings, article = lint(data)
    return FixOutcome(data, applied, article)


class FileChanged(Exception):
    pass


def write_atomic(path: Path, original: bytes, data: bytes) -> None:
    """Replace the file's content with `data` by rename, refusing if it changed meanwhile."""
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise FileChanged(f"cannot re-read before writing: {exc.strerror or exc}") from None
    if current != original:
        raise FileChanged("file changed on disk while copydesk was checking it; not written")
    target = Path(os.path.realpath(path))  # write through a symlink, do not replace it
    mode = os.stat(target).st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".copydesk-tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
