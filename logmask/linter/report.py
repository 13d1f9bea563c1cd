"""Output formats: text, json, github. (SARIF lives in `sarif.py`.)"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from logmask.findings import FileError, Finding


def finding_dict(finding: Finding) -> dict[str, object]:
    fix = None
    if finding.fix is not None:
        fix = {
            "message": finding.fix.message,
            "applicability": "safe" if finding.fix.safe else "unsafe",
            "edits": [asdict(edit) for edit in finding.fix.edits],
            "imports": list(finding.fix.imports),
            "setup": list(finding.fix.setup),
        }
    out: dict[str, object] = {
        "code": finding.code,
        "rule": finding.rule,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "message": finding.message,
        "confidence": finding.confidence,
        "fix": fix,
    }
    if finding.cell is not None:
        out["cell"] = finding.cell
    return out


def render_json(findings: Sequence[Finding]) -> str:
    return json.dumps([finding_dict(f) for f in findings], indent=2) + "\n"


def location(finding: Finding) -> str:
    if finding.cell is not None:
        return f"{finding.path}:cell {finding.cell}:{finding.line}:{finding.column}"
    return f"{finding.path}:{finding.line}:{finding.column}"


def render_text(findings: Sequence[Finding], errors: Sequence[FileError], fixable: int) -> str:
    lines = [f"{location(f)}: {f.code} {f.message}" for f in findings]
    total = len(findings)
    if total:
        summary = f"Found {total} finding{'s' if total != 1 else ''}"
        if fixable:
            summary += f" ({fixable} fixable with `logmask check --fix`)"
        lines.append(summary + ".")
    elif not errors:
        lines.append("All checks passed.")
    if errors:
        lines.append(f"{len(errors)} file{'s' if len(errors) != 1 else ''} could not be checked.")
    return "\n".join(lines) + "\n"


def _escape(value: str, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def _github_path(path: str) -> str:
    """Forward slashes, no leading `./`: the form GitHub matches against the checkout."""
    return Path(path).as_posix()


def render_github(findings: Sequence[Finding], errors: Sequence[FileError]) -> str:
    """GitHub Actions workflow commands: one `::error` annotation per finding."""
    lines = []
    for f in findings:
        where = f"line={f.line},col={f.column},endLine={f.end_line},endColumn={f.end_column}"
        message = f"{f.code} {f.message}"
        if f.cell is not None:  # cell lines are not lines of the file: point at the cell
            where = f"line={f.cell_start or 1}"
            message = f"{f.code} cell {f.cell}, line {f.line}: {f.message}"
        props = f"file={_escape(_github_path(f.path), True)},{where},title={_escape(f.code, True)}"
        lines.append(f"::error {props}::{_escape(message)}")
    for e in errors:
        where = _escape(_github_path(e.path), True)
        lines.append(f"::error file={where},title={e.code}::{_escape(e.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_statistics(findings: Sequence[Finding]) -> str:
    from logmask.rules import RULES

    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None)
    lines = []
    for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        mark = "*" if fixable[code] else " "
        lines.append(f"{count:5d}  {code}  {mark} {RULES[code].name}")
    return "\n".join(lines) + ("\n" if lines else "")
