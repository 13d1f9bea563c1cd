"""Check many files: discovery, stdin, the fix loop. Yields results; prints nothing."""

from __future__ import annotations

import traceback
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from logmask.findings import FileError, Finding, applicable
from logmask.linter.cache import ResultCache
from logmask.linter.config import Config
from logmask.linter.engine import FileResult, Linter
from logmask.linter.exports import fix_export, is_export
from logmask.linter.files import discover
from logmask.linter.notebook import fix_notebook
from logmask.linter.parallel import check_files, make_linter

MAX_FIX_PASSES = 5


@dataclass(frozen=True)
class FixMode:
    """What to do with fixes: nothing, compute them (diff), or write them."""

    compute: bool = False
    write: bool = False
    unsafe: bool = False


@dataclass
class Checked:
    result: FileResult
    original: bytes | None = None
    fixed: bytes | None = None  # set when fixes changed the source
    applied: int = 0  # findings whose fix went in, over all passes
    # The findings of the source as it was, when fixes were computed: what `--diff`
    # reports, since it changes nothing.
    before: list[Finding] | None = None


def fix_loop(linter: Linter, result: FileResult, unsafe: bool) -> Checked:
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


def check_one(linter: Linter, result: FileResult, mode: FixMode) -> Checked:
    if not mode.compute or not result.findings:
        return Checked(result)
    if result.path.endswith(".ipynb"):
        return fix_notebook(linter, result, mode.unsafe)
    if result.source is not None and is_export(result.path, result.source):
        return fix_export(linter, result, mode.unsafe)
    return fix_loop(linter, result, mode.unsafe)


def check_paths(
    paths: Iterable[str],
    config: Config,
    mode: FixMode = FixMode(),
    jobs: int | None = 1,
    cache: bool = False,
) -> Iterator[Checked]:
    """Check discovered files on `jobs` processes (None: all cores), in discovery order.

    With `cache`, results are read from and written to `.logmask_cache/` (see
    `logmask.linter.cache`). Results come back without syntax trees unless a fix
    needs one: a file with findings is then re-parsed here for the fix loop.
    """
    paths = list(paths)
    files = list(discover(paths, config))
    linter = make_linter(config)
    store = ResultCache.open(config, Path(paths[0]) if paths else None) if cache else None
    for result in check_files(files, linter, jobs, store):
        if mode.compute and result.findings and result.module is None and result.source:
            result = linter.check_source(result.source, result.path)
        checked = check_one(linter, result, mode)
        if checked.fixed is None:
            checked.result.module = None  # keep memory flat over big trees
        yield checked


def check_stdin(data: bytes, filename: str, config: Config, mode: FixMode = FixMode()) -> Checked:
    linter = Linter(config)
    return check_one(linter, linter.check_source(data, filename), mode)
