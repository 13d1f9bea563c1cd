"""PII301-PII303: MLflow tracing records personal inputs and no span processor redacts them."""

from __future__ import annotations

import libcst as cst

from logmask.rules.base import NodeFix, Rule, RuleContext, RuleDoc
from logmask.rules.sinks import GENAI_AUTOLOG_FLAVORS, TRACE_DECORATORS, TRACING_CALLBACKS
from logmask.rules.values import Value

SETUP = "mlflow.tracing.configure(span_processors=[logmask.redact_span])"

PII301 = RuleDoc(
    code="PII301",
    name="traced-personal-parameters",
    summary="An @mlflow.trace function takes personal parameters and no span processor is "
    "registered.",
    why=(
        "`@mlflow.trace` records every argument of the call as the span's inputs. A parameter "
        "called `customer_email` or `user_id` sends that person's data to the trace store "
        "on every call, unless a span processor redacts it first."
    ),
    leaking=("import mlflow\n\n\n@mlflow.trace\ndef lookup(customer_email: str):\n    return 1\n"),
    fixed=(
        "import logmask\nimport mlflow\n\n"
        f"{SETUP}\n\n\n@mlflow.trace\ndef lookup(customer_email: str):\n    return 1\n"
    ),
    fix_safety="Unsafe: it adds process-wide tracing set-up to the module (`--unsafe-fixes`).",
    flag=("import mlflow\n\n@mlflow.trace(name='x')\ndef f(user_id, query):\n    pass\n",),
    no_flag=(
        "import mlflow\n\n@mlflow.trace\ndef add(a: int, b: int):\n    return a + b\n",
        "import mlflow\n\ndef lookup(customer_email):\n    pass\n",
        "import mlflow\nimport logmask\n"
        f"{SETUP}\n\n@mlflow.trace\ndef f(customer_email):\n    pass\n",
    ),
)

PII302 = RuleDoc(
    code="PII302",
    name="traced-free-text",
    summary="An @mlflow.trace function takes end-user free text and no span processor is "
    "registered.",
    why=(
        "Prompts, messages and questions are written by people and carry their names, "
        "addresses and numbers. A traced function records them verbatim."
    ),
    leaking="import mlflow\n\n\n@mlflow.trace\ndef predict(text: str):\n    return text\n",
    fixed=(
        "import logmask\nimport mlflow\n\n"
        f"{SETUP}\n\n\n@mlflow.trace\ndef predict(text: str):\n    return text\n"
    ),
    fix_safety="Unsafe: it adds process-wide tracing set-up to the module.",
    no_flag=("import mlflow\n\n@mlflow.trace\ndef score(logits, threshold=0.5):\n    pass\n",),
)

PII303 = RuleDoc(
    code="PII303",
    name="autolog-without-redaction",
    summary="GenAI autologging records prompts and no span processor is registered.",
    why=(
        "`mlflow.openai.autolog()`, `mlflow.langchain.autolog()` and the other GenAI flavors "
        "trace every prompt and completion, including what end users typed."
    ),
    leaking="import mlflow\n\nmlflow.langchain.autolog()\n",
    fixed=f"import logmask\nimport mlflow\n\n{SETUP}\n\nmlflow.langchain.autolog()\n",
    fix_safety="Unsafe: it adds process-wide tracing set-up to the module.",
    no_flag=("import mlflow\n\nmlflow.sklearn.autolog()\n",),
)


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
            module_setup=SETUP,
            imports=("import logmask", "import mlflow"),
            safe=False,
        )
