"""Output formats: concise text, json, json-lines, github, statistics, and the summary.

(`full` lives in `terminal.py`, SARIF in `sarif.py`, JUnit in `junit.py`,
GitLab Code Quality in `gitlab.py`.) Every format gets the same findings; the
text formats escape control characters in file names, so a name with a newline
cannot forge an output line.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import cache
from importlib import metadata
from pathlib import Path

from logmask.findings import FileError, Finding


def finding_dict(finding: Finding) -> dict[str, object]:
    fix = None
    if finding.fix is not None:
        from logmask.linter.redaction import shown_fix  # no personal literal verbatim

        finding = replace(finding, fix=shown_fix(finding.fix))
        assert finding.fix is not None
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


def render_json_lines(findings: Sequence[Finding]) -> str:
    """One JSON object per line (the `json` objects), for streaming consumers."""
    return "".join(json.dumps(finding_dict(f)) + "\n" for f in findings)


def printable(text: str) -> str:
    """Control characters (a newline in a file name) as escapes; the rest unchanged."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def location(finding: Finding) -> str:
    path = printable(finding.path)
    if finding.cell is not None:
        return f"{path}:cell {finding.cell}:{finding.line}:{finding.column}"
    return f"{path}:{finding.line}:{finding.column}"


def fix_mark(finding: Finding, unsafe_fixes: bool) -> str:
    """`[*] ` for a finding `--fix` would fix (with `--unsafe-fixes`: unsafe ones too)."""
    fix = finding.fix
    return "[*] " if fix is not None and (fix.safe or unsafe_fixes) else ""


@dataclass(frozen=True)
class Summary:
    """What the summary lines say; the same for the concise and full formats."""

    remaining: int
    fixable: int = 0  # fixable with --fix (as it is called: unsafe ones with --unsafe-fixes)
    hidden: int = 0  # fixable only with --unsafe-fixes
    fixed: int | None = None  # set when --fix ran
    held_back: int | None = None  # set when --baseline was used
    errors: int = 0

    def lines(self) -> list[str]:
        out = []
        if self.fixed is not None and (self.fixed or self.remaining):
            total = self.fixed + self.remaining
            out.append(
                f"Found {total} finding{plural(total)} "
                f"({self.fixed} fixed, {self.remaining} remaining)."
            )
        elif self.remaining:
            out.append(f"Found {self.remaining} finding{plural(self.remaining)}.")
        elif not self.errors:
            out.append("All checks passed.")
        if self.remaining and self.fixable:
            out.append(f"[*] {self.fixable} fixable with `logmask check --fix`.")
        if self.remaining and self.hidden:
            verb = "fix can" if self.hidden == 1 else "fixes can"
            out.append(f"{self.hidden} hidden {verb} be enabled with `--unsafe-fixes`.")
        if self.held_back:
            out.append(
                f"{self.held_back} finding{plural(self.held_back)} held back by the baseline."
            )
        if self.errors:
            out.append(f"{self.errors} file{plural(self.errors)} could not be checked.")
        return out


def plural(count: int) -> str:
    return "" if count == 1 else "s"


def render_concise(
    findings: Sequence[Finding], summary: Summary | None, unsafe_fixes: bool = False
) -> str:
    """`path:line:col: CODE [*] message`, one line each, then the summary (None: no summary)."""
    lines = [f"{location(f)}: {f.code} {fix_mark(f, unsafe_fixes)}{f.message}" for f in findings]
    if summary is not None:
        lines += summary.lines()
    return "\n".join(lines) + ("\n" if lines else "")


def render_fixes(fixed: dict[str, Counter[str]]) -> str:
    """`--show-fixes`: what `--fix` changed, per file and rule (ruff's layout)."""
    from logmask.rules import RULES

    total = sum(sum(c.values()) for c in fixed.values())
    if not total:
        return "No findings were fixed.\n"
    lines = [f"Fixed {total} finding{plural(total)}:"]
    for path, counts in sorted(fixed.items()):
        if not counts:
            continue
        lines.append(f"- {printable(path)}:")
        for code, count in sorted(counts.items()):
            name = RULES[code].name if code in RULES else code
            lines.append(f"    {count} × {code} ({name})")
    return "\n".join(lines) + "\n\n"


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


def statistics(findings: Sequence[Finding], unsafe_fixes: bool = False) -> list[dict[str, object]]:
    """Counts per rule, most frequent first (ruff's `--statistics` fields)."""
    from logmask.rules import RULES

    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if fix_mark(f, unsafe_fixes))
    return [
        {
            "code": code,
            "name": RULES[code].name if code in RULES else code,
            "count": count,
            "fixable": fixable[code] > 0,
            "fixable_count": fixable[code],
        }
        for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def render_statistics(
    findings: Sequence[Finding], output_format: str = "concise", unsafe_fixes: bool = False
) -> str:
    rows = statistics(findings, unsafe_fixes)
    if output_format in ("json", "json-lines"):
        return json.dumps(rows, indent=2) + "\n"
    lines = [
        f"{row['count']:5d}  {row['code']}  {'*' if row['fixable'] else ' '} {row['name']}"
        for row in rows
    ]
    return "\n".join(lines) + ("\n" if lines else "")


@cache
def docs_url() -> str | None:
    """The project's documentation URL from the installed package metadata, if declared."""
    try:
        meta = metadata.metadata("logmask")
    except metadata.PackageNotFoundError:
        return None
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("documentation", "docs", "homepage", "home", "repository", "source"):
        url = urls.get(label, "")
        if url.startswith(("https://", "http://")):
            return url
    for home in meta.get_all("Home-page") or []:
        if str(home).startswith(("https://", "http://")):
            return str(home)
    return None


def rule_url(code: str) -> str | None:
    """Where a rule is documented: the README's rules table has an anchor per code."""
    base = docs_url()
    return f"{base.split('#')[0]}#{code.lower()}" if base else None
