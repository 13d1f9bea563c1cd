"""Tracker resolution: aliases, from-imports and objects that stand for trackers."""

from __future__ import annotations

import pytest

from tests.conftest import check

LEAK = '{"user_email": e}'

CASES = [
    ("import alias", f"import wandb as wb\nwb.log({LEAK})\n", True),
    ("from import", f"from wandb import log\nlog({LEAK})\n", True),
    ("from import alias", f"from wandb import log as wl\nwl({LEAK})\n", True),
    ("mlflow alias", f"import mlflow as mf\nmf.log_params({LEAK})\n", True),
    ("mlflow from import", f"from mlflow import log_params\nlog_params({LEAK})\n", True),
    ("run = wandb.init()", f"import wandb\nrun = wandb.init()\nrun.log({LEAK})\n", True),
    (
        "with wandb.init() as run",
        f"import wandb\nwith wandb.init() as run:\n    run.log({LEAK})\n",
        True,
    ),
    ("wandb.run", f"import wandb\nwandb.run.log({LEAK})\n", True),
    (
        "self.run in another method",
        "import wandb\nclass T:\n    def setup(self):\n        self.run = wandb.init()\n"
        f"    def step(self):\n        self.run.log({LEAK})\n",
        True,
    ),
    (
        "MlflowClient",
        "from mlflow import MlflowClient\nc = MlflowClient()\n"
        'c.log_param("r", "customer_email", e)\n',
        True,
    ),
    (
        "MlflowClient from tracking",
        "from mlflow.tracking import MlflowClient\n"
        'c = MlflowClient()\nc.set_tag("r", "user_phone", p)\n',
        True,
    ),
    (
        "client on self",
        "import mlflow\nclass J:\n    def __init__(self):\n"
        "        self.c = mlflow.MlflowClient()\n    def go(self):\n"
        '        self.c.log_dict("r", {"ssn": s}, "d.json")\n',
        True,
    ),
    (
        "with start_span",
        f"import mlflow\nwith mlflow.start_span() as span:\n    span.set_inputs({LEAK})\n",
        True,
    ),
    (
        "root = start_span",
        f"import mlflow\nroot = mlflow.start_span()\nroot.set_outputs({LEAK})\n",
        True,
    ),
    (
        "start_span_no_context",
        "import mlflow\ns = mlflow.start_span_no_context('x')\n"
        's.set_attribute("user_email", e)\n',
        True,
    ),
    (
        "client.start_trace",
        f"import mlflow\nc = mlflow.MlflowClient()\ns = c.start_trace('x')\ns.set_inputs({LEAK})\n",
        True,
    ),
    (
        "client.start_span",
        "import mlflow\nc = mlflow.MlflowClient()\n"
        f"s = c.start_span('x', trace_id='t', parent_id='p')\ns.set_attributes({LEAK})\n",
        True,
    ),
    (
        "annotated span parameter",
        f"from mlflow.entities import Span\ndef f(span: Span):\n    span.set_inputs({LEAK})\n",
        True,
    ),
    (
        "current active span",
        f"import mlflow\ns = mlflow.get_current_active_span()\ns.set_inputs({LEAK})\n",
        True,
    ),
    (
        "update_current_trace tags",
        f"import mlflow\nmlflow.update_current_trace(tags={LEAK})\n",
        True,
    ),
    ("wandb.init config", f"import wandb\nwandb.init(config={LEAK})\n", True),
    ("config attribute", "import wandb\nrun = wandb.init()\nrun.config.user_email = e\n", True),
    ("config item", 'import wandb\nwandb.config["user_email"] = e\n', True),
    ("summary update", f"import wandb\nrun = wandb.init()\nrun.summary.update({LEAK})\n", True),
    # not trackers
    ("other log function", f"import logging\nlogging.info({LEAK})\n", False),
    ("local variable shadows", f"import wandb\nwandb = Fake()\nwandb.log({LEAK})\n", False),
    ("unrelated object log", f"import wandb\nlogger.log({LEAK})\n", False),
    ("no tracker import", f"log({LEAK})\n", False),
    ("a print", f"import wandb\nprint({LEAK})\n", False),
]


@pytest.mark.parametrize(("source", "flagged"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_resolution(source: str, flagged: bool) -> None:
    assert bool(check(source)) is flagged, check(source)


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("run.name = user.email", True),
        ("run.notes = f'for {customer.email}'", True),
        ("run.step = user.email", False),  # not a logged attribute
        ("run.name = 'baseline'", False),
    ],
)
def test_assigned_run_attributes(line: str, flagged: bool) -> None:
    assert bool(check(f"import wandb\nrun = wandb.init()\n{line}\n")) is flagged
