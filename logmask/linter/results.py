"""What checking one file gives (`FileResult`), and the checkers that produce it.

The bottom of the linter's layering: the engine, the LibCST pass, notebooks,
the fix loop and the process pool all speak these types, so none of them needs
to import another one above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from logmask.findings import FileError, Finding

if TYPE_CHECKING:
    import libcst as cst


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    source: bytes | None = None
    module: cst.Module | None = None


class SourceChecker(Protocol):
    """Checks a file's bytes (a `.py` file or a notebook)."""

    def check_source(self, data: bytes, path: str) -> FileResult: ...


class PythonChecker(Protocol):
    """Checks Python source (what a notebook's joined code cells are)."""

    def check_python(self, data: bytes, path: str) -> FileResult: ...
