"""Slicing: which statements a check parses first, and that it never changes a report."""

from __future__ import annotations

import ast
import dataclasses
import textwrap
from pathlib import Path

import pytest

from logmask.linter import slicing
from logmask.linter.config import Config
from logmask.linter.engine import Linter
from tests.cases import all_case_files
from tests.robustness.corpus import leaking_sources
from tests.rules import test_dataflow, test_flows, test_whole_program

ON = Config(select=("ALL",))
OFF = dataclasses.replace(ON, slicing=False)


def kept(source: str) -> set[str] | None:
    """What the slice keeps, by name: definitions, `Class.member`s and statements' first
    words (imports left out); None when the module is not sliced."""
    linter = Linter(ON)
    data = textwrap.dedent(source).lstrip("\n").encode()
    sliced = linter.sliced(data, "m.py")
    if sliced is None:
        return None
    return set(labels(ast.parse(sliced).body, ""))


def labels(body: list[ast.stmt], prefix: str) -> list[str]:
    out = []
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            out.append(prefix + node.name)
        elif not isinstance(node, ast.Import | ast.ImportFrom):
            out.append(prefix + ast.unparse(node).split(" ")[0].split("(")[0])
        if isinstance(node, ast.ClassDef) and not prefix:
            out += labels(node.body, f"{node.name}.")
    return out


