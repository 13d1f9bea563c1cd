"""PII104 / PII302 for end-user text: flag and no-flag side by side.

End-user text is what a person sends to an application (a handler's request,
a served model's input, a callback's prompts, `input()`); dataset text,
templates, literals and model outputs are not, and trainers that log dataset
prompts (TRL, diffusers) must stay quiet.
"""

from __future__ import annotations

import textwrap

import pytest

from logmask.linter.config import Config
from logmask.linter.engine import Linter
from logmask.rules.trackers import BUILTIN, TrackerModel, parse_tracker_table
from tests.conftest import check


def found(source: str, code: str) -> list[int]:
    """Lines reported with `code`, each once (the snippet's first line is line 1)."""
    return sorted({f.line for f in check(source.lstrip("\n")) if f.code == code})


FLAG_LOG = {
    "handler request, messages[-1].content": """
        import wandb
        run = wandb.init()
        def handle(request: dict) -> str:
            question = request["messages"][-1]["content"]
            run.log({"last_question": question})  # 5
        """,
    "FastAPI route typed request, .input": """
        import mlflow
        from fastapi import FastAPI
        app = FastAPI()
        @app.post("/chat")
        def chat_endpoint(req: ChatRequest):
            mlflow.log_text(req.input, "input.txt")  # 6
        """,
    "payload['message'] in an f-string": """
        import mlflow
        def handle_message(payload):
            mlflow.log_param("note", f"user said: {payload['message']}")  # 3
        """,
    "Flask request body": """
        import wandb
        from flask import Flask, request
        app = Flask(__name__)
        @app.route("/ask", methods=["POST"])
        def ask():
            body = request.get_json()
            wandb.log({"question": body["question"]})  # 7
        """,
    "gradio-style respond(message, history)": """
        import mlflow
        def respond(message, history):
            turns = [m["content"] for m in history]
            mlflow.log_dict({"history": turns, "message": message.strip()}, "chat.json")  # 4
        """,
    "LangChain on_llm_start(prompts) to W&B": """
        import wandb
        from langchain_core.callbacks import BaseCallbackHandler
        class WandbPrompts(BaseCallbackHandler):
            def on_llm_start(self, serialized, prompts, **kwargs):
                wandb.log({"prompts": prompts})  # 5
        """,
    "LangChain on_chat_model_start(messages) to MLflow": """
        import mlflow
        class Handler:
            def on_chat_model_start(self, serialized, messages, **kwargs):
                texts = [m.content for batch in messages for m in batch]
                mlflow.log_dict({"messages": texts}, "messages.json")  # 5
        """,
    "served ResponsesAgent.predict": """
        import wandb
        from mlflow.pyfunc import ResponsesAgent
        class Agent(ResponsesAgent):
            def predict(self, request):
                wandb.log({"input": request.input})  # 5
        """,
    "input() at module level": """
        import wandb
        q = input("You: ")
        wandb.log({"q": q.lower()})  # 3
        """,
    "rows built from the user's text into a Table": """
        import wandb
        def handle(question: str, answer_text: str) -> None:
            rows = []
            rows.append([question, answer_text])
            wandb.log({"qa": wandb.Table(columns=["q", "a"], data=rows)})  # 5
        """,
}


@pytest.mark.parametrize("source", FLAG_LOG.values(), ids=FLAG_LOG.keys())
def test_end_user_text_in_a_log_is_reported(source: str) -> None:
    expected = [
        number
        for number, line in enumerate(source.strip("\n").splitlines(), 1)
        if line.rstrip().endswith(f"# {number}")
    ]
    assert found(source, "PII104") == expected


NO_FLAG = {
    "TRL-style trainer logs dataset prompts": """
        import wandb
        class Trainer:
            def log_completions(self, batch, completions):
                table = wandb.Table(columns=["prompt", "completion"])
                for prompt, completion in zip(batch["prompt"], completions):
                    table.add_data(prompt, completion)
                wandb.log({"completions": table, "prompt": batch["prompt"][0]})
        """,
    "diffusers-style validation prompt from args": """
        import wandb
        def log_validation(pipeline, args, accelerator, epoch):
            images = [pipeline(args.validation_prompt).images[0] for _ in range(4)]
            captions = [wandb.Image(i, caption=args.validation_prompt) for i in images]
            wandb.log({"validation": captions})
        """,
    "dataset rows and load_dataset": """
        import wandb
        from datasets import load_dataset
        ds = load_dataset("squad")
        def log_samples(dataset):
            for i in range(4):
                wandb.log({"question": dataset[i]["question"]})
        wandb.log({"first": ds["train"][0]["question"]})
        """,
    "literals, templates and system prompts": """
        import mlflow
        SYSTEM_PROMPT = "You are a helpful assistant."
        def handle(question: str) -> str:
            template = "Answer the question: {q}"
            mlflow.log_param("system_prompt", SYSTEM_PROMPT)
            mlflow.log_text(template, "template.txt")
            mlflow.log_param("greeting", f"Hello {SYSTEM_PROMPT}")
            return "ok"
        """,
    "numbers and settings derived from the request": """
        import wandb
        def handle(request: dict) -> str:
            wandb.log({"n_messages": len(request["messages"]), "temp": request["temperature"]})
            wandb.log({"model": request.get("model"), "role": request["messages"][-1]["role"]})
            return "ok"
        """,
    "model output on the user's question": """
        import wandb
        def answer(question: str) -> str:
            reply = llm(question)
            wandb.log({"reply_length": len(reply), "reply": reply})
            return reply
        """,
    "a reassigned name is no longer the user's": """
        import wandb
        def handle(message: str) -> None:
            message = "redacted"
            wandb.log({"message": message})
        """,
    "prompt parameter of a helper that is no entry point": """
        import wandb
        def build_prompt(prompt: str, context: str) -> str:
            wandb.log({"prompt": prompt})
            return prompt + context
        """,
    "handler parameters named as data": """
        import wandb
        def handle_batch(batch, examples):
            wandb.log({"text": batch["text"], "ex": examples[0]["question"]})
        """,
    "redacted already": """
        import logmask
        import wandb
        def handle(question: str) -> None:
            wandb.log({"q": logmask.redact_text(question)})
        """,
}


