"""redact_text(): typed markers for validated personal values in free text."""

from __future__ import annotations

import sys
import types
import warnings
from typing import Any

import pytest

from logmask import redact_text
from logmask.masking import pseudonym, text
from logmask.masking.pseudonym import LogmaskWarning


@pytest.fixture(autouse=True)
def _builtin_recognizers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test on the built-in path unless a test installs a fake Presidio."""
    monkeypatch.setattr(text, "_presidio_engines", None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mail me at ann.smith@gmail.com please", "mail me at <EMAIL> please"),
        ("call +44 20 7946 0958 tomorrow", "call <PHONE> tomorrow"),
        ("card 4539 1488 0343 6467 was declined", "card <CARD> was declined"),
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN <IBAN>"),
        ("my ssn is 536-22-1234", "my ssn is <SSN>"),
        ("request from 8.8.8.8", "request from <IP>"),
        ("ann@gmail.com, bob@gmail.com", "<EMAIL>, <EMAIL>"),
        ("ann@gmail.com\n+44 20 7946 0958", "<EMAIL>\n<PHONE>"),
        # low confidence (reserved domain) is still redacted at run time
        ("write to alice@example.com", "write to <EMAIL>"),
    ],
)
def test_personal_values_are_replaced(raw: str, expected: str) -> None:
    assert redact_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "loss went down",
        "version 1.2.3.4",
        "loss=0.2371151234 ts=1667470478",
        "std::vector<int>",
        "python train.py --lr 3e-4",
        "card 4539 1488 0343 6468",  # fails Luhn
    ],
)
def test_non_personal_text_is_unchanged(raw: str) -> None:
    assert redact_text(raw) == raw


@pytest.mark.parametrize("value", [None, 5, 2.5, b"ann@gmail.com", ["ann@gmail.com"]])
def test_non_str_is_returned_unchanged(value: Any) -> None:
    assert redact_text(value) is value


def test_without_presidio_the_builtin_path_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "_presidio_engines", text._UNSET)
    monkeypatch.setitem(sys.modules, "presidio_analyzer", None)  # import raises ImportError
    assert text._presidio() is None
    assert redact_text("ann@gmail.com") == "<EMAIL>"
    assert text._presidio_engines is None  # cached: no import attempt per call


def test_presidio_that_cannot_start_falls_back_with_one_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_engine() -> None:
        raise OSError("spaCy model en_core_web_lg is not installed")

    analyzer = types.ModuleType("presidio_analyzer")
    analyzer.AnalyzerEngine = broken_engine  # type: ignore[attr-defined]
    anonymizer = types.ModuleType("presidio_anonymizer")
    anonymizer.AnonymizerEngine = object  # type: ignore[attr-defined]
    entities = types.ModuleType("presidio_anonymizer.entities")
    entities.OperatorConfig = lambda *args: args  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "presidio_analyzer", analyzer)
    monkeypatch.setitem(sys.modules, "presidio_anonymizer", anonymizer)
    monkeypatch.setitem(sys.modules, "presidio_anonymizer.entities", entities)
    monkeypatch.setattr(text, "_presidio_engines", text._UNSET)
    monkeypatch.setattr(pseudonym, "_warned", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert redact_text("ann@gmail.com") == "<EMAIL>"
        assert redact_text("bob@gmail.com") == "<EMAIL>"
    messages = [str(w.message) for w in caught if issubclass(w.category, LogmaskWarning)]
    assert len(messages) == 1 and "Presidio" in messages[0]


def test_presidio_is_used_when_available(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    class Analyzer:
        def analyze(self, text: str, language: str) -> list[str]:
            calls.append(text)
            return ["PERSON"] if "Ann" in text else []

    class Result:
        text = "<PERSON> wrote"

    class Anonymizer:
        def anonymize(self, text: str, analyzer_results: list[str], operators: dict) -> Result:
            return Result()

    monkeypatch.setattr(text, "_presidio_engines", (Analyzer(), Anonymizer(), {}))
    assert redact_text("Ann wrote") == "<PERSON> wrote"
    assert redact_text("nothing here") == "nothing here"
    assert calls == ["Ann wrote", "nothing here"]
