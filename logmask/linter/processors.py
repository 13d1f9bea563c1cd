"""Does a project module that this file imports register redaction for tracing?

Redaction is process-wide: a module that imports the project's
`tracing_setup` (which calls `mlflow.tracing.configure(span_processors=[...])`,
or `weave.init(..., settings={"redact_pii": True})`) is covered. The calls are
the tracker model's redaction rows. The imported file is read and checked
with the stdlib `ast` parser, never imported or run; answers are cached per file.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable
from pathlib import Path

from logmask.rules.trackers import Redaction, builtin_model

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


class ProcessorIndex:
    def __init__(self, redactions: Iterable[Redaction] | None = None) -> None:
        if redactions is None:
            redactions = (r for found in builtin_model().redaction.values() for r, _ in found)
        # last name of the call -> argument paths that register redaction
        self.paths: dict[str, set[tuple[str, ...]]] = {}
        for redaction in redactions:
            self.paths.setdefault(redaction.api.rsplit(".", 1)[-1], set()).add(redaction.path)
        self.markers = tuple({path[0].encode() for paths in self.paths.values() for path in paths})
        self._by_file: dict[Path, bool] = {}
        self._by_import: dict[tuple[str, str, int], bool] = {}

    def registers(self, importer: str, module: str, level: int) -> bool:
        key = (os.path.dirname(os.path.abspath(importer)), module, level)
        if key not in self._by_import:
            target = self.resolve(Path(importer), module, level)
            self._by_import[key] = target is not None and self.file_registers(target)
        return self._by_import[key]

    @staticmethod
    def resolve(importer: Path, module: str, level: int) -> Path | None:
        parts = [p for p in module.split(".") if p]
        if level:
            base = importer.resolve().parent
            for _ in range(level - 1):
                base = base.parent
            bases = [base]
        else:
            bases = []
            folder = importer.resolve().parent
            for candidate in (folder, *folder.parents):
                bases.append(candidate)
                if any((candidate / marker).exists() for marker in ROOT_MARKERS):
                    break
        for base in bases:
            for depth in range(len(parts), 0, -1):
                stem = base.joinpath(*parts[:depth])
                for path in (stem.with_suffix(".py"), stem / "__init__.py"):
                    if path.is_file():
                        return path
        return None

    def file_registers(self, path: Path) -> bool:
        path = path.resolve()
        if path not in self._by_file:
            self._by_file[path] = self._scan(path)
        return self._by_file[path]

    def _scan(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError:
            return False
        if not any(marker in data for marker in self.markers):
            return False
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            for argument_path in self.paths.get(name, ()):
                found = _argument(node, argument_path)
                if found is not None and _is_set(found):
                    return True
        return False


def _argument(call: ast.Call, path: tuple[str, ...]) -> ast.expr | None:
    """The expression at `path`: a keyword, then dict keys or keyword arguments."""
    node: ast.expr = call
    for name in path:
        found: ast.expr | None = None
        if isinstance(node, ast.Call):
            found = next((k.value for k in node.keywords if k.arg == name), None)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=False):
                if isinstance(key, ast.Constant) and key.value == name:
                    found = value
        else:
            return node  # a variable: not known to be unset
        if found is None:
            return None
        node = found
    return node


def _is_set(node: ast.expr) -> bool:
    """Not a literal False, None, 0, "" or an empty list/tuple/dict."""
    if isinstance(node, ast.Constant):
        return bool(node.value)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return bool(node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys)
    return True