@pytest.fixture(autouse=True)
def always_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slice whatever the share of the module that goes (the default skips small savings)."""
    monkeypatch.setattr(slicing, "WORTH_SLICING", 1.0)


# (what, source, the definitions kept; None: not sliced)
CASES = [
    (
        "a helper whose value is logged is kept; an unrelated function goes",
        """
        import wandb
        def load(): return {"email": e}
        def unrelated(): return 1
        def report(): wandb.log(load())
        """,
        {"load", "report"},
    ),
    (
        "the caller of a helper that logs its parameter is kept, and its caller",
        """
        import mlflow
        def log_user(email): mlflow.log_param("email", email)
        def handle(user): log_user(user.email)
        def main(): handle(current())
        def other(): return 2
        """,
        {"log_user", "handle", "main"},
    ),
    (
        "a table naming a logging function without calling it is not a caller",
        """
        import mlflow
        def log_user(email): mlflow.log_param("email", email)
        def other(): return 2
        ROUTES = {"/log": log_user, "/other": other}
        """,
        {"log_user"},
    ),
    (
        "a statement reading a tracker object made at module level is kept",
        """
        import wandb
        run = wandb.init()
        run.summary["customer_name"] = top
        def other(): return 2
        """,
        {"run", "run.summary['customer_name']"},
    ),
    (
        "a file written in one function and uploaded in another joins them",
        """
        import mlflow
        def save(df): df.to_csv("out/users.csv")
        def upload(): mlflow.log_artifact("out/users.csv")
        def other(): return "out/scores"
        """,
        {"save", "upload"},
    ),
    (
        "a string annotation and a global set in a function define what is read",
        """
        import weave
        class AgentState: user_id: str
        def setup():
            global CLIENT
            CLIENT = make()
        @weave.op
        def load(state: "AgentState"): return CLIENT.get(state)
        def other(): return 2
        """,
        {"AgentState", "AgentState.user_id:", "setup", "load"},
    ),
    (
        "reads that cannot carry the API on touch nothing",
        """
        import mlflow
        from mlflow import MlflowException
        def uri(): return mlflow.get_tracking_uri()
        def version(): return mlflow.__version__
        def fail():
            try: pass
            except MlflowException: raise MlflowException("x")
        def log(): mlflow.log_param("a", 1)
        """,
        {"log"},
    ),
    (
        "a tracker module carried in a variable touches",
        """
        import mlflow
        def flavor(): return mlflow.sklearn
        def other(): return 2
        """,
        {"flavor"},
    ),
    (
        "a method logging to a run its class made in __init__ is kept with __init__",
        """
        import wandb
        class Reporter:
            \"\"\"Reports.\"\"\"
            def __init__(self, project):
                self.run = wandb.init(project=project)
                self.size = 3
            def record(self, row):
                self.run.log(row)
            def width(self):
                return self.size
        def other(): return 2
        """,
        {"Reporter", "Reporter.__init__", "Reporter.record", "Reporter.'Reports.'"},
    ),
    (
        "what a tracker object does not log with leaves its methods out",
        """
        from accelerate import Accelerator
        class Trainer:
            def __init__(self):
                self.accelerator = Accelerator()
            def step(self, model):
                if self.accelerator is not None:
                    model = self.accelerator.prepare(model)
                size = getattr(self.accelerator, "num_processes", 1)
                return unwrap(model, self.accelerator)
            def report(self, metrics):
                self.accelerator.log(metrics)
        """,
        {"Trainer", "Trainer.__init__", "Trainer.report"},
    ),
    (
        "a method calling one that logs is kept; a class built by kept code is kept whole",
        """
        import mlflow
        class Tracker:
            def _log(self, key, value):
                mlflow.log_param(key, value)
            def log_user(self, user):
                self._log("email", user.email)
            def ping(self):
                return 1
        tracker = Tracker()
        tracker.log_user(current())
        """,
        {
            "Tracker",
            "Tracker._log",
            "Tracker.log_user",
            "Tracker.ping",
            "tracker",
            "tracker.log_user",
        },
    ),
    (
        "a class built on a logging class of the module is kept whole",
        """
        import wandb
        class Base:
            def log(self, row):
                wandb.log(row)
        class Child(Base):
            def step(self, user):
                self.log({"email": user.email})
            def ping(self):
                return 1
        """,
        {"Base", "Base.log", "Child", "Child.step", "Child.ping"},
    ),
    (
        "a call's tracker object and getattr read what they name; a returned one is carried",
        """
        from mlflow import MlflowClient
        import wandb
        def direct(): MlflowClient().log_param("r", "email", e)
        def named(): getattr(wandb, "log")({"email": e})
        def made(): return MlflowClient()
        def passed(): setup(wandb)
        """,
        {"direct", "named", "made"},
    ),
    (
        "a tracker object returned by a helper is followed to where it logs",
        """
        from mlflow import MlflowClient
        def client(): return MlflowClient()
        c = client()
        def other(): return 2
        c.log_param("r", "email", e)
        """,
        {"client", "c", "c.log_param"},
    ),
    (
        "a module turning on auto-tracing is never sliced",
        """
        import weave
        def other(): return 2
        def main(): weave.init("p")
        """,
        None,
    ),
    (
        "a tracker imported by a call is never sliced",
        """
        import importlib
        ml = importlib.import_module("mlflow")
        def other(): return 2
        """,
        None,
    ),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_statements_kept(source: str, expected: set[str] | None) -> None:
    assert kept(source) == expected


def test_emptied_lines_keep_positions_and_line_endings() -> None:
    data = b"import wandb\r\ndef other():\r\n    return 2\r\nwandb.log({'a': 1})\r\n"
    sliced = Linter(ON).sliced(data, "m.py")
    assert sliced == b"import wandb\r\n\r\n\r\nwandb.log({'a': 1})\r\n"
    assert Linter(ON).sliced(b"import wandb\rdef f(): pass\rwandb.log(x)\r", "m.py") is None


def test_unused_noqa_is_reported_from_the_whole_file() -> None:
    """PII001 needs every comment; other noqa comments suppress nothing in a clean slice."""
    source = b"import wandb\ndef other():\n    return 2  # noqa: PII101\nwandb.log({'a': 1})\n"
    on, off = Linter(ON), Linter(OFF)
    expected = findings(off, source, "m.py")
    assert [f[2] for f in expected[0]] == ["PII001"]
    assert findings(on, source, "m.py") == expected
    quiet = dataclasses.replace(ON, select=("PII1",))
    assert Linter(quiet).check_source(source, "m.py").findings == []


def test_small_savings_are_not_sliced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slicing, "WORTH_SLICING", 0.8)
    source = "import wandb\ndef f(): 1\nwandb.log({'user_email': e, 'user_phone': p})\n"
    assert Linter(ON).sliced(source.encode(), "m.py") is None


# --------------------------------------------------- the report never changes
def findings(linter: Linter, data: bytes, name: str) -> tuple[object, ...]:
    result = linter.check_source(data, name)
    return tuple((f.line, f.column, f.code, f.message) for f in result.findings), tuple(
        e.message for e in result.errors
    )


def single_module_sources() -> dict[str, bytes]:
    sources = dict(leaking_sources())
    for table in (test_flows.CASES, test_dataflow.CASES, test_dataflow.HELPERS, test_dataflow.MORE):
        for case in table:
            sources[f"{case[0]}.py"] = case[1].encode()
    return sources


def test_same_findings_on_every_example() -> None:
    """Rule examples, flow tables and conformance cases: sliced or not, the same report."""
    on, off = Linter(ON), Linter(OFF)
    reported = sliced = 0
    for name, data in single_module_sources().items():
        expected = findings(off, data, name)
        assert findings(on, data, name) == expected, name
        reported += bool(expected[0])
        sliced += on.sliced(data, name) not in (None, data)
    assert reported > 100 and sliced > 0  # neither report is empty; slicing did happen


@pytest.mark.parametrize(
    ("files", "named"),
    [c[1:3] for c in test_whole_program.CASES],
    ids=[c[0] for c in test_whole_program.CASES],
)
def test_same_findings_across_modules(tmp_path: Path, files: dict[str, str], named: list[str]):
    test_whole_program.write(tmp_path, files)
    assert test_whole_program.run(tmp_path, named, ON) == test_whole_program.run(
        tmp_path, named, OFF
    )


def test_same_findings_on_the_conformance_project() -> None:
    on, off = Linter(ON), Linter(OFF)
    for path in all_case_files():
        data = path.read_bytes()
        assert findings(on, data, str(path)) == findings(off, data, str(path)), path
