"""Jupyter notebooks: check the code cells as one module, report by cell, fix in place.

The code cells are joined into one module (`cells.JoinedCells`: IPython lines
neutralised, the cell and line of every line kept in a map beside the text)
and checked like a `.py` file; every finding is mapped back to its cell and the
line in that cell.

Fixes run on the joined module with the normal fix loop; the result is cut back
into cells, the magics are restored, and only the `"source"` values of the
cells that changed are replaced in the original JSON text, in the notebook's
own layout, so everything else (outputs, metadata, indentation, key order)
stays byte for byte.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from logmask.findings import Edit, FileError, Finding, Fix
from logmask.linter.cells import JoinedCells, fix_cells, ipython_lines
from logmask.linter.fixloop import Checked
from logmask.linter.results import FileResult
from logmask.linter.results import PythonChecker as Linter

LINE_REFERENCE = re.compile(r"\bline (\d+)")
ORIGIN_REFERENCE = re.compile(r"\(line (\d+)\)")


class NotebookError(Exception):
    """Not a notebook logmask can read; the message says why."""


@dataclass
class Cell:
    number: int  # 1-based position among all the notebook's cells
    text: str  # the cell's source as the notebook holds it
    span: tuple[int, int] | None  # where its "source" value lies in the JSON text
    code: bool  # a code cell of a Python notebook, checked


@dataclass
class Notebook:
    text: str
    cells: list[Cell]
    joined: JoinedCells = field(default_factory=JoinedCells)

    @classmethod
    def parse(cls, data: bytes) -> Notebook:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NotebookError("notebook is not valid UTF-8") from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as err:
            raise NotebookError(
                f"not a valid notebook: invalid JSON at line {err.lineno}"
            ) from None
        if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
            if isinstance(document, dict) and "worksheets" in document:
                raise NotebookError("nbformat 3 notebooks are not supported; upgrade to nbformat 4")
            raise NotebookError("not a valid notebook: no 'cells' list")
        spans = source_spans(text)
        python = is_python(document)
        cells = []
        for number, (raw, span) in enumerate(zip(document["cells"], spans, strict=True), 1):
            source = raw.get("source", "") if isinstance(raw, dict) else ""
            source = "".join(map(str, source)) if isinstance(source, list) else str(source)
            code = python and isinstance(raw, dict) and raw.get("cell_type") == "code"
            cells.append(Cell(number, source, span, code))
        notebook = cls(text, cells)
        notebook.build()
        return notebook

    def build(self) -> None:
        """Join the code cells whose body is Python (a `%%bash` cell is left out)."""
        for cell in self.cells:
            if not cell.code:
                continue
            ipython = ipython_lines(cell.text)
            if ipython is None or not cell.text.strip():
                cell.code = False
                continue
            self.joined.add(cell.number, cell.text, ipython)

    @property
    def source(self) -> str:
        return self.joined.source

    def first_line(self, number: int) -> int:
        """The line of the notebook file where a cell's source begins (for annotations)."""
        cell = self.cells[number - 1]
        if cell.span is None:
            return 1
        start = cell.span[0]
        quote = self.text.find('"', start, cell.span[1])
        return self.text.count("\n", 0, quote if quote >= 0 else start) + 1

    # ------------------------------------------------------------ mapping
    def locate(self, line: int) -> tuple[int, int]:
        """(cell number, line in the cell) of a line of the joined module."""
        return self.joined.locate(line)

    def cite(self, message: str) -> str:
        """A message citing "(line N)" of the joined module cites the cell and its line."""

        def cell_line(match: re.Match[str]) -> str:
            cell, line = self.locate(int(match.group(1)))
            return f"(cell {cell}, line {line})"

        return ORIGIN_REFERENCE.sub(cell_line, message)

    def map_finding(self, finding: Finding) -> Finding:
        cell, line = self.locate(finding.line)
        shift = finding.line - line
        fix = finding.fix
        if fix is not None:
            edits = tuple(
                Edit(e.line - shift, e.column, e.end_line - shift, e.end_column, e.content)
                for e in fix.edits
            )
            fix = Fix(fix.message, edits, fix.imports, fix.safe, fix.setup)
        lines = finding.statement_lines
        origin = finding.origin
        if origin is not None:
            origin_cell, origin_line = self.locate(origin[0])
            moved = origin[0] - origin_line
            same = origin_cell == cell
            origin = (origin_line, origin[1], origin[2] - moved, origin[3]) if same else None
        return replace(
            finding,
            origin=origin,
            line=line,
            end_line=finding.end_line - shift,
            message=self.cite(finding.message),
            fix=fix,
            cell=cell,
            cell_start=self.first_line(cell),
            statement_lines=(lines[0] - shift, lines[1] - shift) if lines else None,
        )

    def map_error(self, error: FileError) -> FileError:
        def cell_line(match: re.Match[str]) -> str:
            cell, line = self.locate(int(match.group(1)))
            return f"cell {cell}, line {line}"

        return replace(error, message=LINE_REFERENCE.sub(cell_line, error.message, count=1))

    def syntax_error(self, path: str) -> FileError | None:
        """CPython's reason and the cell and line where the joined cells stop parsing."""
        found = self.joined.syntax_error()
        if found is None:
            return None
        cell, line, reason = found
        return FileError(path, f"syntax error at cell {cell}, line {line}: {reason}")

    # ------------------------------------------------------------ fixing
    def patch(self, fixed: str) -> str:
        """The notebook text with the cells whose source changed replaced, nothing else."""
        new = self.joined.split(fixed)
        text = self.text
        for cell in sorted(self.cells, key=lambda c: c.span or (0, 0), reverse=True):
            if cell.number not in new or cell.span is None:
                continue
            source = new[cell.number]
            if not cell.text.endswith("\n") and source.endswith("\n"):
                source = source[:-1]
            if source == cell.text:
                continue
            start, end = cell.span
            text = text[:start] + serialise(source, text[start:end], self.text) + text[end:]
        return text


