"""The checked project's modules: where imports lead, and what each module does with data.

`import pkg.mod`, `from pkg.mod import f`, `from . import m` and `from .m
import f` are resolved to files the way type checkers do: relative imports
from the importing file's package; absolute ones from the importing file's
folder, the folder above its top-level package (the first folder up without
an `__init__.py`), the configured `src` folders and the project root. Nothing
is imported or run: files are read and parsed.

Two questions are answered here:

- `summary`: the `ModuleSummary` of an imported module (its functions'
  parameter sinks and return values, classes, constants), computed with the
  same module analysis that checks files, once per module content, kept in
  memory and in `.logmask_cache/summaries/` (JSON, keyed by the content, the
  checker and the config; valid while the modules it consulted are unchanged).
- `reaches_tracker`: does a file that names no tracker still need checking,
  because a name it imports from the project reaches one (`from app.tracking
  import log_table`)? Answered with the stdlib `ast`, name by name through
  re-exports, so that a big project's files do not all become candidates; only
  modules that `reach_words` cannot rule out from the bytes are parsed.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logmask.evidence.enduser import SERVING_CALLS, SERVING_LIBRARIES
from logmask.linter.prefilter import dotted_name
from logmask.linter.reach_words import ImportNode, ModuleFacts, ReachWords
from logmask.linter.slicing import statements
from logmask.rules.summaries import (
    ClassSummary,
    FunctionSummary,
    ModuleSummary,
    ParamSink,
    ProjectName,
)
from logmask.rules.values import Entry, Value

# A module bigger than this is neither summarised nor searched for trackers (its names
# stay unknown): helpers are small, and parsing a framework's 200 KB core would be paid
# by every file that imports it.
MAX_SUMMARY_BYTES = 100_000
MAX_REACH_DEPTH = 4
# How many summaries may be computed inside one another (file -> helper -> helper ...):
# every level multiplies the modules a cold run parses.
MAX_SUMMARY_DEPTH = 3
SUMMARY_FORMAT = 2
# Projects with more files than this are not searched for a module's importers.
MAX_IMPORTER_SCAN = 3000
# Folders never searched for importers (environments, caches, vendored packages).
SKIPPED_DIRS = frozenset(
    {"node_modules", "__pycache__", "site-packages", "dist-packages", "venv", "build", "dist"}
)
# The marker of a consulted entry that stands for every file of a project folder.
ALL_FILES = "**"
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
INSTALLED_DIRS = frozenset({"site-packages", "dist-packages"})
# An import statement's text, matched where a statement may start (see `import_statements`).
_IMPORT_LINE = re.compile(
    rb"[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)"
    rb"|import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*))"
)

Summarise = Callable[[bytes, str, "FileProject"], ModuleSummary]
# An import as the file spells it: (module, level, name; None for `import module`).
Binding = tuple[str, int, str | None]


class ProjectIndex:
    """The modules of the project, for every file checked in one process."""

    def __init__(
        self,
        summarise: Summarise,
        may_log: Callable[[bytes, ast.Module], bool],  # names and binds a tracker: may log itself
        src: tuple[Path, ...] = (),
        cache_dir: Path | None = None,
        salt: str = "",
        libraries: frozenset[str] = frozenset(),
        reaches_sink: Callable[[str], bool] = lambda api: False,
        may_bind: Callable[[bytes], bool] = lambda data: True,
        parse: Callable[[bytes], ast.Module] = ast.parse,
        touches: Callable[[ast.stmt, dict[str, tuple[str, ...]]], bool] = lambda node, bound: True,
    ) -> None:
        # Does a definition use the trackers bound to its names in a way that can log
        # (`slicing.touches`)? Without it, any use counts.
        self.touches = touches
        self.parse = parse  # the candidate stage's parse: one per content
        self.reaches_sink = reaches_sink  # does an imported API lead to a sink (candidate stage)
        # Bytes only: could a module bind a tracker itself (False must be proof)?
        self.may_bind = may_bind
        self.summarise = summarise
        self.max_depth = MAX_SUMMARY_DEPTH
        # Top-level names never followed into the project (tracker libraries, even vendored).
        self.libraries = libraries
        self.may_log = may_log
        self.src = src
        self.cache_dir = cache_dir
        self.salt = salt
        self._files: dict[str, Path | None] = {}
        self._entries: dict[str, frozenset[str]] = {}
        self._folders: dict[tuple[Path, int], str] = {}  # (importer, level) -> folder
        self._told: dict[str, frozenset[Binding]] = {}  # reach answers given with a file
        self._roots: dict[Path, tuple[tuple[Path, str | None], ...]] = {}
        self._digests: dict[Path, str] = {}
        self._summaries: dict[str, tuple[ModuleSummary, tuple[tuple[str, str], ...]]] = {}
        self._running: set[Path] = set()
        self._facts: dict[Path, ModuleFacts | None] = {}
        self._reach: dict[tuple[Path, str | None], bool] = {}
        self._resolved: dict[tuple[str, str, int], Path | None] = {}
        self._nodes: dict[Path, ImportNode] = {}
        self._may_reach: dict[tuple[Path, int], bool] = {}
        # The parse gate: which names of a module may reach a tracker (bytes first).
        self.words = ReachWords(self._node, self.facts, self.bound_module, self._names_read)
        # Modules consulted while checking the current file (they key its cached result).
        self._consulted: list[set[tuple[str, str]]] = []
        # Per project folder: each file's project imports, and which files run an evaluation.
        self._graphs: dict[Path, ImportGraph | None] = {}

    # ------------------------------------------------------------ resolution
    def roots(self, importer: Path) -> tuple[tuple[Path, str | None], ...]:
        """Where absolute imports are looked up, each with the one package it may hold.

        Installed code (a checked package inside `site-packages`) is its own
        project: its neighbours there are libraries, never followed.
        """
        folder = importer.parent
        known = self._roots.get(folder)
        if known is not None:
            return known
        found: list[tuple[Path, str | None]] = [(folder, None)]
        top = folder
        while (top / "__init__.py").is_file() and top.parent != top:
            top = top.parent
        installed = top.name in INSTALLED_DIRS or any(p.name in INSTALLED_DIRS for p in top.parents)
        if top != folder:
            own = folder.relative_to(top).parts[0]
            found.append((top, own if installed else None))
        if not installed:
            found.extend((src, None) for src in self.src)
            for candidate in (folder, *folder.parents):
                if any((candidate / marker).exists() for marker in ROOT_MARKERS):
                    found.append((candidate, None))
                    if (candidate / "src").is_dir():
                        found.append((candidate / "src", None))  # the src layout
                    break
        roots = tuple(dict.fromkeys(found))
        self._roots[folder] = roots
        return roots

    def resolve(self, importer: Path, module: str, level: int) -> Path | None:
        """The file (or package folder) `module` names, seen from `importer`."""
        key_folder = (importer, level)
        folder = self._folders.get(key_folder)
        if folder is None:  # relative imports are keyed by the folder they start in
            folder = os.path.dirname(importer)
            for _ in range(level - 1):
                folder = os.path.dirname(folder)
            self._folders[key_folder] = folder
        key = (folder, module, level and 1)
        try:
            return self._resolved[key]
        except KeyError:
            found = self._resolved[key] = self._resolve(importer, folder, module, level)
            return found

    def _resolve(self, importer: Path, folder: str, module: str, level: int) -> Path | None:
        # Strings, not `Path`s: a big project resolves some 100,000 imports per run.
        parts = [p for p in module.split(".") if p]
        if level:
            bases: tuple[str, ...] = (folder,)
        else:
            if not parts or parts[0] in self.libraries:
                return None
            bases = tuple(str(r) for r, only in self.roots(importer) if only in (None, parts[0]))
        for base in bases:
            if parts and not self._holds(base, parts[0]):
                continue  # `import torch` from a folder without `torch`: no stat per root
            found = self._file(os.path.join(base, *parts))
            if found is not None:
                return found
        return None

    def _holds(self, folder: str, name: str) -> bool:
        """Does `folder` have an entry `name` or `name.py` (one listing per folder)?"""
        entries = self._entries.get(folder)
        if entries is None:
            try:
                entries = frozenset(os.listdir(folder))
            except OSError:
                entries = frozenset()
            self._entries[folder] = entries
        return name in entries or f"{name}.py" in entries

    def _file(self, stem: str) -> Path | None:
        try:
            return self._files[stem]
        except KeyError:
            pass
        found: Path | None = None
        init = os.path.join(stem, "__init__.py")
        if os.path.basename(stem) and os.path.isfile(stem + ".py"):
            found = Path(stem + ".py")
        elif os.path.isfile(init):
            found = Path(init)
        elif os.path.isdir(stem) and any(Path(stem).glob("*.py")):
            found = Path(stem)  # a namespace package
        self._files[stem] = found
        return found

    def for_file(self, path: str) -> FileProject:
        return FileProject(self, Path(os.path.abspath(path)))

    # ------------------------------------------------------------- summaries
    def summary(self, path: Path) -> ModuleSummary | None:
        """The summary of the module in `path` (None while it is being summarised: a cycle)."""
        if path.is_dir():
            return ModuleSummary(str(path))
        if path in self._running or len(self._running) >= self.max_depth:
            return None  # a cycle, or a chain of helpers too long to pay for
        try:
            data = path.read_bytes()
        except OSError:
            return None
        digest = self.digest(path, data)
        self._note(str(path), digest)
        if len(data) > MAX_SUMMARY_BYTES:
            return ModuleSummary(str(path))
        key = hashlib.sha256(f"{self.salt}\0{path}\0{digest}".encode()).hexdigest()
        known = self._summaries.get(key) or self._load(key)
        if known is not None and self._unchanged(known[1]):
            for dep in known[1]:
                self._note(*dep)
            self._summaries[key] = known
            return known[0]
        self._running.add(path)
        self._consulted.append(set())
        try:
            summary = self.summarise(data, str(path), FileProject(self, path))
        finally:
            deps = self._consulted.pop()
            self._running.discard(path)
        deps.discard((str(path), digest))
        entry = (summary, tuple(sorted(deps)))
        for dep in entry[1]:
            self._note(*dep)
        self._summaries[key] = entry
        self._store(key, entry)
        return summary

    def digest(self, path: Path, data: bytes | None = None) -> str:
        known = self._digests.get(path)
        if known is None:
            if data is None:
                try:
                    data = path.read_bytes()
                except OSError:
                    data = b""
            known = hashlib.sha256(data).hexdigest()
            self._digests[path] = known
        return known

    def _note(self, path: str, digest: str) -> None:
        for consulted in self._consulted:
            consulted.add((path, digest))

    def _unchanged(self, deps: tuple[tuple[str, str], ...]) -> bool:
        return all(self._dep_digest(p) == d for p, d in deps)

    def _dep_digest(self, dep: str) -> str:
        """A file's content digest, or (`folder/**`) the digest of a project folder's files."""
        folder, sep, marker = dep.rpartition(os.sep)
        if sep and marker == ALL_FILES:
            graph = self.import_graph(Path(folder), note=False)
            return graph.digest if graph is not None else ""
        return self.digest(Path(dep))

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[tuple[str, str]]]:
        """Collect the project modules consulted while checking one file."""
        consulted: set[tuple[str, str]] = set()
        self._consulted.append(consulted)
        try:
            yield consulted
        finally:
            self._consulted.remove(consulted)

    def unchanged(self, deps: tuple[tuple[str, str], ...]) -> bool:
        """Are these modules (path, content digest) still as they were?"""
        return self._unchanged(deps)

    def _load_json(self, key: str) -> dict[str, Any] | None:
        if self.cache_dir is None:
            return None
        try:
            raw = json.loads((self.cache_dir / key[:2] / key[2:]).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(raw, dict) or raw.get("format") != SUMMARY_FORMAT:
            return None
        return raw

    def _load(self, key: str) -> tuple[ModuleSummary, tuple[tuple[str, str], ...]] | None:
        raw = self._load_json(key)
        if raw is None:
            return None
        try:
            deps = tuple((str(p), str(d)) for p, d in raw["deps"])
            return decode_module(raw["summary"]), deps
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def _store(self, key: str, entry: tuple[ModuleSummary, tuple[tuple[str, str], ...]]) -> None:
        data = {"format": SUMMARY_FORMAT, "summary": encode_module(entry[0]), "deps": entry[1]}
        self._store_json(key, data)

    def _store_json(self, key: str, data: dict[str, Any]) -> None:
        if self.cache_dir is None:
            return
        target = self.cache_dir / key[:2] / key[2:]
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(handle, "w") as out:
                json.dump(data, out, separators=(",", ":"))
            os.replace(temp, target)
        except (OSError, TypeError, ValueError):
            pass  # a summary that cannot be cached only costs time

    # --------------------------------------------------- files naming no tracker
    def told(self, path: str, reaching: frozenset[Binding]) -> None:
        """Take the answer of `reaching_imports` from the process that holds the import graph."""
        self._told[os.path.abspath(path)] = reaching

    def reaches_tracker(self, path: str, data: bytes) -> bool:
        """Does a name this file imports from the project reach a tracker?"""
        return bool(self.reaching_imports(path, data))

    def reaching_imports(self, path: str, data: bytes) -> frozenset[Binding]:
        """The imports of this file, as (module, level, name), whose binding reaches a tracker."""
        told = self._told.get(os.path.abspath(path))
        if told is not None:
            return told
        importer = Path(os.path.abspath(path))
        found: set[Binding] = set()
        for dots, module, names, plain in import_statements(_IMPORT_LINE, data):
            if plain:
                for name in plain.decode(errors="replace").split(","):
                    target = self.resolve(importer, name.strip(), 0)
                    if target is not None and self.name_reaches(target, None, 0):
                        found.add((name.strip(), 0, None))
                continue
            for name in _imported_names(names):
                bound = (module.decode(errors="replace"), len(dots), name)
                hit = self.bound_module(importer, bound)
                if hit is not None and self.name_reaches(hit[0], hit[1], 0):
                    found.add(bound)
        return frozenset(found)

    @staticmethod
    def reaching_bindings(tree: ast.Module, reaching: frozenset[Binding]) -> set[str]:
        """The local names bound by the imports in `reaching` (`reaching_imports`)."""
        names: set[str] = set()
        for node in statements(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if (alias.name, 0, None) in reaching:
                        names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if (node.module or "", node.level, alias.name) in reaching:
                        names.add(alias.asname or alias.name)
        return names

    def name_reaches(self, path: Path, name: str | None, depth: int) -> bool:
        """Can `name` of the module in `path` (None: the module) reach a tracker?"""
        key = (path, name)
        if key in self._reach:
            return self._reach[key]
        self._reach[key] = False  # a cycle answers no
        answer = depth <= MAX_REACH_DEPTH and self._name_reaches(path, name, depth)
        self._reach[key] = answer
        return answer

    def _name_reaches(self, path: Path, name: str | None, depth: int) -> bool:
        words = self.words(path)
        if not words.module if name is None else name not in words.names:
            return False  # no chain of bindings can lead to a tracker: never parsed
        facts = self.facts(path, hops=MAX_REACH_DEPTH - depth)
        if facts is None:
            return False
        if name is None:
            return facts.candidate or any(
                self._import_reaches(path, bound, depth) for bound in facts.imports.values()
            )
        if name in facts.trackers or name in facts.logs:
            return True
        if name in facts.imports:
            return self._import_reaches(path, facts.imports[name], depth)
        spelled = facts.definitions.get(name)
        if spelled is None or not self._uses_reaching(path, facts, spelled, depth):
            return False
        node = self._definition(path, name)
        if node is None:
            return False
        used = _names_used(node) & frozenset(facts.imports)
        trackers = used & facts.trackers
        bound = {t: _api_parts(facts.imports[t]) for t in trackers}
        if trackers and self.touches(node, bound):
            return True  # `def log_table(...): wandb.log(...)`, not `accelerate.hooks.remove()`
        return self._uses_reaching(path, facts, used - trackers, depth)

    def _uses_reaching(
        self, path: Path, facts: ModuleFacts, used: frozenset[str], depth: int
    ) -> bool:
        if used & facts.trackers:
            return True  # `def log_table(...): wandb.log(...)`
        return any(
            self._import_reaches(path, facts.imports[n], depth) for n in used if n in facts.imports
        )

    def _names_read(self, path: Path, name: str, facts: ModuleFacts) -> frozenset[str]:
        """The imported names the (last) top-level definition of `name` reads, from `ast`."""
        node = self._definition(path, name)
        return frozenset() if node is None else _names_used(node) & frozenset(facts.imports)

    def _definition(self, path: Path, name: str) -> ast.stmt | None:
        """The (last) top-level definition or assignment of `name`, from `ast`."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = self.parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        found: ast.stmt | None = None
        for node in _top_level(tree.body):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if node.name == name:
                    found = node
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    found = node
        return found

    def _import_reaches(self, path: Path, bound: tuple[str, int, str | None], depth: int) -> bool:
        found = self.bound_module(path, bound)
        # `import bitsandbytes` in `bitsandbytes.py` names the library, not the module itself.
        return found is not None and found[0] != path and self.name_reaches(*found, depth + 1)

    def bound_module(
        self, path: Path, bound: tuple[str, int, str | None]
    ) -> tuple[Path, str | None] | None:
        """Where an import binding of `path` leads: (the module, the name in it; None for
        the module itself: `from app import tracking` binds a submodule)."""
        module, level, name = bound
        target = self.resolve(path, module, level)
        if target is None:
            return None
        if name is not None:
            inner = self.resolve(path, f"{module}.{name}" if module else name, level)
            if inner is not None and inner != target:
                return inner, None
        return target, name

    # ------------------------------------------------ libraries and importers
    def imports_library(
        self, path: Path, imports: list[tuple[str, int]], libraries: frozenset[str]
    ) -> bool:
        """Does a project module `path` imports, directly or transitively, import a library?

        `weave.init()` patches `openai` wherever it is imported in the process,
        so an LLM client imported by a project module the file imports is traced too.
        """
        seen = {path}
        stack = [t for m, level in imports if (t := self.resolve(path, m, level)) is not None]
        while stack and len(seen) <= MAX_IMPORTER_SCAN:
            current = stack.pop()
            if current in seen or current.is_dir():
                continue
            seen.add(current)
            facts = self.facts(current)
            self._note(str(current), self.digest(current))
            if facts is None:
                continue
            for module, level, name in facts.imports.values():
                if not level and _under(module, libraries):
                    return True
                for dotted in (module, f"{module}.{name}" if module and name else name or ""):
                    target = self.resolve(current, dotted, level) if dotted else None
                    if target is not None and target not in seen:
                        stack.append(target)
        return False

    def evaluation_only(self, path: Path, evaluations: frozenset[str]) -> bool:
        """Is `path` a harness, or is every project file importing it one (or imported
        only by harnesses)?

        Such a module's traced functions receive dataset rows or its author's
        text, not users' messages. A module nobody imports, or one also
        imported by other code (an app, a server), is not. The answer is keyed on all the project's
        files, so a cached result is re-checked when any of them changes.
        """
        root = self.project_root(path)
        graph = self.import_graph(root)
        if graph is None:
            return False

        def evaluates(text: bytes) -> bool:
            return runs_evaluation(text, evaluations)

        return graph.runs_by_hand(path, evaluates) or graph.evaluation_only(path, evaluates, set())

    def imported(self, path: Path) -> bool:
        """Does another project file import `path` (unknown, for a project too big: yes)?"""
        graph = self.import_graph(self.project_root(path))
        return graph is None or bool(graph.importers.get(path, set()) - {path})

    def project_root(self, path: Path) -> Path:
        """The outermost folder imports of `path` are looked up from."""
        folders = [folder for folder, _ in self.roots(path)]
        return min(folders, key=lambda f: len(f.parts))

    def import_graph(self, root: Path, note: bool = True) -> ImportGraph | None:
        if root not in self._graphs:
            self._graphs[root] = self._read_graph(root)
        graph = self._graphs[root]
        if note and graph is not None:
            self._note(str(root / ALL_FILES), graph.digest)
        return graph

    def _read_graph(self, root: Path) -> ImportGraph | None:
        files: list[Path] = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
            files.extend(Path(folder, n) for n in sorted(names) if n.endswith((".py", ".ipynb")))
            if len(files) > MAX_IMPORTER_SCAN:
                return None
        graph = ImportGraph(root)
        total = hashlib.sha256()
        for file in files:
            try:
                data = file.read_bytes()
            except OSError:
                continue
            total.update(f"{file}\0{self.digest(file, data)}\0".encode())
            text = _code_of(file, data)
            graph.texts[file] = text
            for target in self._imported_files(file, text):
                graph.importers.setdefault(target, set()).add(file)
        graph.digest = total.hexdigest()
        return graph

    def _imported_files(self, importer: Path, text: bytes) -> set[Path]:
        found: set[Path] = set()
        for dots, module, names, plain in import_statements(_IMPORT_LINE, text):
            if plain:
                for name in plain.decode(errors="replace").split(","):
                    target = self.resolve(importer, name.strip().split(" ")[0], 0)
                    if target is not None:
                        found.add(target)
                continue
            level = len(dots)
            dotted = module.decode(errors="replace")
            target = self.resolve(importer, dotted, level)
            if target is None:
                continue
            found.add(target)
            for name in _imported_names(names):
                inner = self.resolve(importer, f"{dotted}.{name}" if dotted else name, level)
                if inner is not None:
                    found.add(inner)
        found.discard(importer)
        return found

    def may_reach(self, path: Path, hops: int = MAX_REACH_DEPTH) -> bool:
        """Bytes only: does the module, or one it imports within `hops` imports, bind a tracker?

        A name reaches a tracker only through a chain of imports that ends in a
        module binding one (`ModuleFacts.trackers`, `logs`, `candidate` all
        need that), and `name_reaches` follows at most `MAX_REACH_DEPTH`
        imports; so when no module that close below `path` may bind one
        (`may_bind`, a byte test) no name of `path` needs an `ast` look.
        Imports are read generously from the bytes (any `import` statement,
        every module and submodule it may name), so False is proof.
        """
        key = (path, hops)
        known = self._may_reach.get(key)
        if known is None:
            node = self._node(path)
            known = node.binds or (
                hops > 0 and any(self.may_reach(i, hops - 1) for i in node.imports)
            )
            self._may_reach[key] = known
        return known

    def _node(self, path: Path) -> ImportNode:
        """May it bind a tracker, which project modules may it import, from the bytes."""
        known = self._nodes.get(path)
        if known is None:
            known = self._read_node(path)
            self._nodes[path] = known
        return known

    def _read_node(self, path: Path) -> ImportNode:
        if path.is_dir():
            return ImportNode()  # a namespace package binds nothing (see `_read_facts`)
        try:
            data = path.read_bytes()
        except OSError:
            return ImportNode()
        if len(data) > MAX_SUMMARY_BYTES:
            return ImportNode()  # never searched (see `_read_facts`)
        binds = False
        if self.may_bind(data):  # the bytes cannot tell: ask `ast`, for these few modules only
            facts = self.facts(path)
            binds = facts is not None and bool(facts.candidate or facts.trackers or facts.logs)
        found: dict[Path, None] = {}
        names: set[str] = set()
        for level, module, binding in imported_modules(data):
            if binding:
                names.add(module.rpartition(".")[2])
            target = self.resolve(path, module, level)
            if target is not None and target != path:
                found[target] = None
        return ImportNode(binds, tuple(found), frozenset(names))

    def facts(self, path: Path, hops: int | None = None) -> ModuleFacts | None:
        """What `ast` says about a module (cached by content).

        With `hops`, a module that is not cached and binds no tracker within
        that many imports (`may_reach`, bytes only) is answered with empty facts
        instead of parsed (not kept: a shorter chain may ask again).
        """
        if path in self._facts:
            return self._facts[path]
        read = self._read_facts(path, hops)
        if read is None:
            return ModuleFacts(candidate=False)  # no name of it reaches a tracker
        self._facts[path] = read[0]
        return read[0]

    def _read_facts(self, path: Path, hops: int | None) -> tuple[ModuleFacts | None] | None:
        """(the module's facts,): cached by content, else from `ast`; None when gated off."""
        if path.is_dir():
            return (ModuleFacts(candidate=False),)
        try:
            data = path.read_bytes()
        except OSError:
            return (None,)
        if len(data) > MAX_SUMMARY_BYTES:
            return (None,)
        digest = self.digest(path, data)
        key = hashlib.sha256(f"{self.salt}\0facts\0{digest}".encode()).hexdigest()
        cached = self._load_facts(key)
        if cached is not None:
            return cached
        if hops is not None and not self.may_reach(path, hops):
            return None
        facts = self._parse_facts(data)
        self._store_json(key, {"format": SUMMARY_FORMAT, "facts": encode_facts(facts)})
        return (facts,)

    def _load_facts(self, key: str) -> tuple[ModuleFacts | None] | None:
        """(the cached facts,) or None on a miss; facts of a module `ast` refused are None."""
        raw = self._load_json(key)
        if raw is None:
            return None
        try:
            return (decode_facts(raw["facts"]),)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def _parse_facts(self, data: bytes) -> ModuleFacts | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = self.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        facts = ModuleFacts(candidate=self.may_log(data, tree))
        defined: list[tuple[str, ast.stmt]] = []
        for node in _top_level(tree.body):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    bound = alias.name if alias.asname else alias.name.split(".")[0]
                    facts.imports[local] = (bound, 0, None)
                    if self.reaches_sink(bound):
                        facts.trackers.add(local)
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name != "*":
                        local = alias.asname or alias.name
                        facts.imports[local] = (node.module or "", node.level, alias.name)
                        api = f"{node.module}.{alias.name}"
                        if not node.level and self.reaches_sink(api):
                            facts.trackers.add(local)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.append((node.name, node))
                if facts.candidate and self._imports_tracker(node):
                    facts.logs.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        defined.append((target.id, node))
        # Only imported names matter in a definition (`_name_reaches`). Walking every
        # definition costs more than the parse, so the facts keep the imported names each
        # definition's lines spell (more than it reads: attributes, keywords, strings), and
        # `_names_read` walks the one definition whose spelled names reach a tracker.
        # Lines as `ast` numbers them (a lone CR also ends one), else every definition is walked.
        lines = data.splitlines() if data.count(b"\r") == data.count(b"\r\n") else None
        imported = {name.encode(): name for name in facts.imports}
        for name, node in defined:
            facts.definitions[name] = _imported_names_spelled(node, lines, imported)
        return facts

    def _imports_tracker(self, node: ast.AST) -> bool:
        """A definition that imports a tracker inside and uses it (`def import_wandb():
        import wandb; return wandb`).

        A package imported only to read attributes that lead to no sink
        (`import accelerate.big_modeling` for `accelerate.big_modeling.dispatch_model`)
        does not make the definition log.
        """
        bound: dict[str, str] = {}  # local name -> the API it binds
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                for alias in inner.names:
                    api = alias.name if alias.asname else alias.name.split(".")[0]
                    if self.reaches_sink(api):
                        bound[alias.asname or api] = api
            elif isinstance(inner, ast.ImportFrom) and not inner.level and inner.module:
                if any(self.reaches_sink(f"{inner.module}.{a.name}") for a in inner.names):
                    return True
            elif (
                isinstance(inner, ast.Constant)
                and isinstance(inner.value, str)
                and inner.value.split(".")[0] in self.libraries
                and self.reaches_sink(inner.value)
            ):
                return True  # `importlib.import_module("mlflow")`
        return bool(bound) and self._reads_sink(node, bound)

    def _reads_sink(self, node: ast.AST, bound: dict[str, str]) -> bool:
        """Is a name of `bound` read whole (returned, passed, stored) or through a sink API?"""
        stack = [node]
        while stack:
            inner = stack.pop()
            if isinstance(inner, ast.Attribute):
                dotted = dotted_name(inner)
                head, _, rest = (dotted or "").partition(".")
                if head in bound:
                    if self.reaches_sink(f"{bound[head]}.{rest}"):
                        return True
                    continue  # `accelerate.big_modeling.dispatch_model`: no sink
            elif (
                isinstance(inner, ast.Name)
                and inner.id in bound
                and isinstance(inner.ctx, ast.Load)
            ):
                return True
            stack.extend(ast.iter_child_nodes(inner))
        return False


