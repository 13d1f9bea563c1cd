"""SARIF 2.1.0 output, for GitHub code scanning and other CI gates.

Built by hand (no SARIF dependency). What consumers rely on:

- `rules[]` carry the rule docs (short and full description, help with the
  leaking and fixed examples) and the CWE-532 tag;
- results have a level from their confidence, a region with 1-based
  code-point columns, a line-independent `partialFingerprints` entry (the
  baseline fingerprint, so alerts survive code moving), and `fixes` with the
  edits and any import the fix adds;
- file errors are `toolExecutionNotifications`, and `executionSuccessful` is
  false when there was one, so a broken file never reads as a clean run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import libcst as cst

from logmask import __version__
from logmask.findings import Edit, FileError, Finding
from logmask.linter.baseline import fingerprints
from logmask.linter.fixes import header_lines, import_lines, setup_present
from logmask.rules import RULES
from logmask.rules.base import RuleDoc

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {"high": "error", "medium": "warning", "low": "note"}
SRCROOT = "%SRCROOT%"
FINGERPRINT = "logmask/v1"


def information_uri() -> str | None:
    """The project's home page from the installed package metadata, if it declares one."""
    try:
        meta = metadata.metadata("logmask")
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        _, _, url = entry.partition(",")
        if url.strip().startswith(("https://", "http://")):
            return url.strip()
    home = meta.get("Home-page")
    return home if home and home.startswith(("https://", "http://")) else None


def artifact_location(path: str, root: Path) -> dict[str, str]:
    """A relative URI (forward slashes) under %SRCROOT%, or an absolute file URI outside it."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": relative.as_posix(), "uriBaseId": SRCROOT}


def rule_descriptor(doc: RuleDoc) -> dict[str, Any]:
    fix = doc.fix_safety
    text = (
        f"{doc.summary}\n\n{doc.why}\n\nExample (leaking):\n{doc.leaking}\n"
        f"Use instead:\n{doc.fixed}\nFix safety: {fix}\n"
    )
    markdown = (
        f"{doc.summary}\n\n{doc.why}\n\n**Example (leaking)**\n\n```python\n{doc.leaking}```\n\n"
        f"**Use instead**\n\n```python\n{doc.fixed}```\n\n**Fix safety**: {fix}\n"
    )
    return {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.why},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"enabled": doc.default, "level": "error"},
        "properties": {"tags": ["privacy", "security", "CWE-532", "external/cwe/cwe-532"]},
    }


def region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def header_edit(finding: Finding, module: cst.Module | None) -> Edit | None:
    """The insertion of the imports and set-up lines a fix needs, where `--fix` puts them."""
    fix = finding.fix
    if fix is None or module is None or finding.cell is not None:
        return None
    present = import_lines(module)
    lines = [i for i in fix.imports if i not in present]
    lines += [s for s in fix.setup if not setup_present(module, s)]
    if not lines:
        return None
    newline = module.default_newline
    line = header_lines(module, module.code) + 1
    return Edit(line, 1, line, 1, "".join(text + newline for text in lines))


def sarif_fix(
    finding: Finding, location: dict[str, str], module: cst.Module | None
) -> dict[str, Any]:
    assert finding.fix is not None
    edits = list(finding.fix.edits)
    header = header_edit(finding, module)
    if header is not None:
        edits.append(header)
    replacements = [
        {
            "deletedRegion": region(e.line, e.column, e.end_line, e.end_column),
            "insertedContent": {"text": e.content},
        }
        for e in sorted(edits, key=lambda e: (e.line, e.column), reverse=True)
    ]
    return {
        "description": {"text": finding.fix.message},
        "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
        "properties": {"applicability": "safe" if finding.fix.safe else "unsafe"},
    }


def sarif_result(
    finding: Finding,
    index: int,
    fingerprint: str,
    root: Path,
    module: cst.Module | None,
) -> dict[str, Any]:
    location = artifact_location(finding.path, root)
    physical: dict[str, Any] = {"artifactLocation": location}
    message = finding.message
    properties: dict[str, Any] = {"confidence": finding.confidence, "rule": finding.rule}
    if finding.cell is None:
        physical["region"] = region(
            finding.line, finding.column, finding.end_line, finding.end_column
        )
    else:
        # Lines of a notebook cell are not lines of the .ipynb file: name them in the message.
        message = f"cell {finding.cell}, line {finding.line}: {message}"
        properties.update(cell=finding.cell, cellLine=finding.line, cellColumn=finding.column)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS[finding.confidence],
        "message": {"text": message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT: fingerprint},
        "properties": properties,
    }
    if finding.fix is not None and finding.cell is None:
        result["fixes"] = [sarif_fix(finding, location, module)]
    return result


def notification(error: FileError, root: Path) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"{error.path}: {error.message}"},
        "descriptor": {"id": error.code},
        "locations": [
            {"physicalLocation": {"artifactLocation": artifact_location(error.path, root)}}
        ],
    }


def render_sarif(
    findings: Sequence[Finding],
    errors: Sequence[FileError],
    modules: Mapping[str, cst.Module | None] | None = None,
    root: Path | None = None,
) -> str:
    """The SARIF log. `modules` (path -> parsed module) lets fixes include their imports."""
    root = Path(os.path.abspath(root or Path.cwd()))
    modules = modules or {}
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    driver: dict[str, Any] = {
        "name": "logmask",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [rule_descriptor(RULES[code]) for code in codes],
    }
    uri = information_uri()
    if uri:
        driver["informationUri"] = uri
    prints = fingerprints(findings, root)
    results = [
        sarif_result(f, index[f.code], p, root, modules.get(f.path))
        for f, p in zip(findings, prints, strict=True)
    ]
    run = {
        "tool": {"driver": driver},
        "invocations": [
            {
                "executionSuccessful": not errors,
                "toolExecutionNotifications": [notification(e, root) for e in errors],
            }
        ],
        "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"
