"""Jupyter notebooks: check the code cells as one module, report by cell, fix in place.

ML logging lives in notebooks, and a notebook imports `wandb` in its first
cell and logs in a later one, so the code cells are joined into one virtual
module (a marker comment before each cell) and checked like a `.py` file;
every finding is mapped back to its cell and the line in that cell.

IPython syntax is not Python: line magics (`%time`), shell lines (`!pip`),
`x = !ls` and `obj?` become a comment (`pass` inside a block) that keeps the
line, so nothing shifts and the magic is put back after fixing;
and a cell magic (`%%bash`) drops the cell unless its body is Python
(`%%time`, `%%capture`, ...).

Fixes run on the virtual module with the normal fix loop; the result is cut
back into cells at the markers, the magics are restored, and only the
`"source"` values of the cells that changed are replaced in the original
JSON text, in the notebook's own layout, so everything else (outputs,
metadata, indentation, key order) stays byte for byte.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from logmask.findings import Edit, FileError, Finding, Fix
from logmask.linter.fixloop import Checked, fix_loop
from logmask.linter.results import FileResult
from logmask.linter.results import PythonChecker as Linter

CELL_MARKER = "# __logmask_cell__ {}\n"
CELL_LINE = re.compile(r"^# __logmask_cell__ (\d+)\n", re.MULTILINE)
MAGIC_LINE = "# __logmask_magic__ {}"
MAGIC = re.compile(r"^[ \t]*(?:pass  )?# __logmask_magic__ (\d+)$")
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit"})
IPYTHON_LINE = re.compile(
    r"""^[ \t]*(?:
        [%!]                                   # %magic, !shell
      | [\w.\[\]'", ]+=[ \t]*[%!]              # x = !ls, x = %sx ls
      | \??[\w.]+\?\??[ \t]*$                  # obj? obj??
    )""",
    re.VERBOSE,
)
LINE_REFERENCE = re.compile(r"\bline (\d+)")


class NotebookError(Exception):
    """Not a notebook logmask can read; the message says why."""


@dataclass
class Cell:
    number: int  # 1-based position among all the notebook's cells
    text: str  # the cell's source as the notebook holds it
    span: tuple[int, int] | None  # where its "source" value lies in the JSON text
    python: str | None  # the source with magics neutralised; None: not checked


@dataclass
class Notebook:
    text: str
    cells: list[Cell]
    magics: dict[int, str] = field(default_factory=dict)
    source: str = ""
    # (virtual line of the cell's marker, cell number), in order
    markers: list[tuple[int, int]] = field(default_factory=list)

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
        cells = []
        for number, (raw, span) in enumerate(zip(document["cells"], spans, strict=True), 1):
            source = raw.get("source", "") if isinstance(raw, dict) else ""
            source = "".join(source) if isinstance(source, list) else str(source)
            code = isinstance(raw, dict) and raw.get("cell_type") == "code"
            cells.append(Cell(number, source, span, source if code else None))
        notebook = cls(text, cells)
        if is_python(document):
            notebook.build()
        return notebook

    def build(self) -> None:
        """The virtual module: a marker line, then each code cell with its magics neutralised."""
        parts: list[str] = []
        line = 1
        for cell in self.cells:
            if cell.python is None:
                continue
            cell.python = self.neutralise(cell.python)
            if cell.python is None or not cell.python.strip():
                cell.python = None
                continue
            body = cell.python if cell.python.endswith("\n") else cell.python + "\n"
            self.markers.append((line, cell.number))
            parts.append(CELL_MARKER.format(cell.number) + body)
            line += 1 + body.count("\n")
        self.source = "".join(parts)

    def neutralise(self, source: str) -> str | None:
        """IPython-only lines become numbered comments (`pass` in a block); None: not Python."""
        lines = source.splitlines(keepends=True)
        first = next((line.lstrip() for line in lines if line.strip()), "")
        if first.startswith("%%"):
            name = first[2:].split(maxsplit=1)
            if not name or name[0] not in PYTHON_CELL_MAGICS:
                return None
        out = []
        continued = False
        for line in lines:
            body = line.rstrip("\r\n")
            magic = continued or bool(IPYTHON_LINE.match(body))
            if not magic:
                out.append(line)
                continue
            continued = body.endswith("\\")
            number = len(self.magics)
            self.magics[number] = body
            indent = body[: len(body) - len(body.lstrip())]
            # A comment keeps the import header going; inside a block, `pass` keeps it valid.
            stand_in = (
                MAGIC_LINE.format(number)
                if not indent
                else f"{indent}pass  " + MAGIC_LINE.format(number)
            )
            out.append(stand_in + line[len(body) :])
        return "".join(out)

    # ------------------------------------------------------------ mapping
    def locate(self, line: int) -> tuple[int, int]:
        """(cell number, line in the cell) of a line of the virtual module."""
        cell, marker = self.markers[0][1], self.markers[0][0]
        for marker_line, number in self.markers:
            if marker_line >= line:
                break
            cell, marker = number, marker_line
        return cell, max(1, line - marker)

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
        return replace(
            finding,
            line=line,
            end_line=finding.end_line - shift,
            fix=fix,
            cell=cell,
            statement_lines=(lines[0] - shift, lines[1] - shift) if lines else None,
        )

    def map_error(self, error: FileError) -> FileError:
        def cell_line(match: re.Match[str]) -> str:
            cell, line = self.locate(int(match.group(1)))
            return f"cell {cell}, line {line}"

        return replace(error, message=LINE_REFERENCE.sub(cell_line, error.message, count=1))

    # ------------------------------------------------------------ fixing
    def patch(self, fixed: str) -> str:
        """The notebook text with the cells whose source changed replaced, nothing else."""
        pieces = CELL_LINE.split(fixed)
        head, rest = pieces[0], pieces[1:]
        new: dict[int, str] = {}
        for number_text, body in zip(rest[::2], rest[1::2], strict=True):
            new[int(number_text)] = head + body
            head = ""
        text = self.text
        for cell in sorted(self.cells, key=lambda c: c.span or (0, 0), reverse=True):
            if cell.number not in new or cell.span is None:
                continue
            source = self.restore(new[cell.number])
            if not cell.text.endswith("\n") and source.endswith("\n"):
                source = source[:-1]
            if source == cell.text:
                continue
            start, end = cell.span
            text = text[:start] + serialise(source, text[start:end], self.text) + text[end:]
        return text

    def restore(self, source: str) -> str:
        out = []
        for line in source.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            match = MAGIC.match(body)
            out.append(self.magics[int(match.group(1))] + line[len(body) :] if match else line)
        return "".join(out)


def is_python(document: dict) -> bool:
    """Notebooks of other kernels (R, Julia) are skipped; no language recorded means Python."""
    metadata = document.get("metadata") or {}
    language = (metadata.get("kernelspec") or {}).get("language") or (
        metadata.get("language_info") or {}
    ).get("name")
    return not isinstance(language, str) or language.lower() in ("python", "python3", "ipython")


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
    if not notebook.markers:
        return result
    inner = linter.check_python(notebook.source.encode("utf-8"), path)
    result.findings = [notebook.map_finding(f) for f in inner.findings]
    result.errors = [notebook.map_error(e) for e in inner.errors]
    return result


class _PythonOnly:
    """The linter as the fix loop sees it: it re-checks the virtual module, not a notebook."""

    def __init__(self, linter: Linter) -> None:
        self.linter = linter

    def check_source(self, data: bytes, path: str) -> FileResult:
        return self.linter.check_python(data, path)


def fix_notebook(linter: Linter, result: FileResult, unsafe: bool) -> Checked:
    """Run the fix loop on the code cells and write back only the cells it changed."""
    original = result.source
    if original is None:
        return Checked(result)
    try:
        notebook = Notebook.parse(original)
    except NotebookError:
        return Checked(result)
    inner = linter.check_python(notebook.source.encode("utf-8"), result.path)
    fixed = fix_loop(_PythonOnly(linter), inner, unsafe)
    if fixed.fixed is None:
        return Checked(result)
    text = notebook.patch(fixed.fixed.decode("utf-8"))
    data = text.encode("utf-8")
    if original.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    if data == original:
        return Checked(result)
    final = check_notebook(linter, data, result.path)
    return Checked(final, original, data, fixed.applied, before=list(result.findings))
