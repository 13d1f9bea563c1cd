"""Which files to check: paths and folders, config excludes, `.gitignore` respected."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from logmask.linter.config import Config

SUFFIXES = (".py", ".pyi", ".ipynb")
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        "node_modules",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".logmask_cache",
        "site-packages",
        "build",
        "dist",
        ".eggs",
        "mlruns",
    }
)


def discover(paths: Iterable[str], config: Config) -> Iterator[str]:
    """Files to check, in a stable order. Named files are always checked (even if ignored)."""
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = _git_files(path) if config.respect_gitignore else None
            if found is None:
                found = _walk(path)
            for file in sorted(found):
                if file not in seen and not config.is_excluded(file):
                    seen.add(file)
                    yield file
        elif raw not in seen:
            # A named file (even missing, a broken link or not Python) is reported, not skipped.
            seen.add(raw)
            yield raw


def _walk(root: Path) -> list[str]:
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [
            d
            for d in dirs
            if d not in SKIP_DIRS
            and not d.endswith(".egg-info")
            and not _is_wandb_run_dir(os.path.join(folder, d))
        ]
        for name in files:
            if name.endswith(SUFFIXES):
                out.append(os.path.join(folder, name))
    return out


def _is_wandb_run_dir(path: str) -> bool:
    """`wandb/` folders that runs leave behind (they hold copies of code), not a package."""
    return os.path.basename(path) == "wandb" and os.path.lexists(os.path.join(path, "latest-run"))


def _git_files(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files, when `root` is inside a git work tree.

    A folder that git itself ignores (a virtualenv or site-packages inside a checkout)
    was named on purpose: it is walked instead.
    """
    try:
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", "."], cwd=root, capture_output=True, timeout=30
        )
        if ignored.returncode == 0:
            return None
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=root,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    out = []
    for name in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not name.endswith(SUFFIXES):
            continue
        if any(folder in SKIP_DIRS for folder in name.split("/")[:-1]):  # git writes "/"
            continue
        full = os.path.join(root, name)
        if os.path.lexists(full):
            out.append(os.path.normpath(full))
    return out
