"""The conformance cases (in-repository copy) against `logmask check --format json`.

All cases are checked in one run, as `../shared/bin/conformance` does (the
`project/` modules together). A case in `tests.cases.PENDING` waits for work
owned elsewhere and is expected to fail; the test says so when it starts passing.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from tests.cases import PENDING, all_case_files, case_name, expectations
from tests.integrations.conftest import run_json


@cache
def reported() -> dict[str, set[tuple[int, str]]]:
    by_file: dict[str, set[tuple[int, str]]] = {}
    for finding in run_json("--no-cache", *map(str, all_case_files())):
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
