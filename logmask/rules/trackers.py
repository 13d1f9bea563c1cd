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

    With `patches`, only when the module imports one of those libraries
    (`weave.init` patches the LLM clients it finds).
    """

    api: str
    label: str
    patches: frozenset[str] = frozenset()


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
        "attributes:mapping",
        "mlflow.update_current_trace": "tags:mapping, metadata:mapping, client_request_id:-, "
        "request_preview:text, response_preview:text",
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
)

BUILTIN: tuple[Tracker, ...] = (WANDB, MLFLOW)


# ----------------------------------------------------------------- the model


class TrackerModel:
    """The rows merged into look-ups: built-in trackers, then the user's (which win)."""

    def __init__(self, rows: Iterable[Tracker] = BUILTIN) -> None:
        self.rows = tuple(rows)
        signatures: dict[str, str] = {}
        self.objects: dict[str, str] = {}
        self.attributes: dict[str, str] = {}
        self.bases: dict[str, tuple[str, ...]] = {}
        self.assignments: dict[str, frozenset[str]] = {}
        self.trace_decorators: dict[str, Tracker] = {}
        self.auto_tracing: dict[str, tuple[AutoTrace, Tracker]] = {}
        self.redaction: dict[str, list[tuple[Redaction, Tracker]]] = {}
        self.op_redaction: dict[str, tuple[str, ...]] = {}
        self.redaction_resets: dict[str, Tracker] = {}
        self.personal_keys: dict[str, str] = {}
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
            self.assignments.update(row.assignments)
            self.trace_decorators.update(dict.fromkeys(row.trace_decorators, row))
            self.auto_tracing.update({a.api: (a, row) for a in row.auto_tracing})
            for redaction in row.redaction:
                self.redaction.setdefault(redaction.api, []).append((redaction, row))
            self.op_redaction.update(row.op_redaction)
            self.redaction_resets.update(dict.fromkeys(row.redaction_resets, row))
            self.personal_keys.update(row.personal_keys)
            dataset_wrappers |= row.dataset_wrappers
            media |= row.media_types
            anonymous |= row.anonymous_init
            tables |= row.table_types
            modules |= row.modules
        self.signatures = signatures
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
        self.modules = frozenset(modules | {api.split(".")[0] for api in self.apis()})

    def apis(self) -> frozenset[str]:
        """Every API the analysis reacts to (the candidate stage keeps files reaching one)."""
        return frozenset(
            {
                *self.signatures,
                *self.objects,
                *self.attributes,
                *self.trace_decorators,
                *self.auto_tracing,
                *self.redaction,
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
