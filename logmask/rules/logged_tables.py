"""PII201-PII203: tabular data with personal columns, personal sources or free text is logged."""

from __future__ import annotations

import libcst as cst

from logmask.findings import Confidence
from logmask.rules.base import NodeFix, Rule, RuleContext, RuleDoc
from logmask.rules.items import LoggedItem
from logmask.rules.values import Value

PII201 = RuleDoc(
    code="PII201",
    name="personal-table-logged",
    summary="A DataFrame, column dict, records list or wandb.Table with personal columns is "
    "logged unmasked.",
    why=(
        "A logged table is shown row by row in the tracker's UI and kept as an artifact. "
        "Columns such as 'email', 'full_name' or 'customer_id' put every person in the table "
        "in front of everyone who can open the run."
    ),
    leaking=(
        "import pandas as pd\nimport wandb\n"
        'customers = pd.DataFrame({"email": emails, "spend": spend})\n'
        'wandb.log({"customers": wandb.Table(dataframe=customers)})\n'
    ),
    fixed=(
        "import logmask\nimport pandas as pd\nimport wandb\n"
        'customers = pd.DataFrame({"email": emails, "spend": spend})\n'
        'wandb.log({"customers": wandb.Table(dataframe=logmask.mask_dataframe(customers, '
        'columns=["email"]))})\n'
    ),
    fix_safety="Safe: the data is wrapped in `mask_dataframe`/`mask_records` naming the "
    "personal columns; no column is dropped.",
    flag=(
        'import wandb\nwandb.log({"t": wandb.Table(columns=["user_name", "score"], data=rows)})\n',
        'import mlflow\nmlflow.log_table({"email": emails, "score": s}, artifact_file="s.json")\n',
        'import wandb\nrows = [{"email": "a", "v": 1}]\nwandb.log({"t": wandb.Table(data=rows)})\n',
        "import pandas as pd\nimport wandb\n"
        'df = pd.DataFrame(rows, columns=["id", "phone"])\ncopy = df.copy()\n'
        'wandb.log({"df": copy})\n',
        "import pandas as pd\nimport mlflow\n"
        'df = pd.read_csv("x.csv", usecols=["ssn", "y"])\nmlflow.log_table(df, "d.json")\n',
    ),
    no_flag=(
        "import pandas as pd\nimport wandb\n"
        'df = pd.DataFrame({"email": e, "spend": s})\n'
        'wandb.log({"t": wandb.Table(dataframe=df[["spend"]])})\n',
        "import pandas as pd\nimport wandb\n"
        'df = pd.DataFrame({"email": e, "spend": s})\n'
        'wandb.log({"t": wandb.Table(dataframe=df.drop(columns=["email"]))})\n',
        'import wandb\nwandb.log({"t": wandb.Table(columns=["epoch", "loss"], data=h)})\n',
        "import logmask\nimport wandb\n"
        'rows = [{"email": "a"}]\nwandb.log({"t": wandb.Table(data=logmask.mask_records(rows))})\n',
    ),
)

PII202 = RuleDoc(
    code="PII202",
    name="personal-source-logged",
    summary="Data read from a personal-looking source is logged unmasked.",
    why=(
        "`read_csv('customers.csv')` or `SELECT * FROM users` returns rows about people. "
        "Even when the columns are unknown to the linter, logging the frame as it is puts "
        "those rows in the tracker."
    ),
    leaking=(
        "import mlflow\nimport pandas as pd\n"
        'patients = pd.read_csv("data/patients.csv")\n'
        'mlflow.log_table(patients, artifact_file="patients.json")\n'
    ),
    fixed=(
        "import logmask\nimport mlflow\nimport pandas as pd\n"
        'patients = pd.read_csv("data/patients.csv")\n'
        'mlflow.log_table(logmask.mask_dataframe(patients), artifact_file="patients.json")\n'
    ),
    fix_safety="Safe: `mask_dataframe` picks the personal columns at run time.",
    flag=(
        'import pandas as pd\nimport wandb\nu = pd.read_sql("SELECT * FROM users", con)\n'
        'wandb.log({"u": wandb.Table(dataframe=u.head(10))})\n',
    ),
    no_flag=(
        'import pandas as pd\nimport wandb\nu = pd.read_csv("data/train.csv")\n'
        'wandb.log({"u": wandb.Table(dataframe=u)})\n',
        'import pandas as pd\nimport wandb\nu = pd.read_csv("users.csv")\n'
        'wandb.log({"u": wandb.Table(dataframe=u[["plan", "tenure"]])})\n',
    ),
)

PII203 = RuleDoc(
    code="PII203",
    name="free-text-table-logged",
    summary="A logged table has free-text columns (message, review, prompt, transcript).",
    why=(
        "What people write contains names, e-mail addresses and phone numbers. A table of "
        "reviews or chat messages logged as it is ships them too. Off by default: enable it "
        "with `--select PII203` where tables of user text are logged."
    ),
    leaking=(
        'import wandb\nwandb.log({"t": wandb.Table(columns=["review", "stars"], data=rows)})\n'
    ),
    fixed=(
        "import logmask\nimport wandb\n"
        'wandb.log({"t": wandb.Table(columns=["review", "stars"], '
        'data=logmask.mask_records(rows, text_keys=["review"]))})\n'
    ),
    fix_safety="Safe: the text columns go through `redact_text` at run time.",
    default=False,
    no_flag=('import wandb\nwandb.log({"t": wandb.Table(columns=["epoch", "loss"], data=h)})\n',),
)

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
        value = item.value
        if item.shape == "table" and value.kind == "mapping" and value.entries is not None:
            value = value.with_(columns=tuple(e.key for e in value.entries if e.key))
        if not value.is_tabular or value.masked or item.anchor is None:
            return False
        owner = value.label or value.source
        personal: list[str] = []
        confidence: Confidence = "medium"
        for column in value.personal_candidates:
            evidence = ctx.classifier.classify(column, owner=owner)
            if evidence is not None and ctx.confident(evidence.confidence):
                personal.append(column)
                if evidence.confidence == "high":
                    confidence = "high"
        what = self.describe(value)
        if personal:
            columns = ", ".join(f"'{c}'" for c in personal)
            return ctx.report(
                "PII201",
                item.anchor,
                f"{item.where} logs {what}{{origin}} with personal columns {columns} unmasked",
                confidence,
                self.fix(item, value, ctx, personal),
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
        """Wrap the data in mask_dataframe / mask_records; for a Table, wrap its data argument."""
        node = item.value_node
        if node is None or item.via:
            return None
        kind = value.kind
        if isinstance(node, cst.Call) and kind == "table":
            data = next(
                (
                    arg
                    for arg in node.args
                    if arg.keyword is not None
                    and arg.keyword.value in ("dataframe", "data", "rows")
                ),
                None,
            )
            if data is None:
                return None
            kind = "frame" if data.keyword and data.keyword.value == "dataframe" else "records"
            node = data.value
        helper = "mask_records" if kind in ("records",) else "mask_dataframe"
        option = "keys" if helper == "mask_records" else "columns"
        if text:
            option = "text_keys" if helper == "mask_records" else "text_columns"
        call, imports = ctx.options.masker_call(helper)
        named = ""
        if columns:
            named = f", {option}=[" + ", ".join(repr(c) for c in columns) + "]"
        return NodeFix(
            message=f"Wrap the data in {call}()",
            replacements=((node, f"{call}({{}}{named})"),),
            imports=imports,
            safe=True,
        )
