"""The conformance cases, as copied into the repository (tests never read outside it).

`tests/fixtures/cases/` is refreshed from the shared cases folder beside the checkout by
`scripts/sync_cases.py`. Each case marks the lines that must be reported with a
trailing `# expect: PII101`; every other line must stay quiet.
"""

from __future__ import annotations

import re
from pathlib import Path

CASES = Path(__file__).resolve().parent / "fixtures" / "cases"
MARK = re.compile(r"#\s*expect:\s*([A-Z]+[0-9]+(?:[ ,]+[A-Z]+[0-9]+)*)")

# Cases that do not pass yet, each waiting for work owned elsewhere. The
# conformance test expects them to fail (strict xfail): remove an entry as soon
# as its case passes.
PENDING = {}


def case_files() -> list[Path]:
    """The single-module cases (the top level of the folder)."""
    return sorted(CASES.glob("*.py"))


def all_case_files() -> list[Path]:
    """Every case file, the multi-module `project/` included."""
    return sorted(CASES.rglob("*.py"))


def case_name(path: Path) -> str:
    return path.relative_to(CASES).as_posix()


def expectations(path: Path) -> set[tuple[int, str]]:
    """(line, code) pairs the case's `# expect:` markers ask for."""
    found = set()
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = MARK.search(text)
        if match:
            found.update((number, code) for code in re.split(r"[ ,]+", match.group(1).strip()))
    return found
