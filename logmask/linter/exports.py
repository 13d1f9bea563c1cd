"""`.py` notebook exports: Databricks sources and Jupytext percent or light files.

They hold IPython lines (`%pip install`, `!pip install`, `%sql`) that are not
Python, so a plain parse fails. A file is taken for an export only by its
header or cell markers (`# Databricks notebook source`, `# COMMAND ----------`,
`# %%`, a Jupytext YAML header); a plain `.py` file is never rewritten this way.
Its cells are joined with `cells.JoinedCells`, line for line, so findings keep
the file's own lines, and fixes put every IPython line back byte for byte.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from logmask.linter.cells import JoinedCells, PythonOnly, fix_cells, ipython_lines
from logmask.linter.fixloop import Checked, fix_loop
from logmask.linter.text import split_lines

if TYPE_CHECKING:
    from logmask.linter.results import FileResult
    from logmask.linter.results import PythonChecker as Linter

DATABRICKS_HEADER = re.compile(rb"\A(?:\xef\xbb\xbf)?# Databricks notebook source[ \t]*\r?$", re.M)
JUPYTEXT_HEADER = re.compile(
    rb"\A(?:\xef\xbb\xbf)?# ---[ \t]*\r?\n(?:#.*\r?\n){0,40}?# jupyter:", re.M
)
# A line that starts a cell: Databricks, Jupytext percent (also VS Code, Spyder), Jupytext light.
CELL_START = re.compile(r"^# (?:COMMAND -{10}|%%(?:[ \t].*)?|\+(?:[ \t].*)?)\r?$")
CELL_MARKERS = re.compile(rb"^# (?:COMMAND -{10}|%%)", re.M)


def is_export(path: str, data: bytes) -> bool:
    """A notebook exported as `.py`, by its header or its cell markers."""
    return path.endswith(".py") and bool(
        DATABRICKS_HEADER.match(data) or JUPYTEXT_HEADER.match(data) or CELL_MARKERS.search(data)
    )


class Export:
    """An export's cells joined line for line; `joined` is None when it has no IPython line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.joined: JoinedCells | None = None
        cells = [marker_and_body(cell) for cell in split_cells(text)]
        found = [ipython_lines(body) for _, body in cells]
        if all(lines == {} for lines in found):
            return
        self.joined = JoinedCells()
        for number, ((head, body), lines) in enumerate(zip(cells, found, strict=True), 1):
            shift = head.count("\n")
            # None: a cell magic that is not Python (`%%bash`, `%sql`) sets the whole cell aside
            moved = None if lines is None else {i + shift: line for i, line in lines.items()}
            self.joined.add(number, head + body, moved)

    @property
    def source(self) -> str:
        return self.joined.source if self.joined is not None else self.text

    def patch(self, fixed: str) -> str:
        """The fixed joined text with every IPython line put back."""
        if self.joined is None:
            return fixed
        cells = self.joined.split(fixed)
        text = "".join(cells[number] for number in self.joined.cells)
        if not self.text.endswith(("\n", "\r")) and text.endswith("\n"):
            text = text[:-1]  # the joined module ended the last line; the file did not
        return text


def split_cells(text: str) -> list[str]:
    """The file cut before each cell-start line (the first piece is the header)."""
    cells: list[str] = []
    current: list[str] = []
    for line in split_lines(text):
        if CELL_START.match(line.rstrip("\n")) and current:
            cells.append("".join(current))
            current = []
        current.append(line)
    if current:
        cells.append("".join(current))
    return cells


def marker_and_body(cell: str) -> tuple[str, str]:
    """A cell's marker line (if it starts with one) and the rest."""
    first, newline, rest = cell.partition("\n")
    if CELL_START.match(first):
        return first + newline, rest
    return "", cell


def decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


# ---------------------------------------------------------------- engine and runner entries
def check_export(linter: Linter, data: bytes, path: str) -> FileResult:
    """Findings of an export, at the file's own lines; IPython lines are not parsed."""
    text = decode(data)
    export = Export(text) if text is not None else None
    if export is None or export.joined is None:
        return linter.check_python(data, path)
    result = linter.check_python(export.source.encode("utf-8"), path)
    result.source = data
    result.module = None  # the tree is of the joined text, not of these bytes
    return result


def fix_export(linter: Linter, result: FileResult, unsafe: bool) -> Checked:
    """Fix the joined cells, then put every IPython line back where it was."""
    original = result.source
    text = decode(original) if original is not None else None
    export = Export(text) if text is not None else None
    if original is None or export is None or export.joined is None:
        return fix_loop(PythonOnly(linter), result, unsafe)
    return fix_cells(linter, result, export.source, export.patch, check_export, unsafe)
