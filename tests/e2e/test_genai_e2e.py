"""End to end: a small GenAI service traced with MLflow and logging to W&B leaks nothing once fixed.

The service answers chat requests with a fake LLM (no network). Each request's
last user message goes into a span's inputs, the trace's request preview and
a W&B run (offline); MLflow stores traces in a local sqlite store. The users'
messages hold their name, e-mail address, phone number and card number. The
script runs once as written (every one of them must reach a store, or this
test proves nothing), is fixed with `logmask check --fix --unsafe-fixes`
(PII302 registers `logmask.redact_span`, PII104 wraps the logged question in
`logmask.redact_text`), and runs again; every byte both trackers wrote is
searched, and the trace is read back through MLflow's client.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from tests.e2e.support import Timer, fix_with_cli, leaks, needs, run_all
from tests.e2e.test_mlflow_e2e import empty_store
from tests.e2e.test_wandb_e2e import wandb_env

pytestmark = needs("mlflow", "wandb")

SCRIPT = textwrap.dedent(
    """\
    import json
    import sys

    import mlflow
    import wandb

    mlflow.set_tracking_uri(sys.argv[2])
    mlflow.set_experiment("logmask-genai-e2e")
    run = wandb.init(project="logmask-genai-e2e")


    def fake_llm(prompt: str) -> str:
        return "Thanks, our support team will get back to you."


    def handle(request: dict) -> str:
        question = request["messages"][-1]["content"]
        with mlflow.start_span(name="chat") as span:
            span.set_inputs({"query": question})
            answer = fake_llm(question)
            span.set_outputs({"answer": answer})
            mlflow.update_current_trace(request_preview=question)
        run.log({"last_question": question, "answer_length": len(answer)})
        return answer


    for message in json.load(open(sys.argv[1], encoding="utf-8")):
        handle({"messages": [{"role": "user", "content": message}], "temperature": 0.2})
    run.finish()
    print("served")
    """
)

USERS = [
    ("Annabel Leeford", "annabel.leeford@gmail.com", "+44 20 7946 0958", "4539 1488 0343 6467"),
    ("Bartholomew Quist", "b.quist@outlook.com", "+1 415 234 5678", "5425 2334 3010 9903"),
]
MESSAGES = [
    f"Hi, my name is {name}. My card {card} was charged twice, "
    f"please mail me at {email} or call {phone}."
    for name, email, phone, card in USERS
]
NEEDLES = [
    value
    for name, email, phone, card in USERS
    for value in (name, name.split()[1], email, email.split("@")[0], phone, card, card[-9:])
]


def service_command(
    program: Path, messages: Path, folder: Path, store: Path
) -> tuple[list[str], Path, dict[str, str]]:
    """Run `program` in `folder`: its own copy of the sqlite store, W&B offline there."""
    folder.mkdir()
    shutil.copyfile(store, folder / "mlflow.db")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    env = wandb_env(folder)
    env["MLFLOW_ENABLE_ASYNC_TRACE_LOGGING"] = "false"
    return [sys.executable, str(program), str(messages), uri], folder, env


def stored_traces(uri: str) -> list[dict[str, object]]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("logmask-genai-e2e")
    assert experiment is not None
    traces = client.search_traces(locations=[experiment.experiment_id], include_spans=True)
    return [
        {
            "preview": trace.info.request_preview,
            "inputs": [span.inputs for span in trace.data.spans],
        }
        for trace in traces
    ]


@pytest.mark.slow
def test_genai_service_stores_no_user_data_after_fix(tmp_path: Path) -> None:
    timer = Timer()
    src = tmp_path / "src"
    src.mkdir()
    messages = src / "messages.json"
    messages.write_text(json.dumps(MESSAGES), encoding="utf-8")
    script = src / "service.py"
    script.write_text(SCRIPT, encoding="utf-8")
    original = src / "service_unfixed.py"
    original.write_text(SCRIPT, encoding="utf-8")
    store = empty_store(src)
    timer.mark("empty store")

    report = fix_with_cli(script)
    timer.mark("fix")
    fixed = script.read_text(encoding="utf-8")
    assert "mlflow.tracing.configure(span_processors=[logmask.redact_span])" in fixed
    assert '"last_question": logmask.redact_text(question)' in fixed
    assert "All checks passed." in report

    commands = [
        service_command(original, messages, tmp_path / "before", store),
        service_command(script, messages, tmp_path / "after", store),
    ]
    run_all(commands, timeout=240)
    timer.mark("runs")

    leaked = leaks([tmp_path / "before"], NEEDLES)
    assert set(leaked) == set(NEEDLES), f"the unfixed service should store everything: {leaked}"
    assert leaks([tmp_path / "after"], NEEDLES) == {}

    after = stored_traces(f"sqlite:///{tmp_path / 'after' / 'mlflow.db'}")
    assert len(after) == len(MESSAGES)
    for trace in after:
        preview = str(trace["preview"])
        assert preview.startswith("Hi, my name is <PERSON>. My card <CARD>"), preview
        assert "<EMAIL>" in preview and "<PHONE>" in preview
    print(f"genai e2e: {timer}")
