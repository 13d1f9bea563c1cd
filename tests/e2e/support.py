"""Helpers for the end-to-end tests: run scripts and the real CLI, read back what was stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from importlib.util import find_spec
from pathlib import Path

import pytest

KEY = "logmask-e2e-key"


def needs(*packages: str) -> pytest.MarkDecorator:
    """Skip where a tracker is not installed, without importing it: the scripts import it
    in their own processes, and collecting the fast tier need not pay for the import."""
    missing = [name for name in packages if find_spec(name) is None]
    return pytest.mark.skipif(bool(missing), reason=f"not installed: {', '.join(missing)}")


# Customers with values that cannot occur by chance in a tracker's files.
CUSTOMERS = [
    {"name": "Annabel Leeford", "email": "annabel.leeford@example.org", "spend": 120},
    {"name": "Bartholomew Quist", "email": "b.quist@example.net", "spend": 75},
]
# Every personal value, and distinctive parts of them (a partial leak is a leak too).
NEEDLES = [
    *(c["name"] for c in CUSTOMERS),
    *(c["email"] for c in CUSTOMERS),
    "Leeford",
    "Quist",
    "annabel.leeford",
    "b.quist",
]


def write_project(tmp_path: Path, name: str, source: str) -> tuple[Path, Path]:
    """A scratch project in `tmp_path/src`: the script to run and the customers file it reads."""
    src = tmp_path / "src"
    src.mkdir()
    inputs = src / "customers.json"
    inputs.write_text(json.dumps(CUSTOMERS), encoding="utf-8")
    script = src / name
    script.write_text(source, encoding="utf-8")
    return script, inputs


def environment(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WANDB_", "MLFLOW_", "LOGMASK_")) and k != "PYTEST_CURRENT_TEST"
    }
    env.update(LOGMASK_KEY=KEY, PYTHONDONTWRITEBYTECODE="1", **extra)
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 60) -> str:
    """Run a command; fail with its output when it fails."""
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def run_all(
    commands: list[tuple[list[str], Path, dict[str, str]]], timeout: float = 120
) -> list[str]:
    """Run independent commands at the same time (tracker start-up dominates); their outputs."""
    procs = [
        subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for args, cwd, env in commands
    ]
    outputs = []
    for (args, _, _), proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, f"{args} exited {proc.returncode}\n{out!r}\n{err!r}"
        outputs.append(out.decode())
    return outputs


def fix_with_cli(script: Path) -> str:
    """`logmask check --fix --unsafe-fixes SCRIPT` through the real CLI; exit 0: all fixed."""
    args = [sys.executable, "-m", "logmask", "check", "--fix", "--unsafe-fixes", "--no-cache"]
    out = run([*args, str(script)], script.parent, environment())
    after = run(
        [sys.executable, "-m", "logmask", "check", "--no-cache", str(script)],
        script.parent,
        environment(),
    )
    return out + after


def leaks(roots: Iterable[Path], needles: Iterable[str] = NEEDLES) -> dict[str, list[str]]:
    """Which needles occur (case-insensitively) in the bytes of which files under the roots."""
    wanted = {n: n.lower().encode() for n in needles}
    found: dict[str, list[str]] = {}
    for root in roots:
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
            data = path.read_bytes().lower()
            for needle, raw in wanted.items():
                if raw in data:
                    found.setdefault(needle, []).append(str(path))
    return found


class Timer:
    """Records how long each phase of an end-to-end test took (printed with -s)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.marks: list[tuple[str, float]] = []

    def mark(self, name: str) -> None:
        self.marks.append((name, time.perf_counter() - self.start))

    def __str__(self) -> str:
        return ", ".join(f"{name} {at:.1f}s" for name, at in self.marks)
