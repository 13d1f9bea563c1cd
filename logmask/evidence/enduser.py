"""What end-user text is: the words and APIs that say a value is what a user typed.

End-user text is the message a person sends to an application: a chat turn, a
question, a search query, a request body. It carries whatever the person wrote
(names, e-mail addresses, account numbers, health details), so logging it to a
run or a trace needs redaction. Text the developer wrote (literals, prompt
templates, system prompts) and text from datasets (``batch["prompt"]``,
``dataset[i]["question"]``) is not end-user text: trainers log dataset prompts
all the time, and that is not a leak of anyone's message.

Everything here is data and small predicates on names, so the rule that follows
values (``logmask.rules.end_user_text``) stays about flow. Pure Python: no
LibCST.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from logmask.evidence.tokens import tokenize

__all__ = [
    "CALLBACK_PARAMETERS",
    "DATASET_LOADERS",
    "DATASET_WORDS",
    "SERVED_BASES",
    "SERVING_CALLS",
    "SERVING_LIBRARIES",
    "TEXT_FIELDS",
    "Level",
    "extracting_helper",
    "handler_decorator",
    "handler_name",
    "parameter_level",
    "text_field",
]

# "text": the value is the text itself (a question, a list of messages);
# "container": it holds the text among other fields (a request, a payload).
Level = Literal["text", "container"]

# Parameters of entry points named as what a user sends.
TEXT_PARAMETERS = frozenset(
    {
        "question",
        "questions",
        "query",
        "queries",
        "prompt",
        "prompts",
        "message",
        "messages",
        "msg",
        "text",
        "utterance",
        "inquiry",
        "history",
        "conversation",
        "user_input",
        "user_message",
        "user_query",
        "user_question",
        "user_prompt",
        "user_text",
        "input_text",
        "chat_history",
        "chat_messages",
    }
)
CONTAINER_PARAMETERS = frozenset(
    {"request", "req", "payload", "body", "json_body", "request_body", "model_input"}
)
# Type annotations whose words say "a request or message" (`ChatRequest`,
# `ResponsesAgentRequest`, `Query`, `UserMessage`, starlette's `Request`).
TYPE_WORDS = frozenset(
    {"request", "query", "question", "message", "messages", "prompt", "chat", "conversation"}
)
# Parameters that hold dataset or training data, whatever their type says.
DATASET_WORDS = frozenset(
    {
        "example",
        "examples",
        "batch",
        "batches",
        "sample",
        "samples",
        "row",
        "rows",
        "record",
        "records",
        "dataset",
        "ds",
        "split",
        "instance",
        "instances",
        "feature",
        "features",
        "eval",
        "train",
        "tensor",
        "frame",
        "df",
        "config",
        "settings",
    }
)

# Calls that load a dataset (their rows are not users' messages): Hugging Face
# `load_dataset`, pandas readers, `weave.Dataset`, MLflow's and LangSmith's datasets.
DATASET_LOADERS = frozenset(
    {
        "load_dataset",
        "load_from_disk",
        "read_csv",
        "read_json",
        "read_jsonl",
        "read_parquet",
        "read_excel",
        "Dataset",
        "from_pandas",
        "from_dict",
        "from_list",
        "get_dataset",
        "load_evaluation_dataset",
    }
)

# Fields of a request or message that carry the text (`request.input`,
# `payload["message"]`, `messages[-1]["content"]`); others (`model`,
# `temperature`, `role`, `max_tokens`) do not.
TEXT_FIELDS = frozenset(
    {
        "message",
        "messages",
        "content",
        "contents",
        "input",
        "inputs",
        "query",
        "question",
        "prompt",
        "prompts",
        "text",
        "body",
        "history",
        "chat_history",
        "conversation",
        "user_input",
        "utterance",
        "parts",
        "json",
        "form",
        "data",
        "args",
        "values",
    }
)

# Decorators that make a function a request handler: `@app.post("/chat")`,
# `@router.get(...)`, `@bp.route(...)`, `@app.websocket(...)`, Modal/Bento/functions.
HANDLER_DECORATOR_TAILS = frozenset(
    {"route", "api_route", "websocket", "post", "put", "patch", "web_endpoint", "fastapi_endpoint"}
)
# Tails that name a handler only on an app-like owner (`@app.get`, not `@cache.get`).
APP_DECORATOR_TAILS = frozenset({"get", "delete", "api", "endpoint", "http", "message"})
APP_OWNERS = frozenset(
    {"app", "application", "router", "api", "bp", "blueprint", "server", "bot", "bentoml"}
)
APP_DECORATORS = frozenset({"functions_framework.http", "bentoml.api", "modal.web_endpoint"})

# Function names whose first word says it answers a user (`handle`, `respond`, `chat`).
HANDLER_VERBS = frozenset(
    {"handle", "handler", "respond", "reply", "answer", "ask", "chat", "converse", "webhook"}
)

# Classes whose methods serve a model to users: their entry points' parameters are
# what users send (MLflow pyfunc and agent interfaces).
SERVED_BASES = frozenset({"PythonModel", "ChatModel", "ChatAgent", "ResponsesAgent"})
SERVED_METHODS = frozenset({"predict", "predict_stream", "__call__"})

# Libraries that put a user in front of the code (a web app, a chat UI, a server):
# a notebook importing one of them serves users; one that does not is a demo its
# author runs on text they typed.
SERVING_LIBRARIES = frozenset(
    {
        "gradio",
        "streamlit",
        "chainlit",
        "fastapi",
        "flask",
        "starlette",
        "uvicorn",
        "panel",
        "ipywidgets",
        "telegram",
        "discord",
        "slack_bolt",
        "mesop",
    }
)

# Calls that put code in front of users: MLflow's models-from-code and Databricks'
# deployment (`set_model(Agent())`, `mlflow.pyfunc.log_model(...)`, `agents.deploy(...)`).
SERVING_CALLS = frozenset({"set_model", "log_model", "deploy", "serve"})

# LangChain callback methods and the parameter that holds what the user's turn became.
CALLBACK_PARAMETERS: dict[str, frozenset[str]] = {
    "on_llm_start": frozenset({"prompts"}),
    "on_chat_model_start": frozenset({"messages"}),
    "on_chain_start": frozenset({"inputs"}),
    "on_retriever_start": frozenset({"query"}),
}


# Helpers whose result is still the user's text when they are given it
# (`extract_user_query_string(messages)`, `get_messages_array(model_input)`,
# `format_chat_history(history)`); a call to anything else (`llm(question)`,
# `retriever.invoke(query)`) gives something new: a model's output, documents.
EXTRACTING_VERBS = frozenset(
    {
        "get",
        "extract",
        "parse",
        "format",
        "convert",
        "concat",
        "join",
        "clean",
        "normalize",
        "normalise",
        "preprocess",
        "sanitize",
        "truncate",
        "to",
        "as",
        "flatten",
        "last",
        "latest",
    }
)


def extracting_helper(name: str) -> bool:
    """`extract_user_query_string`, `get_messages_array`: hands back the text it is given."""
    words = tokenize(name)
    return len(words) > 1 and words[0] in EXTRACTING_VERBS


def parameter_level(name: str, annotation: str | None) -> Level | None:
    """How an entry point's parameter holds end-user text, from its name and type."""
    lowered = name.lower()
    words = set(tokenize(name))
    if words & DATASET_WORDS:
        return None
    if annotation is not None:
        type_words = set(tokenize(annotation.rsplit(".", 1)[-1]))
        if type_words & DATASET_WORDS:
            return None
        if type_words & TYPE_WORDS:
            return "container"
    if lowered in TEXT_PARAMETERS:
        return "text"
    if lowered in CONTAINER_PARAMETERS:
        return "container"
    return None


def text_field(name: str) -> bool:
    """Does this field of a request or message hold the user's text?"""
    return name.lower() in TEXT_FIELDS


def handler_decorator(decorator: str) -> bool:
    """`app.post`, `router.get`, `bp.route`: the function handles web requests."""
    if decorator in APP_DECORATORS:
        return True
    owner, _, tail = decorator.rpartition(".")
    if tail in HANDLER_DECORATOR_TAILS and owner:
        return True
    owner_word = owner.rsplit(".", 1)[-1].lower()
    return tail in APP_DECORATOR_TAILS and (
        owner_word in APP_OWNERS or owner_word.endswith(("app", "router"))
    )


def handler_name(name: str) -> bool:
    """`handle`, `handle_message`, `respond`, `chat_endpoint`: the function answers a user."""
    words = tokenize(name)
    return bool(words) and words[0] in HANDLER_VERBS


def served_method(name: str, bases: Iterable[str]) -> bool:
    """`predict` of an MLflow `PythonModel`/`ResponsesAgent` subclass."""
    return name in SERVED_METHODS and any(b.rsplit(".", 1)[-1] in SERVED_BASES for b in bases)
