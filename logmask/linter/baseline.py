"""Baselines: adopt logmask in a repository that already leaks, and report only new findings.

A finding's fingerprint is a hash of what it is, never of where it is: the
path relative to the baseline's folder, the code, the message with any line
references removed, and its index among identical findings of that file. So
line shifts and unrelated edits keep old findings suppressed, while a second
identical leak in the same file is new. Only hashes are stored (a message may
name a personal key), the file has no timestamps, and its JSON is sorted, so
it diffs cleanly and only `--write-baseline` ever writes it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from logmask import __version__
from logmask.findings import Finding
from logmask.linter.config import relative_path

VERSION = 1
LINE_REFERENCE = re.compile(r"\b(lines?|cell)\s+\d+(?:\s*[-–]\s*\d+)?", re.IGNORECASE)
SPACE = re.compile(r"\s+")


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
        key = (relative_path(finding.path, root), finding.code, normalise_message(finding.message))
        occurrence = seen[key]
        seen[key] += 1
        text = "\0".join((*key, str(occurrence)))
        out[i] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return out


def root_of(baseline_file: str | Path) -> Path:
    """Paths in a baseline are relative to its folder, so the cwd of a run does not matter."""
    return Path(baseline_file).resolve().parent


def render(findings: Sequence[Finding], baseline_file: str | Path) -> str:
    """The baseline file's text: stable, sorted, hashes only."""
    prints = fingerprints(findings, root_of(baseline_file))
    entries = sorted({(f.code, p) for f, p in zip(findings, prints, strict=True)})
    data = {
        "version": VERSION,
        "tool": "logmask",
        "logmask_version": __version__,
        "findings": [{"code": code, "fingerprint": p} for code, p in entries],
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def write(findings: Sequence[Finding], baseline_file: str | Path) -> None:
    Path(baseline_file).write_text(render(findings, baseline_file), encoding="utf-8")


def load(baseline_file: str | Path) -> frozenset[str]:
    """The fingerprints a baseline records."""
    path = Path(baseline_file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise BaselineError(f"{path}: cannot read baseline: {err}") from None
    except json.JSONDecodeError as err:
        raise BaselineError(f"{path}: baseline is not JSON ({err})") from None
    if not isinstance(data, dict) or data.get("tool") != "logmask":
        raise BaselineError(f"{path}: not a logmask baseline")
    if data.get("version") != VERSION:
        raise BaselineError(
            f"{path}: baseline version {data.get('version')!r} is not supported "
            f"(expected {VERSION}); recreate it with --write-baseline"
        )
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise BaselineError(f"{path}: 'findings' must be a list of {{code, fingerprint}}")
    return frozenset(e["fingerprint"] for e in entries)


def new_findings(
    findings: Sequence[Finding], known: Iterable[str], baseline_file: str | Path
) -> list[Finding]:
    """The findings the baseline does not record."""
    known = frozenset(known)
    prints = fingerprints(findings, root_of(baseline_file))
    return [f for f, p in zip(findings, prints, strict=True) if p not in known]
