"""What a module defines, found before its statements run, and what others see of it.

Functions may be called before their definition is reached (a module-level
call of a function defined further down runs after it is bound), so a
pre-pass records every function, method and class first: `FunctionInfo`
collects, while the function is analysed, which parameters reach sinks and
what it returns; the class tables record `self.<attr>` values, record fields
(TypedDict, dataclass, pydantic, NamedTuple) and the library APIs of bases.
`Definitions.summary` turns all of it into the node-free `ModuleSummary`
other project modules read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from logmask.evidence.names import is_masker_name
from logmask.rules.items import LoggedItem
from logmask.rules.summaries import (
    RECORD_BASES,
    RECORD_DECORATORS,
    ClassSummary,
    FunctionSummary,
    ModuleSummary,
    ParamSink,
    Project,
    ProjectName,
    portable,
    returned,
)
from logmask.rules.syntax import dotted, last_name
from logmask.rules.values import Scope, Value


@dataclass(eq=False)
class ParamUse:
    """A parameter of a function reaches a sink: at call sites, the argument does."""

    param: str
    item: LoggedItem


@dataclass(eq=False)
class FunctionInfo:
    node: cst.FunctionDef
    params: tuple[str, ...]
    class_name: str | None = None
    uses: list[ParamUse] = field(default_factory=list)
    returns: list[Value] = field(default_factory=list)  # what its `return` statements give
    state: str = "new"  # new -> running -> done

    def summary(self) -> FunctionSummary:
        """What callers see of this function (nodes kept: same tree)."""
        name = self.node.name.value
        params = self.params
        if self.class_name and params and params[0] in ("self", "cls"):
            params = params[1:]
        sinks = tuple(
            ParamSink(use.param, u.sink, u.shape, u.key, u.owner_key, u.via)
            for use in self.uses
            for u in (use.item,)
        )
        # A function still being analysed (recursion) returns nothing known yet.
        result = returned(self.returns) if self.state == "done" else None
        return FunctionSummary(name, params, sinks, result, masker=is_masker_name(name))


class Definitions:
    """The functions, methods and classes of one module (filled by `collect`, then the walk)."""

    def __init__(self) -> None:
        self.functions: dict[str, FunctionInfo] = {}
        self.methods: dict[tuple[str, str], FunctionInfo] = {}
        self.class_attrs: dict[str, dict[str, Value]] = {}  # class -> `self.<attr>` values
        self.class_fields: dict[str, tuple[str, ...]] = {}  # record classes' fields
        self.class_bases: dict[str, tuple[str, ...]] = {}  # class -> APIs of its bases

    def collect(self, body: Sequence[cst.CSTNode], class_name: str | None = None) -> None:
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                info = FunctionInfo(stmt, parameter_names(stmt), class_name)
                if class_name is None:
                    self.functions[stmt.name.value] = info
                else:
                    self.methods[(class_name, stmt.name.value)] = info
            elif isinstance(stmt, cst.ClassDef) and class_name is None:
                self.class_attrs.setdefault(stmt.name.value, {})
                fields = record_fields(stmt)
                if fields is not None:
                    self.class_fields[stmt.name.value] = fields
                if isinstance(stmt.body, cst.IndentedBlock):
                    self.collect(stmt.body.body, stmt.name.value)
            elif isinstance(stmt, cst.If | cst.Try) and class_name is None:
                for block in sub_blocks(stmt):
                    self.collect(block, None)

    def lookup(self, node: cst.FunctionDef, class_name: str | None) -> FunctionInfo | None:
        """The pre-pass's record of this definition (None for nested or conditional twins)."""
        name = node.name.value
        info = self.methods.get((class_name, name)) if class_name else self.functions.get(name)
        return info if info is not None and info.node is node else None

    def summary(self, path: str, names: Scope, project: Project) -> ModuleSummary:
        """This module as other modules of the project see it (after the walk)."""
        out = ModuleSummary(path)
        for name, info in self.functions.items():
            out.functions[name] = exported(info.summary())
        for class_name, attrs in self.class_attrs.items():
            cls = ClassSummary(class_name, fields=self.class_fields.get(class_name, ()))
            cls.attrs = {k: portable(v) for k, v in attrs.items()}
            for (owner, name), info in self.methods.items():
                if owner == class_name:
                    cls.methods[name] = exported(info.summary())
            out.classes[class_name] = cls
        for name, value in names.names.items():
            ref = value.ref
            if value.kind == "function" and isinstance(ref, ProjectName) and ref.name:
                where = project.locate(ref.module, ref.level)
                if where is not None:
                    out.reexports[name] = (where, ref.name)
            elif value.kind not in ("unknown", "self", "method", "function", "module"):
                out.names[name] = portable(value)
        return out


def sub_blocks(stmt: cst.CSTNode) -> Iterable[Sequence[cst.CSTNode]]:
    """The statement lists of an `if` / `try` and of its `elif`, `else`, `except`, `finally`."""
    for child in stmt.children:
        if isinstance(child, cst.IndentedBlock):
            yield child.body
        elif isinstance(child, cst.Else | cst.If | cst.ExceptHandler | cst.Finally):
            yield from sub_blocks(child)


def parameter_names(node: cst.FunctionDef) -> tuple[str, ...]:
    """The parameters a positional argument can bind, in order."""
    p = node.params
    return tuple(x.name.value for x in (*p.posonly_params, *p.params))


def exported(summary: FunctionSummary) -> FunctionSummary:
    """A function summary without syntax nodes, for other modules."""
    if summary.returns is not None:
        summary.returns = portable(summary.returns)
    return summary


def record_fields(node: cst.ClassDef) -> tuple[str, ...] | None:
    """The fields of a TypedDict / NamedTuple / pydantic model / dataclass; None otherwise."""
    bases = {last_name(b.value) for b in node.bases}
    decorators = {dotted(d.decorator) or last_name(d.decorator) for d in node.decorators}
    if not (bases & RECORD_BASES or decorators & RECORD_DECORATORS):
        return None
    fields: list[str] = []
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    fields.append(small.target.value)
    return tuple(fields)
