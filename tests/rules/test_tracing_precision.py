"""Traced text that is not a user's: evaluation-only modules, authored call sites,
and `weave.init()` whose LLM clients another project module imports.

Each case is a small project (files and their sources), the files checked and
the findings expected per file; the quiet twin of every flagged case sits next
to it.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from logmask.linter.config import Config
from logmask.linter.runner import check_paths

OP = """
import weave


@weave.op
def answer(question: str) -> str:
    return question.upper()
"""

HARNESS = """
import asyncio

import weave
from rag import answer

evaluation = weave.Evaluation(dataset=[{"question": "What is W&B?"}], scorers=[])
asyncio.run(evaluation.evaluate(answer))
"""

APP = """
from fastapi import FastAPI
from rag import answer

app = FastAPI()


@app.post("/chat")
def chat(body: dict) -> str:
    return answer(body["question"])
"""

LLM = """
import openai

client = openai.OpenAI()


def ask(prompt):
    return client.responses.create(model="gpt-4o", input=prompt)
"""

NO_LLM = """
import json


def ask(prompt):
    return json.dumps(prompt)
"""

SERVICE = """
from llm import ask


def run(prompt):
    return ask(prompt)
"""

INIT = """
import weave
from llm import ask

weave.init("support-bot")
"""

INIT_VIA_SERVICE = """
import weave
import service

weave.init("support-bot")
"""

INIT_LAZY = """
def main():
    import weave
    from llm import ask

    weave.init("support-bot")
