"""Call handling: what a call returns, and which calls log.

In the order `eval_call` tries them: dynamic imports of tracker modules,
library APIs (`call_api`: tracker sinks and objects, redaction set-up,
maskers, readers, datasets, DataFrame functions), methods of tabular values
and SQL cursors, functions and classes of the project (`apply` reads their
`FunctionSummary`: the call site becomes a sink for the arguments of
parameters that reach one, and the return value is the summary's in terms of
the arguments), builtins, and method calls that mask, read an item or run SQL.
"""

from __future__ import annotations

import libcst as cst

from logmask.rules import frames
from logmask.rules.arguments import CallArguments, is_set, redaction_argument
from logmask.rules.definitions import FunctionInfo
from logmask.rules.expressions import Expressions
from logmask.rules.items import LoggedItem
from logmask.rules.maskers import is_masker, is_redacting_sub
from logmask.rules.sink_dispatch import SinkDispatch
from logmask.rules.sql_flow import SQL_RUNNERS, SQL_TEXT, cursor_method, run_sql
from logmask.rules.statements import Statements
from logmask.rules.summaries import ClassSummary, FunctionSummary, instantiate
from logmask.rules.syntax import last_name
from logmask.rules.trackers import Redaction
from logmask.rules.values import (
    CONTAINER_OF_METHOD,
    MASKED,
    UNKNOWN,
    Entry,
    Scope,
    Value,
    mapping_of,
    merge_params,
)
from logmask.rules.walk import Walk

HF_LOADERS = frozenset({"datasets.load_dataset", "datasets.Dataset.from_csv"})
# Calls that import a module named by a string (LangChain's `guard_import` too).
DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__", "guard_import"})
GETTERS = frozenset({"operator.itemgetter", "operator.attrgetter"})


