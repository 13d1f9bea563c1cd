"""The `ast` candidate stage never drops a file that has findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from logmask.findings import FileError, Finding
from logmask.linter.config import Config
from logmask.linter.engine import FileResult, Linter
from tests.robustness.corpus import leaking_sources

LEAK = '{"user_email": e}'

# (source, does the candidate stage keep it for LibCST?)
FORMS = [
    (f"import wandb\nwandb.log({LEAK})\n", True),
    (f"import wandb as wb\nwb.log({LEAK})\n", True),
    (f"import mlflow.sklearn\nmlflow.log_params({LEAK})\n", True),
    (f"from mlflow import log_params\nlog_params({LEAK})\n", True),
    ("from mlflow import MlflowClient\nMlflowClient().log_param('r', 'email', e)\n", True),
    ("from mlflow.tracking import MlflowClient\n", True),
    ("from mlflow import entities\n", True),  # a prefix of mlflow.entities.Span
    ("from mlflow.entities import Span\n", True),
    ("from mlflow import langchain\nlangchain.autolog()\n", True),
    ("if TYPE_CHECKING:\n    import wandb\n", True),
    ("def f():\n    import mlflow\n    mlflow.log_param('email', e)\n", True),
    (
        "class A:\n    try:\n        from wandb import log\n"
        "    except ImportError:\n        log = 0\n",
        True,
    ),
    # `@mlflow.trace` with mlflow unresolved: the analysis falls back to the text.
    ("@mlflow.trace\ndef lookup(customer_email):\n    pass\n", True),
    (
        "class A:\n    @mlflow.trace(name='x')\n    async def f(self, user_id):\n        pass\n",
        True,
    ),
    # Python 2, or syntax this Python's `ast` does not know: LibCST decides.
    ('import wandb\nprint "x"\n', True),
    ("# wandb\ntype Point[T] = tuple[T, T]\n", True),
    (b"# wandb\nx = '\xe9'\n".decode("latin-1"), True),
    # Imports that bind nothing that reaches a sink:
    ("from mlflow.exceptions import MlflowException\nraise MlflowException('mlflow')\n", False),
    ("import mlflow.exceptions as exc\n", True),  # exc.log_model matches mlflow.*.log_model
    ("import mlflow.utils.file_utils as fu\n", False),
    ("from mlflow.tracking.fluent import log_param\nlog_param('email', e)\n", False),
    ("from mlflow import *\nlog_params({'email': e})\n", False),
    ("from . import wandb\nwandb.log({'email': e})\n", False),
    ("from .mlflow import log_params\n", False),
    ("import wandb_utils\n", False),
    ('"""Logs to wandb."""\nlog({"email": e})\n', False),
    ("wandb = get()\nwandb.log({'email': e})\n", False),
    ("@trace\ndef f(customer_email):\n    pass\n", False),
]


def without_stage(config: Config | None = None) -> Linter:
    class Always:
        def needs_libcst(self, data: bytes) -> bool:
            return True

    linter = Linter(config or Config(select=("ALL",)))
    linter.candidates = Always()  # type: ignore[assignment]
    return linter


def comparable(result: FileResult) -> tuple[list[tuple[Finding, object]], list[FileError]]:
    return [(f, f.statement_lines) for f in result.findings], result.errors


@pytest.mark.parametrize(("source", "kept"), FORMS)
def test_import_forms(source: str, kept: bool) -> None:
    linter = Linter(Config(select=("ALL",)))
    data = source.encode("latin-1" if "\xe9" in source else "utf-8")
    assert linter.candidates.needs_libcst(data) is kept
    with_stage = linter.check_source(data, "form.py")
    assert comparable(with_stage) == comparable(without_stage().check_source(data, "form.py"))
    if not kept:
        assert with_stage.findings == []


def test_configured_sinks_are_candidates() -> None:
    config = Config(
        sinks={"comet_ml.Experiment.log_parameters": "parameters:mapping"},
        objects={"comet_ml.Experiment": "comet_ml.Experiment"},
    )
    source = (
        b"from comet_ml import Experiment\nexp = Experiment()\n"
        b'exp.log_parameters({"user_email": e})\n'
    )
    linter = Linter(config)
    assert linter.candidates.needs_libcst(source)
    assert [f.code for f in linter.check_source(source, "c.py").findings] == ["PII101"]
    assert not linter.candidates.needs_libcst(b"from comet_ml.utils import x  # wandb\n")


@pytest.mark.slow
def test_same_findings_with_and_without_the_stage(smoke_corpus: tuple[Path, list[Path]]) -> None:
    """Real wandb/mlflow code and every leaking example: the stage changes no result."""
    _, files = smoke_corpus
    on, off = Linter(Config(select=("ALL",))), without_stage()
    dropped = findings = 0
    for path in files:
        data = path.read_bytes()
        expected = off.check_source(data, str(path))
        assert comparable(on.check_source(data, str(path))) == comparable(expected), path
        findings += len(expected.findings)
        dropped += on.may_log(data) and not on.candidates.needs_libcst(data)
    assert findings > 20  # the comparison is not between two empty reports
    assert dropped > 50  # and the stage is doing something on real code


def test_leaking_examples_are_all_kept() -> None:
    linter = Linter(Config(select=("ALL",)))
    for name, data in leaking_sources().items():
        if linter.check_source(data, name).findings:
            assert linter.candidates.needs_libcst(data), name
