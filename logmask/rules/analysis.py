"""One pass over a module: resolve trackers, follow data, hand logged items to the rules.

This is the shared analysis the design asks for: instead of each rule
re-walking the tree with LibCST's generic (and slow) scope and
qualified-name providers, one walker visits the statements in order, keeps
an abstract `Value` per name (imports, tracker objects, DataFrames and their
columns, records, dicts, masked values, parameters), and at every tracker
call turns the arguments into `LoggedItem`s for the rules.

`ModuleAnalysis` only builds the parts and runs them; each part is one
concept and gets what it needs explicitly:

- `definitions.py`: the pre-pass (functions, methods, classes, record
  fields) and the module's summary for other modules;
- `walk.py`: what the parts share (rules, context, tracker model,
  definitions) and where the walk is (function, class, quiet round, call chain);
- `statements.py`: statements in order, branches joined, functions and
  classes analysed, rules told of each definition (`on_function`);
- `expressions.py`: the `Value` of an expression, binding names;
- `calls.py`: what a call returns and which calls log (library APIs,
  builtins, maskers, SQL, project functions through their summaries);
- `project_names.py`: imports, and names of other project modules;
- `sink_dispatch.py`: sink arguments -> `LoggedItem`s -> rules (`on_item`).

Functions are analysed after the module body (they run later, when the
module's names are bound). Calls read a `FunctionSummary` (`summaries.py`):
the parameters that reach sinks (the call site is then a sink for the
argument) and the return value in terms of the parameters. Functions of this
module are summarised here; those of other project modules come from the
`Project` (the project index), never re-analysed.

Where a new flow rule goes:

- a new kind of value: `Kind` in `values.py` (one list, each kind
  explained), how two of them meet in `join` there, and how expressions of
  it evaluate in `expressions.py` (attributes, subscripts, iteration);
- a library API that returns data (a reader, SQL, a dataset, a DataFrame
  method): `Calls.call_api` / `eval_call` in `calls.py`; tabular ones in
  `tabular_flow.py`, whose data tables are `frames.py`; SQL in
  `sql_flow.py`; what masks in `maskers.py`; arguments are read only
  through `CallArguments` (`arguments.py`);
- how statements bind and join names: `statements.py` (`branches`, `assign`);
- what crosses a function or module boundary: `summaries.py` (what a summary
  holds, how a return value is substituted) and `Definitions.summary` (what
  a module exports);
- a new sink or tracker object: the tracker table (`trackers.py`), as data;
  a new argument shape: `sinks.py` and `SinkDispatch.sink_call`; what is a
  finding: the rule families, which hear the events (`LoggedItem`,
  `DefinedFunction`, tracker calls) and report through the context.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from logmask.rules.base import Rule, RuleContext
from logmask.rules.calls import Calls
from logmask.rules.definitions import Definitions
from logmask.rules.expressions import Expressions
from logmask.rules.project_names import ProjectNames
from logmask.rules.sink_dispatch import SinkDispatch
from logmask.rules.statements import Statements
from logmask.rules.summaries import ModuleSummary, NoProject, Project
from logmask.rules.trackers import TrackerModel
from logmask.rules.values import Scope
from logmask.rules.walk import Walk


class ModuleAnalysis:
    """Builds the analysis' parts for one module and runs them (`run`, then `summary`)."""

    def __init__(
        self,
        module: cst.Module,
        ctx: RuleContext,
        rules: Sequence[Rule],
        sinks: TrackerModel,
        project: Project | None = None,
    ) -> None:
        self.module = module
        self.ctx = ctx
        self.rules = rules
        self.project: Project = project or NoProject()
        ctx.trackers = sinks
        ctx.module = module
        self.module_scope = Scope()
        self.definitions = Definitions()
        walk = Walk(ctx, rules, sinks, self.definitions)
        names = ProjectNames(self.project, sinks, ctx)
        expressions = Expressions(walk, names)
        dispatch = SinkDispatch(walk, expressions.tables)
        self.statements = Statements(walk, expressions, names, dispatch)
        # The evaluator and the call handling need each other: connected here, once.
        expressions.calls = Calls(walk, expressions, self.statements, dispatch, self.module_scope)

    def run(self) -> None:
        self.definitions.collect(self.module.body)
        statements = self.statements
        statements.block(self.module.body, self.module_scope)
        while statements.deferred:
            info, scope = statements.deferred.pop(0)
            statements.analyse_function(info, scope)
        # Module-end findings belong to no statement or function (rules never move the cursor).
        self.ctx.statement = None
        self.ctx.current_function = self.ctx.current_function_node = None
        for rule in self.rules:
            rule.on_module_end(self.ctx)

    def summary(self, path: str) -> ModuleSummary:
        """This module as other modules of the project see it (after `run`)."""
        return self.definitions.summary(path, self.module_scope, self.project)
