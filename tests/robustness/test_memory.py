"""Peak memory of a cold run over the whole installed mlflow package, default jobs."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.robustness.corpus import package_dir

LIMIT_MB = 500


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        todo.extend(int(c) for c in children)
    return total


def peak_rss_mb(command: list[str], cwd: Path) -> tuple[float, int]:
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss_kb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait(timeout=600)
    sampler.join()
    return peak / 1024, code


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_peak_memory_on_the_mlflow_source(tmp_path: Path) -> None:
    root = package_dir("mlflow")
    if root is None:
        pytest.skip("mlflow is not installed")
    command = [sys.executable, "-m", "logmask", "check", "--no-cache", "--exit-zero", str(root)]
    peak, code = peak_rss_mb(command, tmp_path)
    assert code == 0
    assert peak < LIMIT_MB, f"peak RSS {peak:.0f} MB over main process and workers"
