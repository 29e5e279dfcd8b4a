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


@dataclass
class Outcome:
    new: list[Finding]
    baselined: list[Finding]
    # (path, code, hash) -> how many recorded instances no finding matched any more
    stale: dict[Key, int]

    @property
    def stale_count(self) -> int:
        return sum(self.stale.values())


def from_findings(path: str, findings: Iterable[Finding]) -> Baseline:
    baseline = Baseline(path)
    for f in findings:
        key = (baseline.key_path(f.path), f.code, text_hash(f))
        entry = baseline.entries.get(key)
        if entry is None:
            shown = normalise(f.snippet)
            entry = baseline.entries[key] = Entry(0, shown if len(shown) <= _TEXT_SHOWN else shown[:_TEXT_SHOWN - 1] + "…")
        entry.count += 1
    return baseline


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


def apply(baseline: Baseline, findings: Sequence[Finding], checked: Iterable[str],
          judged_codes: Iterable[str]) -> Outcome:
    """Split findings into new and baselined; list the entries nothing matched.

    An entry is stale only when this run could have matched it: its file was checked (or no
    longer exists) and its rule was enabled. Entries for files outside the run are kept."""
    remaining = {key: entry.count for key, entry in baseline.entries.items()}
    new: list[Finding] = []
    baselined: list[Finding] = []
    # The first `count` instances of a key in file order are the recorded ones; later ones are new.
    for finding, (key, index) in zip(findings, occurrences(findings, lambda f: baseline.key_path(f.path))):
        entry = baseline.entries.get(key)
        if entry is not None and index < entry.count:
            remaining[key] -= 1
            baselined.append(finding)
        else:
            new.append(finding)
    checked_paths = {baseline.key_path(p) for p in checked}
    codes = set(judged_codes)
    stale: dict[Key, int] = {}
    for key, left in remaining.items():
        if left <= 0:
            continue
        path, code, _ = key
        gone = path != "-" and not os.path.lexists(os.path.join(baseline.base_dir, path))
        if gone or (path in checked_paths and code in codes):
            stale[key] = left
    return Outcome(new, baselined, stale)


def pruned(baseline: Baseline, outcome: Outcome) -> Baseline:
    result = Baseline(baseline.path)
    for key, entry in baseline.entries.items():
        count = entry.count - outcome.stale.get(key, 0)
        if count > 0:
            result.entries[key] = Entry(count, entry.text)
    return result


_STALE_LISTED = 20
_NEVER_BASELINED = ("CD100",)  # an internal error must always show


def apply_to_run(args, run, judged_codes: Iterable[str]) -> None:
    """The command line's baseline step: `--write-baseline FILE` records every finding (which
    then count as baselined); `--baseline FILE` keeps only the new ones in `run.findings`,
    reports stale entries and, with `--prune-baseline`, removes them from FILE."""
    findings = [f for f in run.findings if f.code not in _NEVER_BASELINED]
    kept = [f for f in run.findings if f.code in _NEVER_BASELINED]
    if args.write_baseline:
        recorded = from_findings(args.write_baseline, findings)
        write(recorded)
        run.findings, run.baselined, run.baseline = kept, findings, args.write_baseline
        run.notes.append(f"Wrote {len(findings)} finding{'' if len(findings) == 1 else 's'} "
                         f"({len(recorded.entries)} entr{'y' if len(recorded.entries) == 1 else 'ies'}) to the baseline {args.write_baseline}.")
        return
    current = load(args.baseline)
    outcome = apply(current, findings, run.files, judged_codes)
    run.findings = sorted(outcome.new + kept, key=Finding.sort_key)
    run.baselined, run.baseline = outcome.baselined, args.baseline
    if not outcome.stale:
        return
    n = outcome.stale_count
    if args.prune_baseline:
        write(pruned(current, outcome))
        run.notes.append(f"Removed {n} stale finding{'' if n == 1 else 's'} from the baseline {args.baseline}.")
        return
    run.notes.append(f"The baseline {args.baseline} records {n} finding{'' if n == 1 else 's'} that no longer "
                     f"occur{'s' if n == 1 else ''} (fixed, or the file is gone); --prune-baseline removes them:")
    for (path, code, digest), count in sorted(outcome.stale.items())[:_STALE_LISTED]:
        text = current.entries[(path, code, digest)].text
        shown = f" {text!r}" if text else ""
        run.notes.append(f"  {path}: {code}{shown}" + (f" (x{count})" if count > 1 else ""))
    if len(outcome.stale) > _STALE_LISTED:
        run.notes.append(f"  ... and {len(outcome.stale) - _STALE_LISTED} more")
