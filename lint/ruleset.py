"""Rule definitions in YAML -> Rule objects bound to a check kind.

The built-in rules in rules/*.yaml and a newsroom's house rules are files of one shape."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from lint import derived, resources
from lint.errors import UsageError, did_you_mean
from lint.finding import Applicability, Severity

CODE_RE = re.compile(r"^[A-Z]{1,6}[0-9]{1,4}$")
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIX_VALUES = ("none", "safe", "unsafe")
# Rules of this kind are reported by the engine itself (unreadable file, unused suppression).
ENGINE_KIND = "engine"

_REQUIRED = ("code", "name", "check", "severity", "message")
_OPTIONAL = ("fix", "default", "params", "doc", "summary")
DOCS_URL = "https://github.com/copydesk/copydesk/blob/main/docs/rules.md"


class InvalidYaml(ValueError):
    """A rule or lexicon file that PyYAML cannot parse."""


# A NamedTuple, not a frozen dataclass: creating a dataclass costs every run time at import.
class Rule(NamedTuple):
    code: str
    name: str
    check: str
    severity: Severity
    message: str
    fix: str = "none"
    default: bool = True
    params: Mapping[str, Any] = {}  # shared by rules without params: never mutated
    doc: str = ""
    summary: str = ""
    source: str = ""

    @property
    def fix_applicability(self) -> Applicability | None:
        return None if self.fix == "none" else Applicability(self.fix)

    @property
    def short_description(self) -> str:
        """One line: the summary field, else the doc's first sentence."""
        if self.summary:
            return self.summary
        first = self.doc.strip().split("\n\n", 1)[0].replace("\n", " ")
        return first.split(". ")[0].rstrip(".") if first else self.name.replace("-", " ")

    @property
    def doc_url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"


class RuleSet:
    """All known rules, by code, in a stable order."""

    def __init__(self, rules: list[Rule]):
        self.rules = sorted(rules, key=lambda r: r.code)
        self.by_code = {r.code: r for r in self.rules}

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, code: str) -> Rule | None:
        return self.by_code.get(code.upper())

    def matching(self, selector: str) -> list[Rule]:
        """Rules a selector names: a code, a prefix ("EN", "EN1") or ALL."""
        selector = selector.upper()
        if selector == "ALL":
            return list(self.rules)
        return [r for r in self.rules if r.code.startswith(selector)]

    def is_selector(self, selector: str) -> bool:
        return bool(self.matching(selector))


def load_rule_file(path: Path) -> list[Rule]:
    try:
        entries = _parse_yaml_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read rule file: {exc}") from None
    except InvalidYaml as exc:
        raise UsageError(f"{path}: invalid YAML: {exc}".replace("\n", " ")) from None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise UsageError(f"{path}: a rule file is a list of rules (got {type(entries).__name__})")
    return [_rule(path, i, entry) for i, entry in enumerate(entries)]


def _rule(path: Path, index: int, entry: Any) -> Rule:
    where = f"{path}: rule #{index + 1}"
    if not isinstance(entry, dict):
        raise UsageError(f"{where}: a rule is a mapping with code, name, check, severity, message")
    if isinstance(entry.get("code"), str):
        where = f"{path}: rule {entry['code']}"
    for key in entry:
        if key not in _REQUIRED + _OPTIONAL:
            raise UsageError(f"{where}: unknown field {key!r}{did_you_mean(str(key), _REQUIRED + _OPTIONAL)}")
    for key in _REQUIRED:
        if key not in entry:
            raise UsageError(f"{where}: missing field {key!r}")
    for key in ("code", "name", "check", "severity", "message", "doc", "summary", "fix"):
        if key in entry and not isinstance(entry[key], str):
            raise UsageError(f"{where}: field {key!r} must be a string")
    code, name = entry["code"], entry["name"]
    if not CODE_RE.match(code):
        raise UsageError(f"{where}: field 'code': {code!r} is not a rule code (letters then digits, like HS101)")
    if not NAME_RE.match(name):
        raise UsageError(f"{where}: field 'name': {name!r} is not kebab-case")
    try:
        severity = Severity.parse(entry["severity"])
    except ValueError as exc:
        raise UsageError(f"{where}: field 'severity': {exc}") from None
    fix = entry.get("fix", "none")
    if fix not in FIX_VALUES:
        raise UsageError(f"{where}: field 'fix': {fix!r} is not one of {', '.join(FIX_VALUES)}")
    default = entry.get("default", True)
    if not isinstance(default, bool):
        raise UsageError(f"{where}: field 'default' must be true or false")
    params = entry.get("params") or {}
    if not isinstance(params, dict):
        raise UsageError(f"{where}: field 'params' must be a mapping")
    params = {str(k): resolve_lexicon(path.parent, where, str(k), v) for k, v in params.items()}
    return Rule(code=code, name=name, check=entry["check"], severity=severity,
                message=entry["message"], fix=fix, default=default, params=params,
                doc=entry.get("doc", ""), summary=entry.get("summary", ""), source=str(path))


