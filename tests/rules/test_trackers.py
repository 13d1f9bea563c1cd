"""The tracker model: rows as data, and what each built-in row makes the linter see.

Flag and no-flag examples sit side by side per tracker; the last part adds a
made-up tracing tracker through configuration alone.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from logmask.linter.config import Config, ConfigError, parse_config
from logmask.linter.engine import Linter
from logmask.linter.prefilter import CandidateFilter
from logmask.rules.sinks import parse_signature
from logmask.rules.trackers import BUILTIN, TrackerModel, builtin_model, parse_tracker_table
from tests.conftest import check


def lines(source: str, config: Config | None = None) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in check(source, config=config)]


# ----------------------------------------------------------------- the table itself


def test_every_row_is_well_formed() -> None:
    model = builtin_model()
    for row in BUILTIN:
        for api, text in row.signatures.items():
            parse_signature(api, text)
        for api in (*row.signatures, *row.objects, *row.trace_decorators):
            assert api.split(".")[0] in model.modules, api
    assert {"wandb", "mlflow", "weave", "lightning", "pytorch_lightning", "accelerate"} <= (
        model.modules
    )


def test_one_reset_list() -> None:
    from logmask.linter import fixes

    assert frozenset(builtin_model().redaction_resets) == fixes.TRACING_RESETS
    assert "mlflow.tracking.set_tracking_uri" in fixes.TRACING_RESETS


@pytest.mark.parametrize(
    ("api", "canonical"),
    [
        ("mlflow.tracing.fluent.update_current_trace", "mlflow.update_current_trace"),
        ("mlflow.tracing.fluent.start_span_no_context", "mlflow.start_span_no_context"),
        ("mlflow.tracing.assessment.log_feedback", "mlflow.log_feedback"),
        ("mlflow.tracing.fluentish.x", "mlflow.tracing.fluentish.x"),
        ("weave.trace.api.op", "weave.op"),
    ],
)
def test_aliases(api: str, canonical: str) -> None:
    assert builtin_model().canonical(api) == canonical


def test_bases_lend_methods_and_attributes() -> None:
    model = builtin_model()
    assert model.signature("lightning.WandbLogger.log_table") is not None
    assert model.attribute_type("lightning.WandbLogger.experiment") == "wandb.Run"
    assert model.signature("lightning.Experiment.log_param") is not None  # MlflowClient's
    assert model.signature("lightning.MLFlowLogger.log_param") is None


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("import weave\n", True),
        ("from weave import op\n", True),
        ("from weave import Model\n", False),
        ("from lightning.pytorch.loggers import WandbLogger\n", True),
        ("from lightning.pytorch.loggers import CSVLogger\n", False),
        ("from lightning.pytorch import LightningModule\n", True),
        ("from accelerate import Accelerator\n", True),
        ("from accelerate import notebook_launcher\n", False),
        ("from mlflow.tracing.fluent import update_current_trace\n", True),
        ("from langchain_community.callbacks import WandbCallbackHandler\n", True),
        ("from langchain_community.callbacks import StdOutCallbackHandler\n", False),
    ],
)
def test_candidate_stage_reads_the_model(source: str, kept: bool) -> None:
    model = builtin_model()
    assert CandidateFilter(model).needs_libcst(source.encode()) is kept


# ----------------------------------------------------------------- Weave

WEAVE_FLAG = [
    ("@weave.op\ndef f(customer_email):\n    pass\n", "PII301"),
    ("@weave.op()\ndef f(question):\n    pass\n", "PII302"),
    ("@weave.op(name='x')\nasync def f(user_phone, k):\n    pass\n", "PII301"),
    ("@op\ndef f(customer_name):\n    pass\n", "PII301"),
    ("@weave.op(postprocess_output=clean)\ndef f(customer_email):\n    pass\n", "PII301"),
    (
        "class M(weave.Model):\n    @weave.op\n"
        "    def predict(self, customer_name):\n        pass\n",
        "PII301",
    ),
    ("def f(patient_name):\n    pass\ntraced = weave.op(f)\n", "PII301"),
    ("weave.publish(weave.Dataset(rows=[{'email': e, 'y': 1}]))\n", "PII201"),
    ("weave.Evaluation(dataset=[{'customer_email': e}], scorers=[s])\n", "PII201"),
    ("with weave.attributes({'user_email': e}):\n    pass\n", "PII101"),
]
WEAVE_QUIET = [
    "@weave.op\ndef f(logits, threshold=0.5):\n    pass\n",
    "@weave.op(postprocess_inputs=drop)\ndef f(customer_phone):\n    pass\n",
    "def f(customer_email):\n    pass\n",
    "class M(weave.Model):\n    def describe(self, customer_name):\n        pass\n",
    "weave.init('p', settings={'redact_pii': True})\n@weave.op\ndef f(customer_email):\n    pass\n",
    "weave.init('p', postprocess_inputs=scrub)\n@weave.op\ndef f(customer_email):\n    pass\n",
    "weave.init('p', settings=UserSettings(redact_pii=True))\n"
    "@weave.op\ndef f(customer_email):\n    pass\n",
    "weave.publish(weave.Dataset(rows=[{'prompt_id': i, 'label': y}]))\n",
    "traced = weave.op(f, postprocess_inputs=scrub)\ndef f(customer_email):\n    pass\n",
]


@pytest.mark.parametrize(("body", "code"), WEAVE_FLAG)
def test_weave_flags(body: str, code: str) -> None:
    source = "import weave\nfrom weave import op\n" + body
    assert [c for _, c in lines(source)] == [code]


@pytest.mark.parametrize("body", WEAVE_QUIET)
def test_weave_quiet(body: str) -> None:
    assert lines("import weave\nfrom weave import UserSettings\n" + body) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import weave\nimport openai\nweave.init('p')\n", [(3, "PII303")]),
        ("import weave\nfrom anthropic import Anthropic\nweave.init('p')\n", [(3, "PII303")]),
        (
            "import weave\nfrom langchain_openai import ChatOpenAI\nweave.init('p')\n",
            [(3, "PII303")],
        ),
        ("import weave\nimport pandas\nweave.init('p')\n", []),
        ("import weave\nimport openai\nweave.init('p', settings={'redact_pii': True})\n", []),
        (
            "import weave\nimport openai\n"
            "weave.init('p', settings={'implicitly_patch_integrations': False})\n",
            [],
        ),
        (
            "import weave\nimport openai\nweave.init('p', settings={'redact_pii': False})\n",
            [(3, "PII303")],
        ),
        (
            "import weave.integrations\nweave.integrations.patch_openai()\n",
            [(2, "PII303")],
        ),
        (
            "from weave.integrations import patch_openai\n"
            "patch_openai(settings=IntegrationSettings(op_settings=OpSettings("
            "postprocess_inputs=scrub)))\n",
            [],
        ),
        (
            "from agents import set_trace_processors\n"
            "from weave.integrations.openai_agents.openai_agents import WeaveTracingProcessor\n"
            "set_trace_processors([WeaveTracingProcessor()])\n",
            [(3, "PII303")],
        ),
    ],
)
def test_weave_auto_tracing(source: str, expected: list[tuple[int, str]]) -> None:
    assert lines(source) == expected


def test_weave_redaction_does_not_cover_mlflow() -> None:
    source = (
        "import mlflow\nimport weave\nweave.init('p', settings={'redact_pii': True})\n"
        "@mlflow.trace\ndef f(customer_email):\n    pass\n"
    )
    assert [c for _, c in lines(source)] == ["PII301"]


@pytest.mark.parametrize(
    ("decorator", "fixed"),
    [
        ("@weave.op", "@weave.op(postprocess_inputs=logmask.redact_inputs, {out})"),
        ("@weave.op()", "@weave.op(postprocess_inputs=logmask.redact_inputs, {out})"),
        (
            '@weave.op(name="x")',
            '@weave.op(name="x", postprocess_inputs=logmask.redact_inputs, {out})',
        ),
        (
            "@weave.op(postprocess_output=keep)",
            "@weave.op(postprocess_output=keep, postprocess_inputs=logmask.redact_inputs)",
        ),
    ],
)
def test_weave_op_fix_is_safe_and_local(decorator: str, fixed: str) -> None:
    from logmask.linter.runner import fix_loop

    out = "postprocess_output=logmask.redact_output"
    source = f"import weave\n\n\n{decorator}\ndef f(customer_email):\n    return 1\n"
    linter = Linter(Config())
    result = linter.check_source(source.encode(), "ops.py")
    (finding,) = result.findings
    assert finding.fix is not None and finding.fix.safe
    checked = fix_loop(linter, result, unsafe=False)
    assert checked.fixed is not None
    text = checked.fixed.decode()
    assert fixed.format(out=out) in text and "import logmask" in text
    assert checked.result.findings == []


def test_weave_init_fix_is_unsafe_and_redacts_the_client() -> None:
    source = "import openai\nimport weave\n\nweave.init('p')\n"
    (finding,) = Linter(Config()).check_source(source.encode(), "app.py").findings
    assert finding.fix is not None and not finding.fix.safe
    (edit,) = finding.fix.edits
    assert edit.content == (
        "weave.init('p', postprocess_inputs=logmask.redact_inputs, "
        "postprocess_output=logmask.redact_output)"
    )


# ----------------------------------------------------------------- integrations

INTEGRATIONS = [
    # W&B and LangChain tracers: no redaction hook, always PII303
    (
        "from wandb.integration.langchain import WandbTracer\nWandbTracer.init({'project': 'p'})\n",
        2,
    ),
    ("from wandb.integration.openai import autolog\nautolog({'project': 'p'})\n", 2),
    (
        "from langchain_community.callbacks import WandbCallbackHandler\n"
        "h = WandbCallbackHandler()\n",
        2,
    ),
    (
        "import mlflow\nimport logmask\n"
        "from langchain_community.callbacks import MlflowCallbackHandler\n"
        "mlflow.tracing.configure(span_processors=[logmask.redact_span])\n"
        "h = MlflowCallbackHandler()\n",
        5,
    ),
]


@pytest.mark.parametrize(("source", "line"), INTEGRATIONS)
def test_tracer_integrations(source: str, line: int) -> None:
    assert lines(source) == [(line, "PII303")]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from wandb.sdk.data_types.trace_tree import Trace\n"
            "t = Trace(name='llm', inputs={'customer_email': e})\n",
            [(2, "PII101")],
        ),
        (
            "from wandb.sdk.data_types.trace_tree import Trace\n"
            "t = Trace(name='llm', inputs={'k': 3})\n",
            [],
        ),
        (
            "from mlflow.tracing.fluent import update_current_trace\n"
            "update_current_trace(metadata={'customer_email': e})\n",
            [(2, "PII101")],
        ),
        (
            "from mlflow.tracing.fluent import start_span_no_context\n"
            "s = start_span_no_context('x', inputs={'patient_name': n})\n",
            [(2, "PII101")],
        ),
        (
            "from mlflow.tracing.fluent import update_current_trace\n"
            "update_current_trace(tags={'model': 'v2'})\n",
            [],
        ),
        (
            "import mlflow.tracing.fluent as fl\n@fl.trace\ndef f(customer_email):\n    pass\n",
            [(3, "PII301")],
        ),
    ],
)
def test_more_spellings(source: str, expected: list[tuple[int, str]]) -> None:
    assert lines(source) == expected


LIGHTNING_FLAG = [
    "logger = WandbLogger(project='p')\nlogger.log_hyperparams({'owner_email': e})\n",
    "logger = MLFlowLogger()\nlogger.log_metrics({'customer_name': n})\n",
    "logger = CometLogger()\nlogger.log_hyperparams({'patient_name': n})\n",
    "logger = NeptuneLogger()\nlogger.log_hyperparams({'user_phone': p})\n",
    "logger = WandbLogger()\nlogger.log_text(key='k', columns=['email'], data=rows)\n",
    "logger = WandbLogger()\nlogger.experiment.log({'customer_email': e})\n",
    "logger = WandbLogger()\nlogger.experiment.config.update({'customer_email': e})\n",
    "class M(LightningModule):\n    def on_fit_start(self):\n"
    "        self.logger.log_hyperparams({'customer_email': self.e})\n",
    "class M(pl.LightningModule):\n    def training_step(self, b, i):\n"
    "        self.logger.experiment.log({'customer_email': b})\n",
    "trainer = Trainer()\ntrainer.logger.log_hyperparams({'owner_email': e})\n",
]
LIGHTNING_QUIET = [
    "logger = WandbLogger(project='p')\nlogger.log_hyperparams({'lr': 1e-3, 'num_users': 4})\n",
    "logger = WandbLogger()\nlogger.log_metrics({'train_loss': 0.1})\n",
    "logger = WandbLogger()\nlogger.log_table(key='k', columns=['epoch', 'loss'], data=rows)\n",
    "class M(LightningModule):\n    def training_step(self, b, i):\n"
    "        self.log('train_loss', 0.1)\n        self.logger.log_metrics({'acc': 1})\n",
    "class M:\n    def go(self):\n        self.logger.log_hyperparams({'customer_email': e})\n",
]
LIGHTNING_HEADER = (
    "import pytorch_lightning as pl\n"
    "from lightning.pytorch import LightningModule, Trainer\n"
    "from lightning.pytorch.loggers import CometLogger, MLFlowLogger, NeptuneLogger, WandbLogger\n"
)


@pytest.mark.parametrize("body", LIGHTNING_FLAG)
def test_lightning_flags(body: str) -> None:
    found = lines(LIGHTNING_HEADER + body)
    assert len(found) == 1 and found[0][1] in ("PII101", "PII201"), found


@pytest.mark.parametrize("body", LIGHTNING_QUIET)
def test_lightning_quiet(body: str) -> None:
    assert lines(LIGHTNING_HEADER + body) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a = Accelerator(log_with='wandb')\na.init_trackers('p', config={'owner_email': e})\n", 1),
        ("a = Accelerator()\na.log({'customer_name': n})\n", 1),
        ("a = Accelerator()\na.get_tracker('wandb').log({'customer_name': n})\n", 1),
        ("a = Accelerator()\nt = a.get_tracker('wandb')\nt.tracker.log({'customer_name': n})\n", 1),
        (
            "class Board(GeneralTracker):\n    name = 'board'\n"
            "b = Board()\nb.log({'customer_email': e})\n",
            1,
        ),
        ("a = Accelerator()\na.init_trackers('p', config={'lr': 1e-3, 'run_name': r})\n", 0),
        ("a = Accelerator()\na.log({'train_loss': 0.2, 'num_users': 3})\n", 0),
    ],
)
def test_accelerate(body: str, expected: int) -> None:
    header = "from accelerate import Accelerator\nfrom accelerate.tracking import GeneralTracker\n"
    assert len(lines(header + body)) == expected


# ----------------------------------------------------------------- user rows

TRACELY = {
    "trace-decorators": ["tracely.traced"],
    "auto-tracing": ["tracely.instrument_openai"],
    "redaction": {"tracely.init": "redact"},
    "op-redaction": {"tracely.traced": "scrub"},
    "setup": "tracely.init(redact=True)",
}


def tracely_config() -> Config:
    return parse_config({"trackers": {"tracely": TRACELY}}, Path("p.toml"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("@tracely.traced\ndef f(customer_email):\n    pass\n", [(3, "PII301")]),
        ("@tracely.traced(scrub=clean)\ndef f(customer_email):\n    pass\n", []),
        ("tracely.init(redact=True)\n@tracely.traced\ndef f(customer_email):\n    pass\n", []),
        (
            "tracely.init(redact=False)\n@tracely.traced\ndef f(customer_email):\n    pass\n",
            [(4, "PII301")],
        ),
        ("tracely.instrument_openai()\n", [(2, "PII303")]),
        ("@tracely.traced\ndef f(logits):\n    pass\n", []),
    ],
)
def test_configured_tracing_tracker(source: str, expected: list[tuple[int, str]]) -> None:
    assert lines("import tracely\n" + source) == []  # unknown without the row
    assert lines("import tracely\n" + source, config=tracely_config()) == expected


def test_configured_tracker_fix_inserts_its_setup() -> None:
    from logmask.linter.runner import fix_loop

    linter = Linter(tracely_config())
    source = "import tracely\n\n\n@tracely.traced\ndef f(customer_email):\n    pass\n"
    result = linter.check_source(source.encode(), "a.py")
    checked = fix_loop(linter, result, unsafe=True)
    assert checked.fixed is not None
    assert "tracely.init(redact=True)" in checked.fixed.decode()
    assert checked.result.findings == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"trace-decorators": "tracely.traced"}, "must be a list of strings"),
        ({"trace-decorators": ["traced"]}, "is not a dotted name"),
        ({"redaction": {"tracely.init": 1}}, "must be a string"),
        ({"sinks": {"tracely.log": "data:blob"}}, "unknown shape"),
        ({"decorators": []}, "unknown key 'decorators'"),
    ],
)
def test_bad_rows_name_the_key(row: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config({"trackers": {"tracely": row}}, Path("p.toml"))


def test_user_row_attributes_and_objects() -> None:
    row = parse_tracker_table(
        "board",
        {
            "objects": {"board.Session": "board.Session"},
            "attributes": {"board.Session.meta": "board.Meta"},
            "sinks": {"board.Meta.update": "d:mapping"},
        },
    )
    model = TrackerModel((*BUILTIN, row))
    assert model.attribute_type("board.Session.meta") == "board.Meta"
    assert "board" in model.modules
    source = textwrap.dedent(
        """\
        import board
        s = board.Session()
        s.meta.update({"customer_email": e})
        """
    )
    linter = Linter(Config())
    linter.sinks = model
    assert [f.code for f in linter.check_source(source.encode(), "b.py").findings] == ["PII101"]


def test_configured_tracker_end_to_end_through_the_cli(tmp_path: Path) -> None:
    """pyproject.toml alone teaches logmask a tracing tracker: check, fix, check again."""
    import json

    from tests.inprocess import invoke as run

    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.logmask.trackers.tracely]
            trace-decorators = ["tracely.traced"]
            redaction = { "tracely.init" = "settings.redact" }
            setup = 'tracely.init(settings={"redact": True})'
            """
        ),
        encoding="utf-8",
    )
    app = tmp_path / "app.py"
    app.write_text(
        "import tracely\n\n\n@tracely.traced\ndef lookup(customer_email):\n    return 1\n",
        encoding="utf-8",
    )
    found = json.loads(run("check", "--format", "json", "app.py", cwd=tmp_path).stdout)
    assert [(f["line"], f["code"]) for f in found] == [(5, "PII301")]
    fixed = run("check", "--fix", "--unsafe-fixes", "app.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert 'tracely.init(settings={"redact": True})' in app.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("imports", "flagged"),
    [
        ("from google import genai\n", True),
        ("import google.generativeai as genai\n", True),
        ("from google.protobuf import json_format\n", False),
        ("from google.cloud import storage\n", False),
        ("from openai import OpenAI\n", True),
        ("from openai_helpers import x\n", False),
    ],
)
def test_weave_init_needs_a_patched_library(imports: str, flagged: bool) -> None:
    found = lines("import weave\n" + imports + "weave.init('p')\n")
    assert found == ([(3, "PII303")] if flagged else [])


