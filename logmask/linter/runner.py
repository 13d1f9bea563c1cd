"""Check many files: discovery, stdin, the fix loop, writing fixes. Yields results; prints nothing.

Fixes are written as each file is done (`FixMode.write`), and only over the
content that was checked (`logmask.linter.text.write_fixed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from logmask.findings import FileError
from logmask.linter.cache import ResultCache
from logmask.linter.config import Config
from logmask.linter.deep import run_deep
from logmask.linter.engine import FileResult, Linter
from logmask.linter.exports import fix_export, is_export
from logmask.linter.files import discover
from logmask.linter.fixloop import Checked, compiles, fix_loop
from logmask.linter.notebook import fix_notebook
from logmask.linter.parallel import DEFAULT_TIMEOUT, check_data, check_files, make_linter
from logmask.linter.text import NotWritten, write_fixed

__all__ = ["Checked", "FixMode", "check_paths", "check_stdin", "compiles", "fix_loop"]


@dataclass(frozen=True)
class FixMode:
    """What to do with fixes: nothing, compute them (diff), or write them."""

    compute: bool = False
    write: bool = False
    unsafe: bool = False


def check_one(linter: Linter, result: FileResult, mode: FixMode) -> Checked:
    if not mode.compute or not result.findings:
        return Checked(result)
    if result.path.endswith(".ipynb"):
        return run_deep(lambda: fix_notebook(linter, result, mode.unsafe))
    if result.source is not None and is_export(result.path, result.source):
        return run_deep(lambda: fix_export(linter, result, mode.unsafe))
    return run_deep(lambda: fix_loop(linter, result, mode.unsafe))


def check_paths(
    paths: Iterable[str],
    config: Config,
    mode: FixMode = FixMode(),
    jobs: int | None = 1,
    cache: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Checked]:
    """Check discovered files on `jobs` processes (None: all cores), in discovery order.

    `timeout` limits the seconds a worker may spend on one file (`jobs=1`: no limit).

    With `cache`, results are read from and written to `.logmask_cache/` (see
    `logmask.linter.cache`). Results come back without syntax trees unless a fix
    needs one: a file with findings is then re-parsed here for the fix loop.
    """
    paths = list(paths)
    files = list(discover(paths, config))
    linter = make_linter(config)
    store = ResultCache.open(config, Path(paths[0]) if paths else None) if cache else None
    for result in check_files(files, linter, jobs, store, timeout, progress):
        if mode.compute and result.findings and result.module is None and result.source:
            result = linter.check_source(result.source, result.path)
        checked = check_one(linter, result, mode)
        if mode.write and checked.fixed is not None:
            checked = written(checked)
        if checked.fixed is None:
            checked.result.module = None  # keep memory flat over big trees
        yield checked


def written(checked: Checked) -> Checked:
    """Write a file's fixes; if they cannot be (see `write_fixed`), the file as it was, and why.

    A fix that was not written is not counted, and the findings it would have
    fixed are still there to report.
    """
    assert checked.fixed is not None and checked.original is not None
    path = checked.result.path
    try:
        write_fixed(path, checked.original, checked.fixed)
    except NotWritten as err:
        before = FileResult(path, list(checked.before or ()), [FileError(path, str(err))])
        return Checked(before, checked.original, None, 0, before=checked.before)
    return checked


def check_stdin(
    data: bytes,
    filename: str,
    config: Config,
    mode: FixMode = FixMode(),
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Checked:
    """Check (and fix) a source read from stdin, in a worker unless `jobs=1`.

    A source that crashed or outlasted a worker gets its error line and no fix:
    the caller then prints it unchanged, never an empty buffer.
    """
    linter = make_linter(config)
    result = check_data(filename, data, linter, jobs, timeout)
    if mode.compute and result.findings and result.module is None:
        result = linter.check_source(data, filename)
    return check_one(linter, result, mode)
