"""Peak memory of a cold run over the whole installed mlflow package, default jobs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.run import PeakRss
from tests.robustness.corpus import package_dir

LIMIT_MB = 500


def peak_rss_mb(command: list[str], cwd: Path) -> tuple[float, int]:
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    memory = PeakRss(process, interval=0.02)
    code = process.wait(timeout=600)
    return memory.megabytes(), code


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_peak_memory_on_the_mlflow_source(tmp_path: Path) -> None:
    root = package_dir("mlflow")
    if root is None:
        pytest.skip("mlflow is not installed")
    command = [sys.executable, "-m", "logmask", "check", "--no-cache", "--exit-zero", str(root)]
    peak, code = peak_rss_mb(command, tmp_path)
    assert code == 0
    assert peak < LIMIT_MB, f"peak RSS {peak:.0f} MB over main process and workers"
