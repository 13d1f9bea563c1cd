"""SARIF 2.1.0 output, for GitHub code scanning and other CI gates.

Built by hand (no SARIF dependency). What consumers rely on:

- `rules[]` carry the rule docs (short and full description, help with the
  leaking and fixed examples) and the CWE-532 tag;
- results have a level from their confidence, a region with 1-based
  code-point columns, a line-independent `partialFingerprints` entry (the
  baseline fingerprint, so alerts survive code moving), and `fixes`: the
  replacements `check --fix` makes for that finding, imports included;
- file errors are `toolExecutionNotifications`, and `executionSuccessful` is
  false when there was one, so a broken file never reads as a clean run.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import libcst as cst

from logmask import __version__
from logmask.findings import FileError, Finding
from logmask.linter.baseline import fingerprints
from logmask.linter.fixes import apply_fixes
from logmask.linter.redaction import redact_display
from logmask.linter.report import rule_url
from logmask.linter.text import decode
from logmask.rules import RULES, RuleDoc

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
    candidates = [str(e).partition(",")[2].strip() for e in meta.get_all("Project-URL") or []]
    candidates += [str(home) for home in meta.get_all("Home-page") or []]
    return next((url for url in candidates if url.startswith(("https://", "http://"))), None)


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
    descriptor: dict[str, Any] = {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.why},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"enabled": doc.default, "level": "error"},
        "properties": {"tags": ["privacy", "security", "CWE-532", "external/cwe/cwe-532"]},
    }
    url = rule_url(doc.code)
    if url:
        descriptor["helpUri"] = url  # where the package declares its documentation
    return descriptor


def region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


class Sources:
    """Files read and parsed on demand, once each: only fixes need them."""

    def __init__(self, modules: Mapping[str, cst.Module | None] | None = None) -> None:
        self._parsed: dict[str, tuple[bytes, cst.Module] | None] = {
            path: (module.bytes, module) for path, module in (modules or {}).items() if module
        }

    def get(self, path: str) -> tuple[bytes, cst.Module] | None:
        if path not in self._parsed:
            try:
                data = Path(path).read_bytes()
                self._parsed[path] = (data, cst.parse_module(data))
            except (OSError, cst.ParserSyntaxError, ValueError, LookupError):
                self._parsed[path] = None
        return self._parsed[path]


def replacements(finding: Finding, sources: Sources) -> list[dict[str, Any]]:
    """What `check --fix` would change for this one finding, as whole-line replacements.

    Applying the fix with the engine (imports, set-up lines and all) and diffing
    the lines keeps SARIF's fix identical to `--fix`, whatever the fix adds.
    """
    assert finding.fix is not None
    parsed = sources.get(finding.path) if finding.cell is None else None
    if parsed is None:
        return [
            {
                "deletedRegion": region(e.line, e.column, e.end_line, e.end_column),
                "insertedContent": {"text": redact_display(e.content)},
            }
            for e in finding.fix.edits
        ]
    data, module = parsed
    before = decode(data, module.encoding)[0].splitlines(keepends=True)
    after = decode(apply_fixes(data, module, [finding]), module.encoding)[0]
    after_lines = after.splitlines(keepends=True)
    out = []
    matcher = difflib.SequenceMatcher(a=before, b=after_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.append(
                {
                    "deletedRegion": region(i1 + 1, 1, i2 + 1, 1),
                    "insertedContent": {"text": redact_display("".join(after_lines[j1:j2]))},
                }
            )
    return out


def sarif_fix(finding: Finding, location: dict[str, str], sources: Sources) -> dict[str, Any]:
    assert finding.fix is not None
    return {
        "description": {"text": finding.fix.message},
        "artifactChanges": [
            {"artifactLocation": location, "replacements": replacements(finding, sources)}
        ],
        "properties": {"applicability": "safe" if finding.fix.safe else "unsafe"},
    }


def sarif_result(
    finding: Finding,
    index: int,
    fingerprint: str,
    root: Path,
    sources: Sources,
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
        result["fixes"] = [sarif_fix(finding, location, sources)]
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
    """The SARIF log; paths are relative to `root` (default: the working directory).

    `modules` (path -> the module the findings were computed on) saves re-reading
    files for fixes; files not in it are read and parsed when a fix needs them.
    """
    root = Path(os.path.abspath(root or Path.cwd()))
    sources = Sources(modules)
    codes = list(RULES)  # rule order, engine codes last: indices of older rules never move
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
        sarif_result(f, index[f.code], p, root, sources)
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
