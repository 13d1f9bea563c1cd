"""Refresh tests/fixtures/cases/ from the shared conformance cases (../shared/cases).

The tests read only the in-repository copy, so a fresh clone passes its own
suite; run this script when the shared cases change, then commit the copy.

    python scripts/sync_cases.py [SOURCE]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "cases"
TARGET = REPO / "tests" / "fixtures" / "cases"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".logmask_cache")


def sync(source: Path, target: Path) -> list[str]:
    """Replace `target` with a copy of `source`; return the copied files, relative."""
    if not source.is_dir():
        raise SystemExit(f"sync_cases: no cases folder at {source}; pass its path")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=IGNORED)
    return sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())


def main(argv: list[str]) -> int:
    source = Path(argv[0]).resolve() if argv else SOURCE
    copied = sync(source, TARGET)
    print(f"sync_cases: {len(copied)} files from {source} into {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
