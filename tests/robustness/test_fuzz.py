"""Generated programs (hypothesmith, built on LibCST's grammar) never break the engine.

Each program gets tracker imports prepended, and its expressions are also
logged through sinks, so the analysis evaluates them rather than skipping
the file. A syntax error is a fine answer; an internal error (PII901) or an
exception is not. The default run is short; a longer one:

    LOGMASK_FUZZ_EXAMPLES=5000 python -m pytest tests/robustness/test_fuzz.py -s

hypothesis and hypothesmith are imported (and the grammar built) when a test
runs, not when the module is collected: the fast tier collects it too.
"""

from __future__ import annotations

import os
from typing import Any

import libcst as cst
import pytest

from logmask.linter.config import Config
from logmask.linter.engine import Linter

EXAMPLES = int(os.environ.get("LOGMASK_FUZZ_EXAMPLES", "100"))
PRELUDE = "import mlflow\nimport wandb\nfrom mlflow import MlflowClient\nrun = wandb.init()\n"
SINKS = (
    "wandb.log({{'user_email': ({0})}})",
    "run.log({{({0}): 1}})",
    "mlflow.log_param('customer_ssn', ({0}))",
    "mlflow.log_table(data=({0}), artifact_file='t.json')",
    "wandb.Table(dataframe=({0}))",
)
LINTER = Linter(Config(select=("ALL",)))
RAN = {"grammar": 0, "node": 0}


def with_sinks(source: str) -> str:
    """The program, then a few of its expressions logged through tracker sinks."""
    try:
        module = cst.parse_module(source)
    except Exception:
        return source
    found: list[str] = []

    class Expressions(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, cst.BaseExpression) and len(found) < 8:
                code = module.code_for_node(node)
                if "\n" not in code and "yield" not in code and "await" not in code:
                    found.append(code)
            return True

    module.visit(Expressions())
    calls = [SINKS[i % len(SINKS)].format(code) for i, code in enumerate(found)]
    return source + ("\n" if not source.endswith("\n") else "") + "\n".join(calls) + "\n"


def assert_no_internal_error(source: str) -> None:
    for text in (PRELUDE + source, PRELUDE + with_sinks(source)):
        result = LINTER.check_source(text.encode("utf-8", "surrogatepass"), "fuzz.py")
        internal = [e for e in result.errors if e.code == "PII901"]
        assert not internal, (internal, text)


def fuzz(max_examples: int) -> Any:
    """hypothesis's settings for these runs: no deadline, no example database."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@pytest.mark.slow
def test_programs_from_the_grammar() -> None:
    import hypothesmith
    from hypothesis import given

    @fuzz(EXAMPLES)
    @given(hypothesmith.from_grammar())
    def check(source: str) -> None:
        RAN["grammar"] += 1
        assert_no_internal_error(source)

    check()


@pytest.mark.slow
def test_programs_from_libcst_nodes() -> None:
    import hypothesmith
    from hypothesis import given
    from hypothesis import strategies as st

    @fuzz(max(10, EXAMPLES // 5))
    @given(hypothesmith.from_node(), st.sampled_from(SINKS))
    def check(source: str, sink: str) -> None:
        RAN["node"] += 1
        assert_no_internal_error(source + "\n" + sink.format("0") + "\n")

    check()


def teardown_module() -> None:
    print(f"\nfuzz: {RAN['grammar']} grammar programs, {RAN['node']} LibCST-node programs")
