"""PII201-PII203: tabular data with personal columns, personal sources or free text is logged."""

from __future__ import annotations

import libcst as cst

from logmask.evidence.values import ValueEvidence, redact_for_display, strongest_value
from logmask.findings import CONFIDENCE_RANK, Confidence
from logmask.rules.base import NodeFix, Rule, RuleContext
from logmask.rules.catalog import PII201, PII202, PII203
from logmask.rules.fixes import code_of, inside, literal_list, sink_uses_data
from logmask.rules.items import LoggedItem
from logmask.rules.values import Value

DESCRIPTIONS = {
    "frame": "DataFrame",
    "table": "wandb.Table",
    "records": "records",
    "dataset": "dataset",
    "mapping": "column dict",
}


class LoggedTables(Rule):
    docs = (PII201, PII202, PII203)

    def on_item(self, item: LoggedItem, ctx: RuleContext) -> bool:
        if item.shape == "path":
            return False  # a file written from a frame: PII402 judges it
        value = item.value
        if item.shape == "table" and value.kind == "mapping" and value.entries is not None:
            value = value.with_(columns=tuple(e.key for e in value.entries if e.key))
        if not value.is_tabular or value.masked or item.anchor is None:
            return False
        owner = value.label or value.source
        personal: list[str] = []
        confidence: Confidence = "low"  # the strongest column's: what the report is filtered by
        for column in value.personal_candidates:
            evidence = ctx.classify(column, owner=owner)
            if evidence is not None and ctx.confident(evidence.confidence):
                personal.append(column)
                if CONFIDENCE_RANK[evidence.confidence] > CONFIDENCE_RANK[confidence]:
                    confidence = evidence.confidence
        what = self.describe(value)
        named_by = self.columns_named_by_values(value, ctx)
        if named_by is not None and not personal:
            column, hit = named_by
            return ctx.report(
                "PII103",
                item.anchor,
                f"{item.where} logs {what}{{origin}} with a column named by {hit.label} "
                f"({redact_for_display(column, hit)})",
                hit.confidence,
                origin=value.origin,
            )
        if personal:
            columns = ", ".join(f"'{c}'" for c in personal)
            return ctx.report(
                "PII201",
                item.anchor,
                f"{item.where} logs {what}{{origin}} with personal columns {columns} unmasked",
                confidence,
                # the low tier (a bare `id` of images, runs) is not worth changing the table for
                self.fix(item, value, ctx, personal) if confidence != "low" else None,
                origin=value.origin,
            )
        if value.source and value.open_columns and not value.dropped_personal:
            return ctx.report(
                "PII202",
                item.anchor,
                f"{item.where} logs {what} read from a '{value.source}' source{{origin}}, "
                "columns unknown, unmasked",
                "medium",
                self.fix(item, value, ctx, None),
                origin=value.origin,
            )
        text_columns = [
            c for c in value.personal_candidates if ctx.classifier.free_text(c) is not None
        ]
        if text_columns:
            columns = ", ".join(f"'{c}'" for c in text_columns)
            return ctx.report(
                "PII203",
                item.anchor,
                f"{item.where} logs {what} with free-text columns {columns}",
                "medium",
                self.fix(item, value, ctx, text_columns, text=True),
            )
        return False

    @staticmethod
    def columns_named_by_values(value: Value, ctx: RuleContext) -> tuple[str, ValueEvidence] | None:
        """A column whose name is itself a personal value (one column per customer e-mail)."""
        for column in value.personal_candidates:
            hit = strongest_value(column)
            if hit is not None and ctx.confident(hit.confidence):
                return column, hit
        return None

    @staticmethod
    def describe(value: Value) -> str:
        what = DESCRIPTIONS.get(value.kind, "a table")
        if value.label:
            what += f" '{value.label}'"
        return what

    @staticmethod
    def fix(
        item: LoggedItem,
        value: Value,
        ctx: RuleContext,
        columns: list[str] | None,
        text: bool = False,
    ) -> NodeFix | None:
        """Wrap the logged data in `mask_dataframe` / `mask_records`, naming the columns.

        - `wandb.Table(...)` call: its data argument is wrapped; list rows get
          `columns=` (their positions' names) so `mask_records` can mask them.
        - a `wandb.Table` held in a variable: `mask_dataframe` returns a masked copy.
        - `mlflow.data.from_pandas(df)`: the DataFrame inside is wrapped.
        - frames and column dicts: `mask_dataframe`; records: `mask_records`.
        """
        node = item.value_node
        if node is None:
            return None
        helper = "mask_records" if value.kind == "records" else "mask_dataframe"
        positions: str | None = None
        if value.kind == "table":
            if isinstance(node, cst.Call):
                found = table_data(node)
                if found is None:
                    return None
                which, node = found
                if which != "dataframe":
                    helper = "mask_records"
                    positions = table_columns(found_call=item.value_node, value=value)
            elif not isinstance(node, cst.Name | cst.Attribute | cst.Subscript):
                return None
        elif value.kind == "dataset":
            inner = dataset_frame(node)
            if inner is None:
                return None
            node = inner
        records = helper == "mask_records"
        option = (
            ("text_keys" if records else "text_columns")
            if text
            else ("keys" if records else "columns")
        )
        call, imports = ctx.options.masker_call(helper)
        named = f", {option}={literal_list(columns)}" if columns else ""
        if positions is not None:
            named += f", columns={positions}"
        local = inside(ctx.statement, node)
        safe = local and not sink_uses_data(item.sink) and not item.via
        message = f"Wrap the data in {call}()"
        if local and item.via:
            message += f" where it is passed to {item.via[0]}() (which may use it beyond the log)"
        elif not safe:
            message += (
                " (the data is also used beyond the log)"
                if local
                else " where it is defined (other uses of it change too)"
            )
        return NodeFix(
            message=message,
            replacements=((node, f"{call}({{}}{named})"),),
            imports=imports,
            safe=safe,
        )


