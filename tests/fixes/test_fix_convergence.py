"""After `--fix --unsafe-fixes`, no finding with a fix remains, and the result is stable.

Swept over every snippet the rules document, the bundled examples and the
conformance cases (the in-repository copy): fixing must converge in one run, keep the file
compiling, and a second run must change nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from logmask.linter.config import Config
from logmask.linter.engine import Linter
from logmask.linter.runner import compiles, fix_loop
from logmask.rules import RULES
from tests.cases import all_case_files

ROOT = Path(__file__).resolve().parents[2]

SNIPPETS = [
    pytest.param(source.encode(), id=f"{doc.code}-{index}")
    for doc in RULES.values()
    for index, source in enumerate((doc.leaking, *doc.flag, doc.fixed, *doc.no_flag))
]
FILES = [
    pytest.param(path.read_bytes(), id=path.relative_to(ROOT).as_posix())
    for path in sorted([*(ROOT / "examples").glob("*.py"), *all_case_files()])
]


@pytest.mark.parametrize("source", SNIPPETS + FILES)
def test_fix_converges(source: bytes) -> None:
    linter = Linter(Config(select=("ALL",)))
    result = linter.check_source(source, "case.py")
    assert not result.errors
    checked = fix_loop(linter, result, unsafe=True)
    fixed = checked.fixed or source
    assert [f.code for f in checked.result.findings if f.fix is not None] == []
    assert not checked.result.errors
    if checked.fixed is not None:
        assert compiles(fixed, "case.py")
        assert checked.applied >= 1
    again = fix_loop(linter, linter.check_source(fixed, "case.py"), unsafe=True)
    assert again.fixed is None
