"""Does a project module that this file imports register MLflow span processors?

Span processors are process-wide: a module that imports the project's
`tracing_setup` (which calls `mlflow.tracing.configure(span_processors=[...])`)
is covered. The imported file is read and checked with the stdlib `ast`
parser, never imported or run; answers are cached per file.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


class ProcessorIndex:
    def __init__(self) -> None:
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

    @staticmethod
    def _scan(path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError:
            return False
        if b"span_processors" not in data:
            return False
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            return False
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name != "configure":
                continue
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "span_processors" and not (
                    isinstance(value, ast.List | ast.Tuple) and not value.elts
                ):
                    return True
        return False
