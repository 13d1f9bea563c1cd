"""A smoke corpus generated at test time from installed packages (never committed).

Real code from wandb and mlflow (found with `importlib.util.find_spec`), plus
files that do leak: the rules' own examples and the conformance cases,
so that comparisons are not made between two empty reports.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from logmask.rules import RULES
from tests.cases import case_files


def package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def package_files(name: str, limit: int, must_name: bytes | None = None) -> list[Path]:
    """Every n-th .py file of an installed package, a stable spread over its folders."""
    root = package_dir(name)
    if root is None:
        return []
    files = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    if must_name is not None:
        files = [p for p in files if must_name in p.read_bytes()]
    step = max(1, len(files) // limit)
    return files[::step][:limit]


def leaking_sources() -> dict[str, bytes]:
    """Rule examples (leaking, fixed, flag, no-flag) and the conformance cases, by file name."""
    out: dict[str, bytes] = {}
    for code, doc in sorted(RULES.items()):
        for index, text in enumerate((doc.leaking, doc.fixed, *doc.flag, *doc.no_flag)):
            out[f"{code.lower()}_{index}.py"] = text.encode()
    for path in case_files():
        out[f"case_{path.name}"] = path.read_bytes()
    return out


def build(target: Path, per_package: int = 150) -> list[Path]:
    """Copy the corpus under `target` (one folder per source) and return its files."""
    files: list[Path] = []
    for name in ("wandb", "mlflow"):
        root = package_dir(name)
        for source in package_files(name, per_package, must_name=name.encode()):
            assert root is not None
            dest = target / name / source.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
            files.append(dest)
    leaks = target / "leaks"
    leaks.mkdir(parents=True, exist_ok=True)
    for file_name, data in leaking_sources().items():
        (leaks / file_name).write_bytes(data)
        files.append(leaks / file_name)
    return sorted(files)
