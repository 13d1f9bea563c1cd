"""`logmask ARGS` run in the test process: the CLI contract without a new interpreter.

A subprocess costs about a second (interpreter start and imports); click's
`CliRunner` runs the same command in milliseconds. `invoke` answers like
`tests.integrations.conftest.run` (a `CompletedProcess` with text output), so a
test can switch between the two by name. What a run changes in the process is
put back: the working folder and every environment variable (`--cache-dir`
sets `LOGMASK_CACHE_DIR`). An exception the CLI does not turn into an exit code
is raised, never reported as exit 1. The checking engine is loaded once per
test process, before the first run, so the check's forked workers start with it
(a fresh `logmask` loads it lazily in each worker; that path is covered by the
tests that spawn the real command). A run that hangs (say, reading a FIFO) ends
the test process after `timeout` seconds with every thread's traceback, as the
subprocess's timeout did: the test fails, the suite does not hang. What only a
real process shows (the console script, imports a run avoids, signals, a
terminal) stays in tests that spawn one.
"""

from __future__ import annotations

import faulthandler
import functools
import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from logmask.cli import main
from logmask.linter.config import Config
from logmask.linter.engine import Linter


@functools.cache
def load_engine() -> None:
    """Import the parser and every rule: one check of a leak with all rules on."""
    leak = b'import wandb\nwandb.log({"user_email": e})\n'
    assert Linter(Config(select=("ALL",))).check_source(leak, "warm.py").findings


def invoke(
    *args: str,
    cwd: Path | str | None = None,
    stdin: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`logmask ARGS` in-process; `env` values of None unset the variable for the run."""
    load_engine()
    old_cwd = os.getcwd()
    old_env = dict(os.environ)
    try:
        for key, value in (env or {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if cwd is not None:
            os.chdir(cwd)
        faulthandler.dump_traceback_later(timeout, exit=True)
        result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    finally:
        faulthandler.cancel_dump_traceback_later()
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)
    return subprocess.CompletedProcess(
        ["logmask", *args], result.exit_code, result.stdout, result.stderr
    )


def invoke_json(*args: str, cwd: Path | str | None = None) -> list[dict[str, Any]]:
    """The findings of `logmask check --format json ARGS`, run in-process."""
    proc = invoke("check", "--format", "json", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    findings: list[dict[str, Any]] = json.loads(proc.stdout)
    return findings
