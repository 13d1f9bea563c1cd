"""PII301-PII303: tracing records personal inputs and nothing redacts them.

Which decorators trace, which calls turn on tracing of every LLM call and
what registers redaction all come from the tracker model
(`logmask.rules.trackers`); this rule only decides what is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from logmask.rules.arguments import is_set, redaction_argument
from logmask.rules.base import DefinedFunction, NodeFix, Rule, RuleContext
from logmask.rules.call_sites import CallSites
from logmask.rules.catalog import PII301, PII302, PII303
from logmask.rules.fixes import code_of
from logmask.rules.trackers import AutoTrace, Tracker
from logmask.rules.values import Value


@dataclass(frozen=True, slots=True)
class Traced:
    """A function traced by a tracker's decorator."""

    function: DefinedFunction
    decorator: cst.Decorator
    api: str
    tracker: Tracker


class Tracing(Rule):
    docs = (PII301, PII302, PII303)

    def __init__(self) -> None:
        self.traced: list[Traced] = []
        self.auto: list[tuple[cst.Call, AutoTrace, Tracker]] = []
        self.functions: dict[str, DefinedFunction] = {}
        self.wrapped: list[tuple[cst.Call, str, str, Tracker]] = []
        # The module runs an evaluation: traced text is dataset rows (PII302/PII303 quiet).
        self.evaluating = False
        # Every project file importing this module runs an evaluation (asked lazily).
        self.imported_by_evaluations: bool | None = None
        self.call_sites: CallSites | None = None

    def on_function(self, function: DefinedFunction, ctx: RuleContext) -> None:
        self.functions.setdefault(function.node.name.value, function)
        model = ctx.trackers
        if model is None:
            return
        for decorator, api in zip(function.node.decorators, function.decorators, strict=False):
            tracker = model.trace_decorators.get(api)
            if tracker is not None:
                if not self.redacted_by_decorator(decorator, api, ctx):
                    self.traced.append(Traced(function, decorator, api, tracker))
                return

    def on_call(self, api: str, call: cst.Call, args: list[Value], ctx: RuleContext) -> None:
        model = ctx.trackers
        if model is None:
            return
        if api in model.evaluations:
            self.evaluating = True
        found = model.auto_tracing.get(api)
        if found is not None:
            auto, tracker = found
            switched_off = auto.switch and not argument_set(call, auto.switch, missing=True)
            redacted = any(argument_set(call, path) for path in auto.redacted_by)
            if not (switched_off or redacted):
                self.auto.append((call, auto, tracker))
            return
        decorating = model.trace_decorators.get(api)
        positional = [a for a in call.args if a.keyword is None and not a.star]
        # `traced = weave.op(fn)`: the function is traced where it is defined.
        if (
            decorating is not None
            and positional
            and isinstance(positional[0].value, cst.Name)
            and not any(self.redacts(a, api, ctx) for a in call.args)
        ):
            self.wrapped.append((call, positional[0].value.value, api, decorating))

    def authored_only(self, node: cst.FunctionDef, name: str, ctx: RuleContext) -> bool:
        """Every call in this module (which nothing imports) passes authored or dataset text."""
        if ctx.module is None or ctx.imported_in_project():
            return False
        if self.call_sites is None:
            self.call_sites = CallSites(ctx.module)
        return self.call_sites.authored_only(node, name)

    def evaluation_module(self, ctx: RuleContext) -> bool:
        """Only evaluation harnesses import this module: its traced text is dataset rows."""
        if self.imported_by_evaluations is None:
            model = ctx.trackers
            evaluations = model.evaluations if model is not None else frozenset()
            self.imported_by_evaluations = bool(evaluations) and ctx.evaluation_only(evaluations)
        return self.imported_by_evaluations

    @staticmethod
    def redacts(arg: cst.Arg, api: str, ctx: RuleContext) -> bool:
        model = ctx.trackers
        keywords = model.op_redaction.get(api, ()) if model is not None else ()
        return arg.keyword is not None and arg.keyword.value in keywords

    def redacted_by_decorator(self, decorator: cst.Decorator, api: str, ctx: RuleContext) -> bool:
        """`@weave.op(postprocess_inputs=scrub)`: this function's inputs are redacted."""
        call = decorator.decorator
        return isinstance(call, cst.Call) and any(self.redacts(a, api, ctx) for a in call.args)

    def on_module_end(self, ctx: RuleContext) -> None:
        for call, name, api, tracker in self.wrapped:
            function = self.functions.get(name)
            if function is not None and not any(
                t.function.node is function.node for t in self.traced
            ):
                self.check_function(function, None, api, tracker, ctx, wrapped_at=call)
        for traced in self.traced:
            if traced.function.node.name.value in ctx.suppressed_functions:
                continue
            self.check_function(traced.function, traced.decorator, traced.api, traced.tracker, ctx)
        for call, auto, tracker in self.auto:
            if self.evaluating or self.evaluation_module(ctx):
                break
            if auto.patches and not (
                ctx.imports_any(auto.patches) or ctx.project_imports_library(auto.patches)
            ):
                continue
            if auto.redactable and ctx.redaction_registered(tracker.name):
                continue
            missing = redactor(tracker) if auto.redactable else "nothing"
            ctx.report(
                "PII303",
                call,
                f"{auto.label} traces prompts and completions and {missing} redacts them",
                "medium",
                self.auto_fix(tracker, call) if auto.redactable else None,
            )

    def check_function(
        self,
        function: DefinedFunction,
        decorator: cst.Decorator | None,
        api: str,
        tracker: Tracker,
        ctx: RuleContext,
        wrapped_at: cst.Call | None = None,
    ) -> None:
        if ctx.redaction_registered(tracker.name):
            return
        node = function.node
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        names = [p.name.value for p in params if p.name.value not in ("self", "cls")]
        fix = self.function_fix(tracker, decorator, wrapped_at)
        for name in names:
            evidence = ctx.classify(name)
            if evidence is not None and ctx.confident(evidence.confidence):
                ctx.report(
                    "PII301",
                    node.name,
                    f"traced function '{node.name.value}' records parameter '{name}' "
                    f"({evidence.term}, {evidence.category}) and {redactor(tracker)} "
                    "redacts it",
                    evidence.confidence,
                    fix,
                )
                return
        for name, fields in function.record_params.items():
            found = next(((f, e) for f in fields if (e := ctx.classify(f, owner=name))), None)
            if found is not None and ctx.confident(found[1].confidence):
                key, evidence = found
                ctx.report(
                    "PII301",
                    node.name,
                    f"traced function '{node.name.value}' records parameter '{name}' whose "
                    f"field '{key}' ({evidence.term}, {evidence.category}) is personal, and "
                    f"{redactor(tracker)} redacts it",
                    evidence.confidence,
                    fix,
                )
                return
        if self.evaluating or self.evaluation_module(ctx):
            return  # an evaluation's free text is its dataset's
        for name in names:
            term = ctx.classifier.free_text(name)
            if term is not None and not self.authored_only(node, name, ctx):
                ctx.report(
                    "PII302",
                    node.name,
                    f"traced function '{node.name.value}' records free text '{name}' and "
                    f"{redactor(tracker)} redacts it",
                    "medium",
                    fix,
                )
                return

    def function_fix(
        self, tracker: Tracker, decorator: cst.Decorator | None, wrapped_at: cst.Call | None
    ) -> NodeFix | None:
        """Redact at the decorator (that function only) when the tracker can, else set-up."""
        setup = tracker.fix("decorator")
        target: cst.BaseExpression | None = (
            decorator.decorator if decorator is not None else wrapped_at
        )
        if setup is None or target is None:
            return self.module_fix(tracker)
        return NodeFix(
            message=setup.message,
            replacements=((target, add_keywords(target, setup.code)),),
            imports=setup.imports,
            safe=setup.safe,
        )

    def auto_fix(self, tracker: Tracker, call: cst.Call) -> NodeFix | None:
        """Redact at the auto-tracing call when the tracker can (`weave.init(...)`), else set-up."""
        setup = tracker.fix("call")
        if setup is None:
            return self.module_fix(tracker)
        return NodeFix(
            message=setup.message,
            replacements=((call, add_keywords(call, setup.code)),),
            imports=setup.imports,
            safe=setup.safe,
        )

    @staticmethod
    def module_fix(tracker: Tracker) -> NodeFix | None:
        setup = tracker.fix("module")
        if setup is None:
            return None
        return NodeFix(
            message=setup.message,
            module_setup=setup.code,
            imports=setup.imports,
            safe=setup.safe,
        )


