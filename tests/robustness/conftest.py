from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness import corpus


@pytest.fixture(scope="session")
def smoke_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A few hundred real files from the installed wandb and mlflow, plus leaking examples."""
    root = tmp_path_factory.mktemp("smoke")
    files = corpus.build(root)
    if sum(1 for f in files if "leaks" not in f.parts) < 100:
        pytest.skip("wandb and mlflow are not installed: no real code to scan")
    return root, files
