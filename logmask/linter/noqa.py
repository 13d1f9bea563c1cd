"""`# noqa` and `# noqa: PII101,PII201` comments, as flake8 reads them."""

from __future__ import annotations

import re
from collections.abc import Sequence

NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.I)
SPLIT = re.compile(r"[,\s]+")

# line number -> None for a bare noqa (everything), or the codes it names
NoqaMap = dict[int, frozenset[str] | None]


def noqa_map(lines: Sequence[str]) -> NoqaMap:
    found: NoqaMap = {}
    for number, line in enumerate(lines, 1):
        if "noqa" not in line.lower() or "#" not in line:
            continue
        match = NOQA.search(line)
        if match is None:
            continue
        codes = match.group("codes")
        found[number] = (
            None if codes is None else frozenset(c.upper() for c in SPLIT.split(codes) if c)
        )
    return found


def suppressed(code: str, lines: Sequence[int], noqa: NoqaMap) -> bool:
    for line in lines:
        if line not in noqa:
            continue
        codes = noqa[line]
        if codes is None or any(code.startswith(c) for c in codes):
            return True
    return False
