"""Data flow across the modules of a project checked in one run (issue 14).

Each case is a small project (files and their sources), the files named on
the command line, and the findings expected per file; quiet twins sit next to
the flagged cases.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from logmask.linter.config import Config
from logmask.linter.runner import check_paths

TRACKING = """
import wandb


def log_table(name, frame):
    wandb.log({name: wandb.Table(dataframe=frame)})


class Reporter:
    def __init__(self, project):
        self.run = wandb.init(project=project)

    def record(self, row):
        self.run.log(row)
"""
DATA = """
import pandas as pd


def load_customers():
    return pd.read_csv("data/customers.csv")


def load_scores():
    return pd.read_csv("data/scores.csv")


def to_row(customer):
    return {"email": customer.email, "tenure": customer.tenure}


def to_features(customer):
    return {"tenure": customer.tenure, "churned": customer.churned}
"""
APP = {"app/__init__.py": "", "app/tracking.py": TRACKING, "app/data.py": DATA}

CASES = [
    (
        "a loader's frame passed to a helper that logs it (the conformance project)",
        {
            **APP,
            "app/train.py": """
                from app.data import load_customers, to_row
                from app.tracking import Reporter, log_table

                customers = load_customers()
                log_table("raw", customers)
                log_table("features", customers[["tenure", "churned"]])

                reporter = Reporter("churn")
                for customer in customers.itertuples():
                    reporter.record(to_row(customer))
                    reporter.record({"tenure": customer.tenure})
            """,
        },
        ["app/train.py"],
        {"app/train.py": [(5, "PII202"), (10, "PII101")]},
    ),
    (
        "neutral data through the same helpers: quiet",
        {
            **APP,
            "app/train.py": """
                from app.data import load_scores, to_features
                from app.tracking import Reporter, log_table

                scores = load_scores()
                log_table("raw", scores)
                reporter = Reporter("churn")
                for row in scores.itertuples():
                    reporter.record(to_features(row))
            """,
        },
        ["app/train.py"],
        {},
    ),
    (
        "relative imports: from . import m, from .m import f",
        {
            **APP,
            "app/job.py": """
                from . import tracking
                from .data import load_customers

                tracking.log_table("raw", load_customers())
            """,
        },
        ["app/job.py"],
        {"app/job.py": [(4, "PII202")]},
    ),
    (
        "import pkg.mod and a dotted call",
        {
            **APP,
            "app/job.py": """
                import app.data
                import app.tracking

                app.tracking.log_table("raw", app.data.load_customers())
            """,
        },
        ["app/job.py"],
        {"app/job.py": [(4, "PII202")]},
    ),
    (
        "a re-export through the package's __init__",
        {
            **APP,
            "app/__init__.py": "from .tracking import log_table\n",
            "pyproject.toml": '[project]\nname = "crm"\n',  # the root `app` is found from
            "jobs/run.py": """
                import pandas as pd
                from app import log_table

                log_table("raw", pd.DataFrame({"email": emails, "plan": plans}))
                log_table("raw", pd.DataFrame({"plan": plans}))
            """,
        },
        ["jobs/run.py"],
        {"jobs/run.py": [(4, "PII201")]},
    ),
    (
        "a masked argument: quiet",
        {
            **APP,
            "app/job.py": """
                import logmask
                from app.data import load_customers
                from app.tracking import log_table

                log_table("raw", logmask.mask_dataframe(load_customers()))
            """,
        },
        ["app/job.py"],
        {},
    ),
    (
        "self.attr set in another module's __init__, used at the call site",
        {
            **APP,
            "app/job.py": """
                from app.tracking import Reporter

                reporter = Reporter("crm")
                reporter.run.log({"customer_phone": phone})
                reporter.run.log({"epoch": 3})
            """,
        },
        ["app/job.py"],
        {"app/job.py": [(4, "PII101")]},
    ),
    (
        "a helper module between the call site and the tracker (transitive)",
        {
            **APP,
            "app/publish.py": """
                from app.tracking import log_table


                def publish(frame):
                    log_table("published", frame)
            """,
            "app/job.py": """
                from app.data import load_customers, load_scores
                from app.publish import publish

                publish(load_customers())
                publish(load_scores())
            """,
        },
        ["app/job.py"],
        {"app/job.py": [(4, "PII202")]},
    ),
    (
        "a helper that writes its frame to a file and uploads it",
        {
            **APP,
            "app/artifacts.py": """
                import mlflow


                def log_dataframe_artifact(dataframe, name):
                    path = f"/tmp/{name}.csv"
                    dataframe.to_csv(path, index=False)
                    mlflow.log_artifact(path)
            """,
            "app/job.py": """
                from app.artifacts import log_dataframe_artifact
                from app.data import load_customers, load_scores

                log_dataframe_artifact(load_customers(), "snapshot")
                log_dataframe_artifact(load_scores(), "scores")
            """,
        },
        ["app/job.py"],
        {"app/job.py": [(4, "PII402")]},
    ),
    (
        "a table name in a constant of another module",
        {
            "app/__init__.py": "",
            "app/tables.py": 'CUSTOMERS = "warehouse.crm.customers"\nMETRICS = "eval.metrics"\n',
            "app/job.py": """
                import mlflow
                from app.tables import CUSTOMERS, METRICS

                frame = spark.sql(f"SELECT * FROM {CUSTOMERS}")
                mlflow.log_table(frame, artifact_file="c.json")
                scores = spark.sql(f"SELECT * FROM {METRICS}")
                mlflow.log_table(scores, artifact_file="m.json")
            """,
        },
        ["app/job.py"],
        {"app/job.py": [(5, "PII202")]},
    ),
    (
        "a tracker imported by a helper of another module",
        {
            "app/__init__.py": "",
            "app/lazy.py": "def import_wandb():\n    import wandb\n\n    return wandb\n",
            "app/job.py": """
                from app.lazy import import_wandb

                wandb = import_wandb()
                wandb.log({"patient_name": name, "epoch": 1})
            """,
        },
        ["app/job.py"],
        {"app/job.py": [(4, "PII101")]},
    ),
    (
        "modules that import each other terminate",
        {
            "app/__init__.py": "",
            "app/a.py": """
                import wandb
                from app.b import relay


                def send(row):
                    relay(row)
                    wandb.log(row)
            """,
            "app/b.py": """
                from app.a import send


                def relay(row):
                    return send(row)
            """,
            "app/job.py": 'from app.b import relay\n\nrelay({"email": e})\n',
        },
        ["app/job.py", "app/a.py", "app/b.py"],
        {"app/job.py": [(3, "PII101")]},
    ),
    (
        "recursion inside one module terminates",
        {
            "job.py": """
                import wandb


                def walk(node):
                    if node:
                        return walk(node.child)
                    wandb.log(node)
                    return node


                walk({"email": e})
            """,
        },
        ["job.py"],
        {"job.py": [(11, "PII101")]},
    ),
    (
        "a record type of the project gives a parameter its fields",
        {
            "app/__init__.py": "",
            "app/state.py": """
                from typing import TypedDict


                class AgentState(TypedDict):
                    user_id: str
                    question: str


                class Scores(TypedDict):
                    accuracy: float
            """,
            "app/job.py": """
                import mlflow
                from app.state import AgentState, Scores


                def save(state: AgentState, scores: Scores):
                    mlflow.log_dict(state, "state.json")
                    mlflow.log_dict(scores, "scores.json")
            """,
        },
        ["app/job.py"],
        {"app/job.py": [(6, "PII201")]},
    ),
    (
        "a traced function taking a project record with a personal field",
        {
            "app/__init__.py": "",
            "app/state.py": """
                from typing import TypedDict


                class AgentState(TypedDict):
                    user_id: str
                    question: str


                class Scores(TypedDict):
                    accuracy: float
            """,
            "app/agent.py": """
                import mlflow
                from app.state import AgentState, Scores


                @mlflow.trace
                def load_context(state: AgentState):
                    return state


                @mlflow.trace
                def grade(scores: Scores):
                    return scores
            """,
        },
        ["app/agent.py"],
        {"app/agent.py": [(6, "PII301")]},
    ),
]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def run(root: Path, named: list[str], config: Config | None = None, cache: bool = False):
    found: dict[str, list[tuple[int, str]]] = {}
    paths = [str(root / n) for n in named]
    for checked in check_paths(paths, config or Config(), cache=cache):
        assert not checked.result.errors, checked.result.errors
        rel = Path(checked.result.path).relative_to(root).as_posix()
        if checked.result.findings:
            found[rel] = [(f.line, f.code) for f in checked.result.findings]
    return found


@pytest.mark.parametrize(
    ("files", "named", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_project(tmp_path: Path, files: dict[str, str], named: list[str], expected) -> None:
    write(tmp_path, files)
    assert run(tmp_path, named) == expected


def test_src_layout_from_config(tmp_path: Path) -> None:
    write(tmp_path, {"src/pkg/__init__.py": "", "src/pkg/tracking.py": TRACKING})
    script = """
        import pandas as pd
        from pkg.tracking import log_table

        log_table("u", pd.read_csv("users.csv"))
    """
    write(tmp_path, {"scripts/run.py": script})
    named = ["scripts/run.py"]
    assert run(tmp_path, named) == {}  # `pkg` is not found without the src folder
    config = Config(src=("src",), root=tmp_path)
    assert run(tmp_path, named, config) == {"scripts/run.py": [(4, "PII202")]}


def test_cached_result_follows_a_changed_import(tmp_path: Path, monkeypatch) -> None:
    """A warm run re-checks a file when a project module it read a summary of changed."""
    monkeypatch.setenv("LOGMASK_CACHE_DIR", str(tmp_path / "cache"))
    write(tmp_path, {**APP, "app/job.py": CASES[2][1]["app/job.py"]})
    assert run(tmp_path, ["app/job.py"], cache=True) == {"app/job.py": [(4, "PII202")]}
    assert run(tmp_path, ["app/job.py"], cache=True) == {"app/job.py": [(4, "PII202")]}
    data = tmp_path / "app/data.py"
    data.write_text(data.read_text().replace("customers.csv", "scores_v2.csv"))
    assert run(tmp_path, ["app/job.py"], cache=True) == {}
    assert list((tmp_path / "cache" / "summaries").rglob("*"))  # summaries are cached
