"""Slicing on real code: it happens, and no report changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from logmask.linter.engine import Linter
from tests.linter.test_slicing import OFF, ON, findings


@pytest.mark.slow
def test_same_findings_on_real_code(smoke_corpus: tuple[Path, list[Path]]) -> None:
    """A few hundred files of the installed wandb and mlflow, and every leaking example."""
    _, files = smoke_corpus
    on, off = Linter(ON), Linter(OFF)
    sliced = reported = 0
    for path in files:
        data = path.read_bytes()
        expected = findings(off, data, str(path))
        assert findings(on, data, str(path)) == expected, path
        reported += bool(expected[0])
        sliced += on.may_log(data) and on.sliced(data, str(path)) is not None
    assert reported > 20 and sliced > 30
