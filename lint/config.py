"""Configuration: discovery (like Ruff: the nearest copydesk.toml, .copydesk.toml or
pyproject.toml with [tool.copydesk]), validation, and the rules in force for one file."""

from __future__ import annotations

import functools
import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple

from lint import derived, ruleset
from lint.errors import UsageError, did_you_mean
from lint.finding import Severity
from lint.ruleset import Rule, RuleSet

if TYPE_CHECKING:  # pathspec is imported where globs are matched: a one-file run may not need it
    import pathspec

CONFIG_FILES = ("copydesk.toml", ".copydesk.toml", "pyproject.toml")
FAIL_ON = ("error", "warning", "info")
DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.mdx", "*.txt", "*.text")
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".bzr", "node_modules", ".venv", "venv", ".tox", ".nox",
    "__pypackages__", "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".copydesk_cache", "_site", ".jekyll-cache", ".sass-cache", "build", "dist",
    # plain-text files that are not articles
    "requirements*.txt", "constraints*.txt", "CMakeLists.txt", "robots.txt", "LICENSE*",
    "COPYING*", "NOTICE*",
)
# Keys that may stand in an [[overrides]] entry as well as at the top level.
_SELECTION_KEYS = ("select", "ignore", "extend-select", "severity", "rules")
_TOP_KEYS = _SELECTION_KEYS + (
    "per-file-ignores", "overrides", "include", "exclude", "extend-exclude", "rules-dirs",
    "fail-on", "output-format", "respect-gitignore", "max-file-size",
)
_OVERRIDE_KEYS = ("paths",) + _SELECTION_KEYS
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


# NamedTuples and plain classes, not dataclasses: creating a dataclass costs every run time
# at import.
class Selection(NamedTuple):
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    rules: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()


class Override(NamedTuple):
    paths: "pathspec.PathSpec"
    selection: Selection


class Settings:
    """One configuration file, validated (or the defaults, when there is none). Equal only
    to itself: resolvers key their caches on it."""

    def __init__(self, root: Path, path: Path | None = None, selection: Selection = Selection(),
                 per_file_ignores: tuple[tuple["pathspec.PathSpec", tuple[str, ...]], ...] = (),
                 overrides: tuple[Override, ...] = (), include: tuple[str, ...] = DEFAULT_INCLUDE,
                 exclude: tuple[str, ...] = DEFAULT_EXCLUDE, rules_dirs: tuple[str, ...] = (),
                 fail_on: str | None = None, output_format: str | None = None,
                 respect_gitignore: bool = True, max_file_size: int = DEFAULT_MAX_FILE_SIZE):
        self.root = root
        self.path = path
        self.selection = selection
        self.per_file_ignores = per_file_ignores
        self.overrides = overrides
        self.include = include
        self.exclude = exclude
        self.rules_dirs = rules_dirs
        self.fail_on = fail_on
        self.output_format = output_format
        self.respect_gitignore = respect_gitignore
        self.max_file_size = max_file_size

    @functools.cached_property
    def ruleset(self) -> RuleSet:
        return ruleset.load(self.rules_dirs)

    @functools.cached_property
    def exclude_spec(self) -> "pathspec.PathSpec":
        return _spec(self.exclude, "exclude")

    @functools.cached_property
    def include_spec(self) -> "pathspec.PathSpec":
        return _spec(self.include, "include")

    def relative(self, path: Path) -> str | None:
        return self.relative_resolved(path.resolve())

    def relative_resolved(self, resolved: Path) -> str | None:
        """relative() of a path already resolved."""
        try:
            return PurePosixPath(resolved.relative_to(self.root)).as_posix()
        except ValueError:
            return None

    def excluded_in(self, directory_rel: str | None, name: str) -> bool:
        """is_excluded for `name` in a directory whose relative() is already known."""
        if directory_rel in (None, "."):
            return self.exclude_spec.match_file(name)
        return self.exclude_spec.match_file(f"{directory_rel}/{name}")

    def is_excluded(self, path: Path) -> bool:
        rel = self.relative(path)
        if rel is None:
            return self.exclude_spec.match_file(path.name)
        return self.exclude_spec.match_file(rel)


