"""What the data-flow analysis knows about an expression.

A `Value` is an abstract value: not what the program computes, but what a
linter can say about it without running it — it is a tracker object, a
DataFrame with these columns read from that source, records with these keys,
a dict with these entries, a masked value, a string literal, or it was read
from a variable called `customer_email`. Unknown stays unknown: an unknown
value carries no evidence and yields no finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import libcst as cst

UNKNOWN_KIND = "unknown"
TABULAR_KINDS = frozenset({"frame", "table", "records", "dataset"})


@dataclass(eq=False, slots=True)
class Entry:
    """One key -> value of a dict literal or a dict built up in a variable."""

    key: str | None
    key_node: cst.CSTNode | None
    value: Value
    value_node: cst.CSTNode | None
    key_value: Value | None = None  # the key as an expression (f-strings, variables)


@dataclass(eq=False, slots=True)
class Value:
    kind: str = UNKNOWN_KIND
    # kind "api": a module path or function (`wandb.log`); kind "tracker": an object type.
    api: str | None = None
    # The name this value was read from, and its receiver: `user.email` -> ("email", "user").
    name: str | None = None
    owner: str | None = None
    # A string literal (or a string constant followed through a variable).
    text: str | None = None
    # Tabular data: known columns (in order), whether others may exist, which are masked.
    columns: tuple[str, ...] = ()
    open_columns: bool = False
    masked_columns: frozenset[str] = frozenset()
    dropped_personal: bool = False
    # A personal-looking source (`read_csv("patients.csv")` -> "patients") and where it was read.
    source: str | None = None
    origin: cst.CSTNode | None = None
    label: str | None = None  # the variable that holds it, for messages
    entries: tuple[Entry, ...] | None = None  # dict literal / built dict
    items: tuple[Value, ...] = ()  # list elements (strings for column lists) / f-string parts
    masked: bool = False
    params: frozenset[str] = frozenset()  # parameters of the enclosing function it derives from
    numeric: bool = False  # a number, bool or None literal: never personal
    media: bool = False  # a wandb media object (Image, Audio, ...)
    splits: bool = False  # a Hugging Face DatasetDict: `ds["train"]` is a split, not a column

    def with_(self, **changes: object) -> Value:
        return replace(self, **changes)

    @property
    def is_tabular(self) -> bool:
        return self.kind in TABULAR_KINDS or (self.kind == "mapping" and bool(self.columns))

    @property
    def personal_candidates(self) -> tuple[str, ...]:
        """Columns that are known and not masked."""
        return tuple(c for c in self.columns if c not in self.masked_columns)


UNKNOWN = Value()
MASKED = Value(kind="masked", masked=True)


def merge_params(*values: Value) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for v in values:
        out |= v.params
    return out


@dataclass(eq=False, slots=True)
class Scope:
    """Names bound in one function or module body, in statement order."""

    parent: Scope | None = None
    names: dict[str, Value] = field(default_factory=dict)

    def lookup(self, name: str) -> Value | None:
        scope: Scope | None = self
        while scope is not None:
            found = scope.names.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None

    def bind(self, name: str, value: Value) -> None:
        self.names[name] = value