@dataclass
class ImportGraph:
    """Who imports whom among a project folder's files (scripts and notebooks)."""

    root: Path
    importers: dict[Path, set[Path]] = field(default_factory=dict)
    texts: dict[Path, bytes] = field(default_factory=dict)
    digest: str = ""
    scorers: set[str] | None = None  # names evaluations list as scorers

    def evaluation_only(
        self, path: Path, evaluates: Callable[[bytes], bool], seen: set[Path]
    ) -> bool:
        """Is every importer of `path` a harness, or imported only by harnesses?"""
        importers = self.importers.get(path, set()) - {path}
        if not importers or path in seen or serves_users(self.texts.get(path, b"")):
            return False
        seen.add(path)
        return all(
            self.harness(file, evaluates) or self.evaluation_only(file, evaluates, seen)
            for file in sorted(importers)
        )

    def harness(self, path: Path, evaluates: Callable[[bytes], bool]) -> bool:
        """An evaluation, a test, or a notebook that serves no user (a demo run on its
        author's text)."""
        text = self.texts.get(path, b"")
        return evaluates(text) or test_file(path, self.root) or self.runs_by_hand(path, evaluates)

    def runs_by_hand(self, path: Path, evaluates: Callable[[bytes], bool]) -> bool:
        """A notebook that serves no user (its author's demo), or a script calling an
        evaluation's scorer."""
        text = self.texts.get(path, b"")
        if path.suffix == ".ipynb" and not serves_users(text):
            return True
        return self.runs_scorer(text, evaluates)

    def runs_scorer(self, text: bytes, evaluates: Callable[[bytes], bool]) -> bool:
        """Calls a scorer an evaluation of the project uses (`scorers=[score_swebench]`),
        imported by name: it runs that evaluation by hand, on the same dataset."""
        if self.scorers is None:
            self.scorers = {
                name.decode()
                for other in self.texts.values()
                if b"scorers" in other and evaluates(other)
                for listed in _SCORERS.findall(other)
                for name in re.findall(rb"[A-Za-z_]\w*", listed)
            }
        return any(
            re.search(rb"import[^\n]*\b" + name.encode() + rb"\b", text)
            and re.search(rb"(?<![\w.])" + name.encode() + rb"\s*\(", text)
            for name in self.scorers
        )


