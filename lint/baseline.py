"""Fingerprints and baselines: recognising a finding again after unrelated lines moved.

A finding's key is (path, code, hash of its normalised flagged text); line numbers are not
part of it, so an edit above a finding does not make it new. Equal keys in one file are told
apart by their order (the occurrence index), so a second instance of a known problem in an
old file is still new.

The baseline file is sorted JSON, one entry a line, so that it reads well and merges well:

    {
      "copydesk-baseline": 1,
      "files": {
        "_posts/2019-01-02-a.md": [
          {"code": "EN102", "hash": "3f1c0a9b7d2e4f60", "count": 1, "text": "cafÃ©"}
        ]
      }
    }

`text` is for people reading the file (the start of the flagged text); only path, code, hash
and count are compared."""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from lint.errors import UsageError
from lint.finding import Finding

FORMAT_KEY = "copydesk-baseline"
FORMAT_VERSION = 1
_TEXT_SHOWN = 60
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")

Key = tuple[str, str, str]  # (path, code, text hash)


def normalise(text: str) -> str:
    """NFC, runs of white space (line breaks included) as one space, trimmed: re-wrapping a
    paragraph or changing line endings does not change the key."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def text_hash(finding: Finding) -> str:
    """Hash of what the finding flags. Findings without flagged text (file-level findings of
    the engine, cross-file findings) hash their message with numbers blanked, since a
    message may mention line numbers or sizes."""
    basis = normalise(finding.snippet) if finding.snippet else "message:" + _DIGITS.sub("#", finding.message)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def occurrences(findings: Sequence[Finding], path_of=lambda f: f.path) -> list[tuple[Key, int]]:
    """(key, occurrence index) for each finding, parallel to `findings`. The index counts
    equal keys in file order, whatever order `findings` come in."""
    keyed = [((path_of(f), f.code, text_hash(f)), f.sort_key(), i) for i, f in enumerate(findings)]
    result: list[tuple[Key, int]] = [(("", "", ""), 0)] * len(findings)
    seen: Counter = Counter()
    for key, _, i in sorted(keyed, key=lambda t: (t[0], t[1], t[2])):
        result[i] = (key, seen[key])
        seen[key] += 1
    return result


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """A stable identity per finding (SARIF partialFingerprints, GitLab fingerprint): unique
    within a run, unchanged when lines above move."""
    return [hashlib.sha256(f"{path}\0{code}\0{digest}\0{index}".encode("utf-8")).hexdigest()
            for (path, code, digest), index in occurrences(findings)]


@dataclass
class Entry:
    count: int
    text: str = ""


@dataclass
class Baseline:
    path: str
    entries: dict[Key, Entry] = field(default_factory=dict)

    _paths: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def base_dir(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))

    def key_path(self, display_path: str) -> str:
        """A finding's path as the baseline records it: relative to the baseline's directory,
        so the file works from any working directory."""
        if display_path == "-":
            return display_path
        if display_path not in self._paths:
            rel = os.path.relpath(os.path.abspath(display_path), self.base_dir)
            self._paths[display_path] = rel.replace(os.sep, "/")
        return self._paths[display_path]

    def total(self) -> int:
        return sum(e.count for e in self.entries.values())


def load(path: str) -> Baseline:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise UsageError(f"baseline {path} does not exist (create it with --write-baseline {path})") from None
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION or not isinstance(data.get("files"), dict):
        raise UsageError(f"{path} is not a copydesk baseline (version {FORMAT_VERSION})")
    baseline = Baseline(path)
    for file, items in data["files"].items():
        if not isinstance(items, list):
            raise UsageError(f"baseline {path}: entries of {file!r} must be a list")
        for item in items:
            try:
                key = (str(file), str(item["code"]), str(item["hash"]))
                count = int(item.get("count", 1))
            except (TypeError, KeyError, ValueError):
                raise UsageError(f"baseline {path}: malformed entry under {file!r}: {item!r}") from None
            if count > 0:
                entry = baseline.entries.setdefault(key, Entry(0, str(item.get("text", ""))))
                entry.count += count
    return baseline


def dumps(baseline: Baseline) -> str:
    files: dict[str, list[tuple[Key, Entry]]] = {}
    for key, entry in sorted(baseline.entries.items()):
        if entry.count > 0:
            files.setdefault(key[0], []).append((key, entry))
    out = ["{", f'  "{FORMAT_KEY}": {FORMAT_VERSION},']
    if not files:
        out.append('  "files": {}')
    else:
        out.append('  "files": {')
        for n, (file, items) in enumerate(files.items()):
            out.append(f"    {json.dumps(file, ensure_ascii=False)}: [")
            for m, ((_, code, digest), entry) in enumerate(items):
                line = json.dumps({"code": code, "hash": digest, "count": entry.count, "text": entry.text},
                                  ensure_ascii=False)
                out.append(f"      {line}{',' if m < len(items) - 1 else ''}")
            out.append(f"    ]{',' if n < len(files) - 1 else ''}")
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def write(baseline: Baseline) -> None:
    directory = os.path.dirname(os.path.abspath(baseline.path))
    try:
        os.makedirs(directory, exist_ok=True)
        tmp = baseline.path + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(dumps(baseline))
        os.replace(tmp, baseline.path)
    except OSError as exc:
        raise UsageError(f"cannot write baseline {baseline.path}: {exc.strerror or exc}") from None


def pruned(baseline: Baseline, stale: dict[Key, int]) -> Baseline:
    result = Baseline(baseline.path)
    for key, entry in baseline.entries.items():
        count = entry.count - stale.get(key, 0)
        if count > 0:
            result.entries[key] = Entry(count, entry.text)
    return result

_STALE_LISTED = 20
_NEVER_BASELINED = ("CD100",)  # an internal error must always show


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Filter:
    """The command line's baseline step, applied to each file's findings as they arrive (the
    findings of one key always arrive together: keys are per file and per rule), so that
    streamed formats and counts see the new findings only.

    `--baseline FILE`: findings FILE records are set aside; `finish` reports the entries
    nothing matched and, with `--prune-baseline`, removes them. `--write-baseline FILE`:
    every finding is recorded (and so counts as baselined); `finish` writes FILE."""

    def __init__(self, path: str, *, write: bool, prune: bool = False,
                 judged_codes: Iterable[str] = ()) -> None:
        self.path, self.writing, self.prune = path, write, prune
        self.current = Baseline(path) if write else load(path)
        self.remaining = {key: entry.count for key, entry in self.current.entries.items()}
        self.judged = set(judged_codes)
        self.checked: set[str] = set()
        self.count = 0  # findings set aside

    def file_checked(self, display_path: str) -> None:
        self.checked.add(self.current.key_path(display_path))

    def split(self, findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(new, baselined)"""
        new: list[Finding] = []
        old: list[Finding] = []
        keyed = occurrences(findings, lambda f: self.current.key_path(f.path))
        for finding, (key, index) in zip(findings, keyed):
            if finding.code in _NEVER_BASELINED:
                new.append(finding)
            elif self.writing:
                entry = self.current.entries.get(key)
                if entry is None:
                    shown = normalise(finding.snippet)
                    if len(shown) > _TEXT_SHOWN:
                        shown = shown[:_TEXT_SHOWN - 1] + "…"
                    entry = self.current.entries[key] = Entry(0, shown)
                entry.count += 1
                old.append(finding)
            else:
                entry = self.current.entries.get(key)
                if entry is not None and index < entry.count:
                    self.remaining[key] -= 1
                    old.append(finding)
                else:
                    new.append(finding)
        self.count += len(old)
        return new, old

    def stale(self) -> dict[Key, int]:
        """Entries this run could have matched and did not: their file was checked (or no
        longer exists) and their rule was enabled. Entries for files outside the run are kept."""
        base = self.current.base_dir
        stale: dict[Key, int] = {}
        for key, left in self.remaining.items():
            if left <= 0:
                continue
            path, code, _ = key
            gone = path != "-" and not os.path.lexists(os.path.join(base, path))
            if gone or (path in self.checked and code in self.judged):
                stale[key] = left
        return stale

    def finish(self) -> list[str]:
        """Write what has to be written; the lines to tell the user."""
        if self.writing:
            write(self.current)
            entries = len(self.current.entries)
            return [f"Wrote {_plural(self.count, 'finding')} ({entries} entr{'y' if entries == 1 else 'ies'}) "
                    f"to the baseline {self.path}."]
        stale = self.stale()
        if not stale:
            return []
        n = sum(stale.values())
        if self.prune:
            write(pruned(self.current, stale))
            return [f"Removed {_plural(n, 'stale finding')} from the baseline {self.path}."]
        notes = [f"The baseline {self.path} records {_plural(n, 'finding')} that no longer "
                 f"occur{'s' if n == 1 else ''} (fixed, or the file is gone); --prune-baseline removes them:"]
        for (path, code, digest), count in sorted(stale.items())[:_STALE_LISTED]:
            text = self.current.entries[(path, code, digest)].text
            shown = f" {text!r}" if text else ""
            notes.append(f"  {path}: {code}{shown}" + (f" (x{count})" if count > 1 else ""))
        if len(stale) > _STALE_LISTED:
            notes.append(f"  ... and {len(stale) - _STALE_LISTED} more")
        return notes


def from_args(args, judged_codes: Iterable[str]) -> Filter | None:
    """The baseline step the command line asks for, or None. Reads the baseline now, so a
    missing or broken file stops the run before any work."""
    if args.prune_baseline and not args.baseline:
        raise UsageError("--prune-baseline goes with --baseline FILE")
    if args.write_baseline:
        return Filter(args.write_baseline, write=True)
    if args.baseline:
        return Filter(args.baseline, write=False, prune=args.prune_baseline, judged_codes=judged_codes)
    return None
