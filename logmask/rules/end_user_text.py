"""PII104 and PII302: end-user text reaches a tracker log or a trace.

Where end-user text comes from is `logmask.evidence.enduser` (data): the
parameters of request handlers, served models, traced functions and LangChain
callbacks named or typed as what a user sends, `input()`, web frameworks'
request bodies and chat widgets. This module follows such values through
the function that receives them, statement by statement, as far as they stay
the user's text: fields that hold text (`request["messages"][-1]["content"]`,
`req.input`), string methods, f-strings, containers and comprehensions of
them. Anything else ends the trail: `len(question)`, `req.temperature`, a
model's output, a dataset row. A logged item whose expression is on a trail is
reported: PII302 when the sink writes a trace or span (and the tracker's
redaction is not registered), PII104 when it writes a run.

It keeps its own small flow (names that hold end-user text at each
statement) rather than widening the shared analysis's values: the question
it asks is narrower, and the answer must stay quiet on everything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from logmask.evidence.enduser import (
    CALLBACK_PARAMETERS,
    extracting_helper,
    handler_decorator,
    handler_name,
    parameter_level,
    served_method,
    text_field,
)
from logmask.rules.base import DefinedFunction, NodeFix, Rule, RuleContext
from logmask.rules.catalog import PII104
from logmask.rules.items import LoggedItem
from logmask.rules.logged_values import wrap_fix
from logmask.rules.syntax import body_of, dotted, string_value
from logmask.rules.trackers import Tracker
from logmask.rules.values import Value

# Calls that give what a user typed, wherever they are.
SOURCES = {
    "input": "input()",
    "st.chat_input": "st.chat_input()",
    "streamlit.chat_input": "st.chat_input()",
    "st.text_input": "st.text_input()",
    "streamlit.text_input": "st.text_input()",
    "st.text_area": "st.text_area()",
    "streamlit.text_area": "st.text_area()",
}
# String methods whose result is still the user's text.
TEXT_METHODS = frozenset(
    {
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "casefold",
        "title",
        "capitalize",
        "replace",
        "split",
        "rsplit",
        "splitlines",
        "partition",
        "removeprefix",
        "removesuffix",
        "encode",
        "decode",
    }
)
# Methods of requests and bodies that hand back the same content.
CONTENT_METHODS = frozenset(
    {"json", "get_json", "model_dump", "dict", "to_dict", "copy", "values", "items", "body"}
)
KEEPING_BUILTINS = frozenset({"str", "repr", "list", "tuple", "dict", "sorted", "reversed", "set"})
PASS_THROUGH = frozenset({"json.dumps", "json.loads", "copy.copy", "copy.deepcopy"})


@dataclass
class Flow:
    """Names holding end-user text before each statement of one function (or the module)."""

    entry: str | None = None  # why the function is an entry point ("handler 'handle'")
    traced: bool = False  # a tracker traces the function (an evaluation may call it)
    before: dict[int, dict[str, str]] = field(default_factory=dict)


@dataclass
class Pending:
    """An item to report at the module's end, and where it was logged."""

    item: LoggedItem
    reason: str
    where: tuple[cst.CSTNode | None, str | None, cst.FunctionDef | None]