def runs_evaluation(text: bytes, evaluations: frozenset[str]) -> bool:
    """`weave.Evaluation(...)`, or `Evaluation(...)` after `from weave import Evaluation`."""
    for api in sorted(evaluations):
        module, _, name = api.rpartition(".")
        if re.search(rb"(?<![\w.])" + re.escape(api).encode() + rb"\s*\(", text):
            return True
        imported = rb"from[ \t]+" + re.escape(module).encode() + rb"[ \t]+import[^\n]*\b"
        if re.search(imported + re.escape(name).encode() + rb"\b", text) and re.search(
            rb"(?<![\w.])" + re.escape(name).encode() + rb"\s*\(", text
        ):
            return True
    return False


_SCORERS = re.compile(rb"scorers\s*=\s*\[([^\]]*)\]")
_SERVING_CALL = re.compile(
    rb"(?<![\w])(?:" + b"|".join(c.encode() for c in sorted(SERVING_CALLS)) + rb")\s*\("
)


def test_file(path: Path, root: Path) -> bool:
    """`test_x.py`, `x_test.py`, `conftest.py`, or a file under the project's `tests/`:
    it runs the code on fixtures."""
    name = path.name
    folders = path.parent.relative_to(root).parts if path.is_relative_to(root) else ()
    return (
        name == "conftest.py"
        or (name.startswith("test_") and name.endswith(".py"))
        or name.endswith("_test.py")
        or any(part in ("tests", "test") for part in folders)
    )


