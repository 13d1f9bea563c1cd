"""PII3xx: traced functions, autologging, and what counts as a registered span processor."""

from __future__ import annotations

from pathlib import Path

import pytest

from logmask.linter.config import Config
from logmask.linter.engine import Linter
from tests.conftest import check

TRACED = (
    "import mlflow\n\n@mlflow.trace\ndef lookup(customer_email: str, question: str):\n    pass\n"
)
REGISTER = "mlflow.tracing.configure(span_processors=[redact])\n"


def test_personal_parameter_before_free_text() -> None:
    assert [(f.line, f.code) for f in check(TRACED)] == [(4, "PII301")]


def test_free_text_only() -> None:
    src = "import mlflow\n\n@mlflow.trace(name='x')\ndef answer(messages, k: int = 3):\n    pass\n"
    assert [f.code for f in check(src)] == ["PII302"]


def test_registered_processor_in_module_silences() -> None:
    src = "import mlflow\ndef redact(span):\n    span.set_inputs({'customer_email': 'x'})\n"
    assert check(src + REGISTER + TRACED.split("\n", 1)[1]) == []


def test_processor_function_is_a_redactor_not_a_leak() -> None:
    src = (
        "import mlflow\n"
        "def scrub(span):\n"
        "    span.set_inputs({'customer_email': span.inputs['customer_email']})\n"
        "mlflow.tracing.configure(span_processors=[scrub])\n"
    )
    assert check(src) == []


def test_empty_processor_list_does_not_count() -> None:
    src = TRACED + "mlflow.tracing.configure(span_processors=[])\n"
    assert [f.code for f in check(src)] == ["PII301"]


def test_config_says_registered() -> None:
    assert check(TRACED, config=Config(select=("ALL",), span_processors_registered=True)) == []


def test_autolog_genai_only() -> None:
    assert [f.code for f in check("import mlflow\nmlflow.openai.autolog()\n")] == ["PII303"]
    assert check("import mlflow\nmlflow.sklearn.autolog()\nmlflow.autolog()\n") == []


def test_untraced_function_is_quiet() -> None:
    assert check("import mlflow\ndef lookup(customer_email):\n    pass\n") == []


def _project(tmp_path: Path, setup: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "tracing_setup.py").write_text(setup)
    return pkg


def _check_file(path: Path) -> list[str]:
    result = Linter(Config()).check_file(str(path))
    assert not result.errors
    return [f.code for f in result.findings]


def test_imported_project_module_registers(tmp_path: Path) -> None:
    pkg = _project(
        tmp_path,
        "import mlflow\nimport logmask\n"
        "mlflow.tracing.configure(span_processors=[logmask.redact_span])\n",
    )
    for line in (
        "import app.tracing_setup\n",
        "from app import tracing_setup\n",
        "from . import tracing_setup\n",
        "from .tracing_setup import x\n",
    ):
        agent = pkg / "agent.py"
        agent.write_text(line + TRACED)
        assert _check_file(agent) == [], line


def test_imported_module_without_processors_does_not_count(tmp_path: Path) -> None:
    pkg = _project(tmp_path, "import mlflow\nmlflow.tracing.configure(span_processors=[])\n")
    agent = pkg / "agent.py"
    agent.write_text("import app.tracing_setup\n" + TRACED)
    assert _check_file(agent) == ["PII301"]


@pytest.mark.parametrize(
    "reset", ["mlflow.set_tracking_uri", "mlflow.tracking.set_tracking_uri", "mlflow.tracing.reset"]
)
def test_set_tracking_uri_after_configure_drops_the_processors(reset: str) -> None:
    src = (
        "import mlflow\nimport logmask\n"
        "mlflow.tracing.configure(span_processors=[logmask.redact_span])\n"
        f'{reset}("sqlite:///m.db")\n' + TRACED.split("\n", 1)[1]
    )
    assert [f.code for f in check(src)] == ["PII301"]
    reordered = (
        'import mlflow\nimport logmask\nmlflow.set_tracking_uri("sqlite:///m.db")\n'
        "mlflow.tracing.configure(span_processors=[logmask.redact_span])\n"
        + TRACED.split("\n", 1)[1]
    )
    assert check(reordered) == []


def test_optional_import_fallback_keeps_the_tracker() -> None:
    src = (
        "try:\n    import mlflow\nexcept ImportError:\n    mlflow = None\n"
        "import logmask\n"
        "mlflow.tracing.configure(span_processors=[logmask.redact_span])\n"
        "@mlflow.trace\ndef f(customer_email):\n    pass\n"
    )
    assert check(src) == []
    leak = "try:\n    import wandb\nexcept ImportError:\n    wandb = None\n"
    assert [f.code for f in check(leak + 'wandb.log({"email": e})\n')] == ["PII101"]


RECORDS = """
from dataclasses import dataclass

import mlflow
import weave


@dataclass
class Customer:
    email: str
    plan: str


@dataclass
class Scores:
    accuracy: float
"""

# A traced function's parameter typed with a record of the module: its fields are what is
# recorded (the `on_function` event carries them), decorated or wrapped (`weave.op(fn)`).
RECORD_PARAMS = [
    ("@mlflow.trace\ndef answer(customer: Customer):\n    pass\n", [(20, "PII301")]),
    ("@mlflow.trace\ndef grade(scores: Scores):\n    pass\n", []),
    ("def answer(customer: Customer):\n    pass\n\ntraced = weave.op(answer)\n", [(19, "PII301")]),
    ("def grade(scores: Scores):\n    pass\n\ntraced = weave.op(grade)\n", []),
    ("def answer(customer: Customer):\n    pass\n", []),
]


@pytest.mark.parametrize(("function", "expected"), RECORD_PARAMS)
def test_traced_record_parameter(function: str, expected: list[tuple[int, str]]) -> None:
    found = check(RECORDS + "\n\n" + function)
    assert [(f.line, f.code) for f in found] == expected