def is_python(document: dict[str, Any]) -> bool:
    """Notebooks of other kernels (R, Julia) are skipped; no language recorded means Python.

    `kernelspec` may be a bare kernel name (`"python3"`) instead of an object.
    """
    metadata = _mapping(document.get("metadata"))
    kernel = metadata.get("kernelspec")
    language = (
        _mapping(kernel).get("language")
        or _mapping(metadata.get("language_info")).get("name")
        or (kernel if isinstance(kernel, str) else None)
    )
    if not isinstance(language, str) or not language:
        return True
    return "python" in language.lower() or language.lower() == "ipython"


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------- the JSON text
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\r\n]*")


def _skip(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    return match.end() if match else index


def _expect(text: str, index: int, char: str) -> int:
    index = _skip(text, index)
    if text[index : index + 1] != char:
        raise NotebookError(f"not a valid notebook: expected {char!r} at offset {index}")
    return index + 1


def _members(text: str, index: int) -> tuple[dict[str, tuple[int, int]], int]:
    """The offsets of each member value of the object at `index`, and the object's end."""
    members: dict[str, tuple[int, int]] = {}
    index = _skip(text, _expect(text, index, "{"))
    if text[index] == "}":
        return members, index + 1
    while True:
        key, index = _DECODER.raw_decode(text, _skip(text, index))
        start = _skip(text, _expect(text, index, ":"))
        _, end = _DECODER.raw_decode(text, start)
        members[key] = (start, end)
        index = _skip(text, end)
        if text[index] == "}":
            return members, index + 1
        index = _expect(text, index, ",")


def source_spans(text: str) -> list[tuple[int, int] | None]:
    """Offsets of each cell's "source" value in the notebook's JSON text, in cell order."""
    top, _ = _members(text, _skip(text, 0))
    spans: list[tuple[int, int] | None] = []
    if "cells" not in top:
        return spans
    index = _skip(text, _expect(text, top["cells"][0], "["))
    if text[index] == "]":
        return spans
    while True:
        cell, index = _members(text, index)
        spans.append(cell.get("source"))
        index = _skip(text, index)
        if text[index] == "]":
            return spans
        index = _expect(text, index, ",")


def serialise(source: str, original: str, notebook: str) -> str:
    """`source` as a JSON value laid out like the `original` value it replaces."""
    ascii_only = notebook.isascii() and "\\u" in notebook
    if not original.startswith("["):
        return json.dumps(source, ensure_ascii=ascii_only)
    items = [json.dumps(line, ensure_ascii=ascii_only) for line in source.splitlines(True)]
    opening = re.match(r"\[([ \t\r\n]*)", original)
    closing = re.search(r"([ \t\r\n]*)\]$", original)
    assert opening is not None and closing is not None
    first = opening.group(1)
    second = re.match(r'\[[ \t\r\n]*"(?:[^"\\]|\\.)*"([ \t\r\n]*,[ \t\r\n]*)"', original)
    separator = second.group(1) if second else "," + (first or " ")
    if not items:
        return "[]"
    return "[" + first + separator.join(items) + closing.group(1) + "]"


# ---------------------------------------------------------------- engine and runner entries
def check_notebook(linter: Linter, data: bytes, path: str) -> FileResult:
    """Findings of a notebook's code cells, each naming its cell."""
    result = FileResult(path, source=data)
    try:
        notebook = Notebook.parse(data)
    except NotebookError as err:
        result.errors.append(FileError(path, str(err)))
        return result
    if not notebook.joined.cells:
        return result
    inner = linter.check_python(notebook.source.encode("utf-8"), path)
    result.findings = [notebook.map_finding(f) for f in inner.findings]
    errors = [notebook.map_error(e) for e in inner.errors]
    if inner.module is None and errors:  # LibCST's position can be off: ask CPython
        found = notebook.syntax_error(path)
        if found is not None:
            errors = [found, *(e for e in errors[1:])]
    result.errors = errors
    return result


def fix_notebook(linter: Linter, result: FileResult, unsafe: bool) -> Checked:
    """Run the fix loop on the code cells and write back only the cells it changed."""
    if result.source is None:
        return Checked(result)
    try:
        notebook = Notebook.parse(result.source)
    except NotebookError:
        return Checked(result)
    return fix_cells(linter, result, notebook.source, notebook.patch, check_notebook, unsafe)
