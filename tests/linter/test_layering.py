"""The package has no import cycles: every import counts, lazy and `TYPE_CHECKING` ones too.

A lazy import only hides a cycle from the interpreter; the modules still
depend on each other, so the layering is judged on all of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import logmask


def modules(root: Path, package: str) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*.py"):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """module -> the package's modules it imports (`from a import b` names a.b if a module)."""
    known = modules(root, package)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names if alias.name in known}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in known else base)
        graph[name] = {t for t in targets if t in known and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: strongly connected components of more than one module (iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_logmask_has_no_import_cycle() -> None:
    root = Path(logmask.__file__).parent
    assert cycles(import_graph(root, "logmask")) == []


# files of a scratch package -> the cycles the test must find
SCRATCH = [
    ({"a.py": "import pkg.b\n", "b.py": "x = 1\n"}, []),
    (
        {"a.py": "from pkg import b\n", "b.py": "def f():\n    from pkg import a\n"},
        [["pkg.a", "pkg.b"]],
    ),
    (
        {
            "a.py": "import typing\nif typing.TYPE_CHECKING:\n    from pkg.c import X\n",
            "b.py": "from . import a\n",
            "c.py": "from .b import y\n",
        },
        [["pkg.a", "pkg.b", "pkg.c"]],
    ),
    (
        {
            "a.py": "from pkg.sub.d import f\n",
            "sub/__init__.py": "",
            "sub/d.py": "from ..a import g\n",
        },
        [["pkg.a", "pkg.sub.d"]],
    ),
]


@pytest.mark.parametrize(("files", "expected"), SCRATCH)
def test_cycles_are_found(tmp_path: Path, files: dict[str, str], expected: list[list[str]]) -> None:
    root = tmp_path / "pkg"
    for name, text in {"__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    assert cycles(import_graph(root, "pkg")) == expected
