"""The flake8 front door: `flake8 --select PII` reports what `logmask check` reports.

flake8 never reads `[tool.logmask]`, so the plugin finds the nearest
pyproject.toml itself (once per folder) and runs the same engine on the same
bytes, so lines, columns and codes match the CLI. flake8 shows the column
it is given plus one, hence the 0-based columns here. The stdlib `tree`
flake8 already parsed is the cheap prefilter (the engine's candidate stage,
`logmask.linter.prefilter`): a module none of whose imports can reach a sink
never starts LibCST. An
internal error never escapes into flake8: it becomes a PII900 finding at
line 1. Fixes are not applied here; messages point to `logmask check --fix`.
"""

from __future__ import annotations

import ast
import os
import traceback
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from logmask import __version__

Report = tuple[int, int, str, type[Any]]
STDIN_NAMES = frozenset({"stdin", "-", "<stdin>"})


@cache
def _config_file(folder: Path) -> Path | None:
    from logmask.linter.config import find_pyproject

    return find_pyproject(folder)


@cache
def _linter(config_file: Path | None):  # type: ignore[no-untyped-def]
    """One validated config and one engine per pyproject.toml, for the whole flake8 run."""
    from logmask.linter.config import load_config
    from logmask.linter.engine import Linter

    return Linter(load_config(config_file))


class Plugin:
    name = "logmask"
    version = __version__
    off_by_default = False
    hints: ClassVar[dict[bool, str]] = {
        True: " (fix: logmask check --fix)",
        False: " (fix: logmask check --fix --unsafe-fixes)",
    }

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[Report]:
        try:
            reports = list(self._check())
        except Exception as err:  # flake8 must never crash because of us
            where = "".join(traceback.format_exception_only(type(err), err)).strip()
            reports = [(1, 0, f"PII900 logmask internal error: {where}", type(self))]
        yield from reports

    def _source(self) -> bytes:
        """The file's bytes as the CLI reads them (the coding cookie decides the decoding)."""
        if self.filename not in STDIN_NAMES and os.path.isfile(self.filename):
            with open(self.filename, "rb") as handle:
                return handle.read()
        return "".join(self.lines).encode("utf-8")

    def _check(self) -> Iterator[Report]:
        from logmask.linter.config import ConfigError

        path = Path(self.filename if self.filename not in STDIN_NAMES else ".")
        try:
            linter = _linter(_config_file(path.resolve().parent))
        except ConfigError as err:
            yield 1, 0, f"PII900 logmask config error: {err}", type(self)
            return
        if self.filename not in STDIN_NAMES and linter.config.is_excluded(self.filename):
            return
        if isinstance(self.tree, ast.Module) and not linter.candidates.tree_reaches_sink(self.tree):
            return
        result = linter.check_source(self._source(), self.filename)
        for error in result.errors:
            yield 1, 0, f"{error.code} {error.message}", type(self)
        for finding in result.findings:
            hint = self.hints[finding.fix.safe] if finding.fix is not None else ""
            message = f"{finding.code} {finding.message}{hint}"
            yield finding.line, finding.column - 1, message, type(self)