class EndUserText(Rule):
    docs = (PII104,)

    def __init__(self) -> None:
        # Items from traced functions wait for the module's end: in a module that runs
        # an evaluation (`mlflow.genai.evaluate`, `weave.Evaluation`), traced functions
        # receive dataset rows, not users' messages.
        self.pending: list[Pending] = []
        self.evaluating = False
        self.decorators: dict[int, tuple[str, ...]] = {}
        self.flows: dict[int, Flow] = {}
        self.class_bases: dict[int, tuple[str, ...]] | None = None
        self.flask_request: frozenset[str] | None = None

    def on_function(self, function: DefinedFunction, ctx: RuleContext) -> None:
        self.decorators[id(function.node)] = function.decorators

    def on_call(self, api: str, call: cst.Call, args: list[Value], ctx: RuleContext) -> None:
        if ctx.trackers is not None and api in ctx.trackers.evaluations:
            self.evaluating = True

    def on_module_end(self, ctx: RuleContext) -> None:
        if self.evaluating:
            return
        saved = (ctx.statement, ctx.current_function, ctx.current_function_node)
        try:
            for pending in self.pending:
                ctx.statement, ctx.current_function, ctx.current_function_node = pending.where
                self.report(pending.item, pending.reason, ctx)
        finally:
            ctx.statement, ctx.current_function, ctx.current_function_node = saved

    # ----------------------------------------------------------------- reporting
    def on_item(self, item: LoggedItem, ctx: RuleContext) -> bool:
        if item.shape in ("path", "metric") or item.value_node is None or ctx.trackers is None:
            return False
        if item.value.masked or already_reported(item, ctx):
            return False
        reason = self.end_user_reason(item, ctx)
        if reason is None:
            return False
        if self.flow(ctx).traced:
            where = (ctx.statement, ctx.current_function, ctx.current_function_node)
            self.pending.append(Pending(item, reason, where))
            return False
        return self.report(item, reason, ctx)

    def report(self, item: LoggedItem, reason: str, ctx: RuleContext) -> bool:
        assert ctx.trackers is not None
        tracker = ctx.trackers.trace_sinks.get(item.sink)
        if tracker is not None:
            return self.report_trace(item, tracker, reason, ctx)
        node = item.anchor
        if node is None:
            return False
        table = item.shape == "table" or item.value.is_tabular
        fix = None if table else wrap_fix(item, ctx, "redact_text", "medium")
        return ctx.report(
            "PII104",
            node,
            f"{item.where} logs end-user text ({reason}) unredacted",
            "medium",
            fix,
        )

    def report_trace(
        self, item: LoggedItem, tracker: Tracker, reason: str, ctx: RuleContext
    ) -> bool:
        if ctx.redaction_registered(tracker.name) or self.traced(ctx):
            return False  # registered, or the traced function's own PII301/PII302 covers it
        node = item.anchor
        if node is None:
            return False
        setup = tracker.fix("module")
        fix = (
            NodeFix(setup.message, module_setup=setup.code, imports=setup.imports, safe=setup.safe)
            if setup is not None
            else wrap_fix(item, ctx, "redact_text", "medium")
        )
        return ctx.report(
            "PII302",
            node,
            f"{item.where} records end-user text ({reason}) in a trace and "
            f"{tracker.missing_redaction} redacts it",
            "medium",
            fix,
        )

    def traced(self, ctx: RuleContext) -> bool:
        """A traced function whose own parameters PII301/PII302 already report."""
        node = ctx.current_function_node
        if node is None or ctx.trackers is None:
            return False
        decorators = self.decorators.get(id(node), ())
        if not any(d in ctx.trackers.trace_decorators for d in decorators):
            return False
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        return any(
            ctx.classifier.free_text(p.name.value) is not None or ctx.classify(p.name.value)
            for p in params
        )

    # ----------------------------------------------------------------- evidence
    def end_user_reason(self, item: LoggedItem, ctx: RuleContext) -> str | None:
        flow = self.flow(ctx)
        statement = ctx.statement
        names = flow.before.get(id(statement)) if statement is not None else None
        if names is None:
            return None
        node = item.value_node
        if (item.shape == "table" or item.value.kind == "table") and isinstance(node, cst.Call):
            return first(self.reason(a.value, names) for a in node.args)
        return self.reason(node, names) if isinstance(node, cst.BaseExpression) else None

    def flow(self, ctx: RuleContext) -> Flow:
        """The flow of the function being analysed (or of the module), computed once."""
        self.learn_module(ctx)
        function = ctx.current_function_node
        key = id(function) if function is not None else 0
        found = self.flows.get(key)
        if found is not None:
            return found
        flow = Flow()
        names: dict[str, str] = {}
        if function is not None:
            traced = ctx.trackers.trace_decorators if ctx.trackers is not None else {}
            flow.entry = self.entry_point(function, traced)
            flow.traced = bool(set(self.decorators.get(id(function), ())) & set(traced))
            if flow.entry is not None:
                names.update(self.seeds(function, flow.entry))
            self.walk(
                function.body.body if isinstance(function.body, cst.IndentedBlock) else (),
                names,
                flow,
            )
        elif ctx.module is not None:
            self.walk(ctx.module.body, names, flow)
        self.flows[key] = flow
        return flow

    def learn_module(self, ctx: RuleContext) -> None:
        """Class bases of every method, and names bound to `flask.request`."""
        if self.class_bases is not None or ctx.module is None:
            return
        self.class_bases = {}
        flask: set[str] = set()
        for stmt in ctx.module.body:
            if isinstance(stmt, cst.ClassDef):
                bases = tuple(dotted(b.value) or "" for b in stmt.bases)
                for inner in body_of(stmt):
                    if isinstance(inner, cst.FunctionDef):
                        self.class_bases[id(inner)] = bases
            elif isinstance(stmt, cst.SimpleStatementLine):
                flask.update(
                    name
                    for small in stmt.body
                    if isinstance(small, cst.ImportFrom)
                    for name in imported_as(small, ("flask", "quart"), "request")
                )
        self.flask_request = frozenset(flask)

    def entry_point(self, node: cst.FunctionDef, traced: Iterable[str]) -> str | None:
        """Why this function receives what users send, or None."""
        name = node.name.value
        if name in CALLBACK_PARAMETERS:
            return f"callback {name}()"
        decorators = self.decorators.get(id(node), ())
        for decorator in decorators:
            if handler_decorator(decorator):
                return f"request handler {name}()"
        bases = (self.class_bases or {}).get(id(node), ())
        if served_method(name, bases):
            return f"served {name}()"
        if handler_name(name):
            return f"handler {name}()"
        if set(decorators) & set(traced):
            return f"traced {name}()"
        return None

    @staticmethod
    def seeds(node: cst.FunctionDef, entry: str) -> dict[str, str]:
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        callback = CALLBACK_PARAMETERS.get(node.name.value)
        seeds: dict[str, str] = {}
        for param in params:
            name = param.name.value
            if name in ("self", "cls"):
                continue
            if callback is not None:
                if name in callback:
                    seeds[name] = f"parameter '{name}' of {entry}"
                continue
            annotation = None
            if param.annotation is not None:
                annotation = dotted(param.annotation.annotation)
            if parameter_level(name, annotation) is not None:
                seeds[name] = f"parameter '{name}' of {entry}"
        return seeds

    # ----------------------------------------------------------------- the flow
    def walk(self, body: Sequence[cst.CSTNode], names: dict[str, str], flow: Flow) -> None:
        for stmt in body:
            flow.before[id(stmt)] = dict(names)
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    self.small(small, names)
            elif isinstance(stmt, cst.For):
                self.bind(stmt.target, self.reason(stmt.iter, names), names)
                self.walk(body_of(stmt), names, flow)
                if stmt.orelse is not None:
                    self.walk(body_of(stmt.orelse), names, flow)
            elif isinstance(stmt, cst.With):
                for with_item in stmt.items:
                    if with_item.asname is not None:
                        self.bind(with_item.asname.name, None, names)
                self.walk(body_of(stmt), names, flow)
            elif isinstance(stmt, cst.If | cst.While | cst.Else):
                self.walk(body_of(stmt), names, flow)
                orelse = getattr(stmt, "orelse", None)
                if orelse is not None:
                    self.walk([orelse], names, flow)
            elif isinstance(stmt, cst.Try | cst.TryStar):
                self.walk(body_of(stmt), names, flow)
                for handler in stmt.handlers:
                    self.walk(body_of(handler), names, flow)
                for extra in (stmt.orelse, stmt.finalbody):
                    if extra is not None:
                        self.walk(body_of(extra), names, flow)
            elif isinstance(stmt, cst.Match):
                for case in stmt.cases:
                    self.walk(body_of(case), names, flow)

    def small(self, small: cst.BaseSmallStatement, names: dict[str, str]) -> None:
        if isinstance(small, cst.Assign):
            reason = self.reason(small.value, names)
            for target in small.targets:
                self.bind(target.target, reason, names)
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            self.bind(small.target, self.reason(small.value, names), names)
        elif isinstance(small, cst.AugAssign):
            reason = self.reason(small.value, names)
            if reason is not None:
                self.bind(small.target, reason, names)
        elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            # `rows.append([question, answer])`: the list now holds the user's text.
            func = small.value.func
            if isinstance(func, cst.Attribute) and func.attr.value in (
                "append",
                "extend",
                "insert",
            ):
                reasons = (self.reason(a.value, names) for a in small.value.args)
                reason = next((r for r in reasons if r is not None), None)
                if reason is not None:
                    self.bind(func.value, reason, names)

    @staticmethod
    def bind(target: cst.BaseExpression, reason: str | None, names: dict[str, str]) -> None:
        if isinstance(target, cst.Name):
            if reason is None:
                names.pop(target.value, None)
            else:
                names[target.value] = reason
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                EndUserText.bind(element.value, reason, names)
        elif isinstance(target, cst.Subscript) and reason is not None:
            # `payload["question"] = question`: the dict now holds it too.
            EndUserText.bind(target.value, reason, names)

    def reason(self, node: cst.BaseExpression, names: dict[str, str]) -> str | None:
        """Why `node` is end-user text here (a parameter or source), or None."""
        if isinstance(node, cst.Name):
            found = names.get(node.value)
            if found is None and node.value in (self.flask_request or ()):
                return "the Flask request"
            return found
        if isinstance(node, cst.Attribute):
            base = self.reason(node.value, names)
            return base if base is not None and text_field(node.attr.value) else None
        if isinstance(node, cst.Subscript):
            return self.subscript(node, names)
        if isinstance(node, cst.Call):
            return self.call(node, names)
        if isinstance(node, cst.FormattedString):
            parts = (
                self.reason(p.expression, names)
                for p in node.parts
                if isinstance(p, cst.FormattedStringExpression)
            )
            return first(parts)
        if isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, cst.Add | cst.Modulo
        ):
            return first(self.reason(side, names) for side in (node.left, node.right))
        if isinstance(node, cst.BooleanOperation):
            return first(self.reason(side, names) for side in (node.left, node.right))
        if isinstance(node, cst.IfExp):
            return first(self.reason(side, names) for side in (node.body, node.orelse))
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            return first(self.reason(e.value, names) for e in node.elements)
        if isinstance(node, cst.Dict):
            return first(
                self.reason(e.value, names) for e in node.elements if isinstance(e, cst.DictElement)
            )
        if isinstance(node, cst.ListComp | cst.GeneratorExp | cst.SetComp | cst.DictComp):
            return self.comprehension(node, names)
        if isinstance(node, cst.Await):
            return self.reason(node.expression, names)
        if isinstance(node, cst.NamedExpr):
            return self.reason(node.value, names)
        return None

    def subscript(self, node: cst.Subscript, names: dict[str, str]) -> str | None:
        base = self.reason(node.value, names)
        if base is None or len(node.slice) != 1:
            return None
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            key = string_value(index.value)
            if key is not None:
                return base if text_field(key) else None
        return base  # `messages[-1]`, `question[:200]`, `turns[i]`

    def call(self, node: cst.Call, names: dict[str, str]) -> str | None:
        func = node.func
        name = dotted(func)
        if (
            name is not None
            and name in SOURCES
            and not (isinstance(func, cst.Name) and func.value in names)
        ):
            return SOURCES[name]
        args = [a.value for a in node.args]
        if isinstance(func, cst.Name):
            if func.value in KEEPING_BUILTINS and args:
                return self.reason(args[0], names)
            if extracting_helper(func.value):
                return first(self.reason(a, names) for a in args)
            return None
        if name in PASS_THROUGH and args:
            return self.reason(args[0], names)
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        if extracting_helper(method) and method not in ("get", "to"):
            found = first(self.reason(a, names) for a in args)
            if found is not None:
                return found
        receiver = self.reason(func.value, names)
        if method in ("join", "format"):
            return receiver or first(self.reason(a, names) for a in args)
        if receiver is None:
            return None
        if method in TEXT_METHODS or method in CONTENT_METHODS:
            return receiver
        if method == "get" and args:
            key = string_value(args[0])
            return receiver if key is not None and text_field(key) else None
        return None

    def comprehension(
        self,
        node: cst.ListComp | cst.GeneratorExp | cst.SetComp | cst.DictComp,
        names: dict[str, str],
    ) -> str | None:
        inner = dict(names)
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            self.bind(comp.target, self.reason(comp.iter, inner), inner)
            comp = comp.inner_for_in
        element = node.value if isinstance(node, cst.DictComp) else node.elt
        return self.reason(element, inner)


def imported_as(node: cst.ImportFrom, modules: tuple[str, ...], name: str) -> list[str]:
    """Local names of `from <module> import <name> [as x]`."""
    if (
        node.module is None
        or dotted(node.module) not in modules
        or isinstance(node.names, cst.ImportStar)
    ):
        return []
    return [
        (
            alias.asname.name.value
            if alias.asname and isinstance(alias.asname.name, cst.Name)
            else name
        )
        for alias in node.names
        if isinstance(alias.name, cst.Name) and alias.name.value == name
    ]


def first(reasons: Iterable[str | None]) -> str | None:
    return next((r for r in reasons if r is not None), None)


def already_reported(item: LoggedItem, ctx: RuleContext) -> bool:
    """One logged item, one finding: PII101-PII103 come first."""
    anchors = {id(n) for n in (item.anchor, item.key_node, item.value_node) if n is not None}
    return any(id(f.node) in anchors for f in ctx.findings[-4:])