"""


def notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "execution_count": None,
                    "outputs": [],
                    "source": textwrap.dedent(c).lstrip("\n"),
                }
                for c in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def single(body: str) -> dict[str, str]:
    return {"demo.py": OP + textwrap.dedent(body)}


FLAGGED_OP = {"rag.py": [(5, "PII302")]}
FLAGGED_DEMO = {"demo.py": [(5, "PII302")]}

CASES: list[tuple[str, dict[str, str], list[str], dict[str, list[tuple[int, str]]]]] = [
    # ---- modules that only evaluation harnesses, tests or demo notebooks import
    ("no_importer", {"rag.py": OP}, ["rag.py"], FLAGGED_OP),
    ("imported_by_evaluation", {"rag.py": OP, "evaluate.py": HARNESS}, ["rag.py"], {}),
    (
        "imported_by_evaluation_and_app",
        {"rag.py": OP, "evaluate.py": HARNESS, "app.py": APP},
        ["rag.py"],
        FLAGGED_OP,
    ),
    (
        "evaluation_through_a_pipeline_module",
        {
            "rag.py": OP,
            "pipeline.py": "from rag import answer\n\n\ndef run(q):\n    return answer(q)\n",
            "evaluate.py": HARNESS.replace("from rag import", "from pipeline import run as"),
        },
        ["rag.py"],
        {},
    ),
    (
        "pipeline_also_served",
        {
            "rag.py": OP,
            "pipeline.py": "from rag import answer\n\n\ndef run(q):\n    return answer(q)\n",
            "evaluate.py": HARNESS.replace("from rag import", "from pipeline import run as"),
            "server.py": APP.replace(
                "from rag import answer", "from pipeline import run as answer"
            ),
        },
        ["rag.py"],
        FLAGGED_OP,
    ),
    (
        "evaluation_named_without_a_call",
        {"rag.py": OP, "notes.py": "from rag import answer\n\n# see weave.Evaluation\n"},
        ["rag.py"],
        FLAGGED_OP,
    ),
    (
        "imported_by_tests",
        {"pyproject.toml": "", "rag.py": OP, "tests/test_rag.py": "from rag import answer\n"},
        ["rag.py"],
        {},
    ),
    (
        "imported_by_demo_notebook",
        {"rag.py": OP, "demo.ipynb": notebook("from rag import answer\n", 'answer("Hi")\n')},
        ["rag.py"],
        {},
    ),
    (
        "imported_by_gradio_notebook",
        {
            "rag.py": OP,
            "demo.ipynb": notebook(
                "import gradio as gr\nfrom rag import answer\n",
                "gr.Interface(fn=answer, inputs='text', outputs='text').launch()\n",
            ),
        },
        ["rag.py"],
        FLAGGED_OP,
    ),
    (
        "imported_by_notebook_reading_input",
        {
            "rag.py": OP,
            "demo.ipynb": notebook("from rag import answer\n", "answer(input())\n"),
        },
        ["rag.py"],
        FLAGGED_OP,
    ),
    (
        "imported_by_deploying_notebook",
        {
            "rag.py": OP,
            "deploy.ipynb": notebook(
                "import mlflow\nfrom rag import answer\n",
                'answer("Hi")\nmlflow.pyfunc.log_model(python_model="rag.py")\n',
            ),
        },
        ["rag.py"],
        FLAGGED_OP,
    ),
    (
        "served_module_imported_by_demo_notebook",
        {
            "rag.py": OP + "\nfrom mlflow.models import set_model\n\nset_model(answer)\n",
            "demo.ipynb": notebook("from rag import answer\n", 'answer("Hi")\n'),
        },
        ["rag.py"],
        FLAGGED_OP,
    ),
    # ---- ops whose every call in a module nothing imports passes authored text
    ("called_with_literal", single('answer("How do I log metrics?")\n'), ["demo.py"], {}),
    (
        "called_with_input",
        single("answer(input('Ask: '))\n"),
        ["demo.py"],
        FLAGGED_DEMO,
    ),
    (
        "called_with_literal_holding_an_email",
        single('answer("Write to ada@lovelace-mail.com")\n'),
        ["demo.py"],
        FLAGGED_DEMO,
    ),
    (
        "called_with_literal_variable",
        single('q = "What is a sweep?"\nanswer(question=q)\nanswer(f"{q} Explain.")\n'),
        ["demo.py"],
        {},
    ),
    (
        "variable_also_bound_to_input",
        single('q = "What is a sweep?"\nq = input()\nanswer(q)\n'),
        ["demo.py"],
        FLAGGED_DEMO,
    ),
    (
        "loop_over_literal_task_list",
        single(
            "for i, (name, prompt, check) in enumerate([('a', 'Sort it.', len)]):\n"
            "    answer(prompt)\n"
        ),
        ["demo.py"],
        {},
    ),
    (
        "loop_over_loaded_dataset",
        single(
            "from datasets import load_dataset\n\n"
            "for row in load_dataset('squad', split='validation'):\n"
            "    answer(row['question'])\n"
        ),
        ["demo.py"],
        {},
    ),
    (
        "loop_over_request_messages",
        single("def serve(request):\n    for m in request.messages:\n        answer(m)\n"),
        ["demo.py"],
        FLAGGED_DEMO,
    ),
    (
        "parameter_forwarded",
        single("def handle(question):\n    return answer(question)\n"),
        ["demo.py"],
        FLAGGED_DEMO,
    ),
    (
        "passed_as_callback",
        single('answer("Hi")\nhandlers = {"chat": answer}\n'),
        ["demo.py"],
        FLAGGED_DEMO,
    ),
    ("never_called", single(""), ["demo.py"], FLAGGED_DEMO),
    (
        "called_with_literal_but_imported",
        {**single('answer("Hi")\n'), "app.py": "from demo import answer\n"},
        ["demo.py"],
        FLAGGED_DEMO,
    ),
    # ---- notebooks that serve no user are demos: their own ops and weave.init too
    (
        "demo_notebook_op_and_init",
        {
            "demo.ipynb": notebook(
                "import openai\nimport weave\n\nweave.init('demo')\n",
                "@weave.op\ndef answer(question):\n    return question\n",
                "def ask(q):\n    return answer(q)\n",
            )
        },
        ["demo.ipynb"],
        {},
    ),
    (
        "gradio_notebook_op_and_init",
        {
            "demo.ipynb": notebook(
                "import gradio as gr\nimport openai\nimport weave\n\nweave.init('demo')\n",
                "@weave.op\ndef answer(question):\n    return question\n",
                "gr.Interface(fn=answer, inputs='text', outputs='text').launch()\n",
            )
        },
        ["demo.ipynb"],
        {"demo.ipynb": [(5, "PII303"), (2, "PII302")]},
    ),
    # ---- a script running an evaluation's scorer by hand is an evaluation harness
    (
        "script_runs_a_scorer",
        {
            "score.py": "def score_answer(row, output):\n    return row == output\n",
            "evaluate.py": HARNESS.replace("scorers=[]", "scorers=[score_answer]")
            + "from score import score_answer\n",
            "llm.py": LLM,
            "run_one.py": INIT + "from score import score_answer\n\nscore_answer(1, ask(2))\n",
        },
        ["run_one.py"],
        {},
    ),
    (
        "script_runs_a_helper_no_evaluation_lists",
        {
            "score.py": "def score_answer(row, output):\n    return row == output\n",
            "evaluate.py": HARNESS + "from score import score_answer\n",
            "llm.py": LLM,
            "run_one.py": INIT + "from score import score_answer\n\nscore_answer(1, ask(2))\n",
        },
        ["run_one.py"],
        {"run_one.py": [(4, "PII303")]},
    ),
    # ---- weave.init with LLM clients imported by project modules (PII303)
    ("init_llm_module", {"app.py": INIT, "llm.py": LLM}, ["app.py"], {"app.py": [(4, "PII303")]}),
    ("init_module_without_llm", {"app.py": INIT, "llm.py": NO_LLM}, ["app.py"], {}),
    (
        "init_llm_two_modules_away",
        {"app.py": INIT_VIA_SERVICE, "service.py": SERVICE, "llm.py": LLM},
        ["app.py"],
        {"app.py": [(4, "PII303")]},
    ),
    (
        "init_service_without_llm",
        {"app.py": INIT_VIA_SERVICE, "service.py": SERVICE, "llm.py": NO_LLM},
        ["app.py"],
        {},
    ),
    (
        "init_lazy_import_in_function",
        {"app.py": INIT_LAZY, "llm.py": LLM},
        ["app.py"],
        {"app.py": [(5, "PII303")]},
    ),
    (
        "init_llm_module_imports_the_app",  # reachable the other way round only
        {"app.py": 'import weave\n\nweave.init("bot")\n', "llm.py": LLM + "import app\n"},
        ["app.py"],
        {},
    ),
    (
        "init_src_layout",
        {
            "pyproject.toml": "[project]\nname = 'bot'\n",
            "src/bot/__init__.py": "",
            "src/bot/llm.py": LLM,
            "src/bot/app.py": INIT.replace("from llm import", "from bot.llm import"),
        },
        ["src/bot/app.py"],
        {"src/bot/app.py": [(4, "PII303")]},
    ),
]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if name.endswith(".ipynb") else textwrap.dedent(text).lstrip("\n"))


def run(root: Path, named: list[str], cache: bool = False) -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for checked in check_paths([str(root / n) for n in named], Config(), cache=cache):
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


def test_cached_result_follows_a_new_importer(tmp_path: Path, monkeypatch) -> None:
    """A warm run re-checks an evaluation-only module when a served file starts importing it."""
    monkeypatch.setenv("LOGMASK_CACHE_DIR", str(tmp_path / "cache"))
    write(tmp_path, {"rag.py": OP, "evaluate.py": HARNESS})
    assert run(tmp_path, ["rag.py"], cache=True) == {}
    assert run(tmp_path, ["rag.py"], cache=True) == {}
    write(tmp_path, {"app.py": APP})
    assert run(tmp_path, ["rag.py"], cache=True) == FLAGGED_OP


def test_cached_result_follows_an_llm_import(tmp_path: Path, monkeypatch) -> None:
    """A warm run re-checks `weave.init` when a module it imports starts importing openai."""
    monkeypatch.setenv("LOGMASK_CACHE_DIR", str(tmp_path / "cache"))
    write(tmp_path, {"app.py": INIT_VIA_SERVICE, "service.py": SERVICE, "llm.py": NO_LLM})
    assert run(tmp_path, ["app.py"], cache=True) == {}
    assert run(tmp_path, ["app.py"], cache=True) == {}
    write(tmp_path, {"llm.py": LLM})
    assert run(tmp_path, ["app.py"], cache=True) == {"app.py": [(4, "PII303")]}
