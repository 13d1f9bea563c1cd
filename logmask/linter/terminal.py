"""The `full` output format: each finding with its source line, a caret under the
reported range, the rule name (a link to its documentation), and the fix as a
short diff -- ruff's layout.

Rendered with `rich` (imported only for this format): it decides colour from
the terminal and honours `NO_COLOR` and `FORCE_COLOR`, and writes OSC-8
hyperlinks, so no escape code is written by hand here. Written to a file, the
same text comes out without colour.
"""

from __future__ import annotations

import io
import json
import tokenize
from collections.abc import Mapping, Sequence
from typing import IO

from rich.console import Console
from rich.style import Style
from rich.text import Text

from logmask.findings import Edit, Finding
from logmask.linter.report import Summary, fix_mark, location, printable, rule_url

CONTEXT = 1  # lines shown above the reported one


class SourceLines:
    """The lines findings point into: the checked bytes when known, else the file."""

    def __init__(self, sources: Mapping[str, bytes | None]) -> None:
        self.sources = sources
        self.cache: dict[tuple[str, int | None], list[str] | None] = {}

    def get(self, path: str, cell: int | None) -> list[str] | None:
        key = (path, cell)
        if key not in self.cache:
            self.cache[key] = self._load(path, cell)
        return self.cache[key]

    def _load(self, path: str, cell: int | None) -> list[str] | None:
        data = self.sources.get(path)
        try:
            if data is None:
                with open(path, "rb") as handle:
                    data = handle.read()
            if cell is not None:
                cells = json.loads(data.decode("utf-8")).get("cells", [])
                source = cells[cell - 1].get("source", "")
                text = "".join(source) if isinstance(source, list) else str(source)
            else:
                encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
                text = data.decode(encoding).removeprefix("\ufeff")
        except (OSError, ValueError, LookupError, SyntaxError, IndexError, AttributeError):
            return None
        return text.splitlines()


def snippet_line(text: str) -> str:
    return printable(text.replace("\t", " "))


def apply_edits(lines: list[str], edits: Sequence[Edit]) -> tuple[int, list[str], list[str]]:
    """(first line, old lines, new lines) of the lines the edits touch."""
    first = min(e.line for e in edits)
    last = max(e.end_line for e in edits)
    old = lines[first - 1 : last]
    block = "\n".join(old)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, column: int) -> int:
        return starts[line - first] + column - 1

    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        a, b = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        block = block[:a] + edit.content + block[b:]
    return first, old, block.split("\n")


class FullRenderer:
    def __init__(self, console: Console, sources: Mapping[str, bytes | None], unsafe: bool):
        self.console = console
        self.lines = SourceLines(sources)
        self.unsafe = unsafe

    def finding(self, f: Finding) -> None:
        head = Text()
        head.append(location(f), style="bold")
        head.append(": ")
        head.append(f.code, style="bold red")
        head.append(" ")
        mark = fix_mark(f, self.unsafe)
        if mark:
            head.append(mark.strip(), style="cyan")
            head.append(" ")
        head.append(f.message, style="bold")
        self.console.print(head)
        lines = self.lines.get(f.path, f.cell)
        if lines is None or not 1 <= f.line <= len(lines):
            self.console.print()
            return
        width = len(str(min(len(lines), f.end_line) + 1))
        gutter = " " * width + " |"
        self.console.print(Text(gutter, style="blue"))
        for number in range(max(1, f.line - CONTEXT), f.line + 1):
            row = Text()
            row.append(f"{number:>{width}} | ", style="blue")
            row.append(snippet_line(lines[number - 1]))
            self.console.print(row)
        line = snippet_line(lines[f.line - 1])
        start = min(f.column - 1, len(line))
        end = f.end_column - 1 if f.end_line == f.line else len(line)
        caret = Text()
        caret.append(gutter + " " + " " * start, style="blue")
        caret.append("^" * max(1, end - start), style="bold red")
        caret.append(" ")
        name = Text(f"{f.code} {f.rule}", style="bold red")
        url = rule_url(f.code)
        if url:
            name.stylize(Style(link=url))
        caret.append(name)
        self.console.print(caret)
        self.console.print(Text(gutter, style="blue"))
        if f.fix is not None:
            self.fix(f, lines, width)
        self.console.print()

    def fix(self, f: Finding, lines: list[str], width: int) -> None:
        assert f.fix is not None
        fix = f.fix
        help_line = Text()
        help_line.append(" " * width + " = help: ", style="blue")
        help_line.append(fix.message)
        self.console.print(help_line)
        edits = [e for e in fix.edits if 1 <= e.line <= e.end_line <= len(lines)]
        kind = "Safe fix" if fix.safe else "Unsafe fix (needs `--unsafe-fixes`)"
        self.console.print()
        self.console.print(Text(f"{' ' * width}   {kind}", style="italic"))
        for statement in (*fix.imports, *fix.setup):
            if not any(line.strip() == statement for line in lines):
                self.console.print(Text(f"{'':>{width}} + {statement}", style="green"))
        if not edits:
            return
        first, old, new = apply_edits(lines, edits)
        for offset, text in enumerate(old):
            self.console.print(
                Text(f"{first + offset:>{width}} - {snippet_line(text)}", style="red")
            )
        for offset, text in enumerate(new):
            self.console.print(
                Text(f"{first + offset:>{width}} + {snippet_line(text)}", style="green")
            )


def console_for(file: IO[str], colour: bool | None = None) -> Console:
    """A console on `file`; colour as the terminal and NO_COLOR / FORCE_COLOR say,
    or forced off (`colour=False`, for `--output-file`)."""
    if colour is False:
        return Console(
            file=file, color_system=None, highlight=False, soft_wrap=True, emoji=False, markup=False
        )
    return Console(file=file, highlight=False, soft_wrap=True, emoji=False, markup=False)


def render_full(
    console: Console,
    findings: Sequence[Finding],
    summary: Summary | None,
    sources: Mapping[str, bytes | None],
    unsafe_fixes: bool = False,
) -> None:
    renderer = FullRenderer(console, sources, unsafe_fixes)
    for finding in findings:
        renderer.finding(finding)
    if summary is None:
        return
    for index, line in enumerate(summary.lines()):
        style = "bold" if index == 0 else None
        console.print(Text(line, style=style or ""))


def full_text(
    findings: Sequence[Finding],
    summary: Summary | None,
    sources: Mapping[str, bytes | None],
    unsafe_fixes: bool = False,
) -> str:
    """The `full` report as plain text (for `--output-file`)."""
    buffer = io.StringIO()
    render_full(console_for(buffer, colour=False), findings, summary, sources, unsafe_fixes)
    return buffer.getvalue()
