"""What a tracker is, as data: one `Tracker` row per tracker, merged into one `TrackerModel`.

A row says everything the linter knows about a tracker: its sinks (API ->
signature, see `logmask.rules.sinks`), the objects its calls return and the
attributes that are tracker objects, the decorators that trace a function,
the calls that turn on tracing of every LLM call (autologgers, auto-patching
inits, tracer callbacks), the calls that register redaction (and the keyword
that must be set for it to count), the calls that undo it, and the set-up the
fix inserts. The prefilter's module names, the candidate stage, the data-flow
analysis, the rules and the fixes all read the model; nothing else lists
tracker APIs. Users add rows in ``[tool.logmask.trackers.<name>]``
(`parse_tracker_table`), and ``sinks`` / ``objects`` at the top level form one
more row.

Type names (``wandb.Run``, ``mlflow.Span``) stand for objects that trackers
return; methods are written on them (``wandb.Run.log``). A type may extend
others (``bases``): its methods and attributes are looked up there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from logmask.rules.sinks import Signature, parse_signature

# ----------------------------------------------------------------- the row


@dataclass(frozen=True, slots=True)
class AutoTrace:
    """A call after which every LLM call is traced (PII303 unless redaction is registered).

    With `patches`, only when the module imports one of those modules or a
    submodule of one (`weave.init` patches the LLM clients it finds).
    """

    api: str
    label: str
    patches: frozenset[str] = frozenset()
    # Argument paths of this call that redact what it traces (see `Redaction`).
    redacted_by: tuple[tuple[str, ...], ...] = ()
    # An argument path whose literal False turns the auto-tracing off.
    switch: tuple[str, ...] = ()
    # False: the tracker's registered redaction does not reach it (it logs elsewhere).
    redactable: bool = True


@dataclass(frozen=True, slots=True)
class Redaction:
    """A call that makes tracing record redacted data when the argument at `path` is set.

    `path` is a keyword, then dict keys or keyword arguments inside it:
    ``("settings", "redact_pii")`` matches ``settings={"redact_pii": True}``
    and ``settings=UserSettings(redact_pii=True)``. A literal ``False``,
    ``None``, ``0``, ``""`` or an empty list there does not count.
    """

    api: str
    path: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Setup:
    """What the fix adds so that tracing redacts: where, the code, and how safe that is.

    where = "module": a statement after the imports (process-wide);
    "decorator": keyword arguments added to the trace decorator (that function only);
    "call": keyword arguments added to the auto-tracing call.
    """

    where: str
    code: str
    message: str
    imports: tuple[str, ...] = ()
    safe: bool = False


@dataclass(frozen=True)
class Tracker:
    name: str
    modules: frozenset[str] = frozenset()
    signatures: Mapping[str, str] = field(default_factory=dict)
    objects: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, str] = field(default_factory=dict)
    bases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # API prefix -> the prefix it is another public spelling of (`mlflow.tracing.fluent`).
    aliases: Mapping[str, str] = field(default_factory=dict)
    # type -> attributes whose assignment logs ("*": any attribute or item).
    assignments: Mapping[str, frozenset[str]] = field(default_factory=dict)
    trace_decorators: frozenset[str] = frozenset()
    auto_tracing: tuple[AutoTrace, ...] = ()
    redaction: tuple[Redaction, ...] = ()
    # trace decorator -> its keywords that redact that function's inputs.
    op_redaction: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    redaction_resets: frozenset[str] = frozenset()
    fixes: tuple[Setup, ...] = ()
    dataset_wrappers: frozenset[str] = frozenset()
    media_types: frozenset[str] = frozenset()
    # Keys the tracker reserves for a person (name -> category).
    personal_keys: Mapping[str, str] = field(default_factory=dict)
    anonymous_init: frozenset[str] = frozenset()
    table_types: frozenset[str] = frozenset()
    # Calls that make a module an evaluation harness: what its traced functions and
    # auto-traced LLM calls receive is dataset rows, not end users' text.
    evaluations: frozenset[str] = frozenset()
    # What the finding says is missing: "... and nothing redacts it".
    missing_redaction: str = "nothing"

    def fix(self, where: str) -> Setup | None:
        return next((f for f in self.fixes if f.where == where), None)


# ----------------------------------------------------------------- W&B

WANDB = Tracker(
    name="wandb",
    modules=frozenset({"wandb"}),
    signatures={
        "wandb.log": "data:mapping",
        "wandb.Run.log": "data:mapping",
        "wandb.init": "entity:-, project:-, dir:-, id:-, name:value, notes:text, tags:value, "
        "config:mapping, group:value, job_type:value",
        "wandb.Table": "columns:columns, data:records, rows:records, dataframe:table",
        "wandb.Config.update": "d:mapping",
        "wandb.Config.setdefaults": "d:mapping",
        "wandb.Summary.update": "d:mapping",
        "wandb.save": "glob_str:path",
        "wandb.Run.save": "glob_str:path",
        "wandb.Artifact.add_file": "local_path:path",
        "wandb.Artifact.add_dir": "local_path:path",
        "wandb.Artifact.add": "obj:table, name:-",
        "wandb.Run.log_artifact": "artifact_or_path:path",
        "wandb.log_artifact": "artifact_or_path:path",
        "wandb.alert": "title:text, text:text",
        "wandb.Image": "data_or_path:-, mode:-, caption:text",
        "wandb.Audio": "data_or_path:-, sample_rate:-, caption:text",
        "wandb.Video": "data_or_path:-, caption:text",
        "wandb.Html": "data:text",
        "wandb.Run.alert": "title:text, text:text",
        # LLM trace trees (wandb.sdk.data_types.trace_tree)
        "wandb.sdk.data_types.trace_tree.Trace": "name:-, kind:-, status_code:-, "
        "status_message:-, metadata:mapping, start_time_ms:-, end_time_ms:-, inputs:mapping, "
        "outputs:mapping, model_dict:-",
        "wandb.Trace.add_inputs_and_outputs": "inputs:mapping, outputs:mapping",
        "wandb.Trace.add_metadata": "metadata:mapping",
    },
    objects={
        "wandb.init": "wandb.Run",
        "wandb.sdk.wandb_run.Run": "wandb.Run",
        "wandb.Run": "wandb.Run",
        "wandb.wandb_sdk.wandb_run.Run": "wandb.Run",
        "wandb.Artifact": "wandb.Artifact",
        "wandb.Run.use_artifact": "wandb.Artifact",
        "wandb.use_artifact": "wandb.Artifact",
        "wandb.Table": "wandb.Table",
        "wandb.sdk.data_types.trace_tree.Trace": "wandb.Trace",
    },
    attributes={
        "wandb.run": "wandb.Run",
        "wandb.config": "wandb.Config",
        "wandb.Run.config": "wandb.Config",
        "wandb.summary": "wandb.Summary",
        "wandb.Run.summary": "wandb.Summary",
    },
    assignments={
        "wandb.Config": frozenset({"*"}),
        "wandb.Summary": frozenset({"*"}),
        "wandb.Run": frozenset({"name", "notes", "tags", "group", "job_type"}),
    },
    media_types=frozenset(
        {
            "wandb.Table",
            "wandb.Image",
            "wandb.Audio",
            "wandb.Video",
            "wandb.Html",
            "wandb.Object3D",
            "wandb.Molecule",
            "wandb.Plotly",
            "wandb.data_types.Table",
        }
    ),
    anonymous_init=frozenset({"wandb.init"}),
    table_types=frozenset({"wandb.Table"}),
    # W&B's LLM integrations record every prompt; W&B has no redaction hook for them.
    auto_tracing=(
        *(
            AutoTrace(api, "WandbTracer")
            for api in (
                "wandb.integration.langchain.WandbTracer",
                "wandb.integration.langchain.WandbTracer.init",
                "wandb.integration.langchain.wandb_tracer.WandbTracer",
                "wandb.integration.langchain.wandb_tracer.WandbTracer.init",
            )
        ),
        AutoTrace("wandb.integration.openai.autolog", "wandb.integration.openai.autolog()"),
        AutoTrace("wandb.integration.cohere.autolog", "wandb.integration.cohere.autolog()"),
        *(
            AutoTrace(f"{module}.{name}", name)
            for module in (
                "langchain.callbacks",
                "langchain_community.callbacks",
                "langchain_community.callbacks.wandb_callback",
                "langchain_community.callbacks.tracers.wandb",
            )
            for name in ("WandbCallbackHandler", "WandbTracer", "wandb_tracing_enabled")
        ),
    ),
)

# ----------------------------------------------------------------- MLflow

# `mlflow.<flavor>.autolog()` for these flavors traces prompts and completions.
MLFLOW_GENAI_FLAVORS = (
    "openai",
    "langchain",
    "anthropic",
    "llama_index",
    "dspy",
    "litellm",
    "gemini",
    "bedrock",
    "mistral",
    "groq",
    "autogen",
    "ag2",
    "crewai",
    "smolagents",
    "openai_agents",
    "pydantic_ai",
    "strands",
    "haystack",
    "semantic_kernel",
    "txtai",
    "agno",
    "deepseek",
    "cohere",
    "langgraph",
    "google_genai",
    "mcp",
)

MLFLOW_SETUP = Setup(
    where="module",
    code="mlflow.tracing.configure(span_processors=[logmask.redact_span])",
    message="Register logmask.redact_span as an MLflow span processor",
    imports=("import logmask", "import mlflow"),
    safe=False,
)

MLFLOW = Tracker(
    name="mlflow",
    modules=frozenset({"mlflow"}),
    signatures={
        "mlflow.log_param": "key:key, value:value",
        "mlflow.log_params": "params:mapping",
        "mlflow.log_metric": "key:key, value:-",
        "mlflow.log_metrics": "metrics:mapping",
        "mlflow.set_tag": "key:key, value:value",
        "mlflow.set_tags": "tags:mapping",
        "mlflow.set_experiment_tag": "key:key, value:value",
        "mlflow.set_experiment_tags": "tags:mapping",
        "mlflow.log_dict": "dictionary:mapping, artifact_file:-",
        "mlflow.log_text": "text:text, artifact_file:-",
        "mlflow.log_table": "data:table, artifact_file:-",
        "mlflow.log_input": "dataset:table, context:-, tags:mapping",
        "mlflow.log_inputs": "datasets:table",
        "mlflow.log_artifact": "local_path:path",
        "mlflow.log_artifacts": "local_dir:path",
        "mlflow.start_run": "run_id:-, experiment_id:-, run_name:value, nested:-, "
        "parent_run_id:-, tags:mapping, description:text",
        "mlflow.*.log_model": "input_example:table",
        "mlflow.evaluate": "model:-, data:table",
        "mlflow.genai.evaluate": "data:table",
        "mlflow.start_span": "name:-, span_type:-, attributes:mapping",
        "mlflow.start_span_no_context": "name:-, span_type:-, parent_span:-, inputs:mapping, "
        "attributes:mapping, tags:mapping, metadata:mapping",
        "mlflow.update_current_trace": "tags:mapping, metadata:mapping, client_request_id:-, "
        "request_preview:text, response_preview:text, state:-, model_id:-, session_id:-, "
        "user:value",
        "mlflow.log_feedback": "trace_id:-, name:-, value:value, source:-, error:-, "
        "rationale:text, metadata:mapping, span_id:-",
        "mlflow.log_expectation": "trace_id:-, name:-, value:value, source:-, "
        "metadata:mapping, span_id:-",
        "mlflow.Span.set_inputs": "inputs:mapping",
        "mlflow.Span.set_outputs": "outputs:mapping",
        "mlflow.Span.set_attribute": "key:key, value:value",
        "mlflow.Span.set_attributes": "attributes:mapping",
        # the client: run id first
        "mlflow.MlflowClient.log_param": "run_id:-, key:key, value:value",
        "mlflow.MlflowClient.log_metric": "run_id:-, key:key, value:-",
        "mlflow.MlflowClient.set_tag": "run_id:-, key:key, value:value",
        "mlflow.MlflowClient.set_experiment_tag": "experiment_id:-, key:key, value:value",
        "mlflow.MlflowClient.log_dict": "run_id:-, dictionary:mapping, artifact_file:-",
        "mlflow.MlflowClient.log_text": "run_id:-, text:text, artifact_file:-",
        "mlflow.MlflowClient.log_table": "run_id:-, data:table, artifact_file:-",
        "mlflow.MlflowClient.log_artifact": "run_id:-, local_path:path",
        "mlflow.MlflowClient.log_artifacts": "run_id:-, local_dir:path",
        "mlflow.MlflowClient.create_run": "experiment_id:-, start_time:-, tags:mapping, "
        "run_name:value",
        "mlflow.MlflowClient.set_trace_tag": "trace_id:-, key:key, value:value",
        "mlflow.MlflowClient.start_span": "name:-, trace_id:-, parent_id:-, span_type:-, "
        "inputs:mapping, attributes:mapping",
        "mlflow.MlflowClient.start_trace": "name:-, span_type:-, inputs:mapping, "
        "attributes:mapping, tags:mapping",
        "mlflow.MlflowClient.end_span": "trace_id:-, span_id:-, outputs:mapping, "
        "attributes:mapping",
        "mlflow.MlflowClient.end_trace": "trace_id:-, outputs:mapping, attributes:mapping",
    },
    objects={
        "mlflow.MlflowClient": "mlflow.MlflowClient",
        "mlflow.tracking.MlflowClient": "mlflow.MlflowClient",
        "mlflow.client.MlflowClient": "mlflow.MlflowClient",
        "mlflow.tracking.client.MlflowClient": "mlflow.MlflowClient",
        "mlflow.start_run": "mlflow.ActiveRun",
        "mlflow.active_run": "mlflow.ActiveRun",
        "mlflow.start_span": "mlflow.Span",
        "mlflow.start_span_no_context": "mlflow.Span",
        "mlflow.get_current_active_span": "mlflow.Span",
        "mlflow.MlflowClient.start_span": "mlflow.Span",
        "mlflow.MlflowClient.start_trace": "mlflow.Span",
        "mlflow.entities.Span": "mlflow.Span",
        "mlflow.entities.LiveSpan": "mlflow.Span",
        "mlflow.entities.span.Span": "mlflow.Span",
        "mlflow.entities.span.LiveSpan": "mlflow.Span",
        "mlflow.tracing.fluent.start_span": "mlflow.Span",
    },
    # mlflow 3 re-exports the fluent tracing API and assessments at the top level.
    aliases={"mlflow.tracing.fluent": "mlflow", "mlflow.tracing.assessment": "mlflow"},
    trace_decorators=frozenset({"mlflow.trace", "mlflow.tracing.trace"}),
    auto_tracing=(
        *(AutoTrace(f"mlflow.{f}.autolog", f"mlflow.{f}.autolog()") for f in MLFLOW_GENAI_FLAVORS),
        *(
            AutoTrace(api, "MlflowLangchainTracer")
            for api in (
                "mlflow.langchain.langchain_tracer.MlflowLangchainTracer",
                "mlflow.langchain.MlflowLangchainTracer",
            )
        ),
        # LangChain's own MLflow callback logs prompts to runs, not spans: processors
        # do not reach it.
        *(
            AutoTrace(f"{module}.MlflowCallbackHandler", "MlflowCallbackHandler", redactable=False)
            for module in (
                "langchain.callbacks",
                "langchain_community.callbacks",
                "langchain_community.callbacks.mlflow_callback",
            )
        ),
    ),
    redaction=(
        Redaction("mlflow.tracing.configure", ("span_processors",)),
        Redaction("mlflow.tracing.config.configure", ("span_processors",)),
    ),
    # MLflow 3 drops the span processors when the tracking URI changes or tracing resets.
    redaction_resets=frozenset(
        {"mlflow.set_tracking_uri", "mlflow.tracking.set_tracking_uri", "mlflow.tracing.reset"}
    ),
    fixes=(MLFLOW_SETUP,),
    missing_redaction="no span processor",
    dataset_wrappers=frozenset(
        {
            "mlflow.data.from_pandas",
            "mlflow.data.from_numpy",
            "mlflow.data.from_spark",
            "mlflow.data.from_polars",
            "mlflow.data.pandas_dataset.from_pandas",
        }
    ),
    personal_keys={"mlflow.trace.user": "identity.id"},
    evaluations=frozenset({"mlflow.evaluate", "mlflow.genai.evaluate"}),
)


# ----------------------------------------------------------------- W&B Weave

# Libraries whose LLM calls `weave.init` patches when the module imports them
# (weave 0.54, `weave.integrations.patch.INTEGRATION_MODULE_MAPPING`).
WEAVE_PATCHED = frozenset(
    {
        "agents",
        "openai",
        "anthropic",
        "mistralai",
        "groq",
        "litellm",
        "cerebras",
        "cohere",
        "google.adk",
        "google.genai",
        "google.generativeai",
        "vertexai",
        "huggingface_hub",
        "instructor",
        "dspy",
        "crewai",
        "crewai_tools",
        "notdiamond",
        "mcp",
        "langchain",
        "langchain_core",
        "langchain_openai",
        "langchain_anthropic",
        "langchain_community",
        "langchain_nvidia_ai_endpoints",
        "llama_index",
        "smolagents",
        "claude_agent_sdk",
        "autogen",
    }
)
WEAVE_PATCHERS = (
    "patch_openai",
    "patch_anthropic",
    "patch_mistral",
    "patch_groq",
    "patch_litellm",
    "patch_cerebras",
    "patch_cohere",
    "patch_google_genai",
    "patch_vertexai",
    "patch_huggingface",
    "patch_instructor",
    "patch_dspy",
    "patch_crewai",
    "patch_notdiamond",
    "patch_langchain",
    "patch_llamaindex",
    "patch_smolagents",
    "patch_autogen",
    "patch_openai_agents",
    "patch_claude_agent_sdk",
    "patch_nvidia",
    "patch_fastmcp",
)
WEAVE_RECORD_REDACTION = "postprocess_inputs=logmask.redact_inputs, " + (
    "postprocess_output=logmask.redact_output"
)

WEAVE = Tracker(
    name="weave",
    modules=frozenset({"weave"}),
    signatures={
        "weave.Dataset": "name:-, description:text, ref:-, rows:records",
        "weave.dataset.Dataset": "name:-, description:text, ref:-, rows:records",
        "weave.Table": "rows:records",
        "weave.publish": "obj:table, name:-",
        "weave.Evaluation": "name:-, description:-, ref:-, dataset:records",
        "weave.EvaluationLogger": "name:-, model:-, dataset:records, eval_attributes:mapping",
        "weave.EvaluationLogger.log_prediction": "inputs:mapping",
        "weave.attributes": "attributes:mapping",
        "weave.log_call": "op:-, inputs:mapping, output:-, parent:-, attributes:mapping",
    },
    objects={"weave.EvaluationLogger": "weave.EvaluationLogger"},
    evaluations=frozenset({"weave.Evaluation", "weave.EvaluationLogger"}),
    aliases={"weave.trace.api": "weave", "weave.trace.op": "weave"},
    trace_decorators=frozenset({"weave.op"}),
    op_redaction={"weave.op": ("postprocess_inputs",)},
    auto_tracing=(
        AutoTrace(
            "weave.init",
            "weave.init() with an LLM client library",
            patches=WEAVE_PATCHED,
            switch=("settings", "implicitly_patch_integrations"),
        ),
        *(
            AutoTrace(
                f"weave.integrations.{name}",
                f"weave.integrations.{name}()",
                redacted_by=(("settings", "op_settings", "postprocess_inputs"),),
            )
            for name in WEAVE_PATCHERS
        ),
        AutoTrace(
            "weave.integrations.openai_agents.openai_agents.WeaveTracingProcessor",
            "WeaveTracingProcessor",
        ),
    ),
    # Client-wide: every op and every patched LLM call of the process.
    redaction=(
        Redaction("weave.init", ("settings", "redact_pii")),
        Redaction("weave.init", ("postprocess_inputs",)),
        Redaction("weave.init", ("global_postprocess_inputs",)),
    ),
    fixes=(
        Setup(
            where="decorator",
            code=WEAVE_RECORD_REDACTION,
            message="Record this op's inputs and output through logmask.redact_inputs / "
            "redact_output",
            imports=("import logmask",),
            safe=True,
        ),
        Setup(
            where="call",
            code=WEAVE_RECORD_REDACTION,
            message="Record every op and patched LLM call of this client through "
            "logmask.redact_inputs / redact_output",
            imports=("import logmask",),
            safe=False,
        ),
    ),
)

# ----------------------------------------------------------------- framework loggers


def _spellings(modules: Iterable[str], names: Iterable[str]) -> list[str]:
    return [f"{m}.{n}" for m in modules for n in names]


LIGHTNING_LOGGERS = {
    # class -> (submodule, the tracker type of its `.experiment`)
    "WandbLogger": ("wandb", "wandb.Run"),
    "MLFlowLogger": ("mlflow", "mlflow.MlflowClient"),
    "CometLogger": ("comet", None),
    "NeptuneLogger": ("neptune", None),
}
LIGHTNING_PACKAGES = ("lightning.pytorch", "pytorch_lightning")
LIGHTNING_MODULES = (
    "lightning.LightningModule",
    *_spellings(
        LIGHTNING_PACKAGES,
        ("LightningModule", "core.LightningModule", "core.module.LightningModule"),
    ),
)

LIGHTNING = Tracker(
    name="lightning",
    signatures={
        "lightning.Logger.log_hyperparams": "params:mapping",
        "lightning.Logger.log_metrics": "metrics:mapping, step:-",
        "lightning.Logger.log_table": "key:-, columns:columns, data:records, dataframe:table, "
        "step:-",
        "lightning.Logger.log_text": "key:-, columns:columns, data:records, dataframe:table, "
        "step:-",
        # a generic logger's `.experiment`: a W&B run or an MLflow client
        "lightning.Experiment.log": "data:mapping",
    },
    objects={
        **{
            api: f"lightning.{name}"
            for name, (sub, _) in LIGHTNING_LOGGERS.items()
            for api in _spellings(
                [f"{p}.loggers" for p in LIGHTNING_PACKAGES]
                + [f"{p}.loggers.{sub}" for p in LIGHTNING_PACKAGES],
                [name],
            )
        },
        **dict.fromkeys(
            ["lightning.Trainer", *_spellings(LIGHTNING_PACKAGES, ["Trainer"])], "lightning.Trainer"
        ),
    },
    attributes={
        **{f"lightning.{n}.experiment": t for n, (_, t) in LIGHTNING_LOGGERS.items() if t},
        "lightning.Logger.experiment": "lightning.Experiment",
        "lightning.Trainer.logger": "lightning.Logger",
        **{f"{module}.logger": "lightning.Logger" for module in LIGHTNING_MODULES},
    },
    bases={
        **{f"lightning.{name}": ("lightning.Logger",) for name in LIGHTNING_LOGGERS},
        "lightning.Experiment": ("wandb.Run", "mlflow.MlflowClient"),
    },
)

ACCELERATE = Tracker(
    name="accelerate",
    signatures={
        "accelerate.Accelerator.init_trackers": "project_name:-, config:mapping, init_kwargs:-",
        "accelerate.Accelerator.log": "values:mapping, step:-, log_kwargs:-",
        "accelerate.Tracker.log": "values:mapping, step:-",
        "accelerate.Tracker.store_init_configuration": "values:mapping",
    },
    objects={
        "accelerate.Accelerator": "accelerate.Accelerator",
        "accelerate.accelerator.Accelerator": "accelerate.Accelerator",
        "accelerate.Accelerator.get_tracker": "accelerate.Tracker",
        # subclasses of GeneralTracker are trackers too
        "accelerate.tracking.GeneralTracker": "accelerate.Tracker",
    },
    attributes={"accelerate.Tracker.tracker": "wandb.Run"},
    # `get_tracker("wandb", unwrap=True)` is the run itself.
    bases={"accelerate.Tracker": ("wandb.Run",)},
)

BUILTIN: tuple[Tracker, ...] = (WANDB, MLFLOW, WEAVE, LIGHTNING, ACCELERATE)


# ----------------------------------------------------------------- the model


class TrackerModel:
    """The rows merged into look-ups: built-in trackers, then the user's (which win)."""

    def __init__(self, rows: Iterable[Tracker] = BUILTIN) -> None:
        self.rows = tuple(rows)
        signatures: dict[str, str] = {}
        self.objects: dict[str, str] = {}
        self.attributes: dict[str, str] = {}
        self.bases: dict[str, tuple[str, ...]] = {}
        self.aliases: dict[str, str] = {}
        self.assignments: dict[str, frozenset[str]] = {}
        self.trace_decorators: dict[str, Tracker] = {}
        self.auto_tracing: dict[str, tuple[AutoTrace, Tracker]] = {}
        self.redaction: dict[str, list[tuple[Redaction, Tracker]]] = {}
        self.op_redaction: dict[str, tuple[str, ...]] = {}
        self.redaction_resets: dict[str, Tracker] = {}
        self.personal_keys: dict[str, str] = {}
        evaluations: set[str] = set()
        dataset_wrappers: set[str] = set()
        media: set[str] = set()
        anonymous: set[str] = set()
        tables: set[str] = set()
        modules: set[str] = set()
        for row in self.rows:
            signatures.update(row.signatures)
            self.objects.update(row.objects)
            self.attributes.update(row.attributes)
            self.bases.update(row.bases)
            self.aliases.update(row.aliases)
            self.assignments.update(row.assignments)
            self.trace_decorators.update(dict.fromkeys(row.trace_decorators, row))
            self.auto_tracing.update({a.api: (a, row) for a in row.auto_tracing})
            for redaction in row.redaction:
                self.redaction.setdefault(redaction.api, []).append((redaction, row))
            self.op_redaction.update(row.op_redaction)
            self.redaction_resets.update(dict.fromkeys(row.redaction_resets, row))
            self.personal_keys.update(row.personal_keys)
            evaluations |= row.evaluations
            dataset_wrappers |= row.dataset_wrappers
            media |= row.media_types
            anonymous |= row.anonymous_init
            tables |= row.table_types
            modules |= row.modules
        self.signatures = signatures
        self.evaluations = frozenset(evaluations)
        self.dataset_wrappers = frozenset(dataset_wrappers)
        self.media_types = frozenset(media)
        self.anonymous_init = frozenset(anonymous)
        self.table_types = frozenset(tables)
        self._exact: dict[str, Signature] = {}
        self._wild: list[tuple[str, str, Signature]] = []
        for api, text in signatures.items():
            sig = parse_signature(api, text)
            if "*" in api:
                head, _, tail = api.partition("*")
                self._wild.append((head, tail, sig))
            else:
                self._exact[api] = sig
        self.modules = frozenset(modules | {api.split(".")[0] for api in self._apis()})

    def canonical(self, api: str) -> str:
        """The spelling the table uses (`mlflow.tracing.fluent.trace` -> `mlflow.trace`)."""
        for alias, target in self.aliases.items():
            if api.startswith(alias) and api[len(alias) : len(alias) + 1] == ".":
                return target + api[len(alias) :]
        return api

    def apis(self) -> frozenset[str]:
        """Every API the analysis reacts to (the candidate stage keeps files reaching one),
        in every spelling."""
        names = self._apis()
        spelled = {
            alias + name[len(target) :]
            for alias, target in self.aliases.items()
            for name in names
            if name.startswith(target + ".")
        }
        return names | spelled

    def _apis(self) -> frozenset[str]:
        return frozenset(
            {
                *self.signatures,
                *self.objects,
                *self.attributes,
                *self.trace_decorators,
                *self.auto_tracing,
                *self.redaction,
                *self.evaluations,
                *self.media_types,
                *self.dataset_wrappers,
            }
        )

    def _types(self, api: str) -> Iterable[str]:
        """`T.member` itself, then `B.member` for each base B of type T (breadth first)."""
        yield api
        owner, _, member = api.rpartition(".")
        seen = {owner}
        queue = list(self.bases.get(owner, ()))
        while queue:
            base = queue.pop(0)
            if base in seen:
                continue
            seen.add(base)
            yield f"{base}.{member}"
            queue.extend(self.bases.get(base, ()))

    def signature(self, api: str) -> Signature | None:
        for name in self._types(api):
            sig = self._exact.get(name) or self._wild_signature(name)
            if sig is not None:
                return sig
        return None

    def _wild_signature(self, api: str) -> Signature | None:
        for head, tail, wild in self._wild:
            if api.startswith(head) and api.endswith(tail):
                middle = api[len(head) : len(api) - len(tail)]
                if middle and "." not in middle:
                    return wild
        return None

    def object_type(self, api: str) -> str | None:
        """The tracker type a call to `api` returns (or the class `api` names)."""
        return next((self.objects[n] for n in self._types(api) if n in self.objects), None)

    def attribute_type(self, api: str) -> str | None:
        """The tracker type of the attribute `api` (`wandb.run`, `wandb.Run.config`)."""
        return next((self.attributes[n] for n in self._types(api) if n in self.attributes), None)

    def assignable(self, kind: str) -> frozenset[str] | None:
        """Attributes of tracker type `kind` whose assignment logs (None: none)."""
        for name in (kind, *self.bases.get(kind, ())):
            if name in self.assignments:
                return self.assignments[name]
        return None


