"""Data flow through a module: each propagation step, in both directions.

Each row is a snippet and the codes it must produce (empty: must be quiet).
"""

from __future__ import annotations

import pytest

from tests.conftest import check

H = "import pandas as pd\nimport wandb\nimport mlflow\nimport logmask\n"
CUSTOMERS = H + 'df = pd.DataFrame({"email": e, "spend": s, "plan": p})\n'
SOURCE = H + 'df = pd.read_csv("data/customers.csv")\n'
LOG = 'wandb.log({"t": wandb.Table(dataframe=X)})\n'

CASES = [
    # constructors and readers
    ("dict literal columns", CUSTOMERS + LOG.replace("X", "df"), ["PII201"]),
    (
        "columns= keyword",
        H + 'df = pd.DataFrame(rows, columns=["id", "phone"])\n' + LOG.replace("X", "df"),
        ["PII201"],
    ),
    (
        "usecols",
        H + 'df = pd.read_csv("x.csv", usecols=["ssn", "y"])\n' + LOG.replace("X", "df"),
        ["PII201"],
    ),
    (
        "usecols clean",
        H + 'df = pd.read_csv("customers.csv", usecols=["plan", "y"])\n' + LOG.replace("X", "df"),
        [],
    ),
    ("personal source", SOURCE + LOG.replace("X", "df"), ["PII202"]),
    (
        "read_sql users",
        H + 'df = pd.read_sql("SELECT * FROM users", con)\n' + LOG.replace("X", "df"),
        ["PII202"],
    ),
    (
        "read_parquet patients",
        H + 'df = pd.read_parquet("s3://b/patients/2024.parquet")\n' + LOG.replace("X", "df"),
        ["PII202"],
    ),
    ("neutral source", H + 'df = pd.read_csv("data/train.csv")\n' + LOG.replace("X", "df"), []),
    ("unknown frame", H + LOG.replace("X", "df"), []),
    # assignment and copies
    ("assignment", CUSTOMERS + "b = df\n" + LOG.replace("X", "b"), ["PII201"]),
    ("copy", CUSTOMERS + "b = df.copy()\n" + LOG.replace("X", "b"), ["PII201"]),
    (
        "head/sample/query chain",
        CUSTOMERS + 'b = df.head(5).sample(2).query("spend > 1")\n' + LOG.replace("X", "b"),
        ["PII201"],
    ),
    ("slicing rows", CUSTOMERS + "b = df[:10]\n" + LOG.replace("X", "b"), ["PII201"]),
    # projections
    ("select clean columns", CUSTOMERS + LOG.replace("X", 'df[["spend", "plan"]]'), []),
    ("select personal column", CUSTOMERS + LOG.replace("X", 'df[["email", "plan"]]'), ["PII201"]),
    ("loc columns clean", CUSTOMERS + LOG.replace("X", 'df.loc[:, ["spend"]]'), []),
    ("loc columns personal", CUSTOMERS + LOG.replace("X", 'df.loc[:, ["email"]]'), ["PII201"]),
    ("filter items clean", CUSTOMERS + LOG.replace("X", 'df.filter(items=["spend"])'), []),
    ("column list constant", CUSTOMERS + 'COLS = ["spend"]\n' + LOG.replace("X", "df[COLS]"), []),
    ("source projected clean", SOURCE + LOG.replace("X", 'df[["plan", "tenure"]]'), []),
    # drops
    ("drop list", CUSTOMERS + LOG.replace("X", 'df.drop(columns=["email"])'), []),
    ("drop single", CUSTOMERS + LOG.replace("X", 'df.drop(columns="email")'), []),
    ("drop axis=1", CUSTOMERS + LOG.replace("X", 'df.drop(["email"], axis=1)'), []),
    ("drop other column", CUSTOMERS + LOG.replace("X", 'df.drop(columns=["spend"])'), ["PII201"]),
    (
        "drop inplace",
        CUSTOMERS + 'df.drop(columns=["email"], inplace=True)\n' + LOG.replace("X", "df"),
        [],
    ),
    ("del column", CUSTOMERS + 'del df["email"]\n' + LOG.replace("X", "df"), []),
    ("pop column", CUSTOMERS + 'df.pop("email")\n' + LOG.replace("X", "df"), []),
    ("source drop personal", SOURCE + LOG.replace("X", 'df.drop(columns=["email", "phone"])'), []),
    # rename / assign / set column
    (
        "rename to personal",
        H
        + 'df = pd.DataFrame({"a": x, "b": y})\n'
        + LOG.replace("X", 'df.rename(columns={"a": "email"})'),
        ["PII201"],
    ),
    ("rename away", CUSTOMERS + LOG.replace("X", 'df.rename(columns={"email": "e_hash"})'), []),
    (
        "assign personal",
        H + 'df = pd.DataFrame({"a": x})\n' + LOG.replace("X", "df.assign(phone=p)"),
        ["PII201"],
    ),
    (
        "assign masked",
        CUSTOMERS + LOG.replace("X", 'df.assign(email=logmask.mask(df["email"]))'),
        [],
    ),
    (
        "set column personal",
        H + 'df = pd.DataFrame({"a": x})\ndf["ssn"] = s\n' + LOG.replace("X", "df"),
        ["PII201"],
    ),
    (
        "set column masked",
        CUSTOMERS + 'df["email"] = df["email"].map(logmask.mask)\n' + LOG.replace("X", "df"),
        [],
    ),
    (
        "set column hashed",
        CUSTOMERS + 'df["email"] = df["email"].apply(hash_email)\n' + LOG.replace("X", "df"),
        [],
    ),
    # unions
    (
        "concat union",
        CUSTOMERS + 'o = pd.DataFrame({"score": s})\n' + LOG.replace("X", "pd.concat([o, df])"),
        ["PII201"],
    ),
    (
        "merge union",
        H
        + 'a = pd.DataFrame({"k": k})\nb = pd.DataFrame({"k": k, "phone": p})\n'
        + LOG.replace("X", 'a.merge(b, on="k")'),
        ["PII201"],
    ),
    (
        "concat clean",
        H
        + 'a = pd.DataFrame({"k": k})\nb = pd.DataFrame({"score": s})\n'
        + LOG.replace("X", "pd.concat([a, b])"),
        [],
    ),
    # masking
    ("mask_dataframe", CUSTOMERS + LOG.replace("X", "logmask.mask_dataframe(df)"), []),
    ("custom masker", CUSTOMERS + LOG.replace("X", "anonymize_frame(df)"), []),
    (
        "masked then reassigned",
        CUSTOMERS + "df = logmask.mask_dataframe(df)\n" + LOG.replace("X", "df"),
        [],
    ),
    ("aggregate is not rows", CUSTOMERS + LOG.replace("X", 'df.groupby("plan").mean()'), []),
    # records
    (
        "records literal",
        H + 'rows = [{"email": "a", "v": 1}]\n' + 'wandb.log({"t": wandb.Table(data=rows)})\n',
        ["PII201"],
    ),
    (
        "records appended",
        H
        + 'rows = []\nrows.append({"phone": p, "v": 1})\n'
        + 'wandb.log({"t": wandb.Table(data=rows)})\n',
        ["PII201"],
    ),
    (
        "records to_dict",
        CUSTOMERS
        + 'rows = df.to_dict("records")\n'
        + 'mlflow.log_dict({"rows": rows}, "r.json")\n',
        ["PII201"],
    ),
    (
        "records masked comprehension",
        H
        + 'rows = [{"email": "a"}]\nm = [mask_row(r) for r in rows]\n'
        + 'wandb.log({"t": wandb.Table(data=m)})\n',
        [],
    ),
    (
        "records projected comprehension",
        H
        + 'rows = [{"email": "a", "v": 1}]\n'
        + 'm = [{"v": r["v"]} for r in rows]\nwandb.log({"t": wandb.Table(data=m)})\n',
        [],
    ),
    (
        "records mask_records",
        H
        + 'rows = [{"email": "a"}]\n'
        + 'wandb.log({"t": wandb.Table(data=logmask.mask_records(rows))})\n',
        [],
    ),
    # wandb.Table
    (
        "table columns",
        H
        + 't = wandb.Table(columns=["user_id", "score"])\nt.add_data(1, 2)\n'
        + 'wandb.log({"t": t})\n',
        ["PII201"],
    ),
    (
        "table columns constant",
        H
        + 'COLS = ["full_name", "score"]\nt = wandb.Table(columns=COLS)\n'
        + 'wandb.log({"t": t})\n',
        ["PII201"],
    ),
    ("table never logged", H + 't = wandb.Table(columns=["email"])\n', []),
    # mlflow datasets and models
    (
        "from_pandas",
        SOURCE + 'mlflow.log_input(mlflow.data.from_pandas(df), context="train")\n',
        ["PII202"],
    ),
    (
        "log_model input_example",
        CUSTOMERS + 'mlflow.sklearn.log_model(m, name="m", input_example=df.head(3))\n',
        ["PII201"],
    ),
    (
        "log_model clean example",
        CUSTOMERS + 'mlflow.sklearn.log_model(m, name="m", input_example=df[["spend"]].head(3))\n',
        [],
    ),
    # dicts built up
    ("dict built then logged", H + 'd = {}\nd["home_address"] = a\nwandb.log(d)\n', ["PII101"]),
    (
        "dict update then logged",
        H + 'd = {"lr": 1}\nd.update({"email": e})\nwandb.log(d)\n',
        ["PII101"],
    ),
    ("dict masked entry", H + 'd = {}\nd["email"] = logmask.mask(e)\nwandb.log(d)\n', []),
    ("column constant key", H + 'EMAIL_COL = "email"\nwandb.log({EMAIL_COL: e})\n', ["PII101"]),
    ("variable masked", H + 'e = logmask.mask(user.email)\nwandb.log({"contact": e})\n', []),
    ("variable derived", H + 'e = user.email.lower()\nwandb.log({"contact": e})\n', ["PII102"]),
    (
        "regex redaction",
        H
        + 'import re\nt = re.sub(EMAIL_RE, "[REDACTED]", user.email)\n'
        + 'wandb.log({"contact": t})\n',
        [],
    ),
    (
        "hashlib digest",
        H
        + "import hashlib\nh = hashlib.sha256(user.email.encode()).hexdigest()\n"
        + 'wandb.log({"contact": h})\n',
        [],
    ),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_flow(source: str, expected: list[str]) -> None:
    assert sorted({f.code for f in check(source)}) == sorted(expected)


HELPERS = [
    (
        "helper logs its parameter: report at the call site",
        H
        + "def log_table(frame, name):\n"
        + '    mlflow.log_table(frame, artifact_file=f"{name}.json")\n'
        + CUSTOMERS.split(H)[1]
        + 'log_table(df, "customers")\n'
        + 'log_table(df[["spend"]], "spend")\n',
        [(8, "PII201")],
    ),
    (
        "helper defined after use, called in a function",
        H
        + "def main():\n"
        + '    df = pd.read_csv("users.csv")\n'
        + "    publish(df)\n"
        + "def publish(frame):\n"
        + '    wandb.log({"t": wandb.Table(dataframe=frame)})\n',
        [(7, "PII202")],
    ),
    (
        "helper with a mapping parameter",
        H
        + "def log_metrics(metrics):\n    wandb.log(metrics)\n"
        + 'log_metrics({"acc": 1})\nlog_metrics({"email": e})\n',
        [(8, "PII101")],
    ),
    (
        "helper logs a value parameter under a neutral key",
        H + 'def note(who):\n    mlflow.set_tag("who", who)\nnote(user.email)\nnote("alice")\n',
        [(7, "PII102")],
    ),
    (
        "personal parameter name is reported in the helper, once",
        H + 'def note(email):\n    mlflow.set_tag("who", email)\nnote(user.email)\n',
        [(6, "PII102")],
    ),
    (
        "method uses self.run set in __init__",
        H
        + "class Trainer:\n"
        + "    def __init__(self):\n"
        + '        self.run = wandb.init(project="x")\n'
        + "    def report(self, user):\n"
        + '        self.run.log({"email": user.email})\n',
        [(9, "PII101")],
    ),
    (
        "a loader's returned frame keeps its personal source",
        H
        + 'def load():\n    return pd.read_csv("data/customers.csv")\n'
        + "df = load()\n"
        + LOG.replace("X", "df"),
        [(8, "PII202")],
    ),
    (
        "a loader of neutral data, a masking loader: quiet",
        H
        + 'def features():\n    return pd.read_csv("data/train.csv")\n'
        + "def customers():\n"
        + '    return logmask.mask_dataframe(pd.read_csv("customers.csv"))\n'
        + LOG.replace("X", "features()")
        + LOG.replace("X", "customers()"),
        [],
    ),
    (
        "a dict a function builds from globals is logged where it is built",
        H
        + 'def owner():\n    return {"owner_email": settings.email}\nmlflow.log_params(owner())\n',
        [(6, "PII101")],
    ),
    (
        "a returned value that depends on a parameter stands for the argument",
        H
        + 'def row(email):\n    return {"email": email}\n'
        + "def drop(frame):\n    return frame.drop(columns=['spend'])\n"
        + "wandb.log(row(logmask.mask(e)))\n"
        + 'wandb.log({"t": wandb.Table(dataframe=drop(pd.read_csv("users.csv")))})\n',
        [],
    ),
    (
        "several returns: their join (any of them may be what is logged)",
        H
        + "def load(train):\n"
        + '    if train:\n        return pd.read_csv("train.csv")\n'
        + '    return pd.read_csv("customers.csv")\n'
        + LOG.replace("X", "load(True)"),
        [(9, "PII202")],
    ),
    (
        "several returns, none personal: quiet",
        H
        + "def load(train):\n"
        + '    if train:\n        return pd.read_csv("train.csv")\n'
        + '    return pd.read_csv("test.csv")\n'
        + LOG.replace("X", "load(True)"),
        [],
    ),
    (
        "method helper called through self",
        H
        + "class Job:\n"
        + "    def __init__(self):\n"
        + "        self.client = mlflow.MlflowClient()\n"
        + "    def save(self, frame):\n"
        + '        self.client.log_table("r", frame, "t.json")\n'
        + "    def run(self):\n"
        + '        df = pd.read_csv("customers.csv")\n'
        + "        self.save(df)\n",
        [(12, "PII202")],
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in HELPERS], ids=[c[0] for c in HELPERS]
)
def test_helpers_and_classes(source: str, expected: list[tuple[int, str]]) -> None:
    assert [(f.line, f.code) for f in check(source)] == expected


MORE = [
    (
        "iterrows row keeps its owner",
        H + 'users = pd.read_csv("users.csv")\n'
        'for i, row in users.iterrows():\n    wandb.log({"n": row["name"]})\n',
        ["PII102"],
    ),
    (
        "itertuples row keeps its owner",
        H + 'users = pd.read_csv("users.csv")\n'
        'for row in users.itertuples():\n    wandb.log({"n": row.name})\n',
        ["PII102"],
    ),
    (
        "rows of a neutral frame",
        H + 'runs = pd.read_csv("runs.csv")\n'
        'for i, row in runs.iterrows():\n    wandb.log({"n": row["name"]})\n',
        [],
    ),
    (
        "image caption",
        H + 'wandb.log({"i": wandb.Image(img, caption=f"{user.first_name}")})\n',
        ["PII102"],
    ),
    (
        "sql select columns",
        H + 'l = pd.read_sql_query("select email, score from leads", c)\n'
        'mlflow.log_table(l, "l.json")\n',
        ["PII201"],
    ),
    (
        "sql select aliases clean",
        H + 'l = pd.read_sql("SELECT u.email AS e_hash, score FROM users u", c)\n'
        'mlflow.log_table(l, "l.json")\n',
        [],
    ),
    (
        "hf dataset from a personal file",
        H + "from datasets import load_dataset\n"
        'ds = load_dataset("csv", data_files="customers.csv")\n'
        'wandb.log({"d": wandb.Table(dataframe=ds["train"].to_pandas())})\n',
        ["PII202"],
    ),
    (
        "hf dataset neutral",
        H + "from datasets import load_dataset\n"
        'ds = load_dataset("imdb")\n'
        'wandb.log({"d": wandb.Table(dataframe=ds["train"].to_pandas())})\n',
        [],
    ),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in MORE], ids=[c[0] for c in MORE])
def test_more_flows(source: str, expected: list[str]) -> None:
    assert sorted({f.code for f in check(source)}) == sorted(expected)


def test_get_dummies_keeps_the_rows_and_their_source() -> None:
    source = SOURCE + 'df = pd.get_dummies(df, columns=["plan"])\n' + LOG.replace("X", "df")
    assert [f.code for f in check(source)] == ["PII202"]


def test_call_site_finding_offers_an_unsafe_wrap_of_the_argument() -> None:
    source = (
        H + "def publish(frame):\n    mlflow.log_table(frame, artifact_file='t.json')\n"
        'publish(pd.read_csv("users.csv"))\n'
    )
    (finding,) = check(source)
    assert finding.fix is not None and not finding.fix.safe
    assert finding.fix.edits[0].content == 'logmask.mask_dataframe(pd.read_csv("users.csv"))'