class CliOverrides(NamedTuple):
    """--select/--ignore/--extend-select from the command line: they win over every file."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()


class ActiveRule(NamedTuple):
    rule: Rule
    severity: Severity
    params: Mapping[str, Any]


# -- loading ----------------------------------------------------------------------------


def read_config_file(path: Path) -> Mapping[str, Any] | None:
    """The copydesk table of a config file, or None for a pyproject.toml without one."""
    try:
        text = path.read_text(encoding="utf-8")
        # Importing tomllib and parsing cost a one-file run more than a derived-cache read.
        data = derived.load("toml", derived.key_of(text), lambda: _toml().loads(text))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: configuration is not UTF-8") from None
    except _toml().TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("copydesk")
        return table if isinstance(table, dict) else None
    return data


def load_settings(path: Path) -> Settings:
    path = path.resolve()
    table = read_config_file(path)
    if table is None:
        raise UsageError(f"{path}: no [tool.copydesk] table")
    return parse_settings(table, path.parent, path)


def parse_settings(table: Mapping[str, Any], root: Path, path: Path | None) -> Settings:
    where = str(path) if path else "configuration"
    _check_keys(table, _TOP_KEYS, where)
    pfi = []
    for glob, codes in _mapping(table, "per-file-ignores", where).items():
        pfi.append((_spec([glob], f"{where}: per-file-ignores"),
                    _codes(codes, f"{where}: per-file-ignores.{glob!r}")))
    overrides = []
    raw_overrides = table.get("overrides", [])
    if not isinstance(raw_overrides, list):
        raise UsageError(f"{where}: 'overrides' must be an array of tables ([[overrides]])")
    for i, entry in enumerate(raw_overrides):
        at = f"{where}: overrides[{i}]"
        if not isinstance(entry, dict):
            raise UsageError(f"{at}: must be a table")
        _check_keys(entry, _OVERRIDE_KEYS, at)
        if "paths" not in entry:
            raise UsageError(f"{at}: missing 'paths' (a list of globs)")
        overrides.append(Override(_spec(_strings(entry["paths"], f"{at}.paths"), at),
                                  _selection(entry, at, root)))
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise UsageError(f"{where}: fail-on: {fail_on!r} is not one of {', '.join(FAIL_ON)}"
                         f"{did_you_mean(str(fail_on), FAIL_ON)}")
    output_format = table.get("output-format")
    if output_format is not None:
        from lint.report import FORMATS

        if output_format not in FORMATS:
            raise UsageError(f"{where}: output-format: {output_format!r} is not a format"
                             f"{did_you_mean(str(output_format), FORMATS)}")
    respect = table.get("respect-gitignore", True)
    if not isinstance(respect, bool):
        raise UsageError(f"{where}: respect-gitignore must be true or false")
    max_size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size <= 0:
        raise UsageError(f"{where}: max-file-size must be a positive number of bytes")
    exclude = DEFAULT_EXCLUDE
    if "exclude" in table:
        exclude = _strings(table["exclude"], f"{where}: exclude")
    exclude += _strings(table.get("extend-exclude", []), f"{where}: extend-exclude")
    settings = Settings(
        root=root,
        path=path,
        selection=_selection(table, where, root),
        per_file_ignores=tuple(pfi),
        overrides=tuple(overrides),
        include=_strings(table["include"], f"{where}: include") if "include" in table else DEFAULT_INCLUDE,
        exclude=exclude,
        rules_dirs=tuple(str((root / d).resolve()) for d in _strings(table.get("rules-dirs", []), f"{where}: rules-dirs")),
        fail_on=fail_on,
        output_format=output_format,
        respect_gitignore=respect,
        max_file_size=max_size,
    )
    validate_against_rules(settings, where)
    return settings


def validate_against_rules(settings: Settings, where: str) -> None:
    """Every code, prefix and parameter the configuration names must exist."""
    rules = settings.ruleset
    selections = [(where, settings.selection)] + [
        (f"{where}: overrides[{i}]", o.selection) for i, o in enumerate(settings.overrides)]
    for at, sel in selections:
        for key, codes in (("select", sel.select or ()), ("ignore", sel.ignore),
                           ("extend-select", sel.extend_select)):
            for code in codes:
                _check_selector(rules, code, f"{at}: {key}")
        for code, _ in sel.severity:
            _check_selector(rules, code, f"{at}: severity")
        for code, params in sel.rules:
            rule = rules.get(code)
            if rule is None:
                raise UsageError(f"{at}: rules.{code}: unknown rule{did_you_mean(code, rules.by_code)}")
            for name, value in params:
                _check_param(rule, name, value, f"{at}: rules.{code}")
    for _, codes in settings.per_file_ignores:
        for code in codes:
            _check_selector(rules, code, f"{where}: per-file-ignores")


def _check_selector(rules: RuleSet, code: str, at: str) -> None:
    if not rules.is_selector(code):
        raise UsageError(f"{at}: {code!r} names no rule{did_you_mean(code, rules.by_code)}")


def _check_param(rule: Rule, name: str, value: Any, at: str) -> None:
    if name not in rule.params:
        known = ", ".join(rule.params) or "none"
        raise UsageError(f"{at}: unknown parameter {name!r}{did_you_mean(name, rule.params)}"
                         f" (parameters of {rule.code}: {known})")
    default = rule.params[name]
    if default is None or value is None:
        return
    numeric = (int, float)
    if isinstance(default, bool) != isinstance(value, bool):
        raise UsageError(f"{at}: {name} must be true or false")
    if isinstance(default, numeric) and isinstance(value, numeric):
        return
    if isinstance(default, (list, tuple)) and isinstance(value, (list, tuple)):
        return
    if type(default) is not type(value):
        raise UsageError(f"{at}: {name} must be a {type(default).__name__}, "
                         f"not {type(value).__name__} ({value!r})")


def _check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise UsageError(f"{where}: unknown key {key!r}{did_you_mean(key, allowed)}")


def _selection(table: Mapping[str, Any], where: str, root: Path) -> Selection:
    severity = []
    for code, value in _mapping(table, "severity", where).items():
        try:
            severity.append((code.upper(), Severity.parse(str(value))))
        except ValueError as exc:
            raise UsageError(f"{where}: severity.{code}: {exc}") from None
    rules = []
    for code, params in _mapping(table, "rules", where).items():
        if not isinstance(params, dict):
            raise UsageError(f"{where}: rules.{code} must be a table of parameters")
        at = f"{where}: rules.{code}"
        rules.append((code.upper(), tuple((name, ruleset.resolve_lexicon(root, at, name, value))
                                          for name, value in params.items())))
    return Selection(
        select=_codes(table["select"], f"{where}: select") if "select" in table else None,
        ignore=_codes(table.get("ignore", []), f"{where}: ignore"),
        extend_select=_codes(table.get("extend-select", []), f"{where}: extend-select"),
        severity=tuple(severity),
        rules=tuple(rules),
    )


def _mapping(table: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise UsageError(f"{where}: {key} must be a table")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: must be a list of strings")
    return tuple(value)


def _codes(value: Any, where: str) -> tuple[str, ...]:
    return tuple(v.upper() for v in _strings(value, where))


def _spec(patterns: tuple[str, ...] | list[str], where: str) -> "pathspec.PathSpec":
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except Exception as exc:  # pathspec raises several types for bad patterns
        raise UsageError(f"{where}: bad glob: {exc}") from None


# -- discovery --------------------------------------------------------------------------


class Resolver:
    """Finds the settings for each file and the rules in force for it, with caches: a tree
    of 10,000 posts has a handful of directories and configurations."""

    def __init__(self, *, config: Path | None = None, isolated: bool = False,
                 cli: CliOverrides = CliOverrides(), cwd: Path | None = None):
        self.cwd = (cwd or Path.cwd()).resolve()
        self.cli = cli
        self._fixed: Settings | None = None
        if config is not None:
            self._fixed = load_settings(config)
        elif isolated:
            self._fixed = Settings(root=self.cwd)
        self._by_dir: dict[Path, Settings] = {}
        self._resolved_dirs: dict[str, Path] = {}
        self._rules: dict[tuple, tuple[ActiveRule, ...]] = {}
        for selector in (cli.select or ()) + cli.ignore + cli.extend_select:
            _check_selector(self.project.ruleset, selector, "command line")

    @functools.cached_property
    def project(self) -> Settings:
        """The settings for the current directory: they give run-wide options."""
        return self._fixed or self.for_directory(self.cwd)

    def for_path(self, path: Path) -> Settings:
        if self._fixed is not None:
            return self._fixed
        return self.for_directory(self._resolve(path).parent)

    def _resolve(self, path: Path) -> Path:
        """path.resolve(), each directory resolved once: resolving costs a system call per
        component, and a tree's files share a few directories."""
        name = path.name
        if name in ("", "..") or os.path.islink(path):
            return path.resolve()
        # the directory as given, not normalised: "link/.." is where the link's target is
        directory = os.path.join(os.getcwd(), path.parent)
        resolved = self._resolved_dirs.get(directory)
        if resolved is None:
            resolved = self._resolved_dirs[directory] = Path(directory).resolve()
        return resolved / name

    def for_directory(self, directory: Path) -> Settings:
        if self._fixed is not None:
            return self._fixed
        found = self._by_dir.get(directory)
        if found is not None:
            return found
        settings = self._discover(directory)
        self._by_dir[directory] = settings
        return settings

    def _discover(self, directory: Path) -> Settings:
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file():
                table = read_config_file(candidate)
                if table is not None:
                    return parse_settings(table, directory, candidate)
        parent = directory.parent
        if parent == directory:
            return Settings(root=self.cwd)
        return self.for_directory(parent)

    def active_rules(self, path: Path | None, settings: Settings) -> tuple[ActiveRule, ...]:
        # without path-specific entries every file has the same rules: no need to place it
        placed = path is not None and (settings.overrides or settings.per_file_ignores)
        rel = settings.relative_resolved(self._resolve(path)) if placed else None
        matched = () if rel is None else (
            tuple(i for i, o in enumerate(settings.overrides) if o.paths.match_file(rel)),
            tuple(i for i, (spec, _) in enumerate(settings.per_file_ignores) if spec.match_file(rel)),
        )
        key = (id(settings), matched)
        cached = self._rules.get(key)
        if cached is None:
            cached = self._compute(settings, *(matched or ((), ())))
            self._rules[key] = cached
        return cached

    def enabled_anywhere(self, settings: Settings) -> list[Rule]:
        """Rules enabled for some path under these settings (the base or any override)."""
        codes: dict[str, Rule] = {}
        for overrides in [()] + [(i,) for i in range(len(settings.overrides))]:
            codes.update((a.rule.code, a.rule) for a in self._compute(settings, overrides, ()))
        return list(codes.values())

    def _compute(self, settings: Settings, overrides: tuple[int, ...],
                 ignores: tuple[int, ...]) -> tuple[ActiveRule, ...]:
        rules = settings.ruleset
        selections = [settings.selection] + [settings.overrides[i].selection for i in overrides]
        cli_selection = Selection(select=self.cli.select, ignore=self.cli.ignore,
                                  extend_select=self.cli.extend_select)
        enabled = {r.code for r in rules if r.default}
        for sel in selections + [cli_selection]:
            if sel.select is not None:
                enabled = {r.code for s in sel.select for r in rules.matching(s)}
            enabled |= {r.code for s in sel.extend_select for r in rules.matching(s)}
            enabled -= {r.code for s in sel.ignore for r in rules.matching(s)}
        for i in ignores:
            enabled -= {r.code for s in settings.per_file_ignores[i][1] for r in rules.matching(s)}
        active = []
        for rule in rules:
            if rule.code not in enabled:
                continue
            severity = rule.severity
            params = dict(rule.params)
            for sel in selections:
                # the most specific selector wins: "EN102" over "EN"
                for selector, value in sorted(sel.severity, key=lambda item: len(item[0])):
                    if selector == "ALL" or rule.code.startswith(selector):
                        severity = value
                for code, values in sel.rules:
                    if code == rule.code:
                        params.update(values)
            active.append(ActiveRule(rule, severity, params))
        return tuple(active)