EVALUATION = (
    "import weave\nfrom openai import OpenAI\nweave.init('p')\n"
    "class M(weave.Model):\n"
    "    @weave.op\n    def predict(self, question):\n        pass\n"
    "    @weave.op\n    def lookup(self, customer_email):\n        pass\n"
)


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("", [(3, "PII303"), (6, "PII302"), (9, "PII301")]),
        ("weave.Evaluation(dataset=rows, scorers=[s])\n", [(9, "PII301")]),
        ("logger = weave.EvaluationLogger(model='m', dataset='d')\n", [(9, "PII301")]),
    ],
)
def test_evaluation_harness_traces_dataset_text(tail: str, expected: list[tuple[int, str]]) -> None:
    """Free text and auto-traced prompts of an evaluation are dataset rows; names stay personal."""
    assert lines(EVALUATION + tail) == expected


def test_mlflow_evaluation_harness() -> None:
    source = "import mlflow\n@mlflow.trace\ndef predict(question):\n    pass\n"
    assert [c for _, c in lines(source)] == ["PII302"]
    assert lines(source + "mlflow.genai.evaluate(data=rows, predict_fn=predict)\n") == []


@pytest.mark.parametrize(
    "source",
    [
        "@mlflow.tracing.fluent.trace\ndef f(customer_email):\n    pass\n",
        "@weave.op\ndef f(customer_email):\n    pass\n",
    ],
)
def test_unresolved_trace_decorators_keep_the_file(source: str) -> None:
    """No import binds the module: the analysis reads the decorator's text, so must the stage."""
    assert CandidateFilter(builtin_model()).needs_libcst(source.encode())
    assert [f.code for f in check(source)] == ["PII301"]
