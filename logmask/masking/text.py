"""Free text: ``redact_text()`` replaces personal values with typed markers.

Prompts, messages and reviews are the point of logging them, so they are not
pseudonymised wholesale; only the personal values inside are replaced
(``"mail me at ann@corp.de"`` -> ``"mail me at <EMAIL>"``).

The linter's own validated recognizers (``logmask.evidence.values``) are used,
and every hit is redacted, including low-confidence ones: at run time a
placeholder address being masked costs nothing, a real one leaking does.
If Presidio (``pip install logmask[presidio]``) is importable and its engines
start, it is used instead, as it also finds names and locations.
"""

from __future__ import annotations

from typing import Any

from logmask.masking.pseudonym import warn_once

__all__ = ["redact_text"]

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

_UNSET: Any = object()
_presidio_engines: Any = _UNSET


def _presidio() -> tuple[Any, Any, dict[str, Any]] | None:
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

    hits = find_values(text)
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

    None and non-str values are returned unchanged, so it can be applied to
    any column or field without type checks.
    """
    if not isinstance(text, str) or not text:
        return text
    engines = _presidio()
    if engines is not None:
        analyzer, anonymizer, operators = engines
        results = analyzer.analyze(text=text, language="en")
        if not results:
            return text
        return anonymizer.anonymize(text=text, analyzer_results=results, operators=operators).text
    return _redact_builtin(text)
