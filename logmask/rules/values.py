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
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:  # nodes are only carried along: `import logmask.rules.values` stays light
    import libcst as cst

# Every kind of value the analysis knows, in one place. Adding a kind: add it here,
# say what it means, then teach `join` (below) and the evaluator (`analysis.py`).
Kind = Literal[
    "unknown",  # nothing known; `name`/`params` may still say where it was read from
    "api",  # a module path or function of a library (`wandb.log`, `pandas.read_csv`)
    "tracker",  # a tracker object; `api` is its type (`wandb.Run`)
    "module",  # a module of the checked project; `ref` is its summary
    "function",  # a function or class of another project module; `ref` is its summary
    "self",  # `self` / `cls` inside a method; `label` is the class
    "instance",  # an object of a project class; `label` (this module) or `ref` (summary)
    "method",  # a bound method of a class of this module; `api` is its name
    "literal",  # a string (`text`) or number/bool/None (`numeric`) literal
    "fstring",  # an f-string or concatenation; `items` are its parts
    "mapping",  # a dict (`entries`) or one row of tabular data (`columns`)
    "records",  # a list of dicts with these keys
    "frame",  # a DataFrame
    "table",  # a tracker table (`wandb.Table`)
    "dataset",  # a tracker dataset wrapping a frame (`mlflow.data.from_pandas`)
    "list",  # a list / tuple / set; `items` are its elements
    "frames",  # a list of DataFrames (`pd.concat([a, b])`)
    "rows",  # the iterator of `df.iterrows()` / `itertuples()`
    "masked",  # the result of a masker
    "media",  # a wandb media object
    "getter",  # `operator.itemgetter("email")` / `attrgetter`; `text` is the key
    "cursor",  # a DB cursor / connection after `execute(sql)`; `source` is the table
    "frame_method",  # `df.<method>` before the call; `api` is the method
    "records_method",
    "mapping_method",
    "table_method",
    "dataset_method",
    "list_method",
]
KINDS: frozenset[str] = frozenset(get_args(Kind))
UNKNOWN_KIND: Kind = "unknown"
TABULAR_KINDS = frozenset({"frame", "table", "records", "dataset"})
# `records.append`, `mapping.update` ...: the method kind of each container kind.
METHOD_KINDS: dict[Kind, Kind] = {
    "records": "records_method",
    "mapping": "mapping_method",
    "table": "table_method",
    "dataset": "dataset_method",
    "list": "list_method",
}
CONTAINER_OF_METHOD: dict[str, Kind] = {v: k for k, v in METHOD_KINDS.items()}


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
    kind: Kind = UNKNOWN_KIND
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
    # kind "module" / "function": what the project index knows about it (a summary).
    ref: object = None

    def with_(self, **changes: Any) -> Value:
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


# How much a kind says, for `join`: the value that says more survives a merge.
_RANK: dict[str, int] = {
    "masked": 0,
    "unknown": 1,
    "literal": 2,
    "fstring": 3,
    "list": 4,
    "mapping": 5,
    "rows": 6,
    "records": 7,
    "dataset": 7,
    "table": 7,
    "frame": 8,
    "media": 8,
    "getter": 8,
    "cursor": 8,
    "module": 9,
    "instance": 9,
    "function": 9,
    "api": 10,
    "tracker": 10,
}


def _rank(value: Value) -> tuple[int, int, int]:
    return (
        _RANK.get(value.kind, 3),
        bool(value.source) + bool(value.name) + bool(value.params),
        len(value.columns) + len(value.entries or ()),
    )


def join(first: Value, second: Value) -> Value:
    """The value of a name where two paths meet (`if`/`else`, `try`/`except`, a loop).

    A union of evidence, the same whichever path comes first: a DataFrame read
    from `patients.csv` on one branch stays personal after the `if`; columns
    are the union, masked only where both paths masked them; a tracker on one
    path (`try: import wandb / except: wandb = None`) stays a tracker.
    """
    if first is second:
        return first
    if first.masked and second.masked:
        return first if _rank(first) >= _rank(second) else second
    if first.masked != second.masked:
        return second if first.masked else first
    base, other = (first, second) if _rank(first) >= _rank(second) else (second, first)
    if base.kind != other.kind:
        return base.with_(params=base.params | other.params)
    columns = base.columns + tuple(c for c in other.columns if c not in base.columns)
    entries = base.entries
    if base.entries is not None and other.entries is not None:
        keys = {e.key for e in base.entries}
        extra = tuple(e for e in other.entries if e.key not in keys)
        entries = base.entries + extra
    source, origin = base.source, base.origin
    if other.source and (source is None or other.source < source):
        source, origin = other.source, other.origin
    return base.with_(
        columns=columns,
        open_columns=base.open_columns or other.open_columns,
        masked_columns=base.masked_columns & other.masked_columns,
        dropped_personal=base.dropped_personal and other.dropped_personal,
        source=source,
        origin=origin,
        entries=entries,
        items=base.items if len(base.items) >= len(other.items) else other.items,
        params=base.params | other.params,
        name=base.name or other.name,
        owner=base.owner or other.owner,
        label=base.label or other.label,
    )


def join_all(values: list[Value]) -> Value:
    out = values[0]
    for value in values[1:]:
        out = join(out, value)
    return out


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

    def snapshot(self) -> dict[str, Value]:
        return dict(self.names)

    def merge(self, before: dict[str, Value], paths: list[dict[str, Value]]) -> None:
        """Bind each name to the join of what the paths left (`before`: not bound on a path)."""
        changed = {name for path in paths for name, v in path.items() if before.get(name) is not v}
        for name in changed:
            values = [path.get(name, before.get(name)) for path in paths]
            known = [v for v in values if v is not None]
            if known:
                self.names[name] = join_all(known)


def mapping_of(entries: list[Entry]) -> Value:
    """A dict with these entries (its parameters are its values' parameters)."""
    params = merge_params(*(e.value for e in entries))
    return Value(kind="mapping", entries=tuple(entries), params=params)


def string_items(value: Value) -> list[str] | None:
    """The strings of a literal list (`["email", "name"]`) or one string; None otherwise."""
    if value.kind == "list" and value.items and all(v.text is not None for v in value.items):
        return [v.text for v in value.items if v.text is not None]
    if value.kind == "literal" and value.text is not None:
        return [value.text]
    return None


def constant_text(value: Value | None) -> str | None:
    """A string constant, or an f-string's text with its fields as spaces."""
    if value is None:
        return None
    if value.text is not None:
        return value.text
    if value.kind == "fstring":
        return "".join(p.text or " " for p in value.items)
    return None
