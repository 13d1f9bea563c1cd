"""Baselines: adopt logmask in a repository that already leaks, and report only new findings.

A finding's fingerprint is a hash of what it is, never of where it is: the
path relative to the baseline's folder, the code, the message with any line
references removed, and its index among identical findings of that file. So
line shifts and unrelated edits keep old findings suppressed, while a second
identical leak in the same file is new.

Each entry also says what was accepted, for reviewers: path, code, rule, the
line it was on when recorded (a hint, never matched) and the message with any
personal value redacted. The fingerprint is written as `sha256:<hex>`, which
secret scanners do not read as a high-entropy token. The file has no
timestamps and its JSON is sorted, so it diffs cleanly; only
`--write-baseline` ever writes it. Version 1 files (hashes only) still load.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from logmask import __version__
from logmask.findings import Finding
from logmask.linter.config import ConfigError, read_regular_file

VERSION = 2
READABLE = (1, 2)
PREFIX = "sha256:"
MAX_BASELINE_BYTES = 200 * 1024 * 1024
LINE_REFERENCE = re.compile(r"\b(lines?|cell)\s+\d+(?:\s*[-–]\s*\d+)?", re.IGNORECASE)
SPACE = re.compile(r"\s+")
# A value the message already shows partly masked (`j***@example.org`): the baseline drops it.
PARTLY_MASKED = re.compile(r"[^\s()'\"]*\*{3}[^\s()'\"]*")


class BaselineError(Exception):
    """The baseline file cannot be read; the message names the file."""


def normalise_message(message: str) -> str:
    """The message without line references or layout: what was logged, not where."""
    return SPACE.sub(" ", LINE_REFERENCE.sub(r"\1", message)).strip()


def fingerprints(findings: Sequence[Finding], root: Path | None = None) -> list[str]:
    """One line-independent fingerprint per finding, in the order given."""
    order = sorted(
        range(len(findings)),
        key=lambda i: (
            findings[i].path,
            findings[i].cell or 0,
            findings[i].line,
            findings[i].column,
            findings[i].code,
        ),
    )
    seen: Counter[tuple[str, str, str]] = Counter()
    out = [""] * len(findings)
    for i in order:
        finding = findings[i]
        key = (baseline_path(finding.path, root), finding.code, normalise_message(finding.message))
        occurrence = seen[key]
        seen[key] += 1
        text = "\0".join((*key, str(occurrence)))
        out[i] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return out


def baseline_path(path: str, root: Path | None) -> str:
    """The path as the baseline names it: relative to `root` (with `..` when outside),
    from the resolved file, so `src/a.py`, `./src/a.py` and `/abs/src/a.py` agree."""
    if root is None:
        return Path(path).as_posix()
    try:
        resolved = Path(path).resolve()
        return Path(os.path.relpath(resolved, root.resolve())).as_posix()
    except (ValueError, OSError):  # another drive on Windows, an unresolvable link
        return Path(os.path.abspath(path)).as_posix()


def root_of(baseline_file: str | Path) -> Path:
    """Paths in a baseline are relative to its folder, so the cwd of a run does not matter."""
    return Path(baseline_file).resolve().parent


def redact(message: str) -> str:
    """The message with anything that looks like a personal value replaced by its kind."""
    from logmask.masking.text import redact_text

    redacted = redact_text(message)
    text = redacted if isinstance(redacted, str) else message
    return PARTLY_MASKED.sub("<redacted>", text)


def entry(finding: Finding, fingerprint: str, root: Path) -> dict[str, object]:
    out: dict[str, object] = {
        "path": baseline_path(finding.path, root),
        "code": finding.code,
        "rule": finding.rule,
        "line": finding.line,
        "message": redact(normalise_message(finding.message)),
        "fingerprint": PREFIX + fingerprint,
    }
    if finding.cell is not None:
        out["cell"] = finding.cell
    return out


def render(findings: Sequence[Finding], baseline_file: str | Path) -> str:
    """The baseline file's text: stable, sorted, reviewable, no personal values."""
    root = root_of(baseline_file)
    prints = fingerprints(findings, root)
    entries = [entry(f, p, root) for f, p in zip(findings, prints, strict=True)]
    entries.sort(key=lambda e: (str(e["path"]), str(e["code"]), str(e["fingerprint"])))
    data = {
        "version": VERSION,
        "tool": "logmask",
        "logmask_version": __version__,
        "findings": entries,
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(findings: Sequence[Finding], baseline_file: str | Path) -> None:
    Path(baseline_file).write_text(render(findings, baseline_file), encoding="utf-8")


def read_entries(baseline_file: str | Path) -> list[dict[str, object]]:
    """The entries of a baseline file (fingerprints without their `sha256:` prefix)."""
    path = Path(baseline_file)
    try:
        raw = read_regular_file(path, "baseline file", MAX_BASELINE_BYTES)
    except ConfigError as err:
        raise BaselineError(str(err)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise BaselineError(f"{path}: cannot read baseline: {err}") from None
    except json.JSONDecodeError as err:
        raise BaselineError(f"{path}: baseline is not JSON ({err})") from None
    except RecursionError:
        raise BaselineError(f"{path}: baseline is not JSON (nested too deeply)") from None
    if not isinstance(data, dict) or data.get("tool") != "logmask":
        raise BaselineError(f"{path}: not a logmask baseline")
    if data.get("version") not in READABLE:
        raise BaselineError(
            f"{path}: baseline version {data.get('version')!r} is not supported "
            f"(expected {VERSION}); recreate it with --write-baseline"
        )
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise BaselineError(f"{path}: 'findings' must be a list of {{code, fingerprint}}")
    return [{**e, "fingerprint": e["fingerprint"].removeprefix(PREFIX)} for e in entries]


def load(baseline_file: str | Path) -> frozenset[str]:
    """The fingerprints a baseline records."""
    return frozenset(str(e["fingerprint"]) for e in read_entries(baseline_file))


def render_list(entries: Sequence[dict[str, object]]) -> str:
    """One line per accepted finding, for review: `path:line: CODE rule: message`."""
    lines = []
    for e in sorted(entries, key=lambda e: (str(e.get("path", "")), int_or(e.get("line")))):
        if "path" not in e:  # version 1: hashes only
            lines.append(f"{e.get('code', '?')} {e['fingerprint']} (no details: version 1 file)")
            continue
        cell = f"cell {e['cell']}:" if "cell" in e else ""
        lines.append(
            f"{e['path']}:{cell}{e.get('line', '?')}: {e.get('code')} {e.get('rule')}: "
            f"{e.get('message', '')}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def int_or(value: object) -> int:
    return value if isinstance(value, int) else 0


def new_findings(
    findings: Sequence[Finding], known: Iterable[str], baseline_file: str | Path
) -> list[Finding]:
    """The findings the baseline does not record."""
    known = frozenset(known)
    prints = fingerprints(findings, root_of(baseline_file))
    return [f for f, p in zip(findings, prints, strict=True) if p not in known]
