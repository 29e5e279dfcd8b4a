"""Output formats, one module per family of formats, imported only when chosen."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from lint.finding import Finding
from lint.ruleset import RuleSet

# name -> "module:function"; each function takes a Report and returns the text to print.
FORMATS: dict[str, str] = {
    "concise": "lint.report.text:concise",
    "full": "lint.report.text:full",
    "json": "lint.report.json:render",
    "json-lines": "lint.report.json:render_lines",
}


@dataclass
class Report:
    findings: list[Finding]
    rules: RuleSet
    files: list[str] = field(default_factory=list)
    fixed: int = 0


def renderer(name: str) -> Callable[[Report], str]:
    module, function = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), function)
