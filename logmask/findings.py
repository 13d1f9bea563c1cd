"""The types rules emit and the engine reports.

They live below both `linter/` and `rules/` so that rules never import the
engine, and the engine never needs to know how a rule decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Confidence = Literal["high", "medium", "low"]
CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the source between two 1-based (line, column) positions."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    """Edits that insert masking, plus the imports they need."""

    message: str
    edits: tuple[Edit, ...]
    imports: tuple[str, ...] = ()
    safe: bool = True
    # Statements to add once after the module's imports (e.g. span processor set-up).
    setup: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    rule: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    confidence: Confidence = "high"
    fix: Fix | None = None
    # Lines of the enclosing statement, so a noqa comment on its first or last line applies.
    statement_lines: tuple[int, int] | None = field(default=None, compare=False)
    cell: int | None = None
    # In a notebook: the line of the file where the cell's source begins (annotations point there).
    cell_start: int | None = None
    # Where the evidence came from (the line a DataFrame was read), when the rule knows:
    # (line, column, end_line, end_column) in the same file (in a notebook: the same cell).
    origin: tuple[int, int, int, int] | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be checked (or a rule that failed on it)."""

    path: str
    message: str
    code: str = "PII900"


def applicable(findings: Sequence[Finding], unsafe: bool) -> list[Finding]:
    """The findings whose fix `--fix` applies (unsafe ones only with `--unsafe-fixes`)."""
    return [f for f in findings if f.fix is not None and (f.fix.safe or unsafe)]
