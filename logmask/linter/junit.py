"""JUnit XML, for CI systems that show test reports (Jenkins, GitLab, Azure, CircleCI).

One `testsuite` per file, one failing `testcase` per finding (ruff's layout);
a file that could not be checked is a testcase with an `<error>`, and a clean
run is one passing testcase, so the report is never empty. Built with the
stdlib's ElementTree (escaping done by it); characters XML 1.0 cannot hold
(control characters in a file name) are written as escapes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from logmask.findings import FileError, Finding
from logmask.linter.report import printable

PACKAGE = "logmask"


def render_junit(findings: Sequence[Finding], errors: Sequence[FileError]) -> str:
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, []).append(finding)
    failed: dict[str, list[FileError]] = {}
    for error in errors:
        failed.setdefault(error.path, []).append(error)
    total = len(findings) + len(errors)
    root = ET.Element(
        "testsuites",
        name=PACKAGE,
        tests=str(max(total, 1)),
        failures=str(len(findings)),
        errors=str(len(errors)),
    )
    if not total:
        suite = ET.SubElement(
            root, "testsuite", name=PACKAGE, tests="1", failures="0", errors="0", skipped="0"
        )
        ET.SubElement(suite, "testcase", name="No findings", classname=PACKAGE)
    for path in sorted({*by_file, *failed}):
        name = printable(path)
        found = by_file.get(path, [])
        broken = failed.get(path, [])
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(len(found) + len(broken)),
            failures=str(len(found)),
            errors=str(len(broken)),
            skipped="0",
            package=PACKAGE,
        )
        for f in found:
            where = f"cell {f.cell}, " if f.cell is not None else ""
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{PACKAGE}.{f.code}",
                classname=name,
                file=name,
                line=str(f.line),
                column=str(f.column),
            )
            failure = ET.SubElement(case, "failure", message=printable(f.message), type=f.code)
            failure.text = f"{where}line {f.line}, col {f.column}, {printable(f.message)}"
        for e in broken:
            case = ET.SubElement(suite, "testcase", name=f"{PACKAGE}.{e.code}", classname=name)
            problem = ET.SubElement(case, "error", message=printable(e.message), type=e.code)
            problem.text = printable(e.message)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
