"""How tabular data flows through a module: DataFrames, tables, records, datasets.

A component of the expression evaluator (`expressions.py`, which it reaches
only through the small `Evaluator` protocol), also used by the call handling
and the sink dispatch: these methods compute the `Value` of calls and
subscripts on tabular data (their known columns, source and masked columns),
consulting the data tables in `frames.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import libcst as cst

from logmask.evidence.datasets import people_dataset
from logmask.evidence.sources import personal_source
from logmask.rules import frames
from logmask.rules.arguments import CallArguments
from logmask.rules.base import RuleContext
from logmask.rules.sinks import Signature
from logmask.rules.sql_flow import select_columns
from logmask.rules.values import (
    CONTAINER_OF_METHOD,
    UNKNOWN,
    Entry,
    Scope,
    Value,
    constant_text,
    mapping_of,
    merge_params,
    string_items,
)


class Evaluator(Protocol):
    """What the tabular component needs from the expression evaluator that owns it."""

    ctx: RuleContext

    def eval(self, node: cst.CSTNode, scope: Scope) -> Value: ...

    def is_masker_ref(self, node: cst.CSTNode, scope: Scope) -> bool: ...


class TabularFlow:
    """The DataFrame / table / records part of the module analysis."""

    def __init__(self, host: Evaluator) -> None:
        self.host = host

    def index_frame(self, frame: Value, node: cst.Subscript, scope: Scope, loc: bool) -> Value:
        elements = list(node.slice)
        if loc:
            if len(elements) < 2:
                return frame
            elements = elements[1:]
        if len(elements) != 1 or not isinstance(elements[0].slice, cst.Index):
            return frame
        key = self.host.eval(elements[0].slice.value, scope)
        if frame.splits and key.text is not None:
            return frame.with_(splits=False)  # a split: ds["train"]
        if key.text is not None:
            return self.column(frame, key.text)
        names = string_items(key)
        if names is not None:
            return self.project(frame, names)
        return frame

    @staticmethod
    def column(frame: Value, name: str) -> Value:
        """One column of a frame: `df["email"]`, `df.get("email")`."""
        return Value(
            name=name,
            owner=frame.label,
            masked=frame.masked or name in frame.masked_columns,
            params=frame.params,
        )

    def project(self, frame: Value, names: Sequence[str]) -> Value:
        return frame.with_(
            columns=tuple(names),
            open_columns=False,
            source=None,
            masked_columns=frame.masked_columns & set(names),
        )

    def drop_columns(self, frame: Value, names: Sequence[str]) -> Value:
        dropped_personal = any(self.host.ctx.classifier.classify(n) is not None for n in names)
        return frame.with_(
            columns=tuple(c for c in frame.columns if c not in names),
            dropped_personal=frame.dropped_personal or dropped_personal,
        )

    def make_table(self, call: CallArguments, signature: Signature | None) -> Value:
        columns: tuple[str, ...] = ()
        open_columns = False
        source = None
        masked = False
        params: frozenset[str] = frozenset()
        masked_columns: frozenset[str] = frozenset()
        dropped = False
        label: str | None = None
        origin: cst.CSTNode = call.call
        bound = call.by_signature(signature) if signature is not None else iter(())
        for param, _, value in bound:
            params |= value.params
            if param.shape == "columns":
                names = string_items(value)
                if names is not None:
                    columns = tuple(names)
                else:
                    open_columns = True
            elif param.shape in ("records", "table"):
                if value.kind in ("frame", "records", "table", "dataset") or (
                    value.kind == "mapping" and value.columns
                ):
                    if not columns:
                        columns = value.columns
                    open_columns = open_columns or value.open_columns
                    source = source or value.source
                    masked_columns |= value.masked_columns
                    dropped = dropped or value.dropped_personal
                    label = label or value.label
                    origin = value.origin or origin
                masked = masked or value.masked
        return Value(
            kind="table",
            columns=columns,
            open_columns=open_columns,
            source=source,
            masked=masked,
            masked_columns=masked_columns,
            dropped_personal=dropped,
            params=params,
            origin=origin,
            label=label,
            media=True,
        )

    def frame_function(self, name: str, call: CallArguments) -> Value:
        if name in frames.FRAME_CONSTRUCTORS:
            data = call.first(("data",))
            columns = call.keyword("columns")
            names = string_items(columns) if columns is not None else None
            frame = Value(kind="frame", origin=call.call)
            if data is not None:
                if data.masked:
                    return frame.with_(masked=True)
                if data.kind == "mapping" and data.entries is not None:
                    keys = tuple(e.key for e in data.entries if e.key is not None)
                    masked = frozenset(e.key for e in data.entries if e.key and e.value.masked)
                    frame = frame.with_(columns=keys, masked_columns=masked)
                elif data.kind in ("records", "frame", "table", "mapping"):
                    frame = frame.with_(
                        columns=data.columns,
                        open_columns=data.open_columns,
                        source=data.source,
                        masked_columns=data.masked_columns,
                    )
                else:
                    frame = frame.with_(open_columns=True, params=data.params)
            if names is not None:
                frame = frame.with_(columns=tuple(names), open_columns=False)
            return frame
        if frames.is_reader(name):
            target = call.first(("filepath_or_buffer", "path", "sql", "io", "source"))
            text = constant_text(target)
            source = personal_source(text) if text else None
            usecols = call.keyword("usecols") or call.keyword("columns")
            names = string_items(usecols) if usecols is not None else None
            if names is None and text:
                names = select_columns(text)
            if names is not None:
                return Value(kind="frame", columns=tuple(names), source=source, origin=call.call)
            if source is None:
                return UNKNOWN
            return Value(kind="frame", open_columns=True, source=source, origin=call.call)
        if name in frames.FRAME_PASSTHROUGH:
            data = call.first(("data", "df"))
            if data is not None and data.kind == "frame":
                return data.with_(open_columns=True)
        if name in frames.COMBINERS:
            parts = [a for a in call.values if a.kind in ("frame", "dataset")]
            for value in call.values:
                if value.kind == "frames":
                    parts.extend(value.items)
            if parts:
                return self.union(parts)
        return UNKNOWN

    @staticmethod
    def dataset_loader(api: str, call: CallArguments) -> Value | None:
        """`fetch_openml("adult")`: a listed library dataset whose rows are people."""
        name = call.first(("name", "dataset"))
        found = people_dataset(api, name.text if name is not None else None)
        if found is None:
            return None
        return Value(kind="frame", columns=found.columns, source=found.people, origin=call.call)

    def hf_dataset(self, call: CallArguments) -> Value:
        """`load_dataset("csv", data_files="customers.csv")`: rows from a personal source."""
        texts = [constant_text(call.keyword("data_files"))]
        texts.append(constant_text(call.first(("path",))))
        source = next((personal_source(t) for t in texts if t and personal_source(t)), None)
        if source is None:
            return UNKNOWN
        return Value(kind="frame", open_columns=True, source=source, origin=call.call, splits=True)

    def union(self, parts: Sequence[Value]) -> Value:
        columns: list[str] = []
        for part in parts:
            for c in part.columns:
                if c not in columns:
                    columns.append(c)
        first = parts[0]
        return first.with_(
            kind="frame",
            columns=tuple(columns),
            open_columns=any(p.open_columns for p in parts),
            source=next((p.source for p in parts if p.source), None),
            masked=all(p.masked for p in parts),
            masked_columns=frozenset.intersection(*(p.masked_columns for p in parts)),
            params=merge_params(*parts),
        )

    def frame_method(self, frame: Value, method: str, call: CallArguments, scope: Scope) -> Value:
        frame = frame.with_(kind="frame", api=None)
        result = self.frame_method_result(frame, method, call, scope)
        inplace = call.keyword_node("inplace")
        receiver = call.receiver
        if receiver and "." not in receiver:
            if isinstance(inplace, cst.Name) and inplace.value == "True":
                scope.bind(receiver, result.with_(label=frame.label))
                return UNKNOWN
            if method == "pop":
                key = call.first(("item",))
                if key is not None and key.text is not None:
                    scope.bind(receiver, self.drop_columns(frame, [key.text]))
                    return Value(name=key.text, owner=frame.label)
        return result

    def frame_method_result(
        self, frame: Value, method: str, call: CallArguments, scope: Scope
    ) -> Value:
        if method in frames.SAME_COLUMNS:
            return frame
        if method in frames.PROJECTIONS:
            chosen = call.first(("items",))
            names = string_items(chosen) if chosen is not None else None
            return self.project(frame, names) if names is not None else frame
        if method in frames.DROPS:
            chosen = call.keyword("columns")
            if chosen is None:
                chosen = call.first(("labels",))
            names = string_items(chosen) if chosen is not None else None
            return self.drop_columns(frame, names) if names is not None else frame
        if method in frames.RENAMES:
            mapping = call.keyword("columns") or call.first(("mapper",))
            if mapping is not None and mapping.kind == "mapping" and mapping.entries is not None:
                renames = {e.key: e.value.text for e in mapping.entries if e.key and e.value.text}
                return frame.with_(columns=tuple(renames.get(c, c) for c in frame.columns))
            return frame
        if method in frames.ASSIGNS:
            columns = list(frame.columns)
            masked = set(frame.masked_columns)
            for arg, value in call.args:
                if arg.keyword is None:
                    continue
                key = arg.keyword.value
                if key not in columns:
                    columns.append(key)
                if value.masked:
                    masked.add(key)
                else:
                    masked.discard(key)
            return frame.with_(columns=tuple(columns), masked_columns=frozenset(masked))
        if method in frames.UNIONS:
            other = call.first(("right", "other"))
            if other is not None and other.kind == "frame":
                return self.union([frame, other])
            return frame.with_(open_columns=True)
        if method in ("iterrows", "itertuples", "items"):
            return frame.with_(kind="rows", label=frame.label or frame.source)
        if method == "to_dict":
            orient = call.first(("orient",))
            if orient is not None and orient.text in ("records", "index"):
                return frame.with_(kind="records")
            return frame.with_(kind="records")
        if method in frames.ELEMENTWISE:
            if call.args and self.host.is_masker_ref(call.args[0][0].value, scope):
                return frame.with_(masked=True)
            return UNKNOWN
        return UNKNOWN

    def container_method(self, container: Value, call: CallArguments, scope: Scope) -> Value:
        method = container.api or ""
        kind = CONTAINER_OF_METHOD[container.kind]
        value = container.with_(kind=kind, api=None)
        receiver = call.receiver
        if kind == "list" and not value.items and method in ("append", "extend", "insert"):
            kind, value = "records", value.with_(kind="records")
        if kind == "records" and method in ("append", "extend", "insert") and receiver:
            added = call.values[-1] if call.args else UNKNOWN
            columns = list(value.columns)
            if added.kind == "mapping" and added.entries is not None:
                for e in added.entries:
                    if e.key is not None and e.key not in columns:
                        columns.append(e.key)
            elif added.kind == "records":
                columns.extend(c for c in added.columns if c not in columns)
            scope.bind(receiver, value.with_(columns=tuple(columns)))
            return UNKNOWN
        if kind == "mapping" and method == "update" and receiver and value.entries is not None:
            added = call.values[0] if call.args else UNKNOWN
            new_entries = list(value.entries)
            if added.kind == "mapping" and added.entries is not None:
                new_entries.extend(added.entries)
            for arg, arg_value in call.args:
                if arg.keyword is not None:
                    key = Value(kind="literal", text=arg.keyword.value)
                    new_entries.append(
                        Entry(arg.keyword.value, arg.keyword, arg_value, arg.value, key)
                    )
            scope.bind(receiver, mapping_of(new_entries).with_(label=value.label))
            return UNKNOWN
        if kind == "table" and method == "add_data" and receiver:
            # Each row's values, under their columns: `run.log({"t": table})` logs them.
            plain = [(a, v) for a, v in call.args if a.keyword is None and not a.star]
            rows = list(value.entries or ())
            for position, (arg, added) in enumerate(plain):
                column = value.columns[position] if position < len(value.columns) else None
                rows.append(Entry(column, None, added, arg.value))
            scope.bind(receiver, value.with_(entries=tuple(rows)))
            return UNKNOWN
        if method in ("copy",):
            return value
        if kind == "dataset" and method in ("to_pandas", "df"):
            return value.with_(kind="frame")
        return UNKNOWN
