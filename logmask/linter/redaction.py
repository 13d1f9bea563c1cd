"""What reports show of the checked code: recognised personal values redacted.

A message quotes the key or column it found (`'ssn 123-45-6789'`), and a fix
carries the code it writes, literals included. Both end up in terminals, CI
logs, SARIF uploads and the cache, so every value the recognizers of
`logmask.evidence.values` confirm is shown as `redact_for_display` renders it
(`***-**-****`, `j***@example.org`). `--fix` itself always applies the real
edits: they come from a fresh parse, never from a report or the cache.
"""

from __future__ import annotations

import dataclasses

from logmask.evidence.values import find_values, redact_for_display
from logmask.findings import Fix


def redact_display(text: str) -> str:
    """`text` with each recognised personal value replaced by its redacted form."""
    hits = find_values(text)
    for hit in reversed(hits):
        text = text[: hit.start] + redact_for_display(text, hit) + text[hit.end :]
    return text


def shown_fix(fix: Fix) -> Fix:
    """The fix as reports show it: its edits, imports and set-up lines redacted."""
    edits = tuple(dataclasses.replace(e, content=redact_display(e.content)) for e in fix.edits)
    setup = tuple(redact_display(line) for line in fix.setup)
    if edits == fix.edits and setup == fix.setup:
        return fix
    return dataclasses.replace(fix, edits=edits, setup=setup)
