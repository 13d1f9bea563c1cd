"""Free text: ``redact_text()`` replaces personal values with typed markers.

Prompts, messages and reviews are the point of logging them, so they are not
pseudonymised wholesale; only the personal values inside are replaced
(``"mail me at ann@corp.de"`` -> ``"mail me at <EMAIL>"``). What GenAI code
logs is often a structure rather than a string (a chat's list of message
dicts, a request model), so every string inside one is redacted and the rest
of it is kept.

The linter's own validated recognizers (``logmask.evidence.values``) are used,
and every hit is redacted, including low-confidence ones: at run time a
placeholder address being masked costs nothing, a real one leaking does.
If Presidio (``pip install logmask[presidio]``) is importable and its engines
start, it is used instead, as it also finds names and locations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from logmask.masking.pseudonym import warn_once

__all__ = ["TOO_DEEP", "UNREADABLE", "redact_text"]

#: What replaces a part nested deeper than ``_MAX_DEPTH`` (or a cycle): fail closed.
TOO_DEEP = "<REDACTED: nested too deep>"
#: What replaces a model whose ``model_dump()`` fails.
UNREADABLE = "<REDACTED: unreadable model>"
_MAX_DEPTH = 64

# Presidio entity types -> our markers, so both back ends produce the same text.
_PRESIDIO_MARKERS = {
    "EMAIL_ADDRESS": "<EMAIL>",
    "PHONE_NUMBER": "<PHONE>",
    "CREDIT_CARD": "<CARD>",
    "IBAN_CODE": "<IBAN>",
    "US_SSN": "<SSN>",
    "IP_ADDRESS": "<IP>",
    "PERSON": "<PERSON>",
    "LOCATION": "<LOCATION>",
}

_Engines = tuple[Any, Any, dict[str, Any]]
_UNSET: Any = object()
_presidio_engines: _Engines | None = _UNSET


def _presidio() -> _Engines | None:
    """Presidio's analyzer, anonymizer and operators, built once; None when unavailable.

    Building the analyzer loads a spaCy model, which can fail (model not
    installed); that falls back to the built-in recognizers with one warning
    rather than breaking the caller's logging.
    """
    global _presidio_engines
    if _presidio_engines is not _UNSET:
        return _presidio_engines
    try:
        from presidio_analyzer import AnalyzerEngine
        from presidio_anonymizer import AnonymizerEngine
        from presidio_anonymizer.entities import OperatorConfig
    except ImportError:
        _presidio_engines = None
        return None
    try:
        operators = {
            entity: OperatorConfig("replace", {"new_value": marker})
            for entity, marker in _PRESIDIO_MARKERS.items()
        }
        operators["DEFAULT"] = OperatorConfig("replace")  # "<ENTITY_TYPE>"
        _presidio_engines = (AnalyzerEngine(), AnonymizerEngine(), operators)
    except Exception as exc:
        warn_once(
            "presidio",
            f"Presidio is installed but could not start ({exc!r}); "
            "logmask.redact_text uses its built-in recognizers instead.",
        )
        _presidio_engines = None
    return _presidio_engines


def _redact_builtin(text: str) -> str:
    from logmask.evidence.values import find_values

    hits = find_values(text, names=True)
    if not hits:
        return text
    parts = []
    pos = 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.start < pos:  # overlapping hit: the earlier one already covers it
            continue
        parts.append(text[pos : hit.start])
        parts.append(hit.marker)
        pos = hit.end
    parts.append(text[pos:])
    return "".join(parts)


def redact_text(text: Any) -> Any:
    """Return *text* with e-mails, phones, cards... replaced by ``<EMAIL>``, ``<PHONE>``...

    - A ``str`` gets typed markers for the personal values found in it.
    - dicts, lists, tuples and sets, at any depth (``[{"role": "user",
      "content": "..."}]``), come back with the same shape and every string
      inside redacted; dict keys, numbers, None and other values are kept.
    - A pydantic model (anything with ``model_dump()``) comes back as its
      redacted dict: trackers store it as that dict anyway, and rebuilding the
      model could fail its own validation on a marker.
    - Anything else (None, numbers, bytes, arrays) is returned unchanged, so
      it can be applied to any column or field without type checks.
    """
    if isinstance(text, str):
        return _redact_str(text) if text else text
    return _redact_nested(text, 0)


def _redact_str(text: str) -> str:
    engines = _presidio()
    if engines is not None:
        analyzer, anonymizer, operators = engines
        results = analyzer.analyze(text=text, language="en")
        if not results:
            return text
        redacted: str = anonymizer.anonymize(
            text=text, analyzer_results=results, operators=operators
        ).text
        return redacted
    return _redact_builtin(text)


def is_model(value: Any) -> bool:
    """A pydantic (v2) model instance, recognised without importing pydantic."""
    return callable(getattr(value, "model_dump", None)) and not isinstance(value, type)


def _redact_nested(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return _redact_str(value) if value else value
    nested = isinstance(value, (Mapping, list, tuple, set, frozenset)) or is_model(value)
    if not nested:
        return value
    if depth >= _MAX_DEPTH:
        return TOO_DEEP  # a cycle or absurd nesting: never return it unredacted
    if isinstance(value, Mapping):
        return {k: _redact_nested(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_nested(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        items = [_redact_nested(v, depth + 1) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    if isinstance(value, (set, frozenset)):
        return type(value)(_redact_nested(v, depth + 1) for v in value)
    try:
        dumped = value.model_dump()
    except Exception:
        return _unreadable(value)
    return _redact_nested(dumped, depth + 1)


def _unreadable(value: Any) -> str:
    warn_once(
        "model_dump",
        f"logmask.redact_text could not read a {type(value).__name__} (model_dump() failed); "
        "it was replaced by a marker.",
    )
    return UNREADABLE
