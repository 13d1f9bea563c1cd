"""Run the real tools (logmask, flake8, pre-commit) in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.cases import CASES, case_files

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"


def run(
    *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """`python -m logmask ARGS` (the same entry point as the `logmask` script)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "logmask", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def run_json(*args: str, cwd: Path | None = None) -> list[dict]:
    proc = run("check", "--format", "json", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def cases() -> list[Path]:
    files = case_files()
    if not files:  # pragma: no cover - the copy is part of the repository
        pytest.fail(f"no conformance cases in {CASES}")
    return files
