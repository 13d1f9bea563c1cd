"""PII401-PII402: anonymous W&B runs that log data, and uploads of personal files."""

from __future__ import annotations

import libcst as cst

from logmask.evidence.sources import personal_source
from logmask.rules.base import Rule, RuleContext
from logmask.rules.catalog import PII401, PII402
from logmask.rules.items import LoggedItem
from logmask.rules.values import Value

ANONYMOUS_VALUES = frozenset({"allow", "must"})


class RunsAndUploads(Rule):
    docs = (PII401, PII402)

    def __init__(self) -> None:
        self.anonymous: list[tuple[cst.CSTNode, str]] = []
        self.logs_data = False

    def on_call(self, api: str, call: cst.Call, args: list[Value], ctx: RuleContext) -> None:
        if ctx.trackers is None or api not in ctx.trackers.anonymous_init:
            return
        for arg, value in zip(call.args, args, strict=False):
            named = arg.keyword is not None and arg.keyword.value == "anonymous"
            if named and value.text in ANONYMOUS_VALUES:
                self.anonymous.append((arg, value.text))

    def on_item(self, item: LoggedItem, ctx: RuleContext) -> bool:
        if item.shape != "path":
            if item.value.is_tabular or item.value.media:
                self.logs_data = True
            return False
        value = item.value
        if item.anchor is None or value.masked:
            return False
        written = value.kind == "frame" or value.source is not None or bool(value.columns)
        if written and self.written_personal(item, value, ctx):
            return True
        text = value.text
        if text is None and value.kind == "fstring":
            text = " ".join(p.text for p in value.items if p.text)
        source = personal_source(text) if text else None
        if source is None:
            return False
        return ctx.report(
            "PII402",
            item.anchor,
            f"{item.where} uploads a file whose name suggests personal data ('{source}'); "
            "mask its content before uploading",
            "medium",
        )

    @staticmethod
    def written_personal(item: LoggedItem, value: Value, ctx: RuleContext) -> bool:
        """The file was written from a DataFrame (`df.to_parquet(path)`): its data decides."""
        assert item.anchor is not None
        frame = f"DataFrame '{value.label}'" if value.label else "a DataFrame"
        personal = [c for c in value.columns if ctx.classify(c, owner=value.source)]
        if personal:
            columns = ", ".join(f"'{c}'" for c in personal)
            what = f"{frame}{{origin}} with personal columns {columns}"
        elif value.source and value.open_columns:
            what = f"{frame} read from a '{value.source}' source{{origin}}"
        else:
            return False
        return ctx.report(
            "PII402",
            item.anchor,
            f"{item.where} uploads a file written from {what}; mask it before writing",
            "medium",
            origin=value.origin,
        )

    def on_module_end(self, ctx: RuleContext) -> None:
        if not self.logs_data:
            return
        for node, mode in self.anonymous:
            ctx.report(
                "PII401",
                node,
                f"wandb.init(anonymous='{mode}') makes the run visible to anyone with the link, "
                "and this module logs tables or media; use anonymous='never'",
                "high",
            )
