"""The sink table: which tracker API receives logged data, in which argument, in which shape.

This is data, not code. Each API is written like a signature,
``"param:shape, param:shape"``: a positional argument at index *i* matches
the *i*-th parameter, a keyword argument matches by name. Users extend the
table for other trackers in ``[tool.logmask]`` with the same syntax.

Shapes:
    key       a logged key name (paired with ``value`` of the same call)
    value     one logged value (personal names of variables, literals)
    mapping   a dict of key -> value (nested dicts recurse)
    table     a DataFrame, column dict, records list or wandb.Table
    records   a list of rows (dicts) or of row lists
    columns   a list of column names (paired with ``records`` of the same call)
    text      free text (literal values and variable names are checked)
    path      a local file or folder that is uploaded
    -         not logged (run ids, artifact file names, ...)

Type names (``wandb.Run``, ``mlflow.Span``) stand for objects that trackers
return; methods are written on them (``wandb.Run.log``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SHAPES = frozenset({"key", "value", "mapping", "table", "records", "columns", "text", "path", "-"})

# Attributes that are tracker objects.
ATTRIBUTES: dict[str, str] = {
    "wandb.run": "wandb.Run",
    "wandb.config": "wandb.Config",
    "wandb.Run.config": "wandb.Config",
    "wandb.summary": "wandb.Summary",
    "wandb.Run.summary": "wandb.Summary",
}

# What a call returns (or a class annotation stands for): tracker objects with sink methods.
OBJECTS: dict[str, str] = {
    # wandb
    "wandb.init": "wandb.Run",
    "wandb.sdk.wandb_run.Run": "wandb.Run",
    "wandb.Run": "wandb.Run",
    "wandb.wandb_sdk.wandb_run.Run": "wandb.Run",
    "wandb.Artifact": "wandb.Artifact",
    "wandb.Run.use_artifact": "wandb.Artifact",
    "wandb.use_artifact": "wandb.Artifact",
    "wandb.Table": "wandb.Table",
    # mlflow
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
}

# API -> signature of the data it receives. `*` in an API stands for one name (a flavor).
SIGNATURES: dict[str, str] = {
    # --- wandb ---
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
    # --- mlflow fluent ---
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
    "mlflow.start_run": "run_id:-, experiment_id:-, run_name:value, nested:-, parent_run_id:-, "
    "tags:mapping, description:text",
    "mlflow.*.log_model": "input_example:table",
    "mlflow.evaluate": "model:-, data:table",
    "mlflow.genai.evaluate": "data:table",
    "mlflow.start_span": "name:-, span_type:-, attributes:mapping",
    "mlflow.start_span_no_context": "name:-, span_type:-, parent_span:-, inputs:mapping, "
    "attributes:mapping",
    "mlflow.update_current_trace": "tags:mapping, metadata:mapping, client_request_id:-, "
    "request_preview:text, response_preview:text",
    "mlflow.log_feedback": "trace_id:-, name:-, value:value, source:-, error:-, rationale:text, "
    "metadata:mapping, span_id:-",
    "mlflow.log_expectation": "trace_id:-, name:-, value:value, source:-, metadata:mapping, "
    "span_id:-",
    "mlflow.Span.set_inputs": "inputs:mapping",
    "mlflow.Span.set_outputs": "outputs:mapping",
    "mlflow.Span.set_attribute": "key:key, value:value",
    "mlflow.Span.set_attributes": "attributes:mapping",
    # --- mlflow client (run id first) ---
    "mlflow.MlflowClient.log_param": "run_id:-, key:key, value:value",
    "mlflow.MlflowClient.log_metric": "run_id:-, key:key, value:-",
    "mlflow.MlflowClient.set_tag": "run_id:-, key:key, value:value",
    "mlflow.MlflowClient.set_experiment_tag": "experiment_id:-, key:key, value:value",
    "mlflow.MlflowClient.log_dict": "run_id:-, dictionary:mapping, artifact_file:-",
    "mlflow.MlflowClient.log_text": "run_id:-, text:text, artifact_file:-",
    "mlflow.MlflowClient.log_table": "run_id:-, data:table, artifact_file:-",
    "mlflow.MlflowClient.log_artifact": "run_id:-, local_path:path",
    "mlflow.MlflowClient.log_artifacts": "run_id:-, local_dir:path",
    "mlflow.MlflowClient.create_run": "experiment_id:-, start_time:-, tags:mapping, run_name:value",
    "mlflow.MlflowClient.set_trace_tag": "trace_id:-, key:key, value:value",
    "mlflow.MlflowClient.start_span": "name:-, trace_id:-, parent_id:-, span_type:-, "
    "inputs:mapping, attributes:mapping",
    "mlflow.MlflowClient.start_trace": "name:-, span_type:-, inputs:mapping, attributes:mapping, "
    "tags:mapping",
    "mlflow.MlflowClient.end_span": "trace_id:-, span_id:-, outputs:mapping, attributes:mapping",
    "mlflow.MlflowClient.end_trace": "trace_id:-, outputs:mapping, attributes:mapping",
}

# Functions whose result is a dataset wrapping a DataFrame (its columns and source flow through).
DATASET_WRAPPERS = frozenset(
    {
        "mlflow.data.from_pandas",
        "mlflow.data.from_numpy",
        "mlflow.data.from_spark",
        "mlflow.data.from_polars",
        "mlflow.data.pandas_dataset.from_pandas",
    }
)

# Tracers and autologgers (PII3xx).
TRACE_DECORATORS = frozenset({"mlflow.trace", "mlflow.tracing.trace"})
SPAN_PROCESSOR_SETUP = frozenset({"mlflow.tracing.configure", "mlflow.tracing.config.configure"})
# Calls after which MLflow no longer has the span processors configured before them.
TRACING_RESETS = frozenset({"mlflow.set_tracking_uri", "mlflow.tracing.reset"})
GENAI_AUTOLOG_FLAVORS = frozenset(
    {
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
    }
)

# Tracker objects whose attributes / items are logged when assigned: type -> attributes
# ("*" for any attribute or item): `wandb.config.lr = ...`, `run.summary["x"] = ...`.
ASSIGNMENT_SINKS: dict[str, frozenset[str]] = {
    "wandb.Config": frozenset({"*"}),
    "wandb.Summary": frozenset({"*"}),
    "wandb.Run": frozenset({"name", "notes", "tags", "group", "job_type"}),
}

# Callbacks that trace every prompt like an autologger does (PII303).
TRACING_CALLBACKS = frozenset(
    {
        "mlflow.langchain.langchain_tracer.MlflowLangchainTracer",
        "mlflow.langchain.MlflowLangchainTracer",
    }
)

# Keys that trackers reserve for a person (MLflow's trace user).
PERSONAL_KEYS = {"mlflow.trace.user": "identity.id"}

# wandb.init(anonymous=...) and the media types that make an anonymous run leak (PII401).
ANONYMOUS_INIT = frozenset({"wandb.init"})
MEDIA_TYPES = frozenset(
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
)

# Top-level modules whose presence makes a file worth parsing (the prefilter).
TRACKER_MODULES = frozenset({"wandb", "mlflow"})


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    shape: str


@dataclass(frozen=True, slots=True)
class Signature:
    api: str
    params: tuple[Param, ...]

    def bind(self, positional: int, keyword: str | None) -> Param | None:
        """The parameter an argument lands on: by position, or by keyword name."""
        if keyword is not None:
            return next((p for p in self.params if p.name == keyword), None)
        return self.params[positional] if positional < len(self.params) else None


def parse_signature(api: str, text: str) -> Signature:
    params = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, shape = part.partition(":")
        name, shape = name.strip(), shape.strip()
        if shape not in SHAPES:
            raise ValueError(f"sink {api!r}: unknown shape {shape!r} for {name!r}")
        params.append(Param(name, shape))
    return Signature(api, tuple(params))


class SinkTable:
    """Look-ups into the signatures and object types, built-in plus configured."""

    def __init__(
        self,
        extra_signatures: Mapping[str, str] | None = None,
        extra_objects: Mapping[str, str] | None = None,
    ) -> None:
        signatures = {**SIGNATURES, **(extra_signatures or {})}
        self.objects = {**OBJECTS, **(extra_objects or {})}
        self._exact: dict[str, Signature] = {}
        self._wild: list[tuple[str, str, Signature]] = []
        for api, text in signatures.items():
            sig = parse_signature(api, text)
            if "*" in api:
                head, _, tail = api.partition("*")
                self._wild.append((head, tail, sig))
            else:
                self._exact[api] = sig
        roots = {api.split(".")[0] for api in signatures} | {
            name.split(".")[0] for name in self.objects
        }
        self.modules = frozenset(roots | TRACKER_MODULES)

    def signature(self, api: str) -> Signature | None:
        sig = self._exact.get(api)
        if sig is not None:
            return sig
        for head, tail, wild in self._wild:
            if api.startswith(head) and api.endswith(tail):
                middle = api[len(head) : len(api) - len(tail)]
                if middle and "." not in middle:
                    return wild
        return None

    def object_type(self, api: str) -> str | None:
        """The tracker type a call to `api` returns (or the class `api` names)."""
        return self.objects.get(api) or None

    def attribute_type(self, api: str) -> str | None:
        """The tracker type of the attribute `api` (`wandb.run`, `wandb.Run.config`)."""
        return ATTRIBUTES.get(api)
