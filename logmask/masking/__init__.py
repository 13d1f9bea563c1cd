"""Runtime masking helpers that the linter's fixes insert into users' code.

Pure Python plus hashlib: pandas is imported only by ``mask_dataframe`` when it
is given a DataFrame, mlflow and weave never (``redact_span`` only calls the
span's own methods; ``redact_inputs`` sees plain values), Presidio only when
installed and text is redacted.
"""

from __future__ import annotations

from logmask.masking.frames import mask_dataframe, mask_records
from logmask.masking.ops import redact_inputs, redact_output
from logmask.masking.pseudonym import LogmaskWarning, is_pseudonym, mask
from logmask.masking.spans import redact_span
from logmask.masking.text import redact_text

__all__ = [
    "LogmaskWarning",
    "is_pseudonym",
    "mask",
    "mask_dataframe",
    "mask_records",
    "redact_inputs",
    "redact_output",
    "redact_span",
    "redact_text",
]
