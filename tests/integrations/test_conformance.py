"""The conformance cases (in-repository copy) against `logmask check --format json`.

All cases are checked in one run, as the shared `bin/conformance` script does (the
`project/` modules together). A case in `tests.cases.PENDING` waits for work
owned elsewhere and is expected to fail; the test says so when it starts passing.
"""

from __future__ import annotations

import os
import runpy
from functools import cache
from pathlib import Path

import pytest

from tests.cases import PENDING, all_case_files, case_name, expectations
from tests.inprocess import invoke_json


@cache
def reported() -> dict[str, set[tuple[int, str]]]:
    by_file: dict[str, set[tuple[int, str]]] = {}
    for finding in invoke_json("--no-cache", *map(str, all_case_files())):
        path = os.path.realpath(finding["path"])
        by_file.setdefault(path, set()).add((finding["line"], finding["code"]))
    return by_file


def params() -> list[object]:
    out: list[object] = []
    for path in all_case_files():
        name = case_name(path)
        marks = [pytest.mark.xfail(reason=PENDING[name], strict=True)] if name in PENDING else []
        out.append(pytest.param(path, id=name, marks=marks))
    return out


@pytest.mark.parametrize("path", params())
def test_case_matches_its_markers(path: Path) -> None:
    have = reported().get(os.path.realpath(path), set())
    want = expectations(path)
    assert {"missed": sorted(want - have), "unexpected": sorted(have - want)} == {
        "missed": [],
        "unexpected": [],
    }


def test_pending_cases_exist() -> None:
    names = {case_name(p) for p in all_case_files()}
    assert set(PENDING) <= names, set(PENDING) - names


def test_sync_script_replaces_the_copy(tmp_path: Path) -> None:
    """`scripts/sync_cases.py` mirrors the source folder: new files in, stale files out."""
    script = runpy.run_path(str(Path(__file__).resolve().parents[2] / "scripts" / "sync_cases.py"))
    source, target = tmp_path / "upstream", tmp_path / "copy"
    (source / "project" / "app").mkdir(parents=True)
    (source / "a.py").write_text("x = 1  # expect: PII101\n")
    (source / "project" / "app" / "b.py").write_text("y = 2\n")
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    target.mkdir()
    (target / "stale.py").write_text("gone\n")
    assert script["sync"](source, target) == ["a.py", "project/app/b.py"]
    assert not (target / "stale.py").exists()
    assert (target / "a.py").read_text() == "x = 1  # expect: PII101\n"