@pytest.mark.parametrize("source", NO_FLAG.values(), ids=NO_FLAG.keys())
def test_not_end_user_text_is_quiet(source: str) -> None:
    assert [f.code for f in check(source) if f.code in ("PII104", "PII302")] == []


TRACE = """
    import mlflow
    def handle(request: dict) -> str:
        question = request["messages"][-1]["content"]
        with mlflow.start_span(name="retrieve") as span:
            span.set_inputs({"query": question})  # 5
            span.set_outputs({"documents": ["doc-1"]})
            span.set_attribute("user.question", question[:200])  # 7
        mlflow.update_current_trace(request_preview=question, tags={"kind": "chat"})  # 8
        client = mlflow.MlflowClient()
        root = client.start_trace("chat", inputs={"messages": request["messages"]})  # 10
        return "answer"
    """


def test_end_user_text_in_trace_sinks_is_pii302() -> None:
    assert found(TRACE, "PII302") == [5, 7, 8, 10]
    assert found(TRACE, "PII104") == []


def test_registered_span_processor_silences_trace_sinks() -> None:
    registered = textwrap.dedent(TRACE).replace(
        "import mlflow\n", "import mlflow\nmlflow.tracing.configure(span_processors=[scrub])\n", 1
    )
    assert found(registered, "PII302") == []


def test_weave_trace_sink() -> None:
    source = """
        import weave
        def handle(message: str) -> None:
            with weave.attributes({"message": message}):  # 3
                pass
        """
    assert found(source, "PII302") == [3]


def test_traced_function_is_reported_once_at_its_definition() -> None:
    source = """
        import mlflow
        @mlflow.trace
        def answer(question: str) -> str:
            mlflow.get_current_active_span().set_attribute("q", question)
            return "a"
        """
    assert [(f.line, f.code) for f in check(source)] == [(4, "PII302")]


def test_pii104_fix_wraps_in_redact_text() -> None:
    (finding,) = [f for f in check(FLAG_LOG["handler request, messages[-1].content"]) if f.fix]
    assert finding.code == "PII104"
    assert "logmask.redact_text(question)" in str(finding.fix)


def test_personal_key_wins_over_end_user_text() -> None:
    source = """
        import wandb
        def handle(message: str) -> None:
            wandb.log({"customer_email": message})
        """
    assert [f.code for f in check(source)] == ["PII101"]


TRACED_LOGS = """
    import mlflow
    import wandb
    @mlflow.trace
    def answer(question: str) -> str:
        wandb.log({"question": question})
        return "a"
    """


def test_traced_function_logging_its_question_is_pii104() -> None:
    assert found(TRACED_LOGS, "PII104") == [5]


def test_in_an_evaluation_traced_functions_get_dataset_rows() -> None:
    evaluated = textwrap.dedent(TRACED_LOGS) + (
        'mlflow.genai.evaluate(data=[{"inputs": {"question": "q"}}], predict_fn=answer)\n'
    )
    assert [f.code for f in check(evaluated) if f.code in ("PII104", "PII302")] == []


@pytest.mark.parametrize(("registered", "expected"), [(False, ["PII302"]), (True, [])])
def test_configured_trace_sinks(registered: bool, expected: list[str]) -> None:
    """A user row's `trace-sinks` make end-user text there PII302, silenced by its redaction."""
    row = parse_tracker_table(
        "tracely",
        {
            "sinks": {"tracely.record": "payload:mapping", "tracely.note": "text:text"},
            "trace-sinks": ["tracely.record"],
            "redaction": {"tracely.init": "settings.redact"},
        },
    )
    source = textwrap.dedent(
        """\
        import tracely
        def handle(message: str) -> None:
            tracely.record({"message": message})
            tracely.note(message)
        """
    )
    if registered:
        source = source.replace("\n", '\ntracely.init(settings={"redact": True})\n', 1)
    linter = Linter(Config(select=("ALL",)))
    linter.sinks = TrackerModel((*BUILTIN, row))
    findings = linter.check_source(source.encode(), "t.py").findings
    assert [f.code for f in findings if f.code == "PII302"] == expected
    assert [f.code for f in findings if f.code == "PII104"] == ["PII104"]  # a run sink


def test_served_predict_helpers_that_extract_keep_the_text() -> None:
    """A traced, served `predict(model_input)`: PII302 does not cover `model_input` by name."""
    source = """
        import mlflow
        class Agent(mlflow.pyfunc.PythonModel):
            @mlflow.trace
            def predict(self, context, model_input, params=None):
                messages = self.get_messages_array(model_input)
                with mlflow.start_span(name="parse") as span:
                    span.set_inputs({"messages": messages})  # 7
                    answer = self.llm(extract_user_query_string(messages))
                    span.set_outputs({"answer": answer})
                return answer
        """
    assert found(source, "PII302") == [7]
