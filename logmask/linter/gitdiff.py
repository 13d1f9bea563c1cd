"""`--diff-against REF`: the lines changed since a git ref, for pull-request gates.

Lines added or changed in the working tree relative to REF (`git diff -U0 REF`),
plus every line of untracked files. Paths are absolute and resolved, so they
match however the files were named on the command line.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from logmask.findings import Finding

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")

# resolved path -> changed line numbers (None: the whole file is new)
Changes = dict[str, "set[int] | None"]


class DiffError(Exception):
    """git could not answer (not a repository, an unknown ref)."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as err:
        raise DiffError(f"cannot run git: {err}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(message[-1] if message else f"git {args[0]} failed")
    return proc.stdout.decode("utf-8", "surrogateescape")


def _unquote(name: str) -> str:
    """git's C-style quoting of unusual file names."""
    if not (name.startswith('"') and name.endswith('"')):
        return name
    raw = codecs.escape_decode(name[1:-1].encode("utf-8", "surrogateescape"))[0]
    assert isinstance(raw, bytes)
    return raw.decode("utf-8", "surrogateescape")


def changed_lines(ref: str, cwd: Path | None = None) -> Changes:
    here = (cwd or Path.cwd()).absolute()
    if not here.is_dir():
        here = here.parent
    top = Path(_git(["rev-parse", "--show-toplevel"], here).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    changes: Changes = {}
    current: str | None = None
    diff = _git(["diff", "--no-color", "--no-ext-diff", "-U0", ref, "--"], top)
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = _unquote(line[4:])
            current = None if name == "/dev/null" else _resolved(top, name.removeprefix("b/"))
            if current is not None:
                changes.setdefault(current, set())
            continue
        match = HUNK.match(line)
        if match and current is not None:
            start, count = int(match.group(1)), int(match.group(2) or "1")
            lines = changes[current]
            if lines is not None:
                lines.update(range(start, start + count))
    others = _git(["ls-files", "-z", "--others", "--exclude-standard"], top)
    for name in others.split("\0"):
        if name:
            changes[_resolved(top, name)] = None
    return changes


def _resolved(top: Path, name: str) -> str:
    return os.path.realpath(top / name)


def on_changed_lines(findings: Iterable[Finding], changes: Changes) -> list[Finding]:
    """The findings whose range (or statement) touches a changed line."""
    out = []
    for finding in findings:
        key = os.path.realpath(finding.path)
        if key not in changes:
            continue
        lines = changes[key]
        if lines is None or finding.cell is not None:
            out.append(finding)  # a new file; a notebook's cells are not file lines
            continue
        first, last = finding.line, finding.end_line
        if finding.statement_lines:
            first = min(first, finding.statement_lines[0])
            last = max(last, finding.statement_lines[1])
        if any(number in lines for number in range(first, last + 1)):
            out.append(finding)
    return out
