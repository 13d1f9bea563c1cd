"""The fix loop: apply fixes, re-check, repeat until the source settles.

Below the engine in the layering: it re-checks through any `SourceChecker`
(the engine, or a notebook's Python-only view), so notebooks and the runner
both use it without importing each other.
"""

from __future__ import annotations

import traceback
import warnings
from dataclasses import dataclass

from logmask.findings import FileError, Finding, applicable
from logmask.linter.results import FileResult, SourceChecker

MAX_FIX_PASSES = 5


@dataclass
class Checked:
    result: FileResult
    original: bytes | None = None
    fixed: bytes | None = None  # set when fixes changed the source
    applied: int = 0  # findings whose fix went in, over all passes
    # The findings of the source as it was, when fixes were computed: what `--diff`
    # reports, since it changes nothing.
    before: list[Finding] | None = None


def fix_loop(linter: SourceChecker, result: FileResult, unsafe: bool) -> Checked:
    """Apply fixes and re-check until nothing changes (overlapping fixes take more passes).

    A pass is kept only if the fixed source still parses with LibCST, still
    compiles when the original did (LibCST accepts a few things CPython does
    not), and the re-check raised no new error; otherwise the last good source
    is the result. A file that did not parse never gets here with findings.
    """
    from logmask.linter.fixes import apply_all  # LibCST is loaded: the file was parsed

    original = result.source
    current = result
    applied = 0
    compiled: bool | None = None
    for _ in range(MAX_FIX_PASSES):
        todo = applicable(current.findings, unsafe)
        if not todo or current.module is None or current.source is None:
            break
        try:
            outcome = apply_all(current.source, current.module, todo)
        except Exception as err:  # a bug in a fix must not cost the file's report
            where = "".join(traceback.format_exception_only(type(err), err)).strip()
            current.errors.append(
                FileError(result.path, f"internal error while fixing: {where}", code="PII901")
            )
            break
        if outcome.data == current.source or not outcome.applied:
            break
        checked = linter.check_source(outcome.data, result.path)
        if checked.errors and not current.errors:
            break  # never write a fix that breaks the file
        if compiled is None:
            compiled = compiles(current.source, result.path)
        if compiled and not compiles(outcome.data, result.path):
            break
        applied += outcome.applied
        current = checked
    fixed = current.source if current.source != original else None
    return Checked(current, original, fixed, applied, before=list(result.findings))


def compiles(source: bytes, path: str) -> bool:
    """CPython accepts the source (bytes: the coding cookie and BOM are honoured)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
