"""`# noqa` and `# noqa: PII101,PII201` comments, as flake8 reads them.

Comments are found with the tokenizer, never with a regex over the line, so a
`"see # noqa"` inside a string suppresses nothing. A `Directives` object also
remembers which of its codes suppressed a finding: what is left is reported as
an unused directive (PII001, off by default like ruff's RUF100). `add_noqa`
writes directives for `--add-noqa`, keeping the codes a comment already names.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from logmask.findings import Edit, FileError, Finding, Fix

NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.I)
SPLIT = re.compile(r"[,\s]+")
UNUSED_NOQA = "PII001"
OWN_PREFIX = "PII"

# line number -> None for a bare noqa (everything), or the codes it names


@dataclass(frozen=True)
class Comment:
    """One comment token: its line, 0-based start column (code points) and text."""

    line: int
    column: int
    text: str
    space_before: int = 0  # spaces and tabs between the code and the comment


def comments(text: str) -> list[Comment]:
    """Every comment of a Python source; a source the tokenizer rejects falls back to lines.

    The fallback (only for sources LibCST parses but `tokenize` does not) reads a
    `#` that is not inside a quote on the same line, which is right for all but
    multi-line strings.
    """
    out: list[Comment] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                head = token.line[: token.start[1]]
                space = len(head) - len(head.rstrip(" \t")) if head.strip() else 0
                out.append(Comment(token.start[0], token.start[1], token.string, space))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return _comments_by_line(text)
    return out


def _comments_by_line(text: str) -> list[Comment]:
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        quote: str | None = None
        for column, char in enumerate(line):
            if quote:
                if char == quote:
                    quote = None
            elif char in "'\"":
                quote = char
            elif char == "#":
                out.append(Comment(number, column, line[column:]))
                break
    return out


def parse_directive(comment: str) -> tuple[bool, frozenset[str] | None]:
    """(is a noqa directive, the codes it names or None for a bare `# noqa`)."""
    match = NOQA.search(comment)
    if match is None:
        return False, None
    codes = match.group("codes")
    if codes is None:
        return True, None
    return True, frozenset(c.upper() for c in SPLIT.split(codes) if c)


@dataclass
class Directives:
    """The noqa directives of one module, and which of their codes were needed."""

    by_line: dict[int, tuple[Comment, frozenset[str] | None]]
    used: dict[int, set[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, text: str) -> Directives:
        by_line: dict[int, tuple[Comment, frozenset[str] | None]] = {}
        if "noqa" not in text.lower():  # most files: no tokenizing at all
            return cls(by_line)
        for comment in comments(text):
            is_noqa, codes = parse_directive(comment.text)
            if is_noqa:
                by_line[comment.line] = (comment, codes)
        return cls(by_line)

    def suppresses(self, code: str, lines: Iterable[int]) -> bool:
        """Does a directive on one of `lines` cover `code`? Records the use."""
        for line in sorted(lines):
            entry = self.by_line.get(line)
            if entry is None:
                continue
            codes = entry[1]
            if codes is None:
                self.used.setdefault(line, set()).add(code)
                return True
            matching = {c for c in codes if code.startswith(c)}
            if matching:
                self.used.setdefault(line, set()).update(matching)
                return True
        return False

    def unused(self, path: str, enabled: Iterable[str]) -> list[Finding]:
        """PII001 for every directive naming logmask codes that suppressed nothing.

        A bare `# noqa` and codes of other tools (E501) are left alone: they may
        serve flake8 or ruff. The fix removes the unused codes (or the comment).
        """
        enabled = frozenset(enabled)
        out = []
        for line, (comment, codes) in sorted(self.by_line.items()):
            if codes is None:
                continue
            used = self.used.get(line, set())
            unused = sorted(c for c in codes if c.startswith(OWN_PREFIX) and c not in used)
            if not unused:
                continue
            reasons = ", ".join(
                code if any(rule.startswith(code) for rule in enabled) else f"{code} (not enabled)"
                for code in unused
            )
            kept = without_codes(comment.text, unused)
            # A comment that goes entirely takes the spaces before it along.
            start = comment.column + 1 - (0 if kept else comment.space_before)
            end = comment.column + len(comment.text) + 1
            out.append(
                Finding(
                    code=UNUSED_NOQA,
                    rule="unused-noqa",
                    path=path,
                    line=line,
                    column=comment.column + 1,
                    end_line=line,
                    end_column=end,
                    message=f"Unused `noqa` directive (unused: {reasons})",
                    confidence="high",
                    fix=Fix(
                        "Remove the unused codes",
                        (Edit(line, start, line, end, kept),),
                    ),
                )
            )
        return out


def without_codes(comment: str, codes: Iterable[str]) -> str:
    """The comment with `codes` dropped from its noqa directive (the directive goes if empty)."""
    match = NOQA.search(comment)
    if match is None or match.group("codes") is None:
        return comment
    drop = {c.upper() for c in codes}
    kept = [c for c in SPLIT.split(match.group("codes")) if c and c.upper() not in drop]
    directive = f"# noqa: {', '.join(kept)}" if kept else ""
    new = comment[: match.start()] + directive + comment[match.end() :]
    return new.rstrip()


def merged_directive(comment: str | None, codes: Iterable[str]) -> str | None:
    """The comment text with `codes` added to its noqa directive (None: nothing to change)."""
    wanted = sorted(set(codes))
    if comment is None:
        return f"# noqa: {', '.join(wanted)}"
    is_noqa, existing = parse_directive(comment)
    if is_noqa and existing is None:
        return None  # a bare noqa already covers everything
    if is_noqa and existing is not None:
        missing = [c for c in wanted if not any(c.startswith(e) for e in existing)]
        if not missing:
            return None
        match = NOQA.search(comment)
        assert match is not None and match.group("codes") is not None
        names = [c for c in SPLIT.split(match.group("codes")) if c] + missing
        return comment[: match.start()] + f"# noqa: {', '.join(names)}" + comment[match.end() :]
    return f"{comment}  # noqa: {', '.join(wanted)}"


def add_noqa(text: str, findings: Sequence[Finding]) -> tuple[str, int]:
    """`text` with a `# noqa: CODE` on each finding's line; (new text, directives changed).

    The comment goes on the reported line unless that line ends inside a
    multi-line string, then on the last line of the statement.
    """
    lines = text.splitlines(keepends=True)
    inside_strings = _lines_ending_in_strings(text)
    wanted: dict[int, set[str]] = {}
    for finding in findings:
        line = finding.line
        if line in inside_strings and finding.statement_lines:
            line = finding.statement_lines[1]
        if line in inside_strings or not 1 <= line <= len(lines):
            continue
        wanted.setdefault(line, set()).add(finding.code)
    existing = {c.line: c for c in comments(text)}
    changed = 0
    for line, codes in wanted.items():
        comment = existing.get(line)
        new = merged_directive(comment.text if comment else None, codes)
        if new is None:
            continue
        body = lines[line - 1]
        ending = body[len(body.rstrip("\r\n")) :]
        content = body[: len(body) - len(ending)]
        if comment is not None:
            content = (
                content[: comment.column] + new + content[comment.column + len(comment.text) :]
            )
        else:
            content = content.rstrip() + "  " + new
        lines[line - 1] = content + (ending or "")
        changed += 1
    return "".join(lines), changed


def _lines_ending_in_strings(text: str) -> set[int]:
    """Lines whose end lies inside a multi-line token (a triple-quoted string)."""
    out: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.start[0] != token.end[0] and token.type not in (tokenize.NL, tokenize.NEWLINE):
                out.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return out


def add_noqa_to_files(
    findings: Sequence[Finding], errors: list[FileError]
) -> tuple[int, list[str]]:
    """`--add-noqa`: write the directives into the files (atomically, encoding kept).

    Returns (directives added, notebooks skipped); a file that cannot be
    rewritten becomes an error line.
    """
    from logmask.linter.text import decode, encode, write_atomic

    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, []).append(finding)
    added = 0
    skipped = []
    for path, found in sorted(by_file.items()):
        if path.endswith(".ipynb"):
            skipped.append(path)
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text, bom = decode(data, encoding)
            new, count = add_noqa(text, found)
            if count:
                write_atomic(path, encode(new, encoding, bom))
                added += count
        except (OSError, SyntaxError, UnicodeError, LookupError) as err:
            errors.append(FileError(path, f"cannot add noqa: {err}"))
    return added, skipped
