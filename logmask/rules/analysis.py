"""One pass over a module: resolve trackers, follow data, hand logged items to the rules.

This is the shared analysis the design asks for: instead of each rule
re-walking the tree with LibCST's generic (and slow) scope and
qualified-name providers, one walker visits the statements in order, keeps
an abstract `Value` per name (imports, tracker objects, DataFrames and their
columns, records, dicts, masked values, parameters), and at every tracker
call turns the arguments into `LoggedItem`s for the rules.

Functions are analysed after the module body (they run later, when the
module's names are bound). Calls read a `FunctionSummary` (`summaries.py`):
the parameters that reach sinks (the call site is then a sink for the
argument) and the return value in terms of the parameters. Functions of this
module are summarised here; those of other project modules come from the
`Project` (the project index), never re-analysed.

Where a new flow rule goes:

- a new kind of value: `Kind` in `values.py` (one list, each kind explained),
  and how two of them meet in `join` there;
- what a library call returns (readers, SQL, datasets, DataFrame methods):
  `call_api` / `eval_call` here, tabular ones in `tabular_flow.py`, whose
  data tables are `frames.py`; arguments are read only through
  `CallArguments` (`arguments.py`);
- how statements bind and join names: `_statement` / `branches` / `assign`;
- what crosses a function or module boundary: `summaries.py` (what a summary
  holds, how a return value is substituted) and `summary()` at the end of
  this file (what a module exports);
- what a tracker is (sinks, objects, attributes): the tracker table
  (`trackers.py`), never here; what is a finding: the rule families, which
  only read `LoggedItem`s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from logmask.evidence.names import is_masker_name
from logmask.evidence.sources import personal_source
from logmask.rules import frames
from logmask.rules.arguments import CallArguments, is_set, redaction_argument
from logmask.rules.base import DefinedFunction, Rule, RuleContext
from logmask.rules.items import LoggedItem
from logmask.rules.sinks import Signature
from logmask.rules.summaries import (
    RECORD_BASES,
    RECORD_DECORATORS,
    ClassSummary,
    FunctionSummary,
    ModuleSummary,
    NoProject,
    ParamSink,
    Project,
    ProjectName,
    instantiate,
    portable,
    returned,
)
from logmask.rules.syntax import dotted, last_name, string_value
from logmask.rules.tabular_flow import TabularFlow, select_columns
from logmask.rules.trackers import Redaction, TrackerModel
from logmask.rules.values import (
    CONTAINER_OF_METHOD,
    MASKED,
    METHOD_KINDS,
    UNKNOWN,
    Entry,
    Scope,
    Value,
    constant_text,
    join_all,
    mapping_of,
    merge_params,
)

HASH_MODULES = ("hashlib.", "hmac.")
HF_LOADERS = frozenset({"datasets.load_dataset", "datasets.Dataset.from_csv"})
DICT_METHODS = frozenset(
    {"get", "items", "keys", "values", "update", "copy", "pop", "setdefault", "to_dict"}
)
# Calls that import a module named by a string (LangChain's `guard_import` too).
DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__", "guard_import"})
GETTERS = frozenset({"operator.itemgetter", "operator.attrgetter"})
# Methods that run SQL on a connection, cursor or Spark session.
SQL_RUNNERS = frozenset({"execute", "sql"})
SQL_TEXT = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})
CURSOR_ROWS = frozenset({"fetchall", "fetchmany", "all", "mappings", "partitions"})
CURSOR_ROW = frozenset({"fetchone", "first", "one", "one_or_none"})
# A scikit-learn Bunch (`fetch_openml(...)`) holds its DataFrame in `.frame` / `.data`.
BUNCH_FRAMES = frozenset({"frame", "data"})
REDACTION_MARKERS = ("redact", "mask", "***", "xxx", "<", "[", "removed", "hidden", "#")


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


class ModuleAnalysis:
    def __init__(
        self,
        module: cst.Module,
        ctx: RuleContext,
        rules: Sequence[Rule],
        sinks: TrackerModel,
        project: Project | None = None,
    ) -> None:
        self.module = module
        self.project: Project = project or NoProject()
        self.class_fields: dict[str, tuple[str, ...]] = {}  # record classes' fields
        self.ctx = ctx
        self.rules = rules
        self.sinks = sinks
        ctx.trackers = sinks
        ctx.module = module
        self.functions: dict[str, FunctionInfo] = {}
        self.methods: dict[tuple[str, str], FunctionInfo] = {}
        self.class_attrs: dict[str, dict[str, Value]] = {}
        self.class_bases: dict[str, tuple[str, ...]] = {}  # class -> APIs of its bases
        self.class_name: str | None = None
        self.function: FunctionInfo | None = None
        self.quiet = False
        self.via: tuple[str, ...] = ()
        self.deferred: list[tuple[FunctionInfo, Scope]] = []
        self.module_scope = Scope()
        self.tables = TabularFlow(self)
        self.written: dict[str, Value] = {}  # file path -> the frame written to it
        self.resolved: dict[ProjectName, Value] = {}

    # ----------------------------------------------------------------- walking
    def run(self) -> None:
        self.collect_definitions(self.module.body, None)
        self.block(self.module.body, self.module_scope)
        while self.deferred:
            info, scope = self.deferred.pop(0)
            self.analyse_function(info, scope)
        for rule in self.rules:
            rule.on_module_end(self.ctx)

    def collect_definitions(self, body: Sequence[cst.CSTNode], class_name: str | None) -> None:
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                info = FunctionInfo(stmt, self.parameter_names(stmt), class_name)
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
                    self.collect_definitions(stmt.body.body, stmt.name.value)
            elif isinstance(stmt, cst.If | cst.Try) and class_name is None:
                for block in self.sub_blocks(stmt):
                    self.collect_definitions(block, None)

    @staticmethod
    def sub_blocks(stmt: cst.CSTNode) -> Iterable[Sequence[cst.CSTNode]]:
        for child in stmt.children:
            if isinstance(child, cst.IndentedBlock):
                yield child.body
            elif isinstance(child, cst.Else | cst.If | cst.ExceptHandler | cst.Finally):
                yield from ModuleAnalysis.sub_blocks(child)

    @staticmethod
    def parameter_names(node: cst.FunctionDef) -> tuple[str, ...]:
        p = node.params
        names = [x.name.value for x in (*p.posonly_params, *p.params)]
        return tuple(names)

    def block(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        """Analyse statements in order; a failure in one never loses the others' findings."""
        for stmt in body:
            try:
                self.statement(stmt, scope)
            except RecursionError:
                continue  # absurdly deep expression: nothing to learn from it
            except Exception as err:
                self.ctx.internal_errors.append(f"{type(err).__name__}: {err}")

    def body_of(self, node: cst.CSTNode) -> Sequence[cst.CSTNode]:
        body = getattr(node, "body", None)
        if isinstance(body, cst.IndentedBlock):
            return body.body
        if isinstance(body, cst.SimpleStatementSuite):
            return [cst.SimpleStatementLine(body=body.body)]
        return ()

    def statement(self, stmt: cst.CSTNode, scope: Scope) -> None:
        previous = self.ctx.statement
        self.ctx.statement = stmt
        try:
            self._statement(stmt, scope)
        finally:
            self.ctx.statement = previous

    def _statement(self, stmt: cst.CSTNode, scope: Scope) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.small_statement(small, scope)
        elif isinstance(stmt, cst.FunctionDef):
            self.function_definition(stmt, scope)
        elif isinstance(stmt, cst.ClassDef):
            self.class_definition(stmt, scope)
        elif isinstance(stmt, cst.If):
            self.eval(stmt.test, scope)
            orelse = stmt.orelse
            self.branches(scope, [self.body_of(stmt), [orelse] if orelse is not None else []])
        elif isinstance(stmt, cst.Else):
            self.block(self.body_of(stmt), scope)
        elif isinstance(stmt, cst.For | cst.While):
            if isinstance(stmt, cst.For):
                self.bind_loop_target(stmt.target, self.eval(stmt.iter, scope), scope)
            else:
                self.eval(stmt.test, scope)
            self.branches(scope, [self.body_of(stmt), []])  # the body may not run
            if stmt.orelse is not None:
                self.statement(stmt.orelse, scope)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = self.eval(item.item, scope)
                if item.asname is not None:
                    self.bind_target(item.asname.name, value, scope)
            self.block(self.body_of(stmt), scope)
        elif isinstance(stmt, cst.Try | cst.TryStar):
            self.block(self.body_of(stmt), scope)
            done = [self.body_of(stmt.orelse) if stmt.orelse is not None else []]
            self.branches(scope, done + [self.body_of(h) for h in stmt.handlers])
            if stmt.finalbody is not None:
                self.block(self.body_of(stmt.finalbody), scope)
        elif isinstance(stmt, cst.Match):
            self.eval(stmt.subject, scope)
            self.branches(scope, [*(self.body_of(case) for case in stmt.cases), []])

    def branches(self, scope: Scope, paths: Sequence[Sequence[cst.CSTNode]]) -> None:
        """Run each path from the same state, then join what they bound (union of evidence).

        The order of the paths never matters: swapping the branches of an `if`
        gives the same values after it. `try: import mlflow / except ImportError:
        mlflow = None` keeps `mlflow` a tracker (the join prefers what says more).
        """
        before = scope.snapshot()
        after: list[dict[str, Value]] = []
        for body in paths:
            scope.names = dict(before)
            self.block(body, scope)
            after.append(scope.snapshot())
        scope.names = dict(before)
        scope.merge(before, after)

    def small_statement(self, small: cst.CSTNode, scope: Scope) -> None:
        if isinstance(small, cst.Expr):
            self.eval(small.value, scope)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, scope)
            for target in small.targets:
                self.assign(target.target, value, small.value, scope)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                value = self.eval(small.value, scope)
            else:
                value = self.annotation_value(small.annotation.annotation, scope)
            self.assign(small.target, value, small.value, scope)
        elif isinstance(small, cst.AugAssign):
            self.eval(small.value, scope)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, scope) if small.value is not None else UNKNOWN
            if self.function is not None:
                self.function.returns.append(value)
        elif isinstance(small, cst.Del):
            self.delete(small.target, scope)
        elif isinstance(small, cst.Import):
            for alias in small.names:
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
        elif isinstance(small, cst.ImportFrom):
            self.import_from(small, scope)

    def import_from(self, node: cst.ImportFrom, scope: Scope) -> None:
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
        if not level and module.split(".")[0] in self.sinks.modules | {"logmask", ""}:
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

    def note_import(self, module: str, level: int) -> None:
        """Remember project imports: one of them may register span processors."""
        root = module.split(".")[0]
        if level == 0 and root:
            self.ctx.imported_modules.add(module)
        if level == 0 and (not root or root in self.sinks.modules | {"logmask"}):
            return
        self.ctx.imports.append((module, level))

    # ------------------------------------------------------------- definitions
    def function_definition(self, node: cst.FunctionDef, scope: Scope) -> None:
        decorators = []
        for dec in node.decorators:
            target = dec.decorator
            if isinstance(target, cst.Call):
                self.eval_args(target.args, scope)
                target = target.func
            value = self.eval(target, scope)
            decorators.append(self.sinks.canonical(value.api or dotted(target) or ""))
        if not self.quiet:
            defined = DefinedFunction(node, tuple(decorators), self.record_params(node, scope))
            for rule in self.rules:
                rule.on_function(defined, self.ctx)
        info = self.lookup_function(node)
        if info is None:
            info = FunctionInfo(node, self.parameter_names(node), self.class_name)
        self.deferred.append((info, scope))

    def record_params(self, node: cst.FunctionDef, scope: Scope) -> dict[str, tuple[str, ...]]:
        """Parameters annotated with a record type of the project, and its fields."""
        out: dict[str, tuple[str, ...]] = {}
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is not None:
                typed = self.annotation_value(param.annotation.annotation, scope)
                if typed.kind == "mapping" and typed.columns:
                    out[param.name.value] = typed.columns
        return out

    def lookup_function(self, node: cst.FunctionDef) -> FunctionInfo | None:
        name = node.name.value
        info = (
            self.methods.get((self.class_name, name))
            if self.class_name
            else self.functions.get(name)
        )
        return info if info is not None and info.node is node else None

    def class_definition(self, node: cst.ClassDef, scope: Scope) -> None:
        bases = []
        for arg in node.bases:
            value = self.eval(arg.value, scope)
            if value.kind == "api" and value.api:
                bases.append(self.sinks.canonical(value.api))
        self.class_bases[node.name.value] = tuple(bases)
        tracker_base = next((b for b in bases if self.sinks.object_type(b)), None)
        if tracker_base is not None:
            # `class Board(GeneralTracker)`: creating one makes a tracker object.
            scope.bind(node.name.value, Value(kind="api", api=tracker_base))
        previous = self.class_name
        self.class_name = node.name.value
        class_scope = Scope(parent=scope)
        methods: list[tuple[FunctionInfo, Scope]] = []
        saved = self.deferred
        self.deferred = []
        try:
            self.block(self.body_of(node), class_scope)
            methods = self.deferred
        finally:
            self.deferred = saved
            self.class_name = previous
        # Two rounds: the first learns what `self.<attr>` holds (set in any method),
        # the second reports with that knowledge.
        quiet = self.quiet
        self.quiet = True
        for info, method_scope in methods:
            self.analyse_function(info, method_scope, record=False)
        self.quiet = quiet
        for info, _ in methods:
            info.state = "new"
            info.uses.clear()
            info.returns.clear()
        self.deferred.extend(methods)

    def analyse_function(self, info: FunctionInfo, parent: Scope, record: bool = True) -> None:
        if info.state != "new":
            return
        info.state = "running"
        saved = (self.function, self.class_name, self.ctx.current_function, self.ctx.statement)
        saved_node = self.ctx.current_function_node
        self.function = info
        self.class_name = info.class_name
        self.ctx.current_function = info.node.name.value
        self.ctx.current_function_node = info.node
        scope = Scope(parent=parent)
        params = info.node.params
        all_params = [*params.posonly_params, *params.params, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if isinstance(extra, cst.Param):
                all_params.append(extra)
        for index, param in enumerate(all_params):
            name = param.name.value
            if index == 0 and info.class_name and name in ("self", "cls"):
                scope.bind(name, Value(kind="self", label=info.class_name))
                continue
            value = Value(name=name, params=frozenset({name}), label=name)
            if param.annotation is not None:
                typed = self.annotation_value(param.annotation.annotation, scope)
                if typed.kind == "tracker":
                    value = typed
                elif typed.kind == "mapping":  # a record type: its fields are the keys
                    value = typed.with_(params=value.params, label=name)
            scope.bind(name, value)
        nested_saved = self.deferred
        self.deferred = []
        try:
            self.block(self.body_of(info.node), scope)
            while self.deferred:
                nested, nested_scope = self.deferred.pop(0)
                self.analyse_function(nested, nested_scope, record)
        finally:
            self.deferred = nested_saved
            self.function, self.class_name, self.ctx.current_function, self.ctx.statement = saved
            self.ctx.current_function_node = saved_node
            info.state = "done"

    def annotation_value(self, node: cst.BaseExpression, scope: Scope) -> Value:
        if isinstance(node, cst.SimpleString):
            return UNKNOWN
        if isinstance(node, cst.Name) and node.value in self.class_fields:
            return Value(kind="mapping", columns=self.class_fields[node.value])
        value = self.eval(node, scope)
        if value.kind == "api" and value.api:
            kind = self.sinks.object_type(value.api)
            if kind:
                return Value(kind="tracker", api=kind)
        if isinstance(value.ref, ClassSummary) and value.ref.fields:
            return Value(kind="mapping", columns=value.ref.fields)
        return UNKNOWN

    # ----------------------------------------------------------------- binding
    def bind_target(self, target: cst.CSTNode, value: Value, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            label = value.label if value.kind == "tracker" else target.value
            if value.kind == "unknown" and value.name is None:
                # `user_id = session_lookup(token)`: what it holds is what it is called
                value = value.with_(name=target.value)
            scope.bind(target.value, value.with_(label=label))
        elif isinstance(target, cst.Tuple | cst.List):
            items = value.items if value.kind == "list" else ()
            same = len(items) == len(target.elements)
            for index, element in enumerate(target.elements):
                if isinstance(element, cst.StarredElement):
                    same = False
                part = items[index] if same else UNKNOWN
                self.bind_target(element.value, part, scope)

    def bind_loop_target(self, target: cst.CSTNode, iterable: Value, scope: Scope) -> None:
        """`for i, row in df.iterrows()` binds `row` to a row of `df`; other loops, elements."""
        if iterable.kind == "rows":
            row = Value(kind="mapping", columns=iterable.columns, owner=iterable.label)
            if isinstance(target, cst.Tuple | cst.List) and len(target.elements) == 2:
                self.bind_target(target.elements[0].value, UNKNOWN, scope)
                target = target.elements[1].value
            self.bind_target(target, row, scope)
            return
        self.bind_target(target, self.element_of(iterable), scope)

    def assign(
        self, target: cst.CSTNode, value: Value, value_node: cst.CSTNode | None, scope: Scope
    ) -> None:
        if isinstance(target, cst.Name | cst.Tuple | cst.List):
            self.bind_target(target, value, scope)
        elif isinstance(target, cst.Attribute):
            owner = self.eval(target.value, scope)
            if owner.kind == "self" and owner.label:
                self.class_attrs.setdefault(owner.label, {})[target.attr.value] = value
            else:
                key = Value(kind="literal", text=target.attr.value)
                self.assignment_sink(owner, key, target.attr, value, value_node, attribute=True)
        elif isinstance(target, cst.Subscript):
            self.assign_item(target, value, value_node, scope)

    def assignment_sink(
        self,
        owner: Value,
        key: Value,
        key_node: cst.CSTNode | None,
        value: Value,
        value_node: cst.CSTNode | None,
        attribute: bool,
    ) -> bool:
        """`wandb.config.phone = x` / `run.summary["name"] = x`: an assignment that logs."""
        allowed = self.sinks.assignable(owner.api or "") if owner.kind == "tracker" else None
        if allowed is None or not ("*" in allowed or (attribute and key.text in allowed)):
            return False
        where = f".{key.text}" if attribute else "[...]"
        self.dispatch(
            LoggedItem(
                sink=f"{owner.api}{where}",
                shape="item",
                value=value,
                value_node=value_node,
                key=key.text,
                key_node=key_node,
                key_value=key,
            )
        )
        return True

    def subscript_key(self, node: cst.Subscript, scope: Scope) -> tuple[Value, cst.CSTNode | None]:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return UNKNOWN, None
        key_node = node.slice[0].slice.value
        return self.eval(key_node, scope), key_node

    def assign_item(
        self, target: cst.Subscript, value: Value, value_node: cst.CSTNode | None, scope: Scope
    ) -> None:
        owner = self.eval(target.value, scope)
        key, key_node = self.subscript_key(target, scope)
        name = dotted(target.value)
        if self.assignment_sink(owner, key, key_node, value, value_node, attribute=False):
            return
        if name is None or "." in name:
            return
        if owner.kind == "frame" and key.text is not None:
            columns = owner.columns if key.text in owner.columns else (*owner.columns, key.text)
            masked = owner.masked_columns
            masked = masked | {key.text} if value.masked else masked - {key.text}
            scope.bind(name, owner.with_(columns=columns, masked_columns=masked))
        elif owner.kind == "mapping" and owner.entries is not None:
            entries = tuple(e for e in owner.entries if e.key is None or e.key != key.text)
            entry = Entry(key.text, key_node, value, value_node, key)
            scope.bind(name, owner.with_(entries=(*entries, entry)))

    def delete(self, target: cst.CSTNode, scope: Scope) -> None:
        if isinstance(target, cst.Subscript):
            name = dotted(target.value)
            owner = self.eval(target.value, scope)
            key, _ = self.subscript_key(target, scope)
            if name and owner.kind == "frame" and key.text is not None:
                scope.bind(name, self.tables.drop_columns(owner, [key.text]))
        elif isinstance(target, cst.Tuple):
            for element in target.elements:
                self.delete(element.value, scope)

    # ------------------------------------------------------------- expressions
    def eval(self, node: cst.CSTNode, scope: Scope) -> Value:
        if isinstance(node, cst.Name):
            return self.eval_name(node, scope)
        if isinstance(node, cst.Attribute):
            return self.eval_attribute(node, scope)
        if isinstance(node, cst.Call):
            return self.eval_call(node, scope)
        if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
            text = string_value(node)
            return Value(kind="literal", text=text) if text is not None else UNKNOWN
        if isinstance(node, cst.Integer | cst.Float | cst.Imaginary):
            return Value(kind="literal", numeric=True)
        if isinstance(node, cst.FormattedString):
            return self.eval_fstring(node, scope)
        if isinstance(node, cst.Dict):
            return self.eval_dict(node, scope)
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            return self.eval_list(node, scope)
        if isinstance(node, cst.Subscript):
            return self.eval_subscript(node, scope)
        if isinstance(node, cst.ListComp | cst.GeneratorExp | cst.SetComp):
            return self.eval_comprehension(node, node.elt, scope)
        if isinstance(node, cst.DictComp):
            return self.eval_comprehension(node, node.value, scope, dict_keys=node.key)
        if isinstance(node, cst.BinaryOperation):
            left, right = self.eval(node.left, scope), self.eval(node.right, scope)
            if isinstance(node.operator, cst.Add | cst.Modulo):
                if left.kind == "literal" and left.text is not None:
                    return Value(kind="fstring", items=(left, right), params=right.params)
                return left if left.name else right if right.name else UNKNOWN
            return UNKNOWN
        if isinstance(node, cst.BooleanOperation):
            return self.either(self.eval(node.left, scope), self.eval(node.right, scope))
        if isinstance(node, cst.IfExp):
            self.eval(node.test, scope)
            return self.either(self.eval(node.body, scope), self.eval(node.orelse, scope))
        if isinstance(node, cst.NamedExpr):
            value = self.eval(node.value, scope)
            self.bind_target(node.target, value, scope)
            return value
        if isinstance(node, cst.Await):
            return self.eval(node.expression, scope)
        if isinstance(node, cst.Lambda):
            inner = Scope(parent=scope)
            for param in node.params.params:
                inner.bind(param.name.value, UNKNOWN)
            body = self.eval(node.body, inner)
            return MASKED if body.masked else UNKNOWN
        # Anything else: look inside for tracker calls, know nothing about the result.
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.eval(child, scope)
        return UNKNOWN

    @staticmethod
    def either(first: Value, second: Value) -> Value:
        """`a or b`, `a if c else b`: the side that says more; masked only if both are."""
        if first.masked and second.masked:
            return MASKED
        for value in (first, second):
            if value.kind not in ("unknown", "literal", "masked") or value.name:
                return value
        return UNKNOWN

    def eval_name(self, node: cst.Name, scope: Scope) -> Value:
        found = scope.lookup(node.value)
        if found is not None:
            if found.kind == "function" and isinstance(found.ref, ProjectName):
                return self.resolve(found.ref)
            return found
        if node.value in ("True", "False", "None"):
            return Value(kind="literal", numeric=True)
        return Value(name=node.value, label=node.value)

    def eval_attribute(self, node: cst.Attribute, scope: Scope) -> Value:
        return self.attribute(self.eval(node.value, scope), node.attr.value, node.value)

    def attribute(self, base: Value, attr: str, base_node: cst.BaseExpression | None) -> Value:
        """`base.attr` (also `getattr(base, "attr")`)."""
        base_text = dotted(base_node) if base_node is not None else None
        text = f"{base_text}.{attr}" if base_text else None
        if base.kind in ("api", "tracker") and base.api:
            api = f"{base.api}.{attr}"
            kind = self.sinks.attribute_type(self.sinks.canonical(api))
            if kind:
                return Value(kind="tracker", api=kind, label=text)
            return Value(kind="api", api=api, label=text)
        if base.kind == "cursor":
            return base.with_(api=attr)  # `cur.fetchall` of a cursor that ran personal SQL
        if base.kind == "module" and isinstance(base.ref, ProjectName):
            return self.module_attribute(base.ref, attr)
        if base.kind == "instance" and isinstance(base.ref, ClassSummary):
            cls = base.ref
            if attr in cls.methods:
                return Value(kind="method", api=attr, ref=cls.methods[attr])
            if attr in cls.attrs:
                return cls.attrs[attr]
            return Value(name=attr, owner=base.label, label=text)
        if base.kind in ("self", "instance") and base.label:
            known = self.class_attrs.get(base.label, {}).get(attr)
            if known is not None:
                return known
            method = self.methods.get((base.label, attr))
            if method is not None:
                return Value(kind="method", api=attr, label=base.label)
            for parent in self.class_bases.get(base.label, ()):
                # `self.logger` in a LightningModule: an attribute the base class provides.
                kind = self.sinks.attribute_type(f"{parent}.{attr}")
                if kind:
                    return Value(kind="tracker", api=kind, label=text)
            return Value(name=attr, owner=base.label, label=f"self.{attr}")
        if base.kind == "frame":
            if attr in frames.AGGREGATES:
                return UNKNOWN
            if attr in BUNCH_FRAMES and base.source:
                return base  # `fetch_openml("adult").frame`: the loader's rows
            if attr in base.columns:
                return Value(
                    name=attr,
                    owner=base.label,
                    masked=attr in base.masked_columns or base.masked,
                    params=base.params,
                )
            return base.with_(api=attr, kind="frame_method")
        if base.kind == "mapping" and base.entries is None and attr not in DICT_METHODS:
            # a row: `row.email` of `for row in users.itertuples()`
            return Value(name=attr, owner=base.owner or base.label, params=base.params)
        if base.kind in ("records", "mapping", "table", "dataset", "list"):
            return base.with_(api=attr, kind=METHOD_KINDS[base.kind])
        if base.masked:
            return MASKED
        owner = base.name or base.label or base_text
        return Value(name=attr, owner=owner, params=base.params, label=text, origin=base.origin)

    def module_attribute(self, ref: ProjectName, attr: str) -> Value:
        """`pkg.mod.f` of `import pkg.mod`: a member of the module, or a submodule."""
        inner = f"{ref.module}.{attr}" if ref.module else attr
        if self.project.is_module(inner, ref.level):
            return Value(kind="module", ref=ProjectName(inner, ref.level))
        return self.resolve(ProjectName(ref.module, ref.level, attr))

    def eval_fstring(self, node: cst.FormattedString, scope: Scope) -> Value:
        parts: list[Value] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(Value(kind="literal", text=part.value))
            elif isinstance(part, cst.FormattedStringExpression):
                parts.append(self.eval(part.expression, scope))
        return Value(kind="fstring", items=tuple(parts), params=merge_params(*parts))

    def eval_dict(self, node: cst.Dict, scope: Scope) -> Value:
        entries: list[Entry] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self.eval(element.key, scope)
                value = self.eval(element.value, scope)
                entries.append(Entry(key.text, element.key, value, element.value, key))
            elif isinstance(element, cst.StarredDictElement):
                inner = self.eval(element.value, scope)
                if inner.kind == "mapping" and inner.entries is not None:
                    entries.extend(inner.entries)
        return mapping_of(entries)

    def eval_list(self, node: cst.List | cst.Tuple | cst.Set, scope: Scope) -> Value:
        values = [self.eval(el.value, scope) for el in node.elements]
        if values and all(v.kind == "mapping" and v.entries is not None for v in values):
            keys: list[str] = []
            for v in values:
                for e in v.entries or ():
                    if e.key is not None and e.key not in keys:
                        keys.append(e.key)
            masked = all(v.masked for v in values)
            return Value(kind="records", columns=tuple(keys), masked=masked, origin=node)
        if values and all(v.kind in ("frame", "dataset") for v in values):
            return Value(kind="frames", items=tuple(values))
        return Value(kind="list", items=tuple(values), params=merge_params(*values))

    def eval_subscript(self, node: cst.Subscript, scope: Scope) -> Value:
        base = self.eval(node.value, scope)
        if base.kind == "frame_method" and base.api in ("loc", "iloc"):
            base = base.with_(kind="frame", api=None)
            return self.tables.index_frame(base, node, scope, loc=True)
        if base.kind == "frame":
            return self.tables.index_frame(base, node, scope, loc=False)
        key, _ = self.subscript_key(node, scope)
        for element in node.slice:
            if isinstance(element.slice, cst.Slice):
                return base if base.kind in ("records", "list") else UNKNOWN
        if base.kind == "records":
            return Value(kind="mapping", columns=base.columns, masked=base.masked, entries=None)
        if base.kind == "mapping" and base.entries is not None and key.text is not None:
            for entry in reversed(base.entries):
                if entry.key == key.text:
                    return entry.value
        if base.kind == "table":
            return UNKNOWN
        if base.masked:
            return MASKED
        if key.text is not None:
            row_owner = base.owner if base.kind == "mapping" else None
            owner = row_owner or base.name or base.label or dotted(node.value)
            return Value(name=key.text, owner=owner, params=base.params, label=dotted(node.value))
        return Value(params=base.params) if base.params else UNKNOWN

    def element_of(self, iterable: Value) -> Value:
        """One element of what a loop or comprehension iterates over (a row keeps its owner)."""
        if iterable.kind in ("records", "frame"):
            return Value(
                kind="mapping",
                columns=iterable.columns,
                masked=iterable.masked,
                owner=iterable.label or iterable.source,
            )
        if iterable.masked:
            return MASKED
        trackers = iterable.items and all(v.kind in ("api", "tracker") for v in iterable.items)
        if iterable.kind == "list" and trackers:
            return join_all(list(iterable.items))  # `for backend in (wandb, mlflow)`
        if iterable.kind == "list" and len(iterable.items) == 1 and iterable.items[0].name:
            return iterable.items[0]  # `[r["user_id"] for r in rows]`: each is a user id
        return Value(params=iterable.params) if iterable.params else UNKNOWN

    def eval_comprehension(
        self,
        node: cst.BaseComp,
        element: cst.BaseExpression,
        scope: Scope,
        dict_keys: cst.BaseExpression | None = None,
    ) -> Value:
        inner = Scope(parent=scope)
        source: Value = UNKNOWN
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            iterable = self.eval(comp.iter, inner)
            if source is UNKNOWN:
                source = iterable
            self.bind_loop_target(comp.target, iterable, inner)
            for cond in comp.ifs:
                self.eval(cond.test, inner)
            comp = comp.inner_for_in
        value = self.eval(element, inner)
        if dict_keys is not None:
            self.eval(dict_keys, inner)
            if value.masked:
                return Value(kind="mapping", masked=True, entries=None)
            return UNKNOWN
        if value.masked:
            return Value(kind="records" if source.kind == "records" else "list", masked=True)
        if value.kind == "mapping" and value.entries is not None:
            keys = tuple(e.key for e in value.entries if e.key is not None)
            return Value(kind="records", columns=keys)
        if value.kind == "mapping" and source.kind == "records":
            return source
        if value.name or value.params:
            return Value(kind="list", items=(value,), params=value.params)
        return UNKNOWN

    # ------------------------------------------------------------------- calls
    def eval_args(self, args: Sequence[cst.Arg], scope: Scope) -> list[Value]:
        return [self.eval(arg.value, scope) for arg in args]

    def eval_call(self, node: cst.Call, scope: Scope) -> Value:
        func = self.eval(node.func, scope)
        args = self.eval_args(node.args, scope)
        call = CallArguments(node, args)
        dynamic = self.dynamic_import(last_name(node.func), call)
        if dynamic is not None:
            return dynamic
        if func.kind == "api" and func.api:
            return self.call_api(func.api, node, args, scope)
        if func.kind == "tracker" and func.api:
            return func
        if func.kind == "frame_method" and func.api:
            if func.api in frames.WRITERS:
                self.note_written(func, call)
            if func.api == "get":
                key = call.first(("key",))
                if key is not None and key.text is not None:
                    return self.tables.column(func.with_(kind="frame", api=None), key.text)
            return self.tables.frame_method(func, func.api, call, scope)
        if func.kind == "function" and isinstance(func.ref, FunctionSummary):
            return self.apply(func.ref, call)
        if func.kind == "function" and isinstance(func.ref, ClassSummary):
            init = func.ref.methods.get("__init__")
            if init is not None:
                self.apply(init, call)
            return Value(kind="instance", ref=func.ref, label=func.ref.name)
        if func.kind == "method" and isinstance(func.ref, FunctionSummary):
            return self.apply(func.ref, call)
        if func.kind == "getter" and func.text is not None and args:
            return self.item(args[0], func.text, node.args[0].value)
        if func.kind == "cursor":
            return self.cursor_method(func, call, scope)
        if func.kind == "mapping_method" and func.api == "get" and args and args[0].text:
            return self.item(func.with_(kind="mapping", api=None), args[0].text, None)
        if func.kind == "mapping_method" and func.api == "values" and func.entries:
            return Value(kind="list", items=tuple(e.value for e in func.entries))
        if func.kind in CONTAINER_OF_METHOD:
            return self.tables.container_method(func, call, scope)
        name = last_name(node.func)
        if isinstance(node.func, cst.Name) and scope.lookup(node.func.value) is None:
            info = self.functions.get(node.func.value)
            if info is not None:
                return self.call_function(info, node, args, scope)
            builtin = self.call_builtin(node.func.value, node, args)
            if builtin is not None:
                return builtin
            if node.func.value in self.class_attrs:
                constructor = self.methods.get((node.func.value, "__init__"))
                if constructor is not None:
                    self.call_function(constructor, node, args, scope, method=True)
                return Value(kind="instance", label=node.func.value)
        if func.kind == "method" and func.label and func.api:
            info = self.methods.get((func.label, func.api))
            if info is not None:
                return self.call_function(info, node, args, scope, method=True)
        if name and self.is_masker(name, None):
            return MASKED
        if isinstance(node.func, cst.Attribute):
            receiver = self.eval(node.func.value, scope)
            if receiver.masked:
                return MASKED
            if name in ("hexdigest", "digest"):
                return MASKED
            if (
                name in frames.ELEMENTWISE
                and node.args
                and self.is_masker_ref(node.args[0].value, scope)
            ):
                return MASKED
            if name == "sub" and self.is_redacting_sub(node, pattern_object=True):
                return MASKED
            if name in frames.WRITERS and receiver.params:  # a parameter written to a file
                self.note_written(receiver, call)
            if name == "get" and args and args[0].text is not None and receiver.kind != "api":
                return self.item(receiver, args[0].text, node.func.value)
            if name in frames.STRING_KEEPERS and (receiver.name or receiver.params):
                return receiver
            if name in SQL_RUNNERS:
                ran = self.run_sql(name, call, node.func.value, scope)
                if ran is not None:
                    return ran
        return Value(params=merge_params(func, *args)) if self.function else UNKNOWN

    def dynamic_import(self, name: str | None, call: CallArguments) -> Value | None:
        """`importlib.import_module("mlflow")`, `__import__("wandb")`, `guard_import("mlflow")`."""
        if name not in DYNAMIC_IMPORTERS:
            return None
        module = call.first(("name", "module_name", "module"))
        text = module.text if module is not None else None
        if not text or text.split(".")[0] not in self.sinks.modules:
            return None
        if name == "__import__":
            text = text.split(".")[0]  # `__import__("a.b")` returns `a`
        return Value(kind="api", api=text)

    def item(self, base: Value, key: str, base_node: cst.BaseExpression | None) -> Value:
        """`base[key]`, `base.get(key)`, `itemgetter(key)(base)`: one item read by its key."""
        if base.kind == "frame":
            return self.tables.column(base, key)
        if base.kind == "mapping" and base.entries is not None:
            for entry in reversed(base.entries):
                if entry.key == key:
                    return entry.value
        if base.masked:
            return MASKED
        if base.kind == "table":
            return UNKNOWN
        row_owner = base.owner if base.kind == "mapping" else None
        base_text = dotted(base_node) if base_node is not None else None
        owner = row_owner or base.name or base.label or base_text
        return Value(name=key, owner=owner, params=base.params, label=base_text)

    def note_written(self, frame: Value, call: CallArguments) -> None:
        """`df.to_parquet("exports/x.parquet")`: remember what went into the file."""
        text = constant_text(call.first(("path_or_buf", "path", "excel_writer", "path_or_buffer")))
        if text:
            self.written[text] = frame.with_(kind="frame", api=None)

    def run_sql(
        self, name: str, call: CallArguments, receiver_node: cst.BaseExpression, scope: Scope
    ) -> Value | None:
        """`cursor.execute(sql)`, `spark.sql(sql)`: rows of the tables the SQL reads."""
        text = constant_text(call.first(("sql", "query", "statement", "sqlQuery")))
        if not text:
            return None
        columns = select_columns(text)
        source = personal_source(text)
        if source is None and columns is None:
            return None
        rows = Value(
            kind="frame" if name == "sql" else "cursor",
            columns=tuple(columns or ()),
            open_columns=columns is None,
            source=source,
            origin=call.call,
        )
        receiver = dotted(receiver_node)
        if rows.kind == "cursor" and receiver and "." not in receiver:
            scope.bind(receiver, rows.with_(label=receiver))  # `cur.execute(q); cur.fetchall()`
        return rows

    def cursor_method(self, cursor: Value, call: CallArguments, scope: Scope) -> Value:
        """`fetchall()` gives records, `fetchone()` one row, of what the cursor ran."""
        method = cursor.api or ""
        rows = cursor.with_(api=None, label=cursor.source)
        if method in CURSOR_ROWS:
            return rows.with_(kind="records")
        if method in CURSOR_ROW:
            return rows.with_(kind="mapping", owner=cursor.source)
        if method in SQL_RUNNERS:
            return self.run_sql(method, call, call.call.func, scope) or UNKNOWN
        return UNKNOWN

    def call_builtin(self, name: str, node: cst.Call, args: list[Value]) -> Value | None:
        if name == "getattr" and len(args) >= 2 and args[1].text is not None:
            return self.attribute(args[0], args[1].text, node.args[0].value)
        if name in ("dict",):
            entries: list[Entry] = []
            if args and args[0].kind == "mapping" and args[0].entries is not None:
                entries.extend(args[0].entries)
            for arg, value in zip(node.args, args, strict=False):
                if arg.keyword is not None:
                    key = Value(kind="literal", text=arg.keyword.value)
                    entries.append(Entry(arg.keyword.value, arg.keyword, value, arg.value, key))
            if args and args[0].kind == "records":
                return args[0]
            if args and args[0].masked:
                return MASKED
            return mapping_of(entries)
        if name in ("list", "tuple", "sorted") and args:
            return args[0]
        if name in ("str", "repr") and args:
            return args[0]
        if name == "map" and len(node.args) >= 2:
            fn = last_name(node.args[0].value)
            if fn and self.is_masker(fn, None):
                return Value(kind="list", masked=True)
        if name == "hash":
            return MASKED
        return None

    def is_masker(self, name: str, api: str | None) -> bool:
        if api is not None:
            if api.startswith("logmask."):
                return True
            if api in self.ctx.options.maskers or api.startswith(HASH_MODULES):
                return True
            if api.startswith("presidio_anonymizer"):
                return True
        return name in self.ctx.options.maskers or is_masker_name(name)

    def is_masker_ref(self, node: cst.CSTNode, scope: Scope) -> bool:
        """`logmask.mask`, `hash_email`, `lambda v: mask(v)` passed as a function."""
        if isinstance(node, cst.Lambda):
            return self.eval(node.body, Scope(parent=scope)).masked
        name = last_name(node)
        if name is None:
            return False
        value = self.eval(node, scope)
        return self.is_masker(name, value.api if value.kind == "api" else None)

    def is_redacting_sub(self, node: cst.Call, pattern_object: bool) -> bool:
        """`re.sub(p, "[REDACTED]", s)` or `PATTERN.sub("<EMAIL>", s)` masks what it matches."""
        index = 0 if pattern_object else 1
        positional = [a for a in node.args if a.keyword is None]
        replacement = None
        if len(positional) > index:
            replacement = positional[index].value
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "repl":
                replacement = arg.value
        text = string_value(replacement) if replacement is not None else None
        if text is None:
            return False
        lowered = text.lower()
        return any(marker in lowered for marker in REDACTION_MARKERS)

    def call_api(self, api: str, node: cst.Call, args: list[Value], scope: Scope) -> Value:
        api = self.sinks.canonical(api)
        for rule in self.rules:
            if not self.quiet:
                rule.on_call(api, node, args, self.ctx)
        for redaction, tracker in self.sinks.redaction.get(api, ()):
            self.register_redaction(redaction, tracker.name, node)
        reset = self.sinks.redaction_resets.get(api)
        if reset is not None and self.function is None:
            # e.g. MLflow drops registered span processors when the tracking URI is set
            # or tracing is reset: module set-up before such a call no longer counts.
            self.ctx.redacted_trackers.discard(reset.name)
        signature = self.sinks.signature(api)
        kind = self.sinks.object_type(api)
        if api in self.sinks.table_types or kind in self.sinks.table_types:
            return self.tables.make_table(CallArguments(node, args), signature)
        if signature is not None:
            self.sink_call(api, signature, node, args)
        if kind:
            return Value(kind="tracker", api=kind)
        if api in self.sinks.media_types:
            return Value(kind="media", media=True)
        if api in self.sinks.dataset_wrappers:
            inner = CallArguments(node, args).first(("df", "data", "dataset"))
            if inner is not None and inner.kind == "frame":
                return inner.with_(kind="dataset")
            return UNKNOWN
        name = api.rsplit(".", 1)[-1]
        if self.is_masker(name, api):
            return MASKED
        if api in ("re.sub", "regex.sub") and self.is_redacting_sub(node, pattern_object=False):
            return MASKED
        if api in ("copy.copy", "copy.deepcopy") and args:
            return args[0]
        if api in HF_LOADERS:
            return self.tables.hf_dataset(CallArguments(node, args))
        frame_name = frames.frame_api(api)
        if frame_name is not None:
            return self.tables.frame_function(frame_name, CallArguments(node, args))
        if api in ("json.dumps", "json.loads") and args:
            return args[0]
        if api in GETTERS and len(args) == 1 and args[0].text is not None:
            return Value(kind="getter", text=args[0].text)
        if api in SQL_TEXT and args:
            return args[0]
        dataset = self.tables.dataset_loader(api, CallArguments(node, args))
        if dataset is not None:
            return dataset
        return UNKNOWN

    def register_redaction(self, redaction: Redaction, tracker: str, node: cst.Call) -> None:
        """A call that registers redaction for `tracker` when its argument at the path is set.

        Functions named there (`span_processors=[scrub]`) are redactors: what they log
        themselves is not a leak.
        """
        found = redaction_argument(node, redaction.path)
        if found is None or not is_set(found):
            return
        elements = found.elements if isinstance(found, cst.List | cst.Tuple) else (found,)
        for element in elements:
            value = element.value if isinstance(element, cst.BaseElement) else element
            name = last_name(value)
            if name:
                self.ctx.suppressed_functions.add(name)
        self.ctx.redacted_trackers.add(tracker)

    # ------------------------------------------------------- project functions
    def call_function(
        self,
        info: FunctionInfo,
        node: cst.Call,
        args: list[Value],
        scope: Scope,
        method: bool = False,
    ) -> Value:
        """A call of a function or method of this module: analysed first if need be."""
        if info.state == "new" and not self.quiet:
            self.analyse_function(info, self.module_scope)
        return self.apply(self.summary_of(info), CallArguments(node, args))

    @staticmethod
    def summary_of(info: FunctionInfo) -> FunctionSummary:
        """What callers see of a function of this module (nodes kept: same tree)."""
        name = info.node.name.value
        params = info.params
        if info.class_name and params and params[0] in ("self", "cls"):
            params = params[1:]
        sinks = tuple(
            ParamSink(use.param, u.sink, u.shape, u.key, u.owner_key, u.via)
            for use in info.uses
            for u in (use.item,)
        )
        # A function still being analysed (recursion) returns nothing known yet.
        result = returned(info.returns) if info.state == "done" else None
        return FunctionSummary(name, params, sinks, result, masker=is_masker_name(name))

    def apply(self, summary: FunctionSummary, call: CallArguments) -> Value:
        """A call of a summarised function: its parameters' sinks see the arguments,
        and its return value is given in terms of them."""
        bound = call.bind(summary.params)
        if summary.sinks and not self.quiet:
            saved = self.via
            self.via = (*self.via, summary.name)
            try:
                for sink in summary.sinks:
                    if sink.param not in bound:
                        continue
                    value, value_node = bound[sink.param]
                    item = LoggedItem(
                        sink=sink.sink,
                        shape=sink.shape,
                        value=value,
                        value_node=value_node,
                        key=sink.key,
                        owner_key=sink.owner_key,
                        via=self.via + sink.via,
                    )
                    self.dispatch(item, expand=sink.shape == "mapping")
            finally:
                self.via = saved
        if summary.masker:
            return MASKED
        if summary.returns is None:
            return Value(params=merge_params(*call.values)) if self.function else UNKNOWN
        return instantiate(summary.returns, {p: v for p, (v, _) in bound.items()})

    def summary(self, path: str) -> ModuleSummary:
        """This module as other modules of the project see it (after `run`)."""
        out = ModuleSummary(path)
        for name, info in self.functions.items():
            out.functions[name] = exported(self.summary_of(info))
        for class_name, attrs in self.class_attrs.items():
            cls = ClassSummary(class_name, fields=self.class_fields.get(class_name, ()))
            cls.attrs = {k: portable(v) for k, v in attrs.items()}
            for (owner, name), info in self.methods.items():
                if owner == class_name:
                    cls.methods[name] = exported(self.summary_of(info))
            out.classes[class_name] = cls
        for name, value in self.module_scope.names.items():
            ref = value.ref
            if value.kind == "function" and isinstance(ref, ProjectName) and ref.name:
                where = self.project.locate(ref.module, ref.level)
                if where is not None:
                    out.reexports[name] = (where, ref.name)
            elif value.kind not in ("unknown", "self", "method", "function", "module"):
                out.names[name] = portable(value)
        return out

    # ------------------------------------------------------------------ sinks
    def sink_call(self, api: str, signature: Signature, node: cst.Call, args: list[Value]) -> None:
        key: tuple[Value, cst.CSTNode] | None = None
        value: tuple[Value, cst.CSTNode] | None = None
        positional = 0
        tabular: tuple[str, ...] = ()
        if any(p.shape == "columns" for p in signature.params):
            # `log_table(key, columns=[...], data=rows)`: the columns name the rows' fields,
            # so the arguments are one table, as for `wandb.Table(...)`.
            table = self.tables.make_table(CallArguments(node, args), signature)
            if table.columns or table.open_columns or table.source:
                self.dispatch(LoggedItem(api, "table", table, node))
            tabular = ("table", "records", "columns")
        for arg, arg_value in zip(node.args, args, strict=False):
            if arg.star:
                continue
            keyword = arg.keyword.value if arg.keyword is not None else None
            param = signature.bind(positional, keyword)
            if keyword is None:
                positional += 1
            if param is None or param.shape == "-" or param.shape in tabular:
                continue
            if param.shape == "key":
                key = (arg_value, arg.value)
            elif param.shape == "value":
                value = (arg_value, arg.value)
            elif param.shape == "mapping":
                self.dispatch(
                    LoggedItem(api, "mapping", arg_value, arg.value, key=None), expand=True
                )
            elif param.shape in ("table", "records", "columns"):
                self.dispatch(LoggedItem(api, "table", arg_value, arg.value))
            elif param.shape == "path":
                uploaded = self.uploaded_file(arg_value)
                self.dispatch(LoggedItem(api, "path", uploaded, arg.value, key=param.name))
            elif param.shape == "text":
                self.dispatch(LoggedItem(api, "text", arg_value, arg.value, key=param.name))
        if key is not None or value is not None:
            key_value, key_node = key if key is not None else (UNKNOWN, None)
            val, val_node = value if value is not None else (UNKNOWN, None)
            shape = "item" if value is not None else "metric"
            self.dispatch(
                LoggedItem(
                    api,
                    shape,
                    val,
                    val_node,
                    key=key_value.text,
                    key_node=key_node,
                    key_value=key_value,
                )
            )

    def uploaded_file(self, path: Value) -> Value:
        """A path to upload; when a DataFrame was written to it, what that frame held."""
        written = self.written.get(constant_text(path) or "")
        if written is None:
            return path
        if written.params:  # a parameter of this function: its callers' frames are uploaded
            return written.with_(text=constant_text(path))
        return path.with_(
            columns=written.personal_candidates,
            source=written.source,
            origin=written.origin,
            label=written.label,
            masked=written.masked,
            open_columns=written.open_columns and not written.dropped_personal,
        )

    def dispatch(self, item: LoggedItem, expand: bool = False) -> None:
        if self.quiet:
            return
        nested = expand or item.shape == "item"
        if nested and item.value.kind == "mapping" and item.value.entries is not None:
            for entry in item.value.entries:
                key_node = entry.key_node
                if key_node is None and entry.value_node is None:
                    key_node = item.anchor  # built in another function: report at the call
                self.dispatch(
                    LoggedItem(
                        sink=item.sink,
                        shape="item",
                        value=entry.value,
                        value_node=entry.value_node,
                        key=entry.key,
                        key_node=key_node,
                        key_value=entry.key_value,
                        owner_key=item.key,
                        via=item.via,
                    )
                )
            return
        emitted = False
        for rule in self.rules:
            emitted = rule.on_item(item, self.ctx) or emitted
        if emitted or self.function is None:
            return
        params = item.value.params
        direct = item.value.name in params if item.value.name else False
        if params and (direct or item.value.kind in ("table", "frame", "records", "mapping")):
            for param in params:
                self.function.uses.append(ParamUse(param, item))


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
