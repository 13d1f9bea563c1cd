"""The signature syntax of a sink: which argument of a tracker API is logged, in which shape.

Each API is written like a signature, ``"param:shape, param:shape"``: a
positional argument at index *i* matches the *i*-th parameter, a keyword
argument matches by name. The tracker table (`logmask.rules.trackers`) holds
the signatures; users write more in ``[tool.logmask]`` with the same syntax.

Shapes:
    key       a logged key name (paired with ``value`` of the same call)
    value     one logged value (personal names of variables, literals)
    mapping   a dict of key -> value (nested dicts recurse)
    table     a DataFrame, column dict, records list or wandb.Table
    records   a list of rows (dicts) or of row lists
    columns   a list of column names (paired with ``records`` of the same call)
    text      free text (literal values and variable names are checked)
    path      a local file or folder that is uploaded
    -         not logged (run ids, artifact file names, ...)
"""

from __future__ import annotations

from dataclasses import dataclass

SHAPES = frozenset({"key", "value", "mapping", "table", "records", "columns", "text", "path", "-"})


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    shape: str


@dataclass(frozen=True, slots=True)
class Signature:
    api: str
    params: tuple[Param, ...]

    def bind(self, positional: int, keyword: str | None) -> Param | None:
        """The parameter an argument lands on: by position, or by keyword name."""
        if keyword is not None:
            return next((p for p in self.params if p.name == keyword), None)
        return self.params[positional] if positional < len(self.params) else None

    def position(self, name: str) -> int | None:
        """The index of parameter `name` (for positional arguments)."""
        return next((i for i, p in enumerate(self.params) if p.name == name), None)


def parse_signature(api: str, text: str) -> Signature:
    params = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, shape = part.partition(":")
        name, shape = name.strip(), shape.strip()
        if shape not in SHAPES:
            raise ValueError(f"sink {api!r}: unknown shape {shape!r} for {name!r}")
        params.append(Param(name, shape))
    return Signature(api, tuple(params))
