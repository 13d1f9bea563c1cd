"""GitLab Code Quality JSON (`artifacts:reports:codequality`).

GitLab reads a JSON array whose objects carry `description`, `check_name`,
`fingerprint`, `severity` and `location.path` with `location.positions.begin.line`
(or `location.lines.begin`); paths are relative to the repository
(`$CI_PROJECT_DIR`, else the working directory) without a leading `./`, and
the file has no byte order mark. The fingerprint is the baseline's
line-independent one, so GitLab's merge-request widget does not see a moved
finding as fixed and new.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from logmask.findings import FileError, Finding
from logmask.linter.baseline import baseline_path, fingerprints

SEVERITY = {"high": "critical", "medium": "major", "low": "minor"}


def project_root() -> Path:
    return Path(os.environ.get("CI_PROJECT_DIR") or os.getcwd())


def render_gitlab(
    findings: Sequence[Finding], errors: Sequence[FileError], root: Path | None = None
) -> str:
    root = root or project_root()
    prints = fingerprints(findings, root)
    issues: list[dict[str, object]] = []
    for finding, fingerprint in zip(findings, prints, strict=True):
        where = f"cell {finding.cell}: " if finding.cell is not None else ""
        issues.append(
            {
                "type": "issue",
                "check_name": finding.code,
                "description": f"{finding.code} {finding.rule}: {where}{finding.message}",
                "categories": ["Security"],
                "severity": SEVERITY[finding.confidence],
                "fingerprint": fingerprint,
                "location": {
                    "path": baseline_path(finding.path, root),
                    "positions": {
                        "begin": {"line": finding.line, "column": finding.column},
                        "end": {"line": finding.end_line, "column": finding.end_column},
                    },
                },
            }
        )
    for error in errors:
        path = baseline_path(error.path, root)
        digest = fingerprints(
            [Finding(error.code, "error", error.path, 1, 1, 1, 1, error.message)], root
        )[0]
        issues.append(
            {
                "type": "issue",
                "check_name": error.code,
                "description": f"{error.code}: file could not be checked: {error.message}",
                "categories": ["Bug Risk"],
                "severity": "blocker",
                "fingerprint": digest,
                "location": {"path": path, "lines": {"begin": 1}},
            }
        )
    return json.dumps(issues, indent=2) + "\n"
