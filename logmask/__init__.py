"""logmask: find personal data logged to experiment trackers, and mask it.

``import logmask`` stays light (no libcst, click or pandas) because the fixes
add it to users' training and serving code. The helpers are loaded on first
attribute access::

    logmask.mask("ann@corp.de")  # 'pii_<16 hex>', keyed by $LOGMASK_KEY
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "LogmaskWarning",
    "__version__",
    "mask",
    "mask_dataframe",
    "mask_records",
    "redact_inputs",
    "redact_output",
    "redact_span",
    "redact_text",
]

_LAZY = {
    "LogmaskWarning": "logmask.masking.pseudonym",
    "mask": "logmask.masking.pseudonym",
    "mask_dataframe": "logmask.masking.frames",
    "mask_records": "logmask.masking.frames",
    "redact_inputs": "logmask.masking.ops",
    "redact_output": "logmask.masking.ops",
    "redact_span": "logmask.masking.spans",
    "redact_text": "logmask.masking.text",
}

if TYPE_CHECKING:
    from logmask.masking.frames import mask_dataframe, mask_records
    from logmask.masking.ops import redact_inputs, redact_output
    from logmask.masking.pseudonym import LogmaskWarning, mask
    from logmask.masking.spans import redact_span
    from logmask.masking.text import redact_text


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'logmask' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