class Calls:
    """The value of a call, and the sinks it reaches (directly or through project functions)."""

    def __init__(
        self,
        walk: Walk,
        expressions: Expressions,
        statements: Statements,
        sinks: SinkDispatch,
        module_scope: Scope,
    ) -> None:
        self.walk = walk
        self.expressions = expressions
        self.tables = expressions.tables
        self.statements = statements
        self.sinks = sinks
        self.module_scope = module_scope

    def eval_call(self, node: cst.Call, scope: Scope) -> Value:
        evaluate = self.expressions.eval
        func = evaluate(node.func, scope)
        args = self.expressions.eval_args(node.args, scope)
        call = CallArguments(node, args)
        dynamic = self.dynamic_import(last_name(node.func), call)
        if dynamic is not None:
            return dynamic
        if func.kind == "api" and func.api:
            return self.call_api(func.api, node, args)
        if func.kind == "tracker" and func.api:
            return func
        if func.kind == "frame_method" and func.api:
            if func.api in frames.WRITERS:
                self.sinks.note_written(func, call)
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
            return self.expressions.item(args[0], func.text, node.args[0].value)
        if func.kind == "cursor":
            return cursor_method(func, call, scope)
        if func.kind == "mapping_method" and func.api == "get" and args and args[0].text:
            return self.expressions.item(func.with_(kind="mapping", api=None), args[0].text, None)
        if func.kind == "mapping_method" and func.api == "values" and func.entries:
            return Value(kind="list", items=tuple(e.value for e in func.entries))
        if func.kind in CONTAINER_OF_METHOD:
            return self.tables.container_method(func, call, scope)
        name = last_name(node.func)
        definitions = self.walk.definitions
        if isinstance(node.func, cst.Name) and scope.lookup(node.func.value) is None:
            info = definitions.functions.get(node.func.value)
            if info is not None:
                return self.call_function(info, call)
            builtin = self.call_builtin(node.func.value, node, args)
            if builtin is not None:
                return builtin
            if node.func.value in definitions.class_attrs:
                constructor = definitions.methods.get((node.func.value, "__init__"))
                if constructor is not None:
                    self.call_function(constructor, call)
                return Value(kind="instance", label=node.func.value)
        if func.kind == "method" and func.label and func.api:
            info = definitions.methods.get((func.label, func.api))
            if info is not None:
                return self.call_function(info, call)
        if name and is_masker(name, None, self.walk.ctx.options):
            return MASKED
        if isinstance(node.func, cst.Attribute):
            receiver = evaluate(node.func.value, scope)
            if receiver.masked:
                return MASKED
            if name in ("hexdigest", "digest"):
                return MASKED
            if (
                name in frames.ELEMENTWISE
                and node.args
                and self.expressions.is_masker_ref(node.args[0].value, scope)
            ):
                return MASKED
            if name == "sub" and is_redacting_sub(node, pattern_object=True):
                return MASKED
            if name in frames.WRITERS and receiver.params:  # a parameter written to a file
                self.sinks.note_written(receiver, call)
            if name == "get" and args and args[0].text is not None and receiver.kind != "api":
                return self.expressions.item(receiver, args[0].text, node.func.value)
            if name in frames.STRING_KEEPERS and (receiver.name or receiver.params):
                return receiver
            if name in SQL_RUNNERS:
                ran = run_sql(name, call, node.func.value, scope)
                if ran is not None:
                    return ran
        return Value(params=merge_params(func, *args)) if self.walk.function else UNKNOWN

    def dynamic_import(self, name: str | None, call: CallArguments) -> Value | None:
        """`importlib.import_module("mlflow")`, `__import__("wandb")`, `guard_import("mlflow")`."""
        if name not in DYNAMIC_IMPORTERS:
            return None
        module = call.first(("name", "module_name", "module"))
        text = module.text if module is not None else None
        if not text or text.split(".")[0] not in self.walk.trackers.modules:
            return None
        if name == "__import__":
            text = text.split(".")[0]  # `__import__("a.b")` returns `a`
        return Value(kind="api", api=text)

    def call_builtin(self, name: str, node: cst.Call, args: list[Value]) -> Value | None:
        if name == "getattr" and len(args) >= 2 and args[1].text is not None:
            return self.expressions.attribute(args[0], args[1].text, node.args[0].value)
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
            if fn and is_masker(fn, None, self.walk.ctx.options):
                return Value(kind="list", masked=True)
        if name == "hash":
            return MASKED
        return None

    def call_api(self, api: str, node: cst.Call, args: list[Value]) -> Value:
        api = self.walk.trackers.canonical(api)
        for rule in self.walk.rules:
            if not self.walk.quiet:
                rule.on_call(api, node, args, self.walk.ctx)
        for redaction, tracker in self.walk.trackers.redaction.get(api, ()):
            self.register_redaction(redaction, tracker.name, node)
        reset = self.walk.trackers.redaction_resets.get(api)
        if reset is not None and self.walk.function is None:
            # e.g. MLflow drops registered span processors when the tracking URI is set
            # or tracing is reset: module set-up before such a call no longer counts.
            self.walk.ctx.redacted_trackers.discard(reset.name)
        signature = self.walk.trackers.signature(api)
        kind = self.walk.trackers.object_type(api)
        if api in self.walk.trackers.table_types or kind in self.walk.trackers.table_types:
            return self.tables.make_table(CallArguments(node, args), signature)
        if signature is not None:
            self.sinks.sink_call(api, signature, node, args)
        if kind:
            return Value(kind="tracker", api=kind)
        if api in self.walk.trackers.media_types:
            return Value(kind="media", media=True)
        if api in self.walk.trackers.dataset_wrappers:
            inner = CallArguments(node, args).first(("df", "data", "dataset"))
            if inner is not None and inner.kind == "frame":
                return inner.with_(kind="dataset")
            return UNKNOWN
        name = api.rsplit(".", 1)[-1]
        if is_masker(name, api, self.walk.ctx.options):
            return MASKED
        if api in ("re.sub", "regex.sub") and is_redacting_sub(node, pattern_object=False):
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
                self.walk.ctx.suppressed_functions.add(name)
        self.walk.ctx.redacted_trackers.add(tracker)

    # ------------------------------------------------------- project functions
    def call_function(self, info: FunctionInfo, call: CallArguments) -> Value:
        """A call of a function or method of this module: analysed first if need be."""
        if info.state == "new" and not self.walk.quiet:
            self.statements.analyse_function(info, self.module_scope)
        return self.apply(info.summary(), call)

    def apply(self, summary: FunctionSummary, call: CallArguments) -> Value:
        """A call of a summarised function: its parameters' sinks see the arguments,
        and its return value is given in terms of them."""
        bound = call.bind(summary.params)
        walk = self.walk
        if summary.sinks and not walk.quiet:
            saved = walk.via
            walk.via = (*walk.via, summary.name)
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
                        via=walk.via + sink.via,
                    )
                    self.sinks.dispatch(item, expand=sink.shape == "mapping")
            finally:
                walk.via = saved
        if summary.masker:
            return MASKED
        if summary.returns is None:
            return Value(params=merge_params(*call.values)) if walk.function else UNKNOWN
        return instantiate(summary.returns, {p: v for p, (v, _) in bound.items()})
