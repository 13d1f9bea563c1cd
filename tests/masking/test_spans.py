"""redact_span(): an MLflow span processor that never lets PII or exceptions out."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from logmask import mask, redact_span
from logmask.masking import pseudonym, spans
from logmask.masking.pseudonym import LogmaskWarning
from logmask.masking.spans import REDACTION_FAILED

EMAIL = "ann.smith@gmail.com"
PHONE = "+44 20 7946 0958"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGMASK_KEY", "spans-test-key")


class FakeSpan:
    """The part of mlflow's LiveSpan that span processors use."""

    def __init__(self, inputs: Any = None, outputs: Any = None, **attributes: Any) -> None:
        self.name = "answer"
        self._attributes: dict[str, Any] = {"mlflow.spanType": "UNKNOWN", **attributes}
        if inputs is not None:
            self._attributes["mlflow.spanInputs"] = inputs
        if outputs is not None:
            self._attributes["mlflow.spanOutputs"] = outputs
        self.set_calls: list[str] = []

    @property
    def inputs(self) -> Any:
        return self._attributes.get("mlflow.spanInputs")

    @property
    def outputs(self) -> Any:
        return self._attributes.get("mlflow.spanOutputs")

    @property
    def attributes(self) -> dict[str, Any]:
        return dict(self._attributes)

    def set_inputs(self, value: Any) -> None:
        self.set_calls.append("inputs")
        self._attributes["mlflow.spanInputs"] = value

    def set_outputs(self, value: Any) -> None:
        self.set_calls.append("outputs")
        self._attributes["mlflow.spanOutputs"] = value

    def set_attribute(self, key: str, value: Any) -> None:
        self.set_calls.append(key)
        self._attributes[key] = value


def test_inputs_outputs_and_attributes_are_redacted() -> None:
    span = FakeSpan(
        inputs={"customer_email": EMAIL, "message": f"I am Ann, {EMAIL}", "k": 3},
        outputs=[f"call {PHONE}", {"email": EMAIL}],
        user_email=EMAIL,
        detail={"text": f"reach me at {EMAIL}"},
    )
    assert redact_span(span) is None
    assert span.inputs == {
        "customer_email": mask(EMAIL),
        "message": "I am <PERSON>, <EMAIL>",
        "k": 3,
    }
    assert span.outputs == ["call <PHONE>", {"email": mask(EMAIL)}]
    assert span.attributes["user_email"] == mask(EMAIL)
    assert span.attributes["detail"] == {"text": "reach me at <EMAIL>"}


def test_mlflow_attributes_are_left_alone_and_unchanged_parts_not_rewritten() -> None:
    span = FakeSpan(inputs={"k": 1}, outputs="done", **{"mlflow.note": EMAIL})
    redact_span(span)
    assert span.attributes["mlflow.note"] == EMAIL
    assert span.set_calls == []


class BrokenSpan(FakeSpan):
    @property
    def inputs(self) -> Any:
        raise RuntimeError("cannot deserialize")

    @property
    def attributes(self) -> dict[str, Any]:
        raise RuntimeError("no attributes")


def test_never_raises_and_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pseudonym, "_warned", set())
    span = BrokenSpan(outputs=f"mail {EMAIL}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        redact_span(span)
        redact_span(BrokenSpan())
    assert span._attributes["mlflow.spanInputs"] == REDACTION_FAILED
    assert span.outputs == "mail <EMAIL>"
    messages = [str(w.message) for w in caught if issubclass(w.category, LogmaskWarning)]
    assert len(messages) == 2  # once for inputs, once for attributes, not once per span


def test_never_raises_even_when_warnings_are_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pseudonym, "_warned", set())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        redact_span(object())  # not a span at all


def test_is_a_valid_mlflow_span_processor() -> None:
    from mlflow.tracing.utils.processor import validate_span_processors

    assert validate_span_processors([redact_span]) == [redact_span]
    assert spans.redact_span.__name__ == "redact_span"


