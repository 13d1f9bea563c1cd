"""The engine on the editor's text: a Python document or a notebook's cells, checked and fixed.

Everything goes through the same entry points as `logmask check`: a Python
document is encoded the way its file would be and given to
`Linter.check_source`; a notebook's cells become the notebook JSON the CLI
reads, so the cells are joined, magics skipped and findings mapped exactly
as `logmask check` does. Fixes are `apply_all` for one finding and the
`--fix` loop (`fix_loop`, `fix_notebook`) for all of them; the result is the
new text of each document, which `convert` turns into edits.

Positions are those of `Finding`: 1-based lines and code-point columns of the
document they are in (a cell for notebooks).
"""

from __future__ import annotations

import codecs
import json
import re
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from io import BytesIO
from typing import TYPE_CHECKING, Any

from logmask.findings import FileError, Finding
from logmask.linter.engine import FileResult, Linter
from logmask.linter.notebook import Notebook, NotebookError
from logmask.linter.source import MAX_BYTES
from logmask.linter.text import decode

if TYPE_CHECKING:
    import libcst as cst

ERROR_AT = re.compile(r"\bline (\d+)(?::(\d+))?")


@dataclass(frozen=True)
class Place:
    """A range in one document (1-based lines, 1-based code-point columns)."""

    uri: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Located:
    """A finding in the coordinates of its document, and where its evidence came from."""

    finding: Finding
    uri: str
    origin: Place | None = None


@dataclass(frozen=True)
class Problem:
    """A file the engine could not check (or a rule that failed): at most one diagnostic."""

    uri: str
    code: str
    message: str
    line: int = 1
    column: int = 1
    syntax: bool = False


@dataclass
class Analysis:
    located: list[Located] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What fixing needs: the checked source, its tree and the engine's own findings
    # (for notebooks: of the joined cells), index-aligned with `located`.
    result: FileResult | None = None
    engine_findings: list[Finding] = field(default_factory=list)


class Subject:
    """A document the server checks: one Python file, or one notebook."""

    uri: str
    path: str

    def texts(self) -> dict[str, str]:
        """The text of every document this subject covers, by URI."""
        raise NotImplementedError

    def check(self, linter: Linter) -> Analysis:
        raise NotImplementedError

    def fix_one(self, linter: Linter, analysis: Analysis, index: int) -> dict[str, str]:
        """New texts (by URI) with the fix of `analysis.located[index]` applied."""
        raise NotImplementedError

    def fix_all(self, linter: Linter, analysis: Analysis, unsafe: bool) -> dict[str, str]:
        """New texts (by URI) as `logmask check --fix [--unsafe-fixes]` would write them."""
        raise NotImplementedError


def first_problem(errors: Sequence[FileError], uri: str, where: Any = None) -> list[Problem]:
    """The first error only: an editor needs one line saying why the file was not checked."""
    if not errors:
        return []
    error = errors[0]
    line, column = 1, 1
    match = ERROR_AT.search(error.message)
    syntax = error.message.startswith("syntax error")
    if match and syntax:
        line, column = int(match.group(1)), int(match.group(2) or 1)
        if where is not None:
            uri, line = where(line)
    return [Problem(uri, error.code, error.message, line, column, syntax)]


