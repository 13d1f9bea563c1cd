"""Notebook cells joined into one checkable module, with the line map kept out of band.

A notebook (`.ipynb`, or a `.py` export with cell markers) imports `wandb` in
one cell and logs in another, so its code cells are checked as one module.
IPython syntax is not Python: line magics (`%time`), shell lines (`!pip`, with
their `\\` continuations), `x = !ls` and `obj?` are replaced by a neutral
stand-in (a bare comment, or `pass` inside a block) that keeps the line count,
and a cell magic whose body is not Python (`%%bash`, `%%sql`) drops the cell.

Which cell and line each line of the joined module came from, and what each
stand-in replaced, is recorded beside the text, never as comments in it: a
user's own line can never be mistaken for a marker. After fixing, the new text
is aligned with the old one line by line, so lines a fix inserts (an import)
join the cell of the line before them, and the magics are put back.
"""

from __future__ import annotations

import ast
import difflib
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from logmask.linter.fixloop import Checked, fix_loop
from logmask.linter.text import split_lines

if TYPE_CHECKING:
    from logmask.linter.results import FileResult
    from logmask.linter.results import PythonChecker as Linter

PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit"})
# Databricks: a cell whose first line is one of these alone is written in that language.
CELL_LANGUAGES = frozenset({"%sql", "%scala", "%r", "%md", "%md-sandbox", "%sh", "%fs"})
IPYTHON_LINE = re.compile(
    r"""^[ \t]*(?:
        [%!]                                   # %magic, !shell
      | [\w.\[\]'", ]+=[ \t]*[%!]              # x = !ls, x = %sx ls
      | \??[\w.]+\?\??[ \t]*$                  # obj? obj??
      | \?\??[\w.*]+[ \t]*$                      # ?obj ??obj ?wandb.*
    )""",
    re.VERBOSE,
)
# Shell commands IPython runs without `%` (automagics): a hint when a cell fails to parse.
AUTOMAGIC = re.compile(
    r"^[ \t]*(?:cd|ls|ll|pwd|pip|conda|mkdir|rm|cp|mv|cat|env|wget|curl|git|apt|unzip)"
    r"(?:[ \t]+[^\s=(.,:\[]|[ \t]*$)"
)


def ipython_lines(source: str) -> dict[int, str] | None:
    """The 0-based indexes of a cell's IPython-only lines (their text); None: not Python.

    A shell or magic line ending in `\\` continues on the next lines, which
    belong to it. Lines inside an open bracket or string are Python, whatever
    they start with.
    """
    lines = split_lines(source)
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        name = first[2:].split(maxsplit=1)
        if not name or name[0] not in PYTHON_CELL_MAGICS:
            return None
    if first in CELL_LANGUAGES:
        return None
    found: dict[int, str] = {}
    scanner = OpenScanner()
    continued = False
    for index, line in enumerate(lines):
        body = line.rstrip("\r\n")
        if continued or (not scanner.inside and IPYTHON_LINE.match(body)):
            found[index] = body
            continued = body.endswith("\\")
            continue
        scanner.feed(body)
    return found