def serves_users(text: bytes) -> bool:
    """Does this code import a web or chat framework, deploy a model, or read `input()`?"""
    if re.search(rb"(?<![\w.])input\s*\(", text) or _SERVING_CALL.search(text):
        return True
    for dots, module, _names, plain in import_statements(_IMPORT_LINE, text):
        named = [module] if not plain else [p.strip().split(b" ")[0] for p in plain.split(b",")]
        for name in named:
            if not dots and name.split(b".")[0].decode(errors="replace") in SERVING_LIBRARIES:
                return True
    return False


def _under(module: str, libraries: frozenset[str]) -> bool:
    return any(module == lib or module.startswith(lib + ".") for lib in libraries)


def _code_of(path: Path, data: bytes) -> bytes:
    """A file's Python code: a notebook's code cells joined, a script as it is."""
    if path.suffix != ".ipynb":
        return data
    try:
        cells = json.loads(data).get("cells", [])
        sources = [
            "".join(c["source"]) if isinstance(c["source"], list) else str(c["source"])
            for c in cells
            if isinstance(c, dict) and c.get("cell_type") == "code"
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        return b""
    return "\n".join(sources).encode()


class FileProject:
    """The project as one file's analysis sees it (the `Project` protocol)."""

    def __init__(self, index: ProjectIndex, path: Path) -> None:
        self.index = index
        self.path = path

    def is_module(self, module: str, level: int) -> bool:
        return self.index.resolve(self.path, module, level) is not None

    def summary(self, module: str, level: int) -> ModuleSummary | None:
        target = self.index.resolve(self.path, module, level)
        if target is None or target == self.path:
            return None
        return self.index.summary(target)

    def locate(self, module: str, level: int) -> str | None:
        target = self.index.resolve(self.path, module, level)
        return str(target) if target is not None else None

    def summary_at(self, path: str) -> ModuleSummary | None:
        return None if Path(path) == self.path else self.index.summary(Path(path))


# An import statement's text, generously: also after `;` or a compound statement's `:`
# (`try: import fast`), any text after `import` (see `import_statements`).
_ANY_IMPORT = re.compile(
    rb"[ \t]*(?:from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import\b[ \t]*"
    rb"(\([^)]*\)|[^\n#;]*)|import[ \t]+([^\n#;]*))"
)


def import_statements(
    pattern: re.Pattern[bytes], data: bytes, after_separators: bool = False
) -> list[tuple[bytes, ...]]:
    """The groups of `pattern` matched at line starts (and after `;`/`:`), left to right.

    What `re.findall` gives for `(?m)(?:^|[;:])pattern`, without trying the
    pattern at each of a module's lines: a statement that imports has
    `import` on its first line, so only lines holding the word are tried.
    """
    found: list[tuple[bytes, ...]] = []
    done = 0  # where the last statement matched ended
    at = data.find(b"import")
    while at >= 0:
        line = data.rfind(b"\n", 0, at) + 1
        starts = [line] if line >= done else []
        if after_separators:
            starts += [p + 1 for p in range(max(line, done - 1), at) if data[p] in b";:"]
        for start in starts:
            match = pattern.match(data, start)
            if match is not None:
                found.append(match.groups(b""))
                done = match.end()
                break
        at = data.find(b"import", max(at + 6, done))
    return found


def imported_modules(data: bytes) -> Iterator[tuple[int, str, bool]]:
    """(level, module, binds) of everything the bytes may import, generously (strings included).

    `from a.b import c` may import `a.b` and `a.b.c`; `import a.b.c as d`
    `a`, `a.b` and `a.b.c`. Backslash continuations are joined. `binds`: the
    module's last name is spelled as a name the statement binds (`c` of
    `from a.b import c`, each name of `import a.b.c`; not `b` of `from a.b import c`).
    """
    joined = data.replace(b"\\\r\n", b" ").replace(b"\\\n", b" ")
    for dots, module, names, plain in import_statements(_ANY_IMPORT, joined, after_separators=True):
        if plain:
            for part in plain.decode(errors="replace").strip("() \t\r").split(","):
                words = part.split()
                if not words:
                    continue
                pieces = words[0].strip("()").split(".")
                for end in range(1, len(pieces) + 1):
                    yield 0, ".".join(pieces[:end]), True
            continue
        level = len(dots)
        text = module.decode(errors="replace")
        yield level, text, False
        for name in _imported_names(names):
            yield level, f"{text}.{name}" if text else name, True


def _imported_names(names: bytes) -> list[str]:
    text = names.decode(errors="replace").strip().strip("()")
    out = []
    for part in text.replace("\n", ",").split(","):
        part = part.split("#")[0].strip()
        if part and part != "*":
            out.append(part.split()[0])
    return out


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, including those under `if`/`try` (imports often are)."""
    for node in body:
        yield node
        if isinstance(node, ast.If | ast.Try):
            for child in (node.body, node.orelse, getattr(node, "handlers", [])):
                for item in child:
                    if isinstance(item, ast.ExceptHandler):
                        yield from _top_level(item.body)
                    else:
                        yield from _top_level([item])


_WORD = re.compile(rb"\w+")


def _imported_names_spelled(
    node: ast.stmt, lines: list[bytes] | None, imported: dict[bytes, str]
) -> frozenset[str]:
    """The imported names a top-level definition's lines spell: every one it reads, and more.

    Decorators, bases and defaults included. Non-ASCII text (the parser
    NFKC-normalises names) and odd line ends are walked instead.
    """
    if lines is not None:
        decorators = getattr(node, "decorator_list", ())
        first = min([node.lineno, *(d.lineno for d in decorators)])
        text = b"\n".join(lines[first - 1 : node.end_lineno])
        if text.isascii():
            return frozenset(imported[w] for w in set(_WORD.findall(text)) if w in imported)
    return _names_used(node) & frozenset(imported.values())


def _api_parts(bound: Binding) -> tuple[str, ...]:
    """The API an import binds: `import a.b as c` `a.b`, `from a import b` `a.b`."""
    module, _, name = bound
    return (*module.split("."), name) if name else tuple(module.split("."))


def _names_used(node: ast.AST) -> frozenset[str]:
    return frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name))


def encode_facts(facts: ModuleFacts | None) -> dict[str, Any] | None:
    if facts is None:
        return None
    return {
        "candidate": facts.candidate,
        "imports": {k: list(v) for k, v in facts.imports.items()},
        "definitions": {k: sorted(v) for k, v in facts.definitions.items()},
        "trackers": sorted(facts.trackers),
        "logs": sorted(facts.logs),
    }


def decode_facts(raw: dict[str, Any] | None) -> ModuleFacts | None:
    if raw is None:
        return None
    return ModuleFacts(
        candidate=bool(raw["candidate"]),
        imports={k: (str(m), int(level), n) for k, (m, level, n) in raw["imports"].items()},
        definitions={k: frozenset(v) for k, v in raw["definitions"].items()},
        trackers=set(raw["trackers"]),
        logs=set(raw["logs"]),
    )


# ------------------------------------------------------------------ encoding
def encode_value(value: Value) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": value.kind}
    for name in ("api", "name", "owner", "text", "source", "label"):
        got = getattr(value, name)
        if got is not None:
            out[name] = got
    for name in ("open_columns", "dropped_personal", "masked", "numeric", "media", "splits"):
        if getattr(value, name):
            out[name] = True
    if value.columns:
        out["columns"] = list(value.columns)
    if value.masked_columns:
        out["masked_columns"] = sorted(value.masked_columns)
    if value.params:
        out["params"] = sorted(value.params)
    if value.items:
        out["items"] = [encode_value(v) for v in value.items]
    if value.entries is not None:
        out["entries"] = [[e.key, encode_value(e.value)] for e in value.entries]
    if isinstance(value.ref, ProjectName):
        out["ref"] = [value.ref.module, value.ref.level, value.ref.name]
    return out


def decode_value(raw: dict[str, Any]) -> Value:
    fields: dict[str, Any] = {k: v for k, v in raw.items() if k not in _STRUCTURED}
    fields["columns"] = tuple(raw.get("columns", ()))
    fields["masked_columns"] = frozenset(raw.get("masked_columns", ()))
    fields["params"] = frozenset(raw.get("params", ()))
    fields["items"] = tuple(decode_value(v) for v in raw.get("items", ()))
    if "entries" in raw:
        fields["entries"] = tuple(
            Entry(key, None, decode_value(v), None, None) for key, v in raw["entries"]
        )
    if "ref" in raw:
        module, level, name = raw["ref"]
        fields["ref"] = ProjectName(str(module), int(level), name)
    return Value(**fields)


_STRUCTURED = frozenset({"columns", "masked_columns", "params", "items", "entries", "ref"})


def encode_function(summary: FunctionSummary) -> dict[str, Any]:
    return {
        "name": summary.name,
        "params": list(summary.params),
        "sinks": [
            [s.param, s.sink, s.shape, s.key, s.owner_key, list(s.via)] for s in summary.sinks
        ],
        "returns": encode_value(summary.returns) if summary.returns is not None else None,
        "masker": summary.masker,
    }


def decode_function(raw: dict[str, Any]) -> FunctionSummary:
    return FunctionSummary(
        name=raw["name"],
        params=tuple(raw["params"]),
        sinks=tuple(
            ParamSink(p, sink, shape, key, owner, tuple(via))
            for p, sink, shape, key, owner, via in raw["sinks"]
        ),
        returns=decode_value(raw["returns"]) if raw["returns"] is not None else None,
        masker=bool(raw["masker"]),
    )


def encode_module(summary: ModuleSummary) -> dict[str, Any]:
    return {
        "path": summary.path,
        "functions": {k: encode_function(f) for k, f in summary.functions.items()},
        "classes": {
            k: {
                "methods": {m: encode_function(f) for m, f in c.methods.items()},
                "attrs": {a: encode_value(v) for a, v in c.attrs.items()},
                "fields": list(c.fields),
            }
            for k, c in summary.classes.items()
        },
        "names": {k: encode_value(v) for k, v in summary.names.items()},
        "reexports": {k: list(v) for k, v in summary.reexports.items()},
    }


def decode_module(raw: dict[str, Any]) -> ModuleSummary:
    out = ModuleSummary(raw["path"])
    out.functions = {k: decode_function(f) for k, f in raw["functions"].items()}
    for name, c in raw["classes"].items():
        out.classes[name] = ClassSummary(
            name,
            methods={m: decode_function(f) for m, f in c["methods"].items()},
            attrs={a: decode_value(v) for a, v in c["attrs"].items()},
            fields=tuple(c["fields"]),
        )
    out.names = {k: decode_value(v) for k, v in raw["names"].items()}
    out.reexports = {k: (str(p), str(n)) for k, (p, n) in raw["reexports"].items()}
    return out