# ------------------------------------------------------------------- Python files
def encode_text(text: str) -> bytes:
    """The bytes of the file as it would be saved: the coding cookie decides, UTF-8 otherwise."""
    head = text[:400].encode("utf-8", "surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(head).readline)
    except SyntaxError:
        encoding = "utf-8"
    if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        return text.encode("utf-8", "surrogatepass")
    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return text.encode("utf-8", "surrogatepass")


def decode_source(data: bytes, module: cst.Module) -> str:
    """Text of fixed bytes, with a BOM kept as the editor holds it (U+FEFF)."""
    text, bom = decode(data, module.encoding)
    return "\ufeff" + text if bom else text


@dataclass
class PythonFile(Subject):
    uri: str
    path: str
    text: str
    version: int | None = None  # the editor's version of the text, for its diagnostics

    def texts(self) -> dict[str, str]:
        return {self.uri: self.text}

    def check(self, linter: Linter) -> Analysis:
        data = encode_text(self.text)
        if len(data) > MAX_BYTES:
            size = len(data) // (1024 * 1024)
            problem = Problem(self.uri, "PII900", f"file too large ({size} MiB)")
            return Analysis(problems=[problem])
        result = linter.check_source(data, self.path)
        located = [Located(f, self.uri, self._origin(f)) for f in result.findings]
        problems = first_problem(result.errors, self.uri)
        return Analysis(located, problems, result, list(result.findings))

    def _origin(self, finding: Finding) -> Place | None:
        return Place(self.uri, *finding.origin) if finding.origin else None

    def fix_one(self, linter: Linter, analysis: Analysis, index: int) -> dict[str, str]:
        from logmask.linter.fixes import apply_all

        result = analysis.result
        if result is None or result.module is None or result.source is None:
            return {}
        finding = analysis.engine_findings[index]
        fixed = apply_all(result.source, result.module, [finding]).data
        return {self.uri: decode_source(fixed, result.module)}

    def fix_all(self, linter: Linter, analysis: Analysis, unsafe: bool) -> dict[str, str]:
        from logmask.linter.runner import fix_loop

        result = analysis.result
        if result is None or result.module is None or not result.findings:
            return {}
        checked = fix_loop(linter, result, unsafe)
        if checked.fixed is None:
            return {}
        return {self.uri: decode_source(checked.fixed, result.module)}


# ------------------------------------------------------------------- notebooks
@dataclass(frozen=True)
class CellText:
    uri: str
    text: str
    code: bool  # a Python code cell (markdown and other languages are not checked)


@dataclass
class NotebookFile(Subject):
    """A notebook's cells, checked as the `.ipynb` file holding them would be."""

    uri: str
    path: str
    cells: list[CellText]
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def texts(self) -> dict[str, str]:
        return {cell.uri: cell.text for cell in self.cells}

    def document(self) -> bytes:
        """The notebook JSON these cells would be saved as (only what logmask reads)."""
        cells: list[dict[str, Any]] = [
            {"cell_type": "code" if c.code else "raw", "metadata": {}, "source": c.text}
            for c in self.cells
        ]
        language = {
            key: self.metadata[key]
            for key in ("kernelspec", "language_info")
            if isinstance(self.metadata.get(key), dict)
        }
        notebook = {"cells": cells, "metadata": language, "nbformat": 4, "nbformat_minor": 5}
        return json.dumps(notebook, ensure_ascii=False).encode("utf-8")

    def cell_uri(self, number: int) -> str:
        return self.cells[number - 1].uri

    def check(self, linter: Linter) -> Analysis:
        data = self.document()
        try:
            notebook = Notebook.parse(data)
        except NotebookError as err:  # cannot happen for JSON built here; never crash on it
            return Analysis(problems=[Problem(self.uri, "PII900", str(err))])
        if not notebook.joined.cells:
            return Analysis()
        inner = linter.check_python(notebook.source.encode("utf-8"), self.path)
        located = []
        for finding in inner.findings:
            mapped = notebook.map_finding(finding)
            assert mapped.cell is not None
            origin = self._origin(notebook, finding)
            located.append(Located(mapped, self.cell_uri(mapped.cell), origin))

        def where(line: int) -> tuple[str, int]:
            cell, in_cell = notebook.locate(line)
            return self.cell_uri(cell), in_cell

        problems = first_problem(inner.errors, self.cell_uri(notebook.joined.cells[0]), where)
        if problems:  # the message as the CLI words it: "cell 3, line 2"
            problems = [replace(problems[0], message=notebook.map_error(inner.errors[0]).message)]
        return Analysis(located, problems, inner, list(inner.findings))

    def _origin(self, notebook: Notebook, finding: Finding) -> Place | None:
        """The origin may lie in an earlier cell than the finding: locate it on its own."""
        if finding.origin is None:
            return None
        line, column, end_line, end_column = finding.origin
        cell, in_cell = notebook.locate(line)
        return Place(self.cell_uri(cell), in_cell, column, end_line - line + in_cell, end_column)

    def _cells_of(self, notebook_json: str) -> dict[str, str]:
        """New cell texts (by URI) of a notebook JSON text, for the cells that changed."""
        cells = json.loads(notebook_json)["cells"]
        out = {}
        for cell, raw in zip(self.cells, cells, strict=True):
            source = raw.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            if text != cell.text:
                out[cell.uri] = text
        return out

    def fix_one(self, linter: Linter, analysis: Analysis, index: int) -> dict[str, str]:
        from logmask.linter.fixes import apply_all

        inner = analysis.result
        if inner is None or inner.module is None or inner.source is None:
            return {}
        notebook = Notebook.parse(self.document())
        fixed = apply_all(inner.source, inner.module, [analysis.engine_findings[index]]).data
        return self._cells_of(notebook.patch(fixed.decode("utf-8")))

    def fix_all(self, linter: Linter, analysis: Analysis, unsafe: bool) -> dict[str, str]:
        from logmask.linter.notebook import fix_notebook

        data = self.document()
        result = FileResult(self.path, findings=[x.finding for x in analysis.located], source=data)
        checked = fix_notebook(linter, result, unsafe)
        if checked.fixed is None:
            return {}
        return self._cells_of(checked.fixed.decode("utf-8"))
