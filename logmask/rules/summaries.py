"""What a function, class or module of the project does with data, seen from its callers.

The module analysis follows data through one module. Calls into the rest of
the project read a *summary* instead of re-analysing the callee: which
parameters reach which sink with which shape (the call site is then a sink
for the matching argument), what the return value is in terms of the
parameters (substituted with the caller's arguments), what `self.<attr>`
holds after `__init__`, which fields a TypedDict / dataclass / pydantic
model / NamedTuple declares, and what the module-level names are (string
constants such as table names, tracker modules and objects).

Summaries hold no syntax nodes (they outlive the tree they came from and are
cached by the module's content), so findings through them are placed at the
call site. Computing one is the project index's job (`logmask.linter.project`);
the analysis only asks a `Project` for the summary of an imported module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from logmask.rules.values import MASKED, UNKNOWN, Entry, Value, join_all

# Base classes whose class-level annotations are fields of records (`state: AgentState`).
RECORD_BASES = frozenset({"TypedDict", "NamedTuple", "BaseModel", "BaseSettings"})
RECORD_DECORATORS = frozenset({"dataclass", "dataclasses.dataclass", "attr.s", "define"})


@dataclass(frozen=True, slots=True)
class ProjectName:
    """A name imported from a project module, resolved when it is used."""

    module: str
    level: int
    name: str | None = None  # None: the module itself


@dataclass(frozen=True, slots=True)
class ParamSink:
    """A parameter reaches a sink: at a call site, so does the argument passed for it."""

    param: str
    sink: str
    shape: str
    key: str | None = None
    owner_key: str | None = None
    via: tuple[str, ...] = ()


@dataclass(slots=True)
class FunctionSummary:
    name: str
    params: tuple[str, ...]  # in call order, without `self` / `cls` of methods
    sinks: tuple[ParamSink, ...] = ()
    returns: Value | None = None  # the join of its `return`s; None when it returns nothing known
    masker: bool = False


@dataclass(slots=True)
class ClassSummary:
    name: str
    methods: dict[str, FunctionSummary] = field(default_factory=dict)
    attrs: dict[str, Value] = field(default_factory=dict)  # `self.<attr>` after any method
    fields: tuple[str, ...] = ()  # TypedDict / dataclass / pydantic / NamedTuple fields


@dataclass(slots=True)
class ModuleSummary:
    path: str
    functions: dict[str, FunctionSummary] = field(default_factory=dict)
    classes: dict[str, ClassSummary] = field(default_factory=dict)
    names: dict[str, Value] = field(default_factory=dict)  # module-level values (portable)
    # Names imported from another project module (`from .tracking import log_table` in a
    # package's `__init__`): name -> (that module's file, its name there).
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)

    def member(self, name: str) -> FunctionSummary | ClassSummary | Value | None:
        return self.functions.get(name) or self.classes.get(name) or self.names.get(name)


class Project(Protocol):
    """The project index as the analysis of one file sees it."""

    def is_module(self, module: str, level: int) -> bool:
        """Does `module` (relative by `level`) name a file or package of the project?"""
        ...

    def summary(self, module: str, level: int) -> ModuleSummary | None:
        """The summary of that module (None: not in the project, or being summarised)."""
        ...

    def locate(self, module: str, level: int) -> str | None:
        """The file of that module."""
        ...

    def summary_at(self, path: str) -> ModuleSummary | None:
        """The summary of the module in this file."""
        ...


class NoProject:
    """One file on its own (stdin, the flake8 plugin): no other module is known."""

    def is_module(self, module: str, level: int) -> bool:
        return False

    def summary(self, module: str, level: int) -> ModuleSummary | None:
        return None

    def locate(self, module: str, level: int) -> str | None:
        return None

    def summary_at(self, path: str) -> ModuleSummary | None:
        return None


# ------------------------------------------------------------------ values
def portable(value: Value, depth: int = 0) -> Value:
    """The value without syntax nodes (and without deep nesting), fit to outlive its tree."""
    if depth > 4:
        return UNKNOWN
    entries = value.entries
    if entries is not None:
        entries = tuple(
            Entry(e.key, None, portable(e.value, depth + 1), None, None) for e in entries
        )
    items = tuple(portable(v, depth + 1) for v in value.items)
    ref = value.ref if isinstance(value.ref, ProjectName) else None
    return value.with_(origin=None, entries=entries, items=items, ref=ref)


def instantiate(value: Value, bound: dict[str, Value], depth: int = 0) -> Value:
    """A summary's value at one call: parameters replaced by the caller's arguments.

    A returned parameter is the argument itself; an attribute or item read
    from a parameter (`customer.email`) keeps its name and takes the
    argument's parameters (for the caller's own summary); anything computed
    from a parameter in an unknown way stays unknown.
    """
    if depth > 4:
        return UNKNOWN
    if not value.params:
        return value
    params = frozenset().union(*(bound[p].params for p in value.params if p in bound))
    if value.kind == "unknown" and value.name in value.params and value.owner is None:
        return bound.get(value.name, UNKNOWN)
    if value.kind == "unknown" and value.name is None:
        return UNKNOWN
    entries = value.entries
    if entries is not None:
        entries = tuple(
            Entry(e.key, None, instantiate(e.value, bound, depth + 1), None, None) for e in entries
        )
    items = tuple(instantiate(v, bound, depth + 1) for v in value.items)
    owner = value.owner
    if owner in bound:
        arg = bound[owner]
        owner = arg.label or arg.owner or arg.source or arg.name or owner
    if any(bound.get(p, UNKNOWN).masked for p in value.params) and value.kind == "unknown":
        return MASKED
    return value.with_(entries=entries, items=items, params=params, owner=owner)


def returned(returns: list[Value]) -> Value | None:
    """The join of a function's `return` values (None when nothing known is returned)."""
    known = [v for v in returns if v.kind != "unknown" or v.name or v.params or v.masked]
    if not known:
        return None
    if all(v.masked for v in returns):
        return MASKED
    return join_all(known)
