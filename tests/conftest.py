"""Shared helpers: check a snippet and return its findings."""

from __future__ import annotations

import textwrap

import pytest

from logmask.findings import Finding
from logmask.linter.config import Config
from logmask.linter.engine import Linter


def check(source: str, *, path: str = "snippet.py", config: Config | None = None) -> list[Finding]:
    """Findings for a snippet (dedented), with every rule enabled."""
    config = config or Config(select=("ALL",))
    result = Linter(config).check_source(textwrap.dedent(source).encode(), path)
    assert not result.errors, result.errors
    return result.findings


def codes(source: str, **kwargs: object) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in check(source, **kwargs)]  # type: ignore[arg-type]


@pytest.fixture
def lint():
    return check
