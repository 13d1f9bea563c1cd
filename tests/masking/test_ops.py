"""redact_inputs() / redact_output(): what a Weave op records, never the op's own values."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from logmask import mask, redact_inputs, redact_output
from logmask.masking import ops
from logmask.masking.ops import REDACTION_FAILED

EMAIL = "ann.smith@gmail.com"
PHONE = "+44 20 7946 0958"


class Masked:
    """The pseudonym of a value, computed in the test (the key is set by the fixture)."""

    def __init__(self, value: str) -> None:
        self.value = value


def resolve(expected: Any) -> Any:
    if isinstance(expected, Masked):
        return mask(expected.value)
    if isinstance(expected, dict):
        return {k: resolve(v) for k, v in expected.items()}
    return expected


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGMASK_KEY", "ops-test-key")


@pytest.mark.parametrize(
    ("inputs", "recorded"),
    [
        (
            {"customer_email": EMAIL, "plan": "pro"},
            {"customer_email": Masked(EMAIL), "plan": "pro"},
        ),
        ({"question": f"mail me at {EMAIL}"}, {"question": "mail me at <EMAIL>"}),
        (
            {"messages": [{"role": "user", "content": f"call {PHONE}"}], "temperature": 0.2},
            {"messages": [{"role": "user", "content": "call <PHONE>"}], "temperature": 0.2},
        ),
        ({"input_ids": [1, 2, 3], "num_users": 4, "model_id": "m-1"}, None),
        (
            {"customer": {"name": "Ann Smith", "tier": 2}},
            {"customer": {"name": Masked("Ann Smith"), "tier": 2}},
        ),
    ],
)
def test_redact_inputs(inputs: dict[str, Any], recorded: dict[str, Any] | None) -> None:
    original = repr(inputs)
    assert redact_inputs(inputs) == (inputs if recorded is None else resolve(recorded))
    assert repr(inputs) == original, "the op's own inputs are never changed"


def test_objects_are_kept_as_they_are() -> None:
    model = object()
    assert redact_inputs({"self": model, "k": 3})["self"] is model


@pytest.mark.parametrize(
    ("output", "recorded"),
    [
        (f"Sent to {EMAIL}", "Sent to <EMAIL>"),
        ({"reply": f"ring {PHONE}", "score": 0.9}, {"reply": "ring <PHONE>", "score": 0.9}),
        ({"customer_email": EMAIL}, {"customer_email": Masked(EMAIL)}),
        (0.75, 0.75),
        (None, None),
    ],
)
def test_redact_output(output: Any, recorded: Any) -> None:
    assert redact_output(output) == resolve(recorded)


def test_failures_fail_closed_and_warn(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(ops, "walk", broken)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert redact_inputs({"customer_email": EMAIL, "k": 1}) == {
            "customer_email": REDACTION_FAILED,
            "k": REDACTION_FAILED,
        }
        assert redact_output(f"to {EMAIL}") == REDACTION_FAILED
    assert caught


def test_never_raises_even_when_warnings_are_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops, "scalar_masker", lambda: (_ for _ in ()).throw(RuntimeError("x")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert redact_inputs({"a": 1}) == {"a": REDACTION_FAILED}
        assert redact_output("x") == REDACTION_FAILED