class OpenScanner:
    """Tracks whether the next line starts inside a bracket or a multi-line string.

    A light lexer: string prefixes, escapes and comments are honoured; enough
    to tell a logical line's first line from its continuations.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""  # the open triple quote, if any
        self.backslash = False

    @property
    def inside(self) -> bool:
        return self.depth > 0 or bool(self.quote) or self.backslash

    def feed(self, line: str) -> None:
        i, n = 0, len(line)
        self.backslash = False
        while i < n:
            if self.quote:
                end = line.find(self.quote, i)
                while end > 0 and _escaped(line, end):
                    end = line.find(self.quote, end + 1)
                if end < 0:
                    return
                i, self.quote = end + 3, ""
                continue
            char = line[i]
            if char == "#":
                return
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char in "'\"":
                if line.startswith(char * 3, i):
                    self.quote, i = char * 3, i + 3
                    continue
                end = i + 1
                while end < n and (line[end] != char or _escaped(line, end)):
                    end += 1
                i = end + 1
                continue
            elif char == "\\" and i == n - 1:
                self.backslash = True
            i += 1


def _escaped(line: str, index: int) -> bool:
    backslashes = len(line[:index]) - len(line[:index].rstrip("\\"))
    return backslashes % 2 == 1


def stand_in(body: str, indent: str) -> str:
    """A line that parses where the IPython line stood: a comment, `pass` inside a block."""
    return f"{indent}pass" if indent else "#"


@dataclass
class JoinedCells:
    """Code cells joined into one module; `origin` and `magics` are the out-of-band map."""

    # per line of `source` (0-based): (cell number, 1-based line in the cell)
    origin: list[tuple[int, int]] = field(default_factory=list)
    # line of `source` (0-based) -> the IPython line its stand-in replaced
    magics: dict[int, str] = field(default_factory=dict)
    cells: list[int] = field(default_factory=list)  # cell numbers, in order
    _parts: list[str] = field(default_factory=list)

    def add(self, number: int, source: str, ipython: dict[int, str] | None) -> None:
        """Append a cell: its source and its IPython lines (`ipython_lines`; None: none is Python).

        A cell that is not Python keeps its lines as bare comments, so the
        lines after it do not move (a `.py` export is checked line for line).
        """
        lines = split_lines(source)
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += "\n"
        dropped = ipython is None
        if ipython is None:
            ipython = {index: line.rstrip("\r\n") for index, line in enumerate(lines)}
        base = len(self.origin)
        indent = ""
        for index, line in enumerate(lines):
            body = line.rstrip("\r\n")
            if index in ipython:
                previous = ipython.get(index - 1)
                if dropped:
                    indent = ""
                elif previous is None or not previous.endswith("\\"):
                    indent = body[: len(body) - len(body.lstrip())]
                self.magics[base + index] = body
                line = stand_in(body, indent) + line[len(body) :]
            self._parts.append(line)
            self.origin.append((number, index + 1))
        self.cells.append(number)

    @property
    def source(self) -> str:
        return "".join(self._parts)

    # ------------------------------------------------------------ mapping
    def locate(self, line: int) -> tuple[int, int]:
        """(cell number, line in the cell) of a 1-based line of the joined module."""
        if not self.origin:
            return (0, line)
        index = min(max(line, 1), len(self.origin)) - 1
        cell, in_cell = self.origin[index]
        return cell, in_cell + max(0, line - len(self.origin))

    def syntax_error(self) -> tuple[int, int, str] | None:
        """CPython's verdict on the joined module: (cell, line in the cell, reason), or None."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(
                    self.source,
                    "<cells>",
                    "exec",
                    flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                    dont_inherit=True,
                )
        except SyntaxError as err:
            cell, line = self.locate(err.lineno or 1)
            reason = err.msg or "invalid syntax"
            lines = [line.rstrip("\r\n") for line in split_lines(self.source)]
            text = lines[err.lineno - 1] if err.lineno and err.lineno <= len(lines) else ""
            if AUTOMAGIC.match(text):
                reason += " (an IPython automagic? write it with `%` or `!`)"
            return cell, line, reason
        except (ValueError, RecursionError, MemoryError):
            return None
        return None

    # ------------------------------------------------------------ fixing
    def split(self, fixed: str) -> dict[int, str]:
        """The fixed joined text cut back into cells, IPython lines restored.

        Lines are aligned with the joined source: unchanged and edited lines
        keep their cell, inserted lines join the cell of the line before them.
        """
        old = split_lines(self.source)
        new = split_lines(fixed)
        out: dict[int, list[str]] = {number: [] for number in self.cells}
        if not old:
            return {number: "" for number in self.cells}
        for tag, i1, i2, j1, j2 in aligned(old, new):
            for k in range(j2 - j1):
                line = new[j1 + k]
                if tag == "insert":
                    source_index = None
                    owner = max(i1 - 1, 0)
                elif k < i2 - i1:
                    source_index = owner = i1 + k
                else:  # a replaced block that grew: the extra lines join its last line's cell
                    source_index, owner = None, i2 - 1
                if source_index is not None and source_index in self.magics:
                    body = line.rstrip("\r\n")
                    line = self.magics[source_index] + line[len(body) :]
                out[self.origin[owner][0]].append(line)
        return {number: "".join(lines) for number, lines in out.items()}


def aligned(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """`difflib` opcodes of two line lists; the common head and tail are not searched."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    middle = difflib.SequenceMatcher(
        None, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=False
    )
    codes = [("equal", 0, head, 0, head)] if head else []
    codes += [
        (tag, i1 + head, i2 + head, j1 + head, j2 + head)
        for tag, i1, i2, j1, j2 in middle.get_opcodes()
    ]
    if tail:
        codes.append(("equal", len(old) - tail, len(old), len(new) - tail, len(new)))
    return codes


class PythonOnly:
    """The linter as the fix loop sees joined cells: it re-checks Python, not the notebook."""

    def __init__(self, linter: Linter) -> None:
        self.linter = linter

    def check_source(self, data: bytes, path: str) -> FileResult:
        return self.linter.check_python(data, path)


def fix_cells(
    linter: Linter,
    result: FileResult,
    joined: str,
    patch: Callable[[str], str],
    recheck: Callable[[Linter, bytes, str], FileResult],
    unsafe: bool,
) -> Checked:
    """Fix the joined code of a notebook or export, put it back with `patch`, check again.

    `result` is the file's result and carries its bytes; a byte-order mark is kept.
    """
    original = result.source
    if original is None:
        return Checked(result)
    inner = linter.check_python(joined.encode("utf-8"), result.path)
    fixed = fix_loop(PythonOnly(linter), inner, unsafe)
    if fixed.fixed is None:
        return Checked(result)
    data = patch(fixed.fixed.decode("utf-8")).encode("utf-8")
    if original.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    if data == original:
        return Checked(result)
    final = recheck(linter, data, result.path)
    return Checked(final, original, data, fixed.applied, before=list(result.findings))
