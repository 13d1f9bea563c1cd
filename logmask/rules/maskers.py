"""Which calls mask a value: configured and conventional maskers, hashing, redacting `re.sub`.

A masked value is never a leak, so what counts as masking must be one
decision, shared by library calls, project functions and method calls.
"""

from __future__ import annotations

import libcst as cst

from logmask.evidence.names import is_masker_name
from logmask.rules.base import Options
from logmask.rules.syntax import string_value

HASH_MODULES = ("hashlib.", "hmac.")
# Replacement texts of `re.sub` that mark what they replace as redacted.
REDACTION_MARKERS = ("redact", "mask", "***", "xxx", "<", "[", "removed", "hidden", "#")


def is_masker(name: str, api: str | None, options: Options) -> bool:
    """Is a function of this name (or library API) a masker: logmask's, configured, hashing?"""
    if api is not None:
        if api.startswith("logmask."):
            return True
        if api in options.maskers or api.startswith(HASH_MODULES):
            return True
        if api.startswith("presidio_anonymizer"):
            return True
    return name in options.maskers or is_masker_name(name)


def is_redacting_sub(node: cst.Call, pattern_object: bool) -> bool:
    """`re.sub(p, "[REDACTED]", s)` or `PATTERN.sub("<EMAIL>", s)` masks what it matches."""
    index = 0 if pattern_object else 1
    positional = [a for a in node.args if a.keyword is None]
    replacement = None
    if len(positional) > index:
        replacement = positional[index].value
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == "repl":
            replacement = arg.value
    text = string_value(replacement) if replacement is not None else None
    if text is None:
        return False
    lowered = text.lower()
    return any(marker in lowered for marker in REDACTION_MARKERS)
