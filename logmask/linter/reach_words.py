"""Which top-level names of a module may reach a tracker: a gate that spares `ast` parses.

`ProjectIndex.name_reaches` answers "does `log_table` of `app/tracking.py`
reach a tracker?" exactly, from each module's `ModuleFacts` (one `ast` parse
per module). In a big project nearly every module is a few imports above
one that binds a tracker (transformers' models import its `accelerate`
integration through the package `__init__`), so asking for every file
parsed nearly every module, to answer no.

A name reaches a tracker only through a chain of bindings that ends in a
module binding one, and every link between modules is an import statement
that spells the name it binds: `from app.tracking import log_table` spells
`log_table`, `from app import tracking` spells `tracking`. So, bottom-up
over the import graph read from the bytes (`ProjectIndex._node`), a module
is parsed only when it binds a tracker itself or one of its import
statements spells a word of a module it imports; no name of any other
module reaches. The
words are an over-approximation of the exact answer (no depth limit, every
name a definition spells rather than reads), so the gate never says no
where `name_reaches` would say yes. Cycles are settled by iterating each
strongly connected component until its words stop growing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


@dataclass
class ModuleFacts:
    """What `ast` says about one module: how each top-level name is bound."""

    candidate: bool  # names a tracker and binds one: it may log by itself
    imports: dict[str, tuple[str, int, str | None]] = field(default_factory=dict)
    definitions: dict[str, frozenset[str]] = field(default_factory=dict)  # name -> names used
    trackers: set[str] = field(default_factory=set)  # names bound to a sink-reaching API
    logs: set[str] = field(default_factory=set)  # definitions that import a tracker inside


class ImportNode(NamedTuple):
    """One module of the import graph, read from its bytes."""

    binds: bool = False  # it may bind a tracker itself (`ast` confirmed)
    imports: tuple[Path, ...] = ()  # the project modules it may import
    names: frozenset[str] = frozenset()  # every name its import statements may bind


@dataclass(frozen=True)
class Words:
    """The names of a module that may reach a tracker, and whether importing it may."""

    names: frozenset[str] = frozenset()
    module: bool = False  # `import app.tracking` may reach (it logs, or imports what does)

    @property
    def empty(self) -> bool:
        return not self.names and not self.module


NOTHING = Words()


class ReachWords:
    """The `Words` of each module, computed once per run, bottom-up."""

    def __init__(
        self,
        node: Callable[[Path], ImportNode],
        facts: Callable[[Path], ModuleFacts | None],
        bound_module: Callable[[Path, tuple[str, int, str | None]], tuple[Path, str | None] | None],
        names_read: Callable[[Path, str, ModuleFacts], frozenset[str]],
    ) -> None:
        self.node = node
        self.facts = facts
        self.bound_module = bound_module
        self.names_read = names_read  # the imported names a definition reads (`ast` walk)
        self._words: dict[Path, Words] = {}

    def __call__(self, path: Path) -> Words:
        known = self._words.get(path)
        if known is None:
            self._settle_from(path)
            known = self._words[path]
        return known

    # --------------------------------------------------------- graph order
    def _settle_from(self, start: Path) -> None:
        """Tarjan's algorithm (iterative): settle each component once its imports are."""
        index: dict[Path, int] = {}
        low: dict[Path, int] = {}
        stack: list[Path] = []
        on_stack: set[Path] = set()
        work: list[tuple[Path, int]] = [(start, 0)]
        while work:
            path, child = work.pop()
            if child == 0:
                index[path] = low[path] = len(index)
                stack.append(path)
                on_stack.add(path)
            children = self.node(path).imports
            for position in range(child, len(children)):
                nxt = children[position]
                if nxt in self._words:
                    continue  # settled by an earlier question
                if nxt not in index:
                    work.append((path, position + 1))
                    work.append((nxt, 0))
                    break
                if nxt in on_stack:
                    low[path] = min(low[path], index[nxt])
            else:
                if low[path] == index[path]:
                    component: list[Path] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == path:
                            break
                    self._settle(component)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[path])

    def _settle(self, component: list[Path]) -> None:
        """Grow the component's words from nothing until they hold still (they only grow)."""
        for path in component:
            self._words[path] = NOTHING
        changed = True
        while changed:
            changed = False
            for path in component:
                words = self._words_of(path)
                if words != self._words[path]:
                    self._words[path] = words
                    changed = True

    # --------------------------------------------------------------- words
    def _words_of(self, path: Path) -> Words:
        node = self.node(path)
        keys: set[str] = set()
        for child in node.imports:
            words = self._words[child]
            keys.update(words.names)
            if words.module:
                keys.add(_basename(child))
        if not node.binds and keys.isdisjoint(node.names):
            return NOTHING
        facts = self.facts(path)
        if facts is None:
            return NOTHING  # never parsed (too big, not Python): nothing of it reaches
        reaching = {
            local for local, bound in facts.imports.items() if self._bound_may_reach(path, bound)
        }
        names = set(reaching) | facts.trackers | facts.logs
        used = reaching | facts.trackers
        names.update(
            name
            for name, spelled in facts.definitions.items()
            if spelled & used and self.names_read(path, name, facts) & used
        )
        return Words(frozenset(names), facts.candidate or bool(reaching))

    def _bound_may_reach(self, path: Path, bound: tuple[str, int, str | None]) -> bool:
        """Mirrors `ProjectIndex._import_reaches`, on the words settled so far."""
        found = self.bound_module(path, bound)
        if found is None:
            return False
        words = self._known(found[0])
        return words.module if found[1] is None else found[1] in words.names

    def _known(self, path: Path) -> Words:
        """Settled or in the component being settled; a module the bytes missed: anything."""
        return self._words.get(path, _ALL)


class _Everything(frozenset[str]):
    """Every name: the words of a module the byte graph did not reach."""

    def __contains__(self, item: object) -> bool:
        return True


_ALL = Words(_Everything(), True)


def _basename(path: Path) -> str:
    """The name a module is imported by: `tracking` for `app/tracking.py` or `app/tracking/`."""
    return path.parent.name if path.name == "__init__.py" else path.stem
