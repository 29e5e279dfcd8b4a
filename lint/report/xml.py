"""XML formats: JUnit (one test suite per file, one failing test case per finding, as GitLab
and Jenkins read test reports) and Checkstyle (one <file> per file, one <error> per finding,
as Jenkins warnings-ng, reviewdog and many CI tools read it).

Built with xml.etree, so the text of an article is always escaped; characters XML 1.0
cannot hold at all (most C0 controls, which damaged articles do contain) are replaced by
U+FFFD."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from lint.finding import Finding
from lint.report import Report

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _by_file(report: Report) -> dict[str, list[Finding]]:
    files: dict[str, list[Finding]] = {path: [] for path in report.files}
    for f in report.findings:
        files.setdefault(f.path, []).append(f)
    return files


def _serialise(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def junit(report: Report) -> str:
    files = _by_file(report)
    total_tests = sum(max(1, len(found)) for found in files.values())
    root = ET.Element("testsuites", name="copydesk", tests=str(total_tests),
                      failures=str(len(report.findings)), errors="0")
    for path, found in files.items():
        suite = ET.SubElement(root, "testsuite", name=_clean(path), tests=str(max(1, len(found))),
                              failures=str(len(found)), errors="0", skipped="0")
        if not found:
            ET.SubElement(suite, "testcase", name="copydesk", classname=_clean(path), file=_clean(path))
        for f in found:
            loc = f.location
            case = ET.SubElement(suite, "testcase", name=f"{f.code} {f.name}", classname=_clean(path),
                                 file=_clean(path), line=str(loc.line))
            failure = ET.SubElement(case, "failure", message=_clean(f.message), type=f"{f.severity}")
            failure.text = _clean(f"{path}:{loc.line}:{loc.column}: {f.code} [{f.severity}] {f.message}")
    return _serialise(root)


def checkstyle(report: Report) -> str:
    root = ET.Element("checkstyle", version="4.3")
    for path, found in _by_file(report).items():
        node = ET.SubElement(root, "file", name=_clean(path))
        for f in found:
            ET.SubElement(node, "error", line=str(f.location.line), column=str(f.location.column),
                          severity=str(f.severity), message=_clean(f.message), source=f"copydesk.{f.code}")
    return _serialise(root)
