"""Patterns from real public code (the ecosystem check): what must flag and what must not.

Each row is a distilled version of a real finding or miss, not a copy of the file.
"""

from __future__ import annotations

import pytest

from tests.conftest import check

CASES = [
    # --- must stay quiet ---
    (
        "phone means phoneme in speech code",
        "import wandb\nphone2id = load_vocab()\n"
        'wandb.log({"t": wandb.Table(columns=["phone", "duration"], data=rows)})\n',
        [],
    ),
    (
        "fixture literal under a pseudonymous key",
        "import mlflow\nwith mlflow.start_span() as span:\n"
        '    span.set_inputs({"customer_id": "C-10001"})\n',
        [],
    ),
    (
        "placeholder literal under a medium key",
        'import wandb\nwandb.log({"user_name": "demo"})\n',
        [],
    ),
    (
        "a name literal under a high key drops to medium, still reported",
        'import wandb\nwandb.log({"full_name": "Jane Doe"})\n',
        ["PII101"],
    ),
    (
        "hard-coded e-mail literal under a personal key keeps its finding",
        'import wandb\nwandb.config.update({"owner_email": "ml-team@example.com"})\n',
        ["PII101"],
    ),
    # --- must flag ---
    (
        "phone in ordinary code",
        'import wandb\nwandb.log({"t": wandb.Table(columns=["phone", "plan"], data=rows)})\n',
        ["PII201"],
    ),
    (
        "a person word before the head of a data file",
        "import pandas as pd\nimport wandb\n"
        'df = pd.read_csv("../dataset/telco-customer-churn.csv")\n'
        'wandb.log({"t": wandb.Table(dataframe=df.head(200))})\n',
        ["PII202"],
    ),
    (
        "frame handed to a helper that logs it",
        "import pandas as pd\nimport wandb\n"
        "def show(frame):\n"
        '    wandb.log({"t": wandb.Table(dataframe=frame.head(200))})\n'
        'show(pd.read_csv("data/customer_churn.csv"))\n',
        ["PII202"],
    ),
    (
        "input() or a default keeps the variable's name",
        "import mlflow\n"
        'user_id = input("id: ") or "anonymous"\n'
        'mlflow.update_current_trace(tags={"who": user_id})\n',
        ["PII102"],
    ),
    (
        "conditional value keeps the variable's name",
        "import mlflow\n"
        'user_email = form.email if form else ""\n'
        'mlflow.set_tag("who", user_email)\n',
        ["PII102"],
    ),
    (
        "MLflow's reserved trace user key",
        'import mlflow\nmlflow.update_current_trace(metadata={"mlflow.trace.user": ctx.login})\n',
        ["PII101"],
    ),
    (
        "LangChain tracer callback",
        "from mlflow.langchain.langchain_tracer import MlflowLangchainTracer\n"
        "chain.invoke(q, config={'callbacks': [MlflowLangchainTracer()]})\n",
        ["PII303"],
    ),
    (
        "ids carried through a comprehension and a loop",
        "import mlflow\n"
        'users = [r["user_id"] for r in rows]\n'
        "for user in users:\n"
        '    with mlflow.start_run(run_name=f"user_{user}"):\n'
        "        pass\n",
        ["PII102"],
    ),
    (
        "feedback value from a person",
        'import mlflow\nmlflow.log_feedback(trace_id=t, name="who", value=user.email)\n',
        ["PII102"],
    ),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_ecosystem_case(source: str, expected: list[str]) -> None:
    assert sorted({f.code for f in check(source)}) == sorted(expected)
