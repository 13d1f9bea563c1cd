"""Traces: ``redact_span()``, an MLflow span processor.

Register it with ``mlflow.tracing.configure(span_processors=[logmask.redact_span])``.
MLflow 3 calls each processor with the ``LiveSpan`` just before the span ends
and is exported, so personal data is removed before it leaves the process.

- Values under personal names (the linter's classifier; the span name is the
  owner, so ``lookup_customer(name=...)`` counts as a person's name) are
  pseudonymised with :func:`logmask.mask`; free-text names are redacted.
- Every other string, at any depth, goes through :func:`logmask.redact_text`:
  trace payloads are mostly what users and models wrote.
- Attributes whose key starts with ``mlflow.`` are MLflow's own bookkeeping and
  are left alone; inputs and outputs (stored as ``mlflow.spanInputs`` and
  ``mlflow.spanOutputs``) are handled through ``set_inputs``/``set_outputs``.

- The trace the span belongs to (MLflow's in-memory copy, before export):
  ``request_preview`` / ``response_preview`` set with
  ``mlflow.update_current_trace`` go through ``redact_text``, and so do its
  tags and metadata outside MLflow's own ``mlflow.`` keys. mlflow is never
  imported for this: its trace manager is looked up in ``sys.modules``.

Not covered: span events (e.g. exception messages; OpenTelemetry events are
immutable once added).
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Hashable
from typing import Any

from logmask.masking.frames import Action, _redact_deep, name_action, walk
from logmask.masking.pseudonym import _mask_any, scalar_masker, warn_once
from logmask.masking.text import redact_text

__all__ = ["REDACTION_FAILED", "redact_span"]

#: What a span part is replaced with when redacting it failed (fail closed).
REDACTION_FAILED = "<REDACTION FAILED>"

_INTERNAL_PREFIX = "mlflow."


def _decide(name: Hashable, owner: str | None) -> Action:
    if not isinstance(name, str) or name.startswith(_INTERNAL_PREFIX):
        return None
    return name_action(name, owner)


def redact_span(span: Any) -> None:
    """Redact a span's inputs, outputs and attributes in place (MLflow span processor).

    Never raises: a tracing problem must not crash the traced application.
    A part that cannot be redacted is replaced by ``REDACTION_FAILED`` rather
    than exported as is (fail closed), and a ``LogmaskWarning`` is issued once.
    """
    try:
        try:
            one = scalar_masker()
        except Exception as exc:
            _fail_closed(span.set_inputs, "inputs", exc)
            _fail_closed(span.set_outputs, "outputs", exc)
            return
        owner = getattr(span, "name", None)
        owner = owner if isinstance(owner, str) else None
        _redact_part(span, "inputs", span.set_inputs, owner, one)
        _redact_part(span, "outputs", span.set_outputs, owner, one)
        _redact_attributes(span, one)
        _redact_trace_info(span)
    except Exception as exc:
        _warn("span", f"logmask.redact_span failed on a span: {exc!r}")


def _redact_part(
    span: Any,
    part: str,
    setter: Callable[[Any], None],
    owner: str | None,
    one: Callable[[Any], Any],
) -> None:
    try:
        value = getattr(span, part)
        if value is None:
            return
        new = walk(value, owner, _decide, one, False, None, text_leaves=True)
        if new != value:
            setter(new)
    except Exception as exc:
        _fail_closed(setter, part, exc)


def _redact_attributes(span: Any, one: Callable[[Any], Any]) -> None:
    try:
        attributes = span.attributes
    except Exception as exc:
        _warn("span:attributes", f"logmask.redact_span could not read span attributes: {exc!r}")
        return
    for key, value in attributes.items():
        if isinstance(key, str) and key.startswith(_INTERNAL_PREFIX):
            continue
        try:
            new = _redact_attribute(key, value, one)
            if new != value:
                span.set_attribute(key, new)
        except Exception as exc:
            _fail_closed(functools.partial(span.set_attribute, key), f"attribute {key!r}", exc)


def _redact_attribute(key: Any, value: Any, one: Callable[[Any], Any]) -> Any:
    action = _decide(key, None)
    if action == "mask":
        return _mask_any(value, one, False, None)
    if action == "text":
        return _redact_deep(value)
    owner = key if isinstance(key, str) else None
    return walk(value, owner, _decide, one, False, None, text_leaves=True)


def _redact_trace_info(span: Any) -> None:
    """Previews, tags and metadata of the span's trace, while MLflow still holds it."""
    manager = sys.modules.get("mlflow.tracing.trace_manager")
    trace_id = getattr(span, "trace_id", None) or getattr(span, "request_id", None)
    if manager is None or not isinstance(trace_id, str):
        return
    try:
        with manager.InMemoryTraceManager.get_instance().get_trace(trace_id) as trace:
            info = getattr(trace, "info", None)
            if info is None:
                return
            for name in ("request_preview", "response_preview"):
                value = getattr(info, name, None)
                if isinstance(value, str) and value:
                    setattr(info, name, redact_text(value))
            for mapping_name in ("tags", "trace_metadata"):
                mapping = getattr(info, mapping_name, None)
                if isinstance(mapping, dict):
                    for key, value in list(mapping.items()):
                        if isinstance(value, str) and not str(key).startswith(_INTERNAL_PREFIX):
                            mapping[key] = redact_text(value)
    except Exception as exc:
        _warn("trace", f"logmask.redact_span could not redact the trace's previews: {exc!r}")


def _fail_closed(setter: Callable[[Any], None], what: str, exc: Exception) -> None:
    with contextlib.suppress(Exception):
        setter(REDACTION_FAILED)
    _warn(
        f"span:{what}",
        f"logmask.redact_span could not redact span {what} ({exc!r}); "
        f"it was replaced by {REDACTION_FAILED!r}.",
    )


def _warn(tag: str, message: str) -> None:
    """``warn_once`` that cannot raise, even when warnings are turned into errors."""
    with contextlib.suppress(Exception):
        warn_once(tag, message)
