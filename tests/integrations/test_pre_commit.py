"""The pre-commit hooks, run by the real `pre-commit` in scratch git repositories.

The hooks repository is a committed snapshot of this work tree (tracked and
untracked-but-not-ignored files): what a clean clone at the next commit holds,
and what CI's fresh clone holds. pre-commit builds the hook's virtualenv by
pip-installing that snapshot. `try-repo` builds it in a temporary store each
time (about 15 s), so the other tests use `pre-commit run` with one
PRE_COMMIT_HOME for the session, and the environment is built once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.integrations.conftest import REPO

LEAK = 'import wandb\n\nwandb.log({"user_email": email, "loss": 0.1})\n'
CLEAN = 'import wandb\n\nwandb.log({"loss": 0.1, "user_count": 3})\n'
TIMEOUT = 600


def environment(home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    if home is not None:
        env["PRE_COMMIT_HOME"] = str(home)
    return env


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=environment(), check=True
    )
    return proc.stdout.strip()


def init(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    git("init", "-q", cwd=folder)
    git("config", "user.name", "logmask tests", cwd=folder)
    git("config", "user.email", "tests@logmask.invalid", cwd=folder)
    git("config", "commit.gpgsign", "false", cwd=folder)
    return folder


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed snapshot of the work tree: (path, commit)."""
    target = init(tmp_path_factory.mktemp("hooks") / "logmask")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file() and not name.startswith("tests/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("add", "-A", cwd=target)
    git("commit", "-q", "-m", "snapshot", cwd=target)
    return target, git("rev-parse", "HEAD", cwd=target)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def scratch(folder: Path, files: dict[str, str]) -> Path:
    init(folder)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=folder)
    return folder


def pre_commit(*args: str, cwd: Path, home: Path | None = None) -> subprocess.CompletedProcess:
    started = time.monotonic()
    proc = subprocess.run(
        ["pre-commit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment(home),
        timeout=TIMEOUT,
    )
    print(f"pre-commit {' '.join(args[:2])}: {time.monotonic() - started:.1f}s")
    if "An unexpected error has occurred" in proc.stdout + proc.stderr:
        log = (home / "pre-commit.log") if home else None
        detail = log.read_text() if log and log.exists() else ""
        pytest.fail(f"pre-commit failed to run the hook:\n{proc.stdout}\n{proc.stderr}\n{detail}")
    return proc


def test_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"logmask", "logmask-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "jupyter"]
        assert hook["require_serial"] is True
        assert hook["minimum_pre_commit_version"]
    assert hooks["logmask"]["entry"].split()[:2] == ["logmask", "check"]
    assert "--fix" in hooks["logmask-fix"]["entry"].split()


@pytest.mark.slow
@pytest.mark.parametrize(("files", "code"), [({"leak.py": LEAK}, 1), ({"clean.py": CLEAN}, 0)])
def test_try_repo(tmp_path: Path, hooks_repo: tuple[Path, str], files: dict, code: int) -> None:
    """`pre-commit try-repo`: the hook fails on a leaking file and passes on a clean one."""
    repo, _ = hooks_repo
    work = scratch(tmp_path / "work", files)
    proc = pre_commit("try-repo", str(repo), "logmask", "--files", *files, cwd=work)
    assert proc.returncode == code, proc.stdout + proc.stderr
    if code:
        assert "Failed" in proc.stdout
        assert "leak.py:3:12: PII101 wandb.log logs key 'user_email'" in proc.stdout
    else:
        assert "Passed" in proc.stdout


def configure(work: Path, hooks_repo: tuple[Path, str], *hook_ids: str) -> None:
    repo, rev = hooks_repo
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": h} for h in hook_ids]}]}
    (work / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")
    git("add", ".pre-commit-config.yaml", cwd=work)


@pytest.mark.slow
def test_fix_hook_rewrites_the_file(
    tmp_path: Path, hooks_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": ["import wandb\n", 'wandb.log({"customer_phone": phone})']},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    work = scratch(
        tmp_path / "work",
        {"leak.py": LEAK, "clean.py": CLEAN, "nb.ipynb": json.dumps(nb, indent=1) + "\n"},
    )
    configure(work, hooks_repo, "logmask-fix")
    proc = pre_commit("run", "--all-files", cwd=work, home=pre_commit_home)
    assert proc.returncode == 1  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in proc.stdout
    fixed = (work / "leak.py").read_text()
    assert "import logmask\n" in fixed and "logmask.mask(email)" in fixed
    assert (work / "clean.py").read_text() == CLEAN
    cell = json.loads((work / "nb.ipynb").read_text())["cells"][0]["source"]
    assert "logmask.mask(phone)" in "".join(cell)
    git("add", "-A", cwd=work)
    again = pre_commit("run", "--all-files", cwd=work, home=pre_commit_home)
    assert again.returncode == 0, again.stdout  # the fixes converge


@pytest.mark.slow
def test_check_hook_respects_config_excludes(
    tmp_path: Path, hooks_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """pre-commit names every staged file; `exclude` in [tool.logmask] still applies."""
    work = scratch(
        tmp_path / "work",
        {
            "pyproject.toml": '[tool.logmask]\nexclude = ["scratch"]\n',
            "scratch/leak.py": LEAK,
            "src/clean.py": CLEAN,
            "README.md": "not python\n",
        },
    )
    configure(work, hooks_repo, "logmask")
    proc = pre_commit("run", "--all-files", cwd=work, home=pre_commit_home)
    assert proc.returncode == 0, proc.stdout
    (work / "src" / "leak.py").write_text(LEAK)
    git("add", "-A", cwd=work)
    proc = pre_commit("run", "--all-files", cwd=work, home=pre_commit_home)
    assert proc.returncode == 1
    assert "src/leak.py:3:12: PII101" in proc.stdout
    assert "scratch/leak.py" not in proc.stdout
