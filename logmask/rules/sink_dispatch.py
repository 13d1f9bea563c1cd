"""Turning what reaches a sink into `LoggedItem`s for the rules.

A tracker call's arguments are bound to its sink signature (the tracker
table's data) and become one item per key, value, mapping entry, table, text
or uploaded path; assignments such as `run.summary["name"] = x` log too.
Every item goes to each rule's `on_item`; when no rule reports it and it
came from a parameter of the function being analysed, it becomes part of
that function's summary instead (its callers' arguments are then logged).
"""

from __future__ import annotations

import libcst as cst

from logmask.rules.arguments import CallArguments
from logmask.rules.definitions import ParamUse
from logmask.rules.items import LoggedItem
from logmask.rules.sinks import Signature
from logmask.rules.tabular_flow import TabularFlow
from logmask.rules.values import UNKNOWN, Value, constant_text
from logmask.rules.walk import Walk


class SinkDispatch:
    """Binds sink arguments, remembers files written from frames, and hands items to rules."""

    def __init__(self, walk: Walk, tables: TabularFlow) -> None:
        self.walk = walk
        self.tables = tables
        self.written: dict[str, Value] = {}  # file path -> the frame written to it

    def sink_call(self, api: str, signature: Signature, node: cst.Call, args: list[Value]) -> None:
        key: tuple[Value, cst.CSTNode] | None = None
        value: tuple[Value, cst.CSTNode] | None = None
        tabular: tuple[str, ...] = ()
        if any(p.shape == "columns" for p in signature.params):
            # `log_table(key, columns=[...], data=rows)`: the columns name the rows' fields,
            # so the arguments are one table, as for `wandb.Table(...)`.
            table = self.tables.make_table(CallArguments(node, args), signature)
            if table.columns or table.open_columns or table.source:
                self.dispatch(LoggedItem(api, "table", table, node))
            tabular = ("table", "records", "columns")
        for param, arg, arg_value in CallArguments(node, args).by_signature(signature):
            if param.shape == "-" or param.shape in tabular:
                continue
            if param.shape == "key":
                key = (arg_value, arg.value)
            elif param.shape == "value":
                value = (arg_value, arg.value)
            elif param.shape == "mapping":
                self.dispatch(
                    LoggedItem(api, "mapping", arg_value, arg.value, key=None), expand=True
                )
            elif param.shape in ("table", "records", "columns"):
                self.dispatch(LoggedItem(api, "table", arg_value, arg.value))
            elif param.shape == "path":
                uploaded = self.uploaded_file(arg_value)
                self.dispatch(LoggedItem(api, "path", uploaded, arg.value, key=param.name))
            elif param.shape == "text":
                self.dispatch(LoggedItem(api, "text", arg_value, arg.value, key=param.name))
        if key is not None or value is not None:
            key_value, key_node = key if key is not None else (UNKNOWN, None)
            val, val_node = value if value is not None else (UNKNOWN, None)
            shape = "item" if value is not None else "metric"
            self.dispatch(
                LoggedItem(
                    api,
                    shape,
                    val,
                    val_node,
                    key=key_value.text,
                    key_node=key_node,
                    key_value=key_value,
                )
            )

    def assignment_sink(
        self,
        owner: Value,
        key: Value,
        key_node: cst.CSTNode | None,
        value: Value,
        value_node: cst.CSTNode | None,
        attribute: bool,
    ) -> bool:
        """`wandb.config.phone = x` / `run.summary["name"] = x`: an assignment that logs."""
        allowed = (
            self.walk.trackers.assignable(owner.api or "") if owner.kind == "tracker" else None
        )
        if allowed is None or not ("*" in allowed or (attribute and key.text in allowed)):
            return False
        where = f".{key.text}" if attribute else "[...]"
        self.dispatch(
            LoggedItem(
                sink=f"{owner.api}{where}",
                shape="item",
                value=value,
                value_node=value_node,
                key=key.text,
                key_node=key_node,
                key_value=key,
            )
        )
        return True

    def note_written(self, frame: Value, call: CallArguments) -> None:
        """`df.to_parquet("exports/x.parquet")`: remember what went into the file."""
        text = constant_text(call.first(("path_or_buf", "path", "excel_writer", "path_or_buffer")))
        if text:
            self.written[text] = frame.with_(kind="frame", api=None)

    def uploaded_file(self, path: Value) -> Value:
        """A path to upload; when a DataFrame was written to it, what that frame held."""
        written = self.written.get(constant_text(path) or "")
        if written is None:
            return path
        if written.params:  # a parameter of this function: its callers' frames are uploaded
            return written.with_(text=constant_text(path))
        return path.with_(
            columns=written.personal_candidates,
            source=written.source,
            origin=written.origin,
            label=written.label,
            masked=written.masked,
            open_columns=written.open_columns and not written.dropped_personal,
        )

    def dispatch_rows(self, item: LoggedItem) -> bool:
        """A logged `wandb.Table`'s `add_data` values, each judged where it was added."""
        emitted = False
        for row in item.value.entries or ():
            value = row.value
            if value.masked or value.numeric or value.is_tabular or value.media:
                continue
            cell = LoggedItem(item.sink, "item", value, row.value_node, key=row.key, via=item.via)
            emitted = self.report(cell) or emitted
        return emitted

    def report(self, item: LoggedItem) -> bool:
        """Hand `item` to every rule; did one of them report it?"""
        emitted = False
        for rule in self.walk.rules:
            emitted = rule.on_item(item, self.walk.ctx) or emitted
        return emitted

    def dispatch(self, item: LoggedItem, expand: bool = False) -> None:
        if self.walk.quiet:
            return
        nested = expand or item.shape == "item"
        if nested and item.value.kind == "mapping" and item.value.entries is not None:
            for entry in item.value.entries:
                key_node = entry.key_node
                if key_node is None and entry.value_node is None:
                    key_node = item.anchor  # built in another function: report at the call
                self.dispatch(
                    LoggedItem(
                        sink=item.sink,
                        shape="item",
                        value=entry.value,
                        value_node=entry.value_node,
                        key=entry.key,
                        key_node=key_node,
                        key_value=entry.key_value,
                        owner_key=item.key,
                        via=item.via,
                    )
                )
            return
        emitted = self.report(item)
        if not emitted and item.value.kind == "table" and item.value.entries:
            emitted = self.dispatch_rows(item)
        function = self.walk.function
        if emitted or function is None:
            return
        params = item.value.params
        direct = item.value.name in params if item.value.name else False
        if params and (direct or item.value.kind in ("table", "frame", "records", "mapping")):
            for param in params:
                function.uses.append(ParamUse(param, item))