# wandb.Table(columns=None, data=None, rows=None, dataframe=None, ...)
TABLE_PARAMS = ("columns", "data", "rows", "dataframe")


def table_argument(call: cst.Call, name: str) -> cst.BaseExpression | None:
    # Positions are wandb.Table's; other table sinks (`log_table`) are read by keyword.
    is_table = isinstance(call.func, cst.Name | cst.Attribute) and code_of(call.func).endswith(
        "Table"
    )
    position = TABLE_PARAMS.index(name) if is_table else -1
    for index, arg in enumerate(call.args):
        if arg.star:
            return None
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return arg.value
        elif index == position:
            return arg.value
    return None


def table_data(call: cst.Call) -> tuple[str, cst.BaseExpression] | None:
    """The argument holding a Table's data (`dataframe` wins, as in wandb)."""
    for name in ("dataframe", "data", "rows"):
        found = table_argument(call, name)
        if found is not None:
            return name, found
    return None


def table_columns(found_call: cst.CSTNode | None, value: Value) -> str | None:
    """Source for the names of list rows' positions: the Table's own `columns` argument.

    Copied when it has no side effects (a name, an attribute, a literal list),
    else rebuilt from the names the analysis resolved; None without a columns
    argument (wandb's default columns are never personal).
    """
    if not isinstance(found_call, cst.Call):
        return None
    arg = table_argument(found_call, "columns")
    if arg is None:
        return None
    simple = isinstance(arg, cst.Name | cst.Attribute) or (
        isinstance(arg, cst.List | cst.Tuple)
        and all(isinstance(e.value, cst.SimpleString | cst.Integer) for e in arg.elements)
    )
    if simple:
        return code_of(arg)
    if value.columns and not value.open_columns:
        return literal_list(value.columns)
    return None


def dataset_frame(node: cst.CSTNode) -> cst.BaseExpression | None:
    """The DataFrame argument of a `...from_pandas(df, ...)` call (other datasets: no fix)."""
    if not isinstance(node, cst.Call):
        return None
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
    if name != "from_pandas":
        return None
    for index, arg in enumerate(node.args):
        if arg.star:
            return None
        if (arg.keyword is None and index == 0) or (
            arg.keyword is not None and arg.keyword.value == "df"
        ):
            return arg.value
    return None
