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
    "parquet": "lint.report.parquet:render",
}


@dataclass
class Report:
    findings: list[Finding]
    rules: RuleSet
    files: list[str] = field(default_factory=list)
    fixed: int = 0


# Formats written as results arrive, one file's findings at a time, so that the memory of
# a run over millions of files stays flat: name -> "module:class" of a writer with
# write(findings) and close().
STREAMS: dict[str, str] = {
    "json-lines": "lint.report.json:LinesStream",
    "parquet": "lint.report.parquet:ParquetStream",
}


def open_stream(name: str, output_file):
    """A streaming writer for the format, or None if the format renders at the end."""
    if name not in STREAMS:
        return None
    module, cls = STREAMS[name].split(":")
    return getattr(importlib.import_module(module), cls)(output_file)


def renderer(name: str) -> Callable[[Report], str]:
    module, function = FORMATS[name].split(":")
    return getattr(importlib.import_module(module), function)