def redactor(tracker: Tracker) -> str:
    """How the message names what is missing ("no span processor" for MLflow)."""
    return tracker.missing_redaction


def argument_set(call: cst.Call, path: tuple[str, ...], missing: bool = False) -> bool:
    """Is the argument at `path` set (see `redaction_argument`)? `missing` if it is absent."""
    found = redaction_argument(call, path)
    return missing if found is None else is_set(found)


def add_keywords(target: cst.BaseExpression, keywords: str) -> str:
    """`weave.op` -> `weave.op(k=v)`; `weave.op(name="x")` -> `weave.op(name="x", k=v)`.

    Keywords the call already has are kept as they are.
    """
    if not isinstance(target, cst.Call):
        return f"{{}}({keywords})"
    present = {a.keyword.value for a in target.args if a.keyword is not None}
    keywords = ", ".join(
        part.strip()
        for part in keywords.split(",")
        if part.strip() and part.split("=")[0].strip() not in present
    )
    text = code_of(target)
    head, _, _ = text.rpartition(")")
    inner = head[len(code_of(target.func)) :].strip()
    body = inner[1:].rstrip().rstrip(",").rstrip() if inner.startswith("(") else ""
    separator = ", " if body else ""
    return f"{code_of(target.func)}({body}{separator}{keywords})"
