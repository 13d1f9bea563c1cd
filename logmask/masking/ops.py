"""Traced ops: ``redact_inputs()`` and ``redact_output()``, Weave's record post-processors.

Use them per op, ``@weave.op(postprocess_inputs=logmask.redact_inputs,
postprocess_output=logmask.redact_output)``, or for every op and patched LLM
call of a client, ``weave.init(project, postprocess_inputs=..., postprocess_output=...)``.
Weave runs the op on the real values and passes the inputs dict (parameter
name -> value) and the return value through these functions only for what it
records, so the program's behaviour does not change.

- Values under personal names (the linter's classifier; the key is the owner
  of what is nested under it) are pseudonymised with :func:`logmask.mask`;
  free-text names (``message``, ``question``) are redacted.
- Every other string, at any depth (chat ``messages`` lists included), goes
  through :func:`logmask.redact_text`: traced payloads are mostly what users
  and models wrote. Numbers, flags and other objects are kept.
- They never raise: a value that cannot be redacted is recorded as
  ``REDACTION_FAILED`` (fail closed) and a ``LogmaskWarning`` is issued once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Mapping
from typing import Any

from logmask.masking.frames import Action, name_action, walk
from logmask.masking.pseudonym import scalar_masker, warn_once

__all__ = ["REDACTION_FAILED", "redact_inputs", "redact_output"]

#: What is recorded instead of a value that could not be redacted.
REDACTION_FAILED = "<REDACTION FAILED>"


def _decide(name: Hashable, owner: str | None) -> Action:
    return name_action(name, owner) if isinstance(name, str) else None


def redact_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The op's inputs as they should be recorded: personal values masked, text redacted."""
    try:
        one = scalar_masker()
    except Exception as exc:
        _warn("ops:inputs", f"logmask.redact_inputs could not start ({exc!r})")
        return dict.fromkeys(inputs, REDACTION_FAILED)
    recorded: dict[str, Any] = {}
    for key, value in inputs.items():
        try:
            recorded[key] = walk({key: value}, None, _decide, one, False, None, text_leaves=True)[
                key
            ]
        except Exception as exc:
            recorded[key] = REDACTION_FAILED
            _warn("ops:inputs", f"logmask.redact_inputs could not redact {key!r} ({exc!r})")
    return recorded


def redact_output(output: Any, **_context: Any) -> Any:
    """The op's return value as it should be recorded (strings redacted at any depth).

    Extra keyword arguments are ignored, so it also serves as a Langfuse ``mask``.
    """
    try:
        return walk(output, None, _decide, scalar_masker(), False, None, text_leaves=True)
    except Exception as exc:
        _warn("ops:output", f"logmask.redact_output could not redact an output ({exc!r})")
        return REDACTION_FAILED


def _warn(tag: str, message: str) -> None:
    """``warn_once`` that cannot raise, even when warnings are turned into errors."""
    with contextlib.suppress(Exception):
        warn_once(tag, f"{message}; it was recorded as {REDACTION_FAILED!r}.")