@pytest.fixture
def mlflow_tracing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A local sqlite tracking store with redact_span configured; both restored afterwards.

    Run from `tmp_path`: the store's default artifact root (`./mlruns`, where traces are
    written) is then the test's folder, not the working copy."""
    mlflow = pytest.importorskip("mlflow")
    monkeypatch.chdir(tmp_path)
    from mlflow.tracing.config import get_config

    previous_uri = mlflow.get_tracking_uri()
    previous_processors = list(get_config().span_processors)
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/m.db")
    mlflow.set_experiment("logmask-redact-span")
    try:
        with mlflow.tracing.configure(span_processors=[redact_span]):
            yield mlflow
    finally:
        mlflow.set_tracking_uri(previous_uri)
    assert get_config().span_processors == previous_processors


@pytest.mark.slow
def test_real_mlflow_trace_has_no_email(mlflow_tracing: Any) -> None:
    mlflow = mlflow_tracing

    @mlflow.trace
    def lookup(note: str) -> dict[str, Any]:
        span = mlflow.get_current_active_span()
        span.set_attribute("user_email", EMAIL)
        return {"reply": f"sent to {EMAIL}", "user_email": EMAIL}

    @mlflow.trace
    def answer(customer_email: str, message: str) -> str:
        lookup(message)
        return f"Thanks, we will write to {customer_email}"

    assert answer(EMAIL, f"Hi, I am Ann ({EMAIL}, {PHONE})") == f"Thanks, we will write to {EMAIL}"
    trace = mlflow.get_trace(mlflow.get_last_active_trace_id(), flush=True)
    assert trace is not None
    stored = trace.to_json()
    assert EMAIL not in stored and "7946" not in stored
    assert EMAIL not in json.dumps(trace.info.to_dict())  # request/response previews

    root = next(s for s in trace.data.spans if s.name == "answer")
    assert root.inputs == {
        "customer_email": mask(EMAIL),
        "message": "Hi, I am <PERSON> (<EMAIL>, <PHONE>)",
    }
    assert root.outputs == "Thanks, we will write to <EMAIL>"
    child = next(s for s in trace.data.spans if s.name == "lookup")
    assert child.attributes["user_email"] == mask(EMAIL)
    assert child.attributes["mlflow.spanFunctionName"] == "lookup"


def test_real_mlflow_trace_previews_tags_and_chat_messages(mlflow_tracing: Any) -> None:
    """Previews set with update_current_trace, tags, metadata and message lists are redacted."""
    mlflow = mlflow_tracing
    message = f"Hi, my name is Annabel Leeford, {EMAIL}, {PHONE}, card 4539 1488 0343 6467"

    with mlflow.start_span(name="chat") as span:
        span.set_inputs({"messages": [{"role": "user", "content": message}], "k": 2})
        mlflow.update_current_trace(
            request_preview=message,
            response_preview=f"We will write to {EMAIL}",
            tags={"question": message},
            metadata={"note": f"call {PHONE}"},
        )
        span.set_outputs({"answer": "ok"})
    trace = mlflow.get_trace(mlflow.get_last_active_trace_id(), flush=True)
    assert trace is not None
    stored = trace.to_json() + json.dumps(trace.info.to_dict())
    for secret in (EMAIL, "7946", "4539", "Leeford"):
        assert secret not in stored, secret
    root = trace.data.spans[0]
    assert root.inputs == {
        "messages": [
            {"role": "user", "content": "Hi, my name is <PERSON>, <EMAIL>, <PHONE>, card <CARD>"}
        ],
        "k": 2,
    }
    assert trace.info.request_preview.startswith("Hi, my name is <PERSON>")
    assert trace.info.tags["question"].endswith("card <CARD>")


def test_pydantic_inputs_are_walked_as_dicts() -> None:
    class Order:
        def model_dump(self) -> dict[str, Any]:
            return {"customer_email": EMAIL, "messages": [{"content": f"call {PHONE}"}]}

    span = FakeSpan(inputs={"order": Order(), "request": Order(), "k": 1})
    redact_span(span)
    assert span.inputs == {
        "order": {"customer_email": mask(EMAIL), "messages": [{"content": "call <PHONE>"}]},
        # under a free-text name every string is text: the address becomes a marker
        "request": {"customer_email": "<EMAIL>", "messages": [{"content": "call <PHONE>"}]},
        "k": 1,
    }
