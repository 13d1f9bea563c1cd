"""PII301-PII303: MLflow tracing records personal inputs and no span processor redacts them."""

from __future__ import annotations

import libcst as cst

from logmask.rules.base import NodeFix, Rule, RuleContext
from logmask.rules.catalog import PII301, PII302, PII303, REDACTION_SETUP
from logmask.rules.sinks import GENAI_AUTOLOG_FLAVORS, TRACE_DECORATORS, TRACING_CALLBACKS
from logmask.rules.values import Value


class Tracing(Rule):
    docs = (PII301, PII302, PII303)

    def __init__(self) -> None:
        self.traced: list[tuple[cst.FunctionDef, RuleContext]] = []
        self.autologs: list[tuple[cst.Call, str]] = []

    def on_function(self, node: cst.FunctionDef, decorators: list[str], ctx: RuleContext) -> None:
        if any(d in TRACE_DECORATORS for d in decorators):
            self.traced.append((node, ctx))

    def on_call(self, api: str, call: cst.Call, args: list[Value], ctx: RuleContext) -> None:
        parts = api.split(".")
        autolog = len(parts) == 3 and parts[0] == "mlflow" and parts[2] == "autolog"
        if autolog and parts[1] in GENAI_AUTOLOG_FLAVORS:
            self.autologs.append((call, f"mlflow.{parts[1]}.autolog()"))
        elif api in TRACING_CALLBACKS:
            self.autologs.append((call, api.rsplit(".", 1)[-1]))

    def on_module_end(self, ctx: RuleContext) -> None:
        if not (self.traced or self.autologs) or ctx.processors_registered():
            return
        fix = self.fix(ctx)
        for node, _ in self.traced:
            if node.name.value in ctx.suppressed_functions:
                continue
            self.check_function(node, ctx, fix)
        for call, tracer in self.autologs:
            ctx.statement = None
            ctx.report(
                "PII303",
                call,
                f"{tracer} traces prompts and completions and no span processor redacts them",
                "medium",
                fix,
            )

    def check_function(self, node: cst.FunctionDef, ctx: RuleContext, fix: NodeFix) -> None:
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        names = [p.name.value for p in params if p.name.value not in ("self", "cls")]
        ctx.statement = None
        for name in names:
            evidence = ctx.classify(name)
            if evidence is not None and ctx.confident(evidence.confidence):
                ctx.report(
                    "PII301",
                    node.name,
                    f"traced function '{node.name.value}' records parameter '{name}' "
                    f"({evidence.term}, {evidence.category}) and no span processor redacts it",
                    evidence.confidence,
                    fix,
                )
                return
        for name in names:
            term = ctx.classifier.free_text(name)
            if term is not None:
                ctx.report(
                    "PII302",
                    node.name,
                    f"traced function '{node.name.value}' records free text '{name}' and no "
                    "span processor redacts it",
                    "medium",
                    fix,
                )
                return

    @staticmethod
    def fix(ctx: RuleContext) -> NodeFix:
        return NodeFix(
            message="Register logmask.redact_span as an MLflow span processor",
            module_setup=REDACTION_SETUP,
            imports=("import logmask", "import mlflow"),
            safe=False,
        )
