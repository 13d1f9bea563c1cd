"""LibCST and the rule visitors load only when a file needs parsing.

Most pre-commit runs and every warm-cache run parse nothing; importing LibCST
would double their start-up time. A fresh interpreter shows what got imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from click.testing import CliRunner
from logmask.cli import main
result = CliRunner().invoke(main, ["check", "-j", "1", *sys.argv[1:]])  # parse here
print(result.exit_code, "libcst" in sys.modules, "logmask.rules.analysis" in sys.modules)
"""

CASES = [
    # source, LibCST loaded
    ("import numpy as np\nx = np.zeros(3)\n", False),  # prefilter: names no tracker
    # candidate stage: the imports reach no sink
    ("from mlflow.exceptions import MlflowException\nraise MlflowException('x')\n", False),
    ('import wandb\nwandb.log({"email": e})\n', True),
]


@pytest.mark.parametrize(("source", "loads"), CASES)
def test_libcst_loads_only_for_files_that_reach_a_sink(
    tmp_path: Path, source: str, loads: bool
) -> None:
    target = tmp_path / "train.py"
    target.write_text(source)
    out = probe(tmp_path, "--no-cache", str(target))
    assert out == [str(int(loads)), str(loads), str(loads)]


def test_a_warm_cache_run_never_loads_libcst(tmp_path: Path) -> None:
    target = tmp_path / "train.py"
    target.write_text('import wandb\nwandb.log({"email": e})\n')
    assert probe(tmp_path, str(target)) == ["1", "True", "True"]  # cold: parsed, cached
    assert probe(tmp_path, str(target)) == ["1", "False", "False"]  # warm: same finding


def probe(cwd: Path, *args: str) -> list[str]:
    env = {**os.environ, "LOGMASK_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=env,
    ).stdout.split()
