"""Apply fixes to a source: edits, the imports they need once, module set-up; write atomically.

Fixes are text edits at positions LibCST computed, applied to the original
text, so everything the fix does not touch (formatting, comments, line
endings, encoding, a BOM) stays byte for byte.
"""

from __future__ import annotations

import codecs
import difflib
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

import libcst as cst

from logmask.findings import Edit, Finding


def decode(source: bytes, encoding: str) -> tuple[str, bool]:
    bom = source.startswith(codecs.BOM_UTF8)
    body = source[len(codecs.BOM_UTF8) :] if bom else source
    return body.decode(encoding), bom


def encode(text: str, encoding: str, bom: bool) -> bytes:
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def applicable(findings: Sequence[Finding], unsafe: bool) -> list[Finding]:
    return [f for f in findings if f.fix is not None and (f.fix.safe or unsafe)]


def apply_fixes(source: bytes, module: cst.Module, findings: Sequence[Finding]) -> bytes:
    """The source with every non-overlapping fix applied (overlaps wait for the next pass)."""
    text, bom = decode(source, module.encoding)
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1 if line - 1 < len(starts) else len(text)

    chosen: list[tuple[int, int, str]] = []
    imports: list[str] = []
    setup: list[str] = []
    taken: list[tuple[int, int]] = []
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        spans = [(offset(e.line, e.column), offset(e.end_line, e.end_column), e) for e in fix.edits]
        if any(s < te and ts < e for s, e, _ in spans for ts, te in taken):
            continue
        for s, e, edit in spans:
            taken.append((s, e))
            chosen.append((s, e, edit.content))
        imports += [i for i in fix.imports if i not in imports]
        setup += [s for s in fix.setup if s not in setup]
    for start, end, content in sorted(chosen, key=lambda c: c[0], reverse=True):
        text = text[:start] + content + text[end:]
    text = add_header(text, module, imports, setup)
    return encode(text, module.encoding, bom)


def import_lines(module: cst.Module) -> set[str]:
    """Top-level imports, normalised ("import logmask", "from a import b")."""
    found: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = module.code_for_node(alias.name)
                    found.add(f"import {name}" if alias.asname is None else "")
            elif isinstance(small, cst.ImportFrom) and small.module is not None:
                if isinstance(small.names, cst.ImportStar) or small.relative:
                    continue
                base = module.code_for_node(small.module)
                for alias in small.names:
                    if alias.asname is None:
                        found.add(f"from {base} import {module.code_for_node(alias.name)}")
    return found


def setup_present(module: cst.Module, setup: str) -> bool:
    return any(module.code_for_node(s).strip() == setup for s in module.body)


def add_header(text: str, original: cst.Module, imports: list[str], setup: list[str]) -> str:
    """Add missing imports after the module's import block, then set-up lines after them."""
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        module = original
    present = import_lines(module)
    imports = [i for i in imports if i not in present]
    setup = [s for s in setup if not setup_present(module, s)]
    if not imports and not setup:
        return text
    newline = module.default_newline
    lines = text.splitlines(keepends=True)
    import_end = header_lines(module, text)
    out = lines[:import_end]
    if out and not out[-1].endswith(("\n", "\r")):
        out[-1] += newline
    for line in imports:
        out.append(line + newline)
    rest = lines[import_end:]
    if setup:
        block = [newline] if import_end else []
        block += [line + newline for line in setup]
        if rest and rest[0].strip():
            block.append(newline)
        out += block
    return "".join(out + rest)


def header_lines(module: cst.Module, text: str) -> int:
    """Line count of the docstring / `__future__` / import header (where imports go)."""
    line = 0
    position = 0
    for index, stmt in enumerate(module.body):
        code = module.code_for_node(stmt)
        is_doc = (
            index == 0
            and isinstance(stmt, cst.SimpleStatementLine)
            and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)
        )
        is_import = isinstance(stmt, cst.SimpleStatementLine) and all(
            isinstance(s, cst.Import | cst.ImportFrom) for s in stmt.body
        )
        if not (is_doc or is_import):
            break
        start = text.find(code.lstrip("\r\n"), position)
        if start < 0:
            break
        position = start + len(code.lstrip("\r\n"))
        line = text.count("\n", 0, position) if "\n" in text else text.count("\r", 0, position)
    return line


def unified_diff(path: str, before: bytes, after: bytes, encoding: str = "utf-8") -> str:
    a = before.decode(encoding, "replace").splitlines(keepends=True)
    b = after.decode(encoding, "replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, f"a/{path}", f"b/{path}"))


def write_atomic(path: str, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename; keep the file's mode."""
    target = Path(path)
    mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else None
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".logmask", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def edits_of(findings: Sequence[Finding]) -> list[Edit]:
    return [edit for f in findings if f.fix is not None for edit in f.fix.edits]
