"""Split identifiers, keys, column names and paths into lower-case word tokens.

Every name decision in logmask matches whole tokens, never substrings: that is
what keeps ``pip``, ``skip``, ``classname``, ``phoneme`` and ``cardinality`` from
looking like zip, ssn, phone or card. One compiled regex does the split, so
tokenising every identifier of a module stays cheap.
"""

from __future__ import annotations

import re
from functools import lru_cache

from logmask.evidence.vocabulary import FUSED

__all__ = ["tokenize"]

# In order: IPv4/IPv6 and iPhone-style words kept whole; an acronym not followed by a
# lower-case letter (the "IP" of "userIPAddress"); a word with an optional capital;
# a digit run. Everything else (``_ - . / space``, punctuation) separates.
_TOKEN = re.compile(r"[Ii][Pp][Vv][46]|iP(?:hone|ad|od)|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


@lru_cache(maxsize=65536)
def tokenize(name: str) -> tuple[str, ...]:
    """Lower-case tokens of *name*, with fused spellings split.

    Snake, kebab, dotted and spaced names split on their separators; camelCase splits
    on case changes (``userIPAddress`` -> user, ip, address); digits are tokens of
    their own (``sha256`` -> sha, 256); fused forms from the vocabulary split too
    (``emailaddress`` -> email, address; ``dateofbirth`` -> date, of, birth).
    """
    out: list[str] = []
    for raw in _TOKEN.findall(name):
        token = raw.lower()
        fused = FUSED.get(token)
        if fused is None:
            out.append(token)
        else:
            out.extend(fused)
    return tuple(out)
