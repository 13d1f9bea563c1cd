"""Imports, and what a name imported from another module of the project is.

`import pkg.mod` / `from .helpers import log_user` bind a reference to a
project module or a name in one; it is resolved when used, from that
module's summary (read once per name, never by re-analysing the module).
Library imports bind the API path (`wandb.log`). Every import is noted in
the rule context: auto-patching and redaction registered elsewhere in the
project depend on what the file imports.
"""

from __future__ import annotations

import libcst as cst

from logmask.rules.base import RuleContext
from logmask.rules.summaries import (
    ClassSummary,
    FunctionSummary,
    ModuleSummary,
    Project,
    ProjectName,
)
from logmask.rules.syntax import dotted
from logmask.rules.trackers import TrackerModel
from logmask.rules.values import UNKNOWN, Scope, Value


class ProjectNames:
    """Binds imports and resolves names of other project modules through their summaries."""

    def __init__(self, project: Project, trackers: TrackerModel, ctx: RuleContext) -> None:
        self.project = project
        self.trackers = trackers
        self.ctx = ctx
        self.resolved: dict[ProjectName, Value] = {}

    def bind_import(self, node: cst.Import, scope: Scope) -> None:
        for alias in node.names:
            full = dotted(alias.name) or ""
            local: str = full.split(".")[0]
            imported = local
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local, imported = alias.asname.name.value, full
            if self.in_project(imported, 0):
                scope.bind(local, Value(kind="module", ref=ProjectName(imported, 0)))
            else:
                scope.bind(local, Value(kind="api", api=imported))
            self.note_import(full, 0)

    def bind_import_from(self, node: cst.ImportFrom, scope: Scope) -> None:
        module = (dotted(node.module) if node.module is not None else "") or ""
        level = len(node.relative)
        self.note_import(module or "", level)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted(alias.name) or ""
            local: str = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.note_import(f"{module}.{name}" if module else name, level)
            if self.in_project(module, level):
                inner = f"{module}.{name}" if module else name
                if self.project.is_module(inner, level):
                    scope.bind(local, Value(kind="module", ref=ProjectName(inner, level)))
                else:
                    scope.bind(local, Value(kind="function", ref=ProjectName(module, level, name)))
            elif not level:
                scope.bind(local, Value(kind="api", api=f"{module}.{name}"))

    def in_project(self, module: str, level: int) -> bool:
        """A module of the checked project (tracker libraries never are, even vendored)."""
        if not level and module.split(".")[0] in self.trackers.modules | {"logmask", ""}:
            return False
        return self.project.is_module(module, level)

    def resolve(self, ref: ProjectName) -> Value:
        """What a name imported from a project module is (its summary is read here, once)."""
        known = self.resolved.get(ref)
        if known is not None:
            return known
        summary = self.project.summary(ref.module, ref.level)
        value = UNKNOWN
        if summary is not None:
            value = self.member(summary, ref.name) if ref.name else Value(kind="module", ref=ref)
        self.resolved[ref] = value
        return value

    def member(self, summary: ModuleSummary, name: str | None, hops: int = 0) -> Value:
        if name in summary.reexports and hops < 4:
            where, inner = summary.reexports[name]
            target = self.project.summary_at(where)
            return self.member(target, inner, hops + 1) if target is not None else UNKNOWN
        found = summary.member(name) if name else None
        if isinstance(found, FunctionSummary | ClassSummary):
            return Value(kind="function", ref=found, label=name)
        if isinstance(found, Value):
            return found
        return UNKNOWN

    def module_attribute(self, ref: ProjectName, attr: str) -> Value:
        """`pkg.mod.f` of `import pkg.mod`: a member of the module, or a submodule."""
        inner = f"{ref.module}.{attr}" if ref.module else attr
        if self.project.is_module(inner, ref.level):
            return Value(kind="module", ref=ProjectName(inner, ref.level))
        return self.resolve(ProjectName(ref.module, ref.level, attr))

    def note_import(self, module: str, level: int) -> None:
        """Remember project imports: one of them may register span processors."""
        root = module.split(".")[0]
        if level == 0 and root:
            self.ctx.imported_modules.add(module)
        if level == 0 and (not root or root in self.trackers.modules | {"logmask"}):
            return
        self.ctx.imports.append((module, level))
