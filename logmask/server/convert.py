"""Findings as LSP diagnostics, fixed texts as LSP edits, and the `# noqa` edit.

Columns: findings count code points from 1; LSP counts from 0 in the
position encoding the client chose (UTF-16 unless it said otherwise).
Lines are split where Python splits them (`\\r\\n`, `\\r`, `\\n`), which is
also where LSP does, and never at the other characters `str.splitlines`
breaks at.

Edits are computed from the text the engine's fix produced: the changed
runs of lines, replaced whole, so applying them gives exactly that text.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from lsprotocol import types

from logmask.findings import Finding
from logmask.linter.noqa import NOQA
from logmask.linter.text import split_lines
from logmask.server.analysis import Located, Place, Problem

SEVERITY = {
    "high": types.DiagnosticSeverity.Error,
    "medium": types.DiagnosticSeverity.Warning,
    "low": types.DiagnosticSeverity.Information,
}
SOURCE = "logmask"
Units = Callable[[str], int]  # how many client code units a string takes


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Text:
    """One document's lines, for positions in the client's units."""

    def __init__(self, text: str, units: Units = utf16_units) -> None:
        self.lines = split_lines(text)
        self.units = units

    def position(self, line: int, column: int) -> types.Position:
        """A 1-based line and code-point column as an LSP position (clamped to the text)."""
        index = line - 1
        if index >= len(self.lines):
            if not self.lines:
                return types.Position(0, 0)
            last = self.lines[-1]
            if last.endswith(("\n", "\r")):
                return types.Position(len(self.lines), 0)
            return types.Position(len(self.lines) - 1, self.units(last))
        body = self.lines[index].rstrip("\r\n")
        return types.Position(index, self.units(body[: max(0, column - 1)]))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(self.position(line, column), self.position(end_line, end_column))

    def end_of_line(self, line: int) -> types.Position:
        body = self.lines[line - 1].rstrip("\r\n") if line - 1 < len(self.lines) else ""
        return types.Position(line - 1, self.units(body))


def finding_range(finding: Finding, text: Text) -> types.Range:
    return text.range(finding.line, finding.column, finding.end_line, finding.end_column)


def diagnostic(
    located: Located,
    text: Text,
    href: str | None,
    origin_text: Text | None = None,
    related: bool = True,
) -> types.Diagnostic:
    finding = located.finding
    fix = finding.fix
    information = None
    if related and located.origin is not None and origin_text is not None:
        information = [
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    located.origin.uri, place_range(located.origin, origin_text)
                ),
                message="the logged data comes from here",
            )
        ]
    return types.Diagnostic(
        range=finding_range(finding, text),
        message=f"{finding.message} ({finding.rule})",
        severity=SEVERITY[finding.confidence],
        code=finding.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=information,
        data={
            "rule": finding.rule,
            "confidence": finding.confidence,
            "fix": None if fix is None else ("safe" if fix.safe else "unsafe"),
        },
    )


def place_range(place: Place, text: Text) -> types.Range:
    return text.range(place.line, place.column, place.end_line, place.end_column)


def problem_diagnostic(problem: Problem, text: Text) -> types.Diagnostic:
    """Why the file was not (fully) checked, at the syntax error or at the start."""
    start = text.position(problem.line, problem.column)
    end = text.end_of_line(problem.line) if problem.syntax else start
    return types.Diagnostic(
        range=types.Range(start, end if end.character > start.character else start),
        message=f"logmask could not check this file: {problem.message}",
        severity=(
            types.DiagnosticSeverity.Information
            if problem.syntax
            else types.DiagnosticSeverity.Warning
        ),
        code=problem.code,
        source=SOURCE,
    )


def edits_between(old: str, new: str, units: Units = utf16_units) -> list[types.TextEdit]:
    """Edits that turn `old` into `new`: each changed run of lines replaced whole."""
    before, after = split_lines(old), split_lines(new)
    text = Text(old, units)
    edits = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = text.position(i1 + 1, 1)
        end = text.position(i2 + 1, 1)
        edits.append(types.TextEdit(types.Range(start, end), "".join(after[j1:j2])))
    return edits


def noqa_edit(finding: Finding, document: str, units: Units = utf16_units) -> types.TextEdit:
    """`# noqa: CODE` at the end of the statement's last line (where it always counts).

    An existing `# noqa: A1` there gets the code added; a bare `# noqa` already
    silences everything and is never asked for (the finding would not exist).
    """
    lines = split_lines(document)
    number = finding.statement_lines[1] if finding.statement_lines else finding.line
    number = min(number, len(lines)) if lines else 1
    body = lines[number - 1].rstrip("\r\n") if lines else ""
    text = Text(document, units)
    match = NOQA.search(body) if "#" in body else None
    if match is not None and match.group("codes"):
        at = match.end("codes")
        position = text.position(number, at + 1)
        return types.TextEdit(types.Range(position, position), f", {finding.code}")
    end = text.end_of_line(number)
    gap = "  " if body.strip() else ""
    return types.TextEdit(types.Range(end, end), f"{gap}# noqa: {finding.code}")


def overlaps(a: types.Range, b: types.Range) -> bool:
    """Ranges touch (an empty request range at a diagnostic's edge counts)."""
    return not (_before(a.end, b.start) or _before(b.end, a.start))


def _before(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) < (b.line, b.character)