def resolve_lexicon(base: Path, where: str, key: str, value: Any) -> Any:
    """A parameter named *lexicon whose value is a file name is replaced by the file's
    entries (a .txt phrase list or a .yaml structure), relative to `base`: the directory
    of the rule file or configuration file that names it."""
    file = _lexicon_path(base, key, value)
    if file is None:
        return value
    try:
        return lexicon_file(file)
    except (OSError, UnicodeDecodeError, InvalidYaml) as exc:
        raise UsageError(f"{where}: param {key!r}: cannot read lexicon {value!r}: {exc}") from None


def _lexicon_path(base: Path, key: str, value: Any) -> Path | None:
    """The file a *lexicon parameter names, or None when the parameter names no file."""
    return (base / value).resolve() if key.endswith("lexicon") and isinstance(value, str) else None


def _parse_yaml_file(path: Path) -> Any:
    """A YAML file's content; parsing lexicons with thousands of entries costs tens of
    milliseconds a run, so the result is kept in the derived cache by content digest, and
    PyYAML is imported only when a file is not in it."""
    data = path.read_bytes()
    return derived.load("yaml", derived.key_of(data), lambda: _parse_yaml(data.decode("utf-8")))


def _parse_yaml(text: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise InvalidYaml(str(exc)) from None


@functools.lru_cache(maxsize=None)
def lexicon_file(file: Path) -> Any:
    """Parsed once a run however many rules share the lexicon."""
    if file.suffix in (".yaml", ".yml"):
        return _parse_yaml_file(file)
    return tuple(resources.read_lexicon(file))


@functools.lru_cache(maxsize=None)
def _load_dir(directory: str) -> tuple[tuple[Path, Rule], ...]:
    """Each rules directory is read once a run, whichever configurations name it. Building
    its rules (validation, lexicons) costs a one-file run more than reading them back from
    the derived cache, keyed by the rule files and the lexicon files they name."""
    base = Path(directory)
    if not base.is_dir():
        raise UsageError(f"rules directory {directory} does not exist")
    files = sorted(base.glob("*.y*ml"))
    key = derived.key_of(*_contents(files))
    lexicons = derived.load("rule-lexicons", key, lambda: _lexicon_names(files))
    key = derived.key_of(key, *_contents(Path(name) for name in lexicons))
    rows = derived.load("rules", key, lambda: [
        (index, *rule[:3], int(rule.severity), *rule[4:])
        for index, file in enumerate(files) for rule in load_rule_file(file)])
    return tuple((files[row[0]], Rule(*row[1:4], Severity(row[4]), *row[5:])) for row in rows)


def _contents(files: Iterable[Path]) -> Iterator[str | bytes]:
    """Each file's name and bytes, for a cache key ("unreadable" instead of the bytes of a
    file that cannot be read: building the rules reports it)."""
    for file in files:
        yield str(file)
        try:
            data = file.read_bytes()
        except OSError:
            yield "unreadable"
            continue
        yield "bytes"
        yield data


def _lexicon_names(files: list[Path]) -> list[str]:
    """The lexicon files the rule files name."""
    names = set()
    for file in files:
        if not load_rule_file(file):  # reports a broken file as building would; skips an empty one
            continue
        for entry in _parse_yaml_file(file):
            for key, value in (entry.get("params") or {}).items():
                path = _lexicon_path(file.parent, str(key), value)
                if path is not None:
                    names.add(str(path))
    return sorted(names)


@functools.lru_cache(maxsize=32)
def _load_dirs(dirs: tuple[str, ...]) -> RuleSet:
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for directory in dirs:
        for file, rule in _load_dir(directory):
            if rule.code in seen:
                raise UsageError(f"{file}: rule {rule.code} is already defined in {seen[rule.code]}")
            seen[rule.code] = file
            rules.append(rule)
    return RuleSet(rules)


def load(extra_dirs: tuple[str, ...] = ()) -> RuleSet:
    """The built-in rules plus those in `extra_dirs` (absolute paths)."""
    return _load_dirs((str(resources.builtin_rules_dir()),) + tuple(extra_dirs))
