"""The statement walker: runs a module's statements in order, binding names as they go.

Branches run from the same state and are joined (`branches`); functions are
analysed after the body that defines them (they run later, when its names
are bound), a class's methods twice (the first, quiet round learns what
`self.<attr>` holds). Rules hear of each definition (`on_function`) with what
the walk knows of it; expressions are the evaluator's (`expressions.py`),
assignments that log the sink dispatch's.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from logmask.rules.base import DefinedFunction
from logmask.rules.definitions import FunctionInfo, parameter_names
from logmask.rules.expressions import Expressions
from logmask.rules.project_names import ProjectNames
from logmask.rules.sink_dispatch import SinkDispatch
from logmask.rules.syntax import body_of, dotted
from logmask.rules.values import UNKNOWN, Entry, Scope, Value
from logmask.rules.walk import Walk


class Statements:
    """Walks statements; `deferred` holds the functions defined by the body walked last."""

    def __init__(
        self, walk: Walk, expressions: Expressions, names: ProjectNames, sinks: SinkDispatch
    ) -> None:
        self.walk = walk
        self.expressions = expressions
        self.names = names
        self.sinks = sinks
        self.deferred: list[tuple[FunctionInfo, Scope]] = []

    def block(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        """Analyse statements in order; a failure in one never loses the others' findings."""
        for stmt in body:
            try:
                self.statement(stmt, scope)
            except RecursionError:
                continue  # absurdly deep expression: nothing to learn from it
            except Exception as err:
                self.walk.ctx.internal_errors.append(f"{type(err).__name__}: {err}")

    def statement(self, stmt: cst.CSTNode, scope: Scope) -> None:
        previous = self.walk.ctx.statement
        self.walk.ctx.statement = stmt
        try:
            self._statement(stmt, scope)
        finally:
            self.walk.ctx.statement = previous

    def _statement(self, stmt: cst.CSTNode, scope: Scope) -> None:
        evaluate = self.expressions.eval
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.small_statement(small, scope)
        elif isinstance(stmt, cst.FunctionDef):
            self.function_definition(stmt, scope)
        elif isinstance(stmt, cst.ClassDef):
            self.class_definition(stmt, scope)
        elif isinstance(stmt, cst.If):
            evaluate(stmt.test, scope)
            orelse = stmt.orelse
            self.branches(scope, [body_of(stmt), [orelse] if orelse is not None else []])
        elif isinstance(stmt, cst.Else):
            self.block(body_of(stmt), scope)
        elif isinstance(stmt, cst.For | cst.While):
            if isinstance(stmt, cst.For):
                iterable = evaluate(stmt.iter, scope)
                self.expressions.bind_loop_target(stmt.target, iterable, scope)
            else:
                evaluate(stmt.test, scope)
            self.branches(scope, [body_of(stmt), []])  # the body may not run
            if stmt.orelse is not None:
                self.statement(stmt.orelse, scope)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = evaluate(item.item, scope)
                if item.asname is not None:
                    self.expressions.bind_target(item.asname.name, value, scope)
            self.block(body_of(stmt), scope)
        elif isinstance(stmt, cst.Try | cst.TryStar):
            self.block(body_of(stmt), scope)
            done = [body_of(stmt.orelse) if stmt.orelse is not None else []]
            self.branches(scope, done + [body_of(h) for h in stmt.handlers])
            if stmt.finalbody is not None:
                self.block(body_of(stmt.finalbody), scope)
        elif isinstance(stmt, cst.Match):
            evaluate(stmt.subject, scope)
            self.branches(scope, [*(body_of(case) for case in stmt.cases), []])

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
        evaluate = self.expressions.eval
        if isinstance(small, cst.Expr):
            evaluate(small.value, scope)
        elif isinstance(small, cst.Assign):
            value = evaluate(small.value, scope)
            for target in small.targets:
                self.assign(target.target, value, small.value, scope)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                value = evaluate(small.value, scope)
            else:
                value = self.expressions.annotation_value(small.annotation.annotation, scope)
            self.assign(small.target, value, small.value, scope)
        elif isinstance(small, cst.AugAssign):
            evaluate(small.value, scope)
        elif isinstance(small, cst.Return):
            value = evaluate(small.value, scope) if small.value is not None else UNKNOWN
            if self.walk.function is not None:
                self.walk.function.returns.append(value)
        elif isinstance(small, cst.Del):
            self.delete(small.target, scope)
        elif isinstance(small, cst.Import):
            self.names.bind_import(small, scope)
        elif isinstance(small, cst.ImportFrom):
            self.names.bind_import_from(small, scope)

    # ------------------------------------------------------------- definitions
    def function_definition(self, node: cst.FunctionDef, scope: Scope) -> None:
        decorators = []
        for dec in node.decorators:
            target = dec.decorator
            if isinstance(target, cst.Call):
                self.expressions.eval_args(target.args, scope)
                target = target.func
            value = self.expressions.eval(target, scope)
            decorators.append(self.walk.trackers.canonical(value.api or dotted(target) or ""))
        if not self.walk.quiet:
            defined = DefinedFunction(node, tuple(decorators), self.record_params(node, scope))
            for rule in self.walk.rules:
                rule.on_function(defined, self.walk.ctx)
        info = self.walk.definitions.lookup(node, self.walk.class_name)
        if info is None:
            info = FunctionInfo(node, parameter_names(node), self.walk.class_name)
        self.deferred.append((info, scope))

    def record_params(self, node: cst.FunctionDef, scope: Scope) -> dict[str, tuple[str, ...]]:
        """Parameters annotated with a record type of the project, and its fields."""
        out: dict[str, tuple[str, ...]] = {}
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.annotation is not None:
                typed = self.expressions.annotation_value(param.annotation.annotation, scope)
                if typed.kind == "mapping" and typed.columns:
                    out[param.name.value] = typed.columns
        return out

    def class_definition(self, node: cst.ClassDef, scope: Scope) -> None:
        bases = []
        for arg in node.bases:
            value = self.expressions.eval(arg.value, scope)
            if value.kind == "api" and value.api:
                bases.append(self.walk.trackers.canonical(value.api))
        self.walk.definitions.class_bases[node.name.value] = tuple(bases)
        tracker_base = next((b for b in bases if self.walk.trackers.object_type(b)), None)
        if tracker_base is not None:
            # `class Board(GeneralTracker)`: creating one makes a tracker object.
            scope.bind(node.name.value, Value(kind="api", api=tracker_base))
        previous = self.walk.class_name
        self.walk.class_name = node.name.value
        class_scope = Scope(parent=scope)
        methods: list[tuple[FunctionInfo, Scope]] = []
        saved = self.deferred
        self.deferred = []
        try:
            self.block(body_of(node), class_scope)
            methods = self.deferred
        finally:
            self.deferred = saved
            self.walk.class_name = previous
        # Two rounds: the first learns what `self.<attr>` holds (set in any method),
        # the second reports with that knowledge.
        quiet = self.walk.quiet
        self.walk.quiet = True
        for info, method_scope in methods:
            self.analyse_function(info, method_scope, record=False)
        self.walk.quiet = quiet
        for info, _ in methods:
            info.state = "new"
            info.uses.clear()
            info.returns.clear()
        self.deferred.extend(methods)

    def analyse_function(self, info: FunctionInfo, parent: Scope, record: bool = True) -> None:
        if info.state != "new":
            return
        info.state = "running"
        walk, ctx = self.walk, self.walk.ctx
        saved = (walk.function, walk.class_name, ctx.current_function, ctx.statement)
        saved_node = ctx.current_function_node
        walk.function = info
        walk.class_name = info.class_name
        ctx.current_function = info.node.name.value
        ctx.current_function_node = info.node
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
                typed = self.expressions.annotation_value(param.annotation.annotation, scope)
                if typed.kind == "tracker":
                    value = typed
                elif typed.kind == "mapping":  # a record type: its fields are the keys
                    value = typed.with_(params=value.params, label=name)
            scope.bind(name, value)
        nested_saved = self.deferred
        self.deferred = []
        try:
            self.block(body_of(info.node), scope)
            while self.deferred:
                nested, nested_scope = self.deferred.pop(0)
                self.analyse_function(nested, nested_scope, record)
        finally:
            self.deferred = nested_saved
            walk.function, walk.class_name, ctx.current_function, ctx.statement = saved
            ctx.current_function_node = saved_node
            info.state = "done"

    # ----------------------------------------------------------------- binding
    def assign(
        self, target: cst.CSTNode, value: Value, value_node: cst.CSTNode | None, scope: Scope
    ) -> None:
        if isinstance(target, cst.Name | cst.Tuple | cst.List):
            self.expressions.bind_target(target, value, scope)
        elif isinstance(target, cst.Attribute):
            owner = self.expressions.eval(target.value, scope)
            if owner.kind == "self" and owner.label:
                self.walk.definitions.class_attrs.setdefault(owner.label, {})[target.attr.value] = (
                    value
                )
            else:
                key = Value(kind="literal", text=target.attr.value)
                self.sinks.assignment_sink(
                    owner, key, target.attr, value, value_node, attribute=True
                )
        elif isinstance(target, cst.Subscript):
            self.assign_item(target, value, value_node, scope)

    def assign_item(
        self, target: cst.Subscript, value: Value, value_node: cst.CSTNode | None, scope: Scope
    ) -> None:
        owner = self.expressions.eval(target.value, scope)
        key, key_node = self.expressions.subscript_key(target, scope)
        name = dotted(target.value)
        if self.sinks.assignment_sink(owner, key, key_node, value, value_node, attribute=False):
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
            owner = self.expressions.eval(target.value, scope)
            key, _ = self.expressions.subscript_key(target, scope)
            if name and owner.kind == "frame" and key.text is not None:
                scope.bind(name, self.expressions.tables.drop_columns(owner, [key.text]))
        elif isinstance(target, cst.Tuple):
            for element in target.elements:
                self.delete(element.value, scope)