@cache
def builtin_model() -> TrackerModel:
    """The model of the built-in rows (for code that runs without a configuration)."""
    return TrackerModel(BUILTIN)


# ----------------------------------------------------------------- user rows

DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_*]\w*)+$")
ROW_KEYS = {
    "modules": "names",
    "evaluations": "apis",
    "sinks": "table",
    "objects": "table",
    "attributes": "table",
    "trace-decorators": "apis",
    "auto-tracing": "apis",
    "redaction": "table",
    "op-redaction": "table",
    "redaction-resets": "apis",
    "setup": "string",
}


def parse_tracker_table(name: str, table: Mapping[str, Any]) -> Tracker:
    """One ``[tool.logmask.trackers.<name>]`` table as a row; ValueError names the bad key."""
    where = f"trackers.{name}"
    if not isinstance(table, Mapping):
        raise ValueError(f"{where} must be a table")
    for key, value in table.items():
        kind = ROW_KEYS.get(key)
        if kind is None:
            raise ValueError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(ROW_KEYS))})")
        _check(f"{where}.{key}", kind, value)
    signatures = dict(table.get("sinks", {}))
    for api, text in signatures.items():
        parse_signature(api, text)
    redaction = tuple(
        Redaction(api, tuple(path.split("."))) for api, path in table.get("redaction", {}).items()
    )
    op_redaction = {
        api: tuple(k.strip() for k in keywords.split(",") if k.strip())
        for api, keywords in table.get("op-redaction", {}).items()
    }
    fixes: tuple[Setup, ...] = ()
    if "setup" in table:
        code = table["setup"]
        roots = sorted({m.group(1) for m in re.finditer(r"(?<![\w.])(\w+)\.", code)})
        fixes = (
            Setup(
                where="module",
                code=code,
                message=f"Add the {name} redaction set-up",
                imports=tuple(f"import {root}" for root in roots),
                safe=False,
            ),
        )
    return Tracker(
        name=name,
        modules=frozenset(table.get("modules", ())),
        signatures=signatures,
        objects=dict(table.get("objects", {})),
        attributes=dict(table.get("attributes", {})),
        trace_decorators=frozenset(table.get("trace-decorators", ())),
        auto_tracing=tuple(
            AutoTrace(api, api.rsplit(".", 1)[-1]) for api in table.get("auto-tracing", ())
        ),
        redaction=redaction,
        op_redaction=op_redaction,
        redaction_resets=frozenset(table.get("redaction-resets", ())),
        fixes=fixes,
        evaluations=frozenset(table.get("evaluations", ())),
    )


def _check(where: str, kind: str, value: object) -> None:
    if kind == "string":
        if not isinstance(value, str):
            raise ValueError(f"{where} must be a string")
        return
    if kind in ("names", "apis"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{where} must be a list of strings")
        if kind == "apis":
            for api in value:
                _dotted(where, api)
        return
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} must be a table")
    for key, item in value.items():
        _dotted(where, key)
        if not isinstance(item, str):
            raise ValueError(f"{where}.{key} must be a string")


def _dotted(where: str, api: str) -> None:
    if not DOTTED.match(api):
        raise ValueError(f"{where}: {api!r} is not a dotted name such as 'tracely.trace'")


def user_rows(
    sinks: Mapping[str, str],
    objects: Mapping[str, str],
    trackers: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[Tracker, ...]:
    """The built-in rows plus the configured ones (top-level `sinks`/`objects` are one row)."""
    rows = [*BUILTIN]
    if sinks or objects:
        rows.append(Tracker(name="configured", signatures=dict(sinks), objects=dict(objects)))
    for name, table in (trackers or {}).items():
        rows.append(parse_tracker_table(name, table))
    return tuple(rows)
