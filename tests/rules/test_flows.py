"""Flows of issue 14 inside one module: joins, items, dynamic trackers, sources, files.

Each row: a snippet and the (line, code) findings it must give; the quiet
twin of each flagged row sits next to it.
"""

from __future__ import annotations

import pytest

from tests.conftest import codes

H = "import pandas as pd\nimport mlflow\nimport wandb\n"  # 3 lines

CASES = [
    # -------------------------------------------------------- branch joins
    (
        "if/else: the personal branch first",
        H
        + "if sample:\n"
        + '    frame = pd.read_csv("patients.csv")\n'
        + "else:\n"
        + '    frame = pd.read_csv("metrics.csv")\n'
        + 'mlflow.log_table(frame, artifact_file="f.json")\n',
        [(8, "PII202")],
    ),
    (
        "if/else: the personal branch last (same result)",
        H
        + "if sample:\n"
        + '    frame = pd.read_csv("metrics.csv")\n'
        + "else:\n"
        + '    frame = pd.read_csv("patients.csv")\n'
        + 'mlflow.log_table(frame, artifact_file="f.json")\n',
        [(8, "PII202")],
    ),
    (
        "if/else: neither branch personal",
        H
        + "if sample:\n"
        + '    frame = pd.read_csv("metrics.csv")\n'
        + "else:\n"
        + '    frame = pd.read_csv("scores.csv")\n'
        + 'mlflow.log_table(frame, artifact_file="f.json")\n',
        [],
    ),
    (
        "if without else: the value before the if may survive",
        H
        + 'frame = pd.read_csv("patients.csv")\n'
        + "if small:\n"
        + '    frame = pd.read_csv("metrics.csv")\n'
        + 'mlflow.log_table(frame, artifact_file="f.json")\n',
        [(7, "PII202")],
    ),
    (
        "if/else: masked on both branches stays masked",
        H
        + "import logmask\n"
        + 'frame = pd.read_csv("patients.csv")\n'
        + "if small:\n"
        + "    frame = logmask.mask_dataframe(frame.head())\n"
        + "else:\n"
        + "    frame = logmask.mask_dataframe(frame)\n"
        + 'mlflow.log_table(frame, artifact_file="f.json")\n',
        [],
    ),
    (
        "try/except fallback joins with the body",
        H
        + "try:\n"
        + '    frame = pd.read_parquet("customers.parquet")\n'
        + "except OSError:\n"
        + '    frame = pd.read_csv("defaults.csv")\n'
        + 'mlflow.log_table(frame, artifact_file="f.json")\n',
        [(8, "PII202")],
    ),
    (
        "match cases join",
        H
        + "match split:\n"
        + '    case "a":\n'
        + '        frame = pd.read_csv("scores.csv")\n'
        + "    case _:\n"
        + '        frame = pd.read_csv("users.csv")\n'
        + 'mlflow.log_table(frame, artifact_file="f.json")\n',
        [(9, "PII202")],
    ),
    (
        "a loop body may not run: the value before it survives",
        H
        + 'frame = pd.read_csv("users.csv")\n'
        + "for part in parts:\n"
        + '    frame = pd.read_csv("scores.csv")\n'
        + 'mlflow.log_table(frame, artifact_file="f.json")\n',
        [(7, "PII202")],
    ),
    (
        "try: import / except: None keeps the tracker",
        "try:\n    import wandb\nexcept ImportError:\n    wandb = None\n"
        + 'wandb.log({"email": e})\n',
        [(5, "PII101")],
    ),
    # ----------------------------------------------------- items and attributes
    (
        "row.get('email') is the email",
        H + "row = fetch_row()\n" + 'mlflow.log_param("contact", row.get("email"))\n',
        [(5, "PII102")],
    ),
    (
        "row.get('plan') is not personal",
        H + "row = fetch_row()\n" + 'mlflow.log_param("contact", row.get("plan"))\n',
        [],
    ),
    (
        "getattr(user, 'email')",
        H + 'mlflow.log_param("contact", getattr(user, "email"))\n',
        [(4, "PII102")],
    ),
    (
        "getattr(model, 'num_users')",
        H + 'mlflow.log_param("n", getattr(model, "num_users"))\n',
        [],
    ),
    (
        "operator.itemgetter('phone')",
        H + "import operator\n" + 'get = operator.itemgetter("phone")\n'
        'mlflow.log_param("p", get(row))\n',
        [(6, "PII102")],
    ),
    (
        "operator.itemgetter('input_ids')",
        H + "import operator\n" + 'get = operator.itemgetter("input_ids")\n'
        'mlflow.log_param("p", get(row))\n',
        [],
    ),
    (
        "unpacking a tuple keeps each element",
        H + 'contact, plan = row["email"], row["plan"]\n' + 'mlflow.log_param("c", contact)\n',
        [(5, "PII102")],
    ),
    (
        "unpacking: the neutral element",
        H + 'contact, plan = row["email"], row["plan"]\n' + 'mlflow.log_param("p", plan)\n',
        [],
    ),
    (
        "a personal local from an unknown call inside a function",
        H + "def f(token):\n    user_id = lookup(token)\n    mlflow.set_tag('who', user_id)\n",
        [(6, "PII102")],
    ),
    (
        "an ML local from an unknown call inside a function",
        H + "def f(token):\n    run_name = lookup(token)\n    mlflow.set_tag('r', run_name)\n",
        [],
    ),
    (
        "a traced function taking a dataclass of this module with a personal field",
        "import mlflow\nfrom dataclasses import dataclass\n\n@dataclass\nclass Ticket:\n"
        + "    customer_email: str\n    body_len: int\n\n@mlflow.trace\n"
        + "def triage(ticket: Ticket):\n    return ticket\n",
        [(10, "PII301")],
    ),
    (
        "a traced function taking a dataclass without personal fields",
        "import mlflow\nfrom dataclasses import dataclass\n\n@dataclass\nclass Batch:\n"
        + "    input_ids: list\n    num_users: int\n\n@mlflow.trace\n"
        + "def step(batch: Batch):\n    return batch\n",
        [],
    ),
    # ------------------------------------------------------- dynamic trackers
    (
        "importlib.import_module('mlflow')",
        "import importlib\nml = importlib.import_module('mlflow')\n"
        + 'ml.log_param("customer_phone", p)\n',
        [(3, "PII101")],
    ),
    (
        "importlib.import_module of another module",
        "import importlib\nml = importlib.import_module('json')\n"
        + 'ml.log_param("customer_phone", p)\n',
        [],
    ),
    (
        "__import__('wandb')",
        "w = __import__('wandb')\n" + 'w.log({"patient_name": n})\n',
        [(2, "PII101")],
    ),
    (
        "guard_import('mlflow') (LangChain)",
        "from langchain_community.utils import guard_import\n"
        + "mlflow = guard_import('mlflow')\n"
        + 'mlflow.log_param("user_email", e)\n',
        [(3, "PII101")],
    ),
    (
        "a helper that imports and returns the module",
        "def get_wandb():\n    import wandb\n\n    return wandb\n"
        + "w = get_wandb()\n"
        + 'w.log({"email": e, "epoch": 1})\n',
        [(6, "PII101")],
    ),
    (
        "the module kept in self._mlflow",
        "import mlflow\nclass T:\n    def __init__(self):\n        self._mlflow = mlflow\n"
        + "    def log(self, user):\n        self._mlflow.log_param('user_email', user.email)\n",
        [(6, "PII101")],
    ),
    (
        "trackers iterated from a tuple",
        "import wandb, mlflow\nfor backend in (wandb,):\n"
        + '    backend.log({"patient_name": n})\n'
        + '    backend.log({"epoch": 3})\n',
        [(3, "PII101")],
    ),
    (
        "trackers iterated from a dict's values",
        "import wandb\nfor backend in {'w': wandb}.values():\n"
        + '    backend.log({"patient_name": n})\n',
        [(3, "PII101")],
    ),
    # ------------------------------------------------------------------ SQL
    (
        "cursor.execute then fetchall",
        H
        + 'cur.execute("SELECT * FROM customers")\n'
        + "rows = cur.fetchall()\n"
        + 'wandb.log({"t": wandb.Table(dataframe=pd.DataFrame(rows))})\n',
        [(6, "PII202")],
    ),
    (
        "cursor.execute of an aggregate",
        H
        + 'cur.execute("SELECT COUNT(*) FROM customers")\n'
        + "rows = cur.fetchall()\n"
        + 'wandb.log({"t": wandb.Table(dataframe=pd.DataFrame(rows))})\n',
        [],
    ),
    (
        "spark.sql with the table in a constant",
        H
        + 'TABLE = "crm.patients"\n'
        + 'frame = spark.sql(f"SELECT * FROM {TABLE}")\n'
        + 'mlflow.log_table(frame, artifact_file="p.json")\n',
        [(6, "PII202")],
    ),
    (
        "spark.sql of a metrics table",
        H
        + 'frame = spark.sql("SELECT * FROM eval_metrics")\n'
        + 'mlflow.log_table(frame, artifact_file="p.json")\n',
        [],
    ),
    (
        "sqlalchemy text() through connection.execute",
        H
        + "from sqlalchemy import text\n"
        + 'rows = conn.execute(text("SELECT email, plan FROM accounts")).fetchall()\n'
        + 'wandb.log({"t": wandb.Table(dataframe=pd.DataFrame(rows))})\n',
        [(6, "PII201")],
    ),
    (
        "pd.read_sql_query of a personal table",
        H
        + 'frame = pd.read_sql_query("SELECT * FROM users", conn)\n'
        + 'mlflow.log_table(frame, artifact_file="u.json")\n',
        [(5, "PII202")],
    ),
    # ------------------------------------------------------ dataset loaders
    (
        "fetch_openml('adult') has race and sex",
        H
        + "from sklearn.datasets import fetch_openml\n"
        + 'adult = fetch_openml("adult", as_frame=True).frame\n'
        + 'mlflow.log_table(adult, artifact_file="a.json")\n',
        [(6, "PII201")],
    ),
    (
        "fetch_openml('iris') is flowers",
        H
        + "from sklearn.datasets import fetch_openml\n"
        + 'iris = fetch_openml("iris", as_frame=True).frame\n'
        + 'mlflow.log_table(iris, artifact_file="a.json")\n',
        [],
    ),
    (
        "pycaret get_data('insurance')",
        H
        + "from pycaret.datasets import get_data\n"
        + 'data = get_data("insurance")\n'
        + 'wandb.log({"t": wandb.Table(dataframe=data)})\n',
        [(6, "PII201")],
    ),
    (
        "pycaret get_data('juice')",
        H
        + "from pycaret.datasets import get_data\n"
        + 'data = get_data("juice")\n'
        + 'wandb.log({"t": wandb.Table(dataframe=data)})\n',
        [],
    ),
    # ---------------------------------------------------------------- files
    (
        "a personal frame written, then uploaded",
        H
        + 'frame = pd.read_csv("patients.csv")\n'
        + 'frame.to_parquet("exports/snapshot.parquet")\n'
        + 'mlflow.log_artifact("exports/snapshot.parquet")\n',
        [(6, "PII402")],
    ),
    (
        "a metrics frame written, then uploaded",
        H
        + 'frame = pd.read_csv("metrics.csv")\n'
        + 'frame.to_parquet("exports/snapshot.parquet")\n'
        + 'mlflow.log_artifact("exports/snapshot.parquet")\n',
        [],
    ),
    (
        "a frame with personal columns written to a path in a variable",
        H
        + 'frame = pd.DataFrame({"email": e, "score": s})\n'
        + 'path = "out/scores.csv"\n'
        + "frame.to_csv(path, index=False)\n"
        + "wandb.save(path)\n",
        [(7, "PII402")],
    ),
    (
        "the personal columns dropped before writing",
        H
        + 'frame = pd.DataFrame({"email": e, "score": s})\n'
        + 'path = "out/scores.csv"\n'
        + 'frame.drop(columns=["email"]).to_csv(path, index=False)\n'
        + "wandb.save(path)\n",
        [],
    ),
    # ------------------------------------------------------ wandb.Table rows
    (
        "add_data: a row value read from a personal name",
        H
        + 'table = wandb.Table(columns=["id", "who"])\n'
        + "for i, customer_email in enumerate(rows):\n"
        + "    table.add_data(i, customer_email)\n"
        + 'wandb.log({"samples": table})\n',
        [(6, "PII102")],
    ),
    (
        "add_data: the same row masked",
        H
        + "import logmask\n"
        + 'table = wandb.Table(columns=["id", "who"])\n'
        + "for i, customer_email in enumerate(rows):\n"
        + "    table.add_data(i, logmask.mask(customer_email))\n"
        + 'wandb.log({"samples": table})\n',
        [],
    ),
    (
        "add_data: metrics, ids and media",
        H
        + 'table = wandb.Table(columns=["step", "loss", "input_ids", "image"])\n'
        + "for step, loss, input_ids, img in batches:\n"
        + "    table.add_data(step, loss, input_ids, wandb.Image(img))\n"
        + 'wandb.log({"curve": table})\n',
        [],
    ),
    (
        "add_data: a table never logged",
        H + 'table = wandb.Table(columns=["id", "who"])\n' + "table.add_data(0, customer_email)\n",
        [],
    ),
    (
        "add_data: under a personal column, the table is the finding",
        H
        + 'table = wandb.Table(columns=["email", "score"])\n'
        + "table.add_data(user.email, 0.5)\n"
        + 'wandb.log({"users": table})\n',
        [(6, "PII201")],
    ),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_flow(source: str, expected: list[tuple[int, str]]) -> None:
    assert codes(source) == expected


def test_swapping_branches_never_changes_the_findings() -> None:
    a = 'pd.read_csv("patients.csv")'
    b = 'pd.DataFrame({"email": e})'
    c = 'pd.read_csv("metrics.csv")'
    for first, second in ((a, c), (b, c), (a, b)):
        body = "if k:\n    f = {}\nelse:\n    f = {}\n" + 'mlflow.log_table(f, artifact_file="f")\n'
        one = codes(H + body.format(first, second))
        two = codes(H + body.format(second, first))
        assert [code for _, code in one] == [code for _, code in two] != []
