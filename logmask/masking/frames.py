"""Masking tables: ``mask_dataframe()`` and ``mask_records()``.

Both return new objects and never mutate their input: the caller usually keeps
using the original data for training, and only the logged copy is masked.

When no columns/keys are named, they are chosen with the linter's own name
classifier (``logmask.evidence.names.classify_name``), so the runtime masks
what ``logmask check`` would have flagged. Medium and high confidence count
as personal; low does not (``email_domain``, ``city``...).

pandas is imported only when a DataFrame is actually given.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from logmask.masking.pseudonym import (
    _mask_any,
    bulk_masker,
    register_pandas_masker,
    scalar_masker,
    warn_once,
)
from logmask.masking.text import is_model, redact_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["mask_dataframe", "mask_records"]

Action = Literal["mask", "text"] | None

_PERSONAL = frozenset({"high", "medium"})


@functools.lru_cache(maxsize=4096)
def name_action(name: str, owner: str | None = None) -> Action:
    """What the linter's classifier says to do with a value called *name*.

    "mask" when the name is personal (medium or high confidence); "text" when
    it names what a person wrote (``message``, ``review``): a pseudonym would
    throw the whole text away, so only the personal values inside are redacted.
    """
    from logmask.evidence.names import classify_name, free_text_name

    evidence = classify_name(name, owner)
    if evidence is not None and evidence.confidence in _PERSONAL:
        return "mask"
    if free_text_name(name) is not None:
        return "text"
    return None


def _label_name(label: Any) -> str | None:
    """The name to classify for a column label (the last text level of a MultiIndex label)."""
    if isinstance(label, str):
        return label
    if isinstance(label, tuple):
        for part in reversed(label):
            if isinstance(part, str):
                return part
    return None


def _plan(
    labels: Iterable[Hashable],
    columns: Iterable[Hashable] | None,
    text: Iterable[Hashable] | None,
    also: Iterable[Hashable] = (),
) -> dict[Hashable, Literal["mask", "text"]]:
    """Decide, per existing column (or index level, `also`), whether it is masked or redacted.

    Named columns that do not exist are not an error: a later projection
    (``drop``, ``[[...]]``) may have removed them before the logging call, and
    crashing the user's run over a column that is not there would protect
    nothing. But a misspelt name (``"emial"``) would leave the real column in
    clear, so each missing name is warned about (``LogmaskWarning``, once).
    Explicit ``text_columns`` win over ``columns`` for the same column.
    """
    labels = [*labels, *also]
    plan: dict[Hashable, Literal["mask", "text"]] = {}
    if columns is None:
        for label in labels:
            name = _label_name(label)
            action = name_action(name) if name is not None else None
            if action is not None:
                plan[label] = action
    else:
        plan.update(dict.fromkeys(_present(columns, labels), "mask"))
    if text is not None:
        plan.update(dict.fromkeys(_present(text, labels), "text"))
    missing = [
        label
        for named in (columns, text)
        if named is not None
        for label in _named(named, labels)
        if label not in plan
    ]
    if missing:
        shown = ", ".join(repr(m) for m in missing)
        warn_once(
            f"missing-columns:{shown}",
            f"logmask.mask_dataframe: no column {shown} to mask (columns: "
            f"{', '.join(repr(c) for c in labels[:20])}); check the spelling: "
            "nothing was masked for it.",
        )
    return plan


def _named(named: Any, labels: list[Hashable]) -> list[Any]:
    """*named* as a list of labels (one label, one MultiIndex label, or an iterable of them)."""
    if (
        isinstance(named, (str, bytes))
        or not isinstance(named, Iterable)
        or (isinstance(named, tuple) and named in set(labels))
    ):
        return [named]
    return list(named)


def _present(named: Any, labels: list[Hashable]) -> list[Hashable]:
    """The *named* labels (one label or an iterable of them) that exist in *labels*."""
    present = set(labels)  # DataFrame labels and dict keys are hashable
    found = []
    for label in _named(named, labels):
        try:
            if label in present:
                found.append(label)
        except TypeError:  # an unhashable "label" cannot name a column
            continue
    return found


def _is_container(value: Any) -> bool:
    """A cell holding several values: a list, tuple, set, dict, array or Series."""
    if isinstance(value, (str, bytes)):
        return False
    if isinstance(value, (list, tuple, set, frozenset, Mapping)):
        return True
    return bool(getattr(value, "ndim", 0)) and callable(getattr(value, "tolist", None))


def _with_containers(
    many: Callable[[list[Any]], list[Any]], deep: Callable[[Any], Any]
) -> Callable[[list[Any]], list[Any]]:
    """`many` for plain values, `deep` for cells that hold containers (their elements)."""

    def apply(values: list[Any]) -> list[Any]:
        plain = [i for i, v in enumerate(values) if not _is_container(v)]
        if len(plain) == len(values):
            return many(values)
        out = [deep(v) if _is_container(v) else v for v in values]
        for i, new in zip(plain, many([values[i] for i in plain]), strict=True):
            out[i] = new
        return out

    return apply


def _maskers(
    key: bytes | str | None, keep_domain: bool
) -> tuple[Callable[[list[Any]], list[Any]], Callable[[list[Any]], list[Any]]]:
    """(mask many values, redact many texts), both reaching into container cells."""
    one = scalar_masker(key, keep_domain=keep_domain)
    masking = _with_containers(
        bulk_masker(key, keep_domain=keep_domain),
        lambda v: _mask_any(v, one, keep_domain, key),
    )
    return masking, _with_containers(_redact_many, _redact_deep)


def _redact_many(values: Iterable[Any]) -> list[Any]:
    return [redact_text(v) if isinstance(v, str) else v for v in values]


def _map_distinct(values: Iterable[Any], many: Callable[[list[Any]], list[Any]]) -> list[Any]:
    """``many(values)``, computing each distinct value once (for plain lists)."""
    values = list(values)
    index: dict[tuple[type, Any], int] = {}
    distinct: list[Any] = []
    positions: list[int] = []
    for value in values:
        try:
            ck = (type(value), value)  # type in the key: 1, 1.0 and True hash alike
            pos = index.get(ck)
            if pos is None:
                pos = index[ck] = len(distinct)
                distinct.append(value)
        except TypeError:  # unhashable: its own slot
            pos = len(distinct)
            distinct.append(value)
        positions.append(pos)
    mapped = many(distinct)
    return [mapped[p] for p in positions]


def mask_dataframe(
    df: pd.DataFrame | Mapping[Hashable, Iterable[Any]],
    columns: Iterable[Hashable] | None = None,
    *,
    text_columns: Iterable[Hashable] | None = None,
    keep_domain: bool = False,
    key: bytes | str | None = None,
) -> Any:
    """Return a copy of *df* with personal columns pseudonymised by :func:`logmask.mask`.

    - ``columns=None`` picks columns by name with the linter's classifier,
      and index levels too (``df.set_index("email")``); named columns may also
      name index levels. Named columns that are absent are skipped with a
      ``LogmaskWarning`` naming them (see :func:`_plan`).
    - Cells holding lists, tuples, dicts or arrays have their elements masked
      (dict keys kept), like :func:`logmask.mask` does for containers.
    - ``text_columns`` are free text: personal values inside them are replaced
      by typed markers with :func:`logmask.redact_text` instead.
    - Missing values (None, NaN, NA, NaT) stay as they are.
    - dtypes: string dtypes stay the same string dtype, categoricals stay
      categorical (categories masked), every other masked column becomes
      ``object`` (so each original missing marker survives unchanged).
    - A ``dict`` of columns (``{"email": [...], ...}``) gives a new ``dict``
      of lists, without needing pandas. Unmasked columns are shared, not copied.

    Each distinct value is hashed once (``pd.factorize``), so the cost follows
    the number of distinct values, not rows.
    """
    if isinstance(df, Mapping):
        return _mask_columns_dict(df, columns, text_columns, keep_domain, key)
    if _is_wandb_table(df):
        return _mask_wandb_table(df, columns, text_columns, keep_domain, key)
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"mask_dataframe() needs a pandas DataFrame or a dict of columns, "
            f"not {type(df).__name__}; use logmask.mask() for single values and Series"
        )
    levels = [name for name in df.index.names if name is not None and name not in df.columns]
    plan = _plan(df.columns, columns, text_columns, also=levels)
    out = _copy_frame(df)
    if not plan:
        return out
    masking, redacting = _maskers(key, keep_domain)
    for pos, label in enumerate(df.columns):
        try:
            action = plan.get(label)
        except TypeError:
            continue
        if action is None:
            continue
        column = df.iloc[:, pos]
        if action == "text":
            new = _map_series(column, redacting, categories_ok=False)
        else:
            new = _map_series(column, masking, categories_ok=True)
        out.isetitem(pos, new)
    if any(level in plan for level in levels):
        out.index = _mask_index(df.index, plan, masking, redacting)
    return out


def _mask_index(
    index: pd.Index,
    plan: Mapping[Hashable, str],
    masking: Callable[[list[Any]], list[Any]],
    redacting: Callable[[list[Any]], list[Any]],
) -> pd.Index:
    """The index with its personal levels masked (``df.set_index("email")``)."""
    import pandas as pd

    arrays = []
    for position, name in enumerate(index.names):
        values = pd.Series(index.get_level_values(position))
        action = plan.get(name) if name is not None else None
        if action is not None:
            many = redacting if action == "text" else masking
            values = _map_series(values, many, categories_ok=action != "text")
        arrays.append(values)
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_arrays(arrays, names=index.names)
    return pd.Index(arrays[0], name=index.name)


def _is_wandb_table(obj: Any) -> bool:
    """A ``wandb.Table`` (or subclass), recognised without importing wandb."""
    return (
        type(obj).__module__.split(".", 1)[0] == "wandb"
        and isinstance(getattr(obj, "columns", None), list)
        and isinstance(getattr(obj, "data", None), list)
    )


def _mask_wandb_table(
    table: Any,
    columns: Iterable[Hashable] | None,
    text_columns: Iterable[Hashable] | None,
    keep_domain: bool,
    key: bytes | str | None,
) -> Any:
    """A new Table of the same class with masked rows (``add_data`` tables, the usual kind).

    Column types are inferred again from the masked data (a masked id is a
    string now); if the Table still refuses them, type checks are switched off
    for the copy rather than failing the user's run.
    """
    names = list(table.columns)
    rows = mask_records(
        table.data,
        columns if columns is None else list(_present(columns, names)),
        text_keys=None if text_columns is None else list(_present(text_columns, names)),
        columns=names,
        keep_domain=keep_domain,
        key=key,
    )
    extra = {"log_mode": table.log_mode} if hasattr(table, "log_mode") else {}
    try:
        return type(table)(columns=names, data=rows, **extra)
    except Exception:
        return type(table)(columns=names, data=rows, allow_mixed_types=True, **extra)


def _copy_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy that can never write through to *df*.

    With copy-on-write (pandas 3, or the 2.x option) a shallow copy already is
    one; without it, unmasked columns would share memory with the input.
    """
    import pandas as pd

    cow = int(pd.__version__.split(".", 1)[0]) >= 3
    if not cow:
        try:
            cow = bool(pd.get_option("mode.copy_on_write"))
        except Exception:
            cow = False
    return df.copy(deep=not cow)


def _map_series(
    series: pd.Series, many: Callable[[list[Any]], list[Any]], *, categories_ok: bool
) -> pd.Series:
    """Apply *many* to the distinct non-missing values of *series* and map the results back."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype) and categories_ok:
        new_categories = many(dtype.categories.tolist())
        if len(set(new_categories)) == len(new_categories):
            cat = pd.Categorical.from_codes(
                series.cat.codes.to_numpy(), categories=new_categories, ordered=dtype.ordered
            )
            return pd.Series(cat, index=series.index, name=series.name)
        # two categories masked to one token (a category already was a token): fall through
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts, arrays): each cell on its own
        cells = np.empty(len(series), dtype=object)
        cells[:] = many(series.to_numpy(dtype=object).tolist())
        return pd.Series(cells, index=series.index, name=series.name, dtype=object)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = many(uniques.tolist())
    values = mapped.take(codes) if len(mapped) else np.empty(len(codes), dtype=object)
    missing = codes < 0
    if missing.any():
        values[missing] = series.to_numpy(dtype=object)[missing]
    target = dtype if isinstance(dtype, pd.StringDtype) else object
    return pd.Series(values, index=series.index, name=series.name, dtype=target)


def _mask_columns_dict(
    data: Mapping[Hashable, Iterable[Any]],
    columns: Iterable[Hashable] | None,
    text_columns: Iterable[Hashable] | None,
    keep_domain: bool,
    key: bytes | str | None,
) -> dict[Hashable, Any]:
    plan = _plan(data.keys(), columns, text_columns)
    masking, redacting = _maskers(key, keep_domain)
    out: dict[Hashable, Any] = {}
    for label, values in data.items():
        action = plan.get(label)
        if action is None:
            out[label] = values
            continue
        fn = redacting if action == "text" else masking
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            out[label] = fn([values])[0]  # a scalar "column": {"email": "ann@corp.de"}
        else:
            out[label] = _map_distinct(values, fn)
    return out


def mask_pandas(value: Any, *, keep_domain: bool = False, key: bytes | str | None = None) -> Any:
    """``mask()`` for pandas objects: every value of a Series/Index/DataFrame is masked."""
    import pandas as pd

    many, _ = _maskers(key, keep_domain)
    if isinstance(value, pd.DataFrame):
        out = _copy_frame(value)
        for pos in range(value.shape[1]):
            out.isetitem(pos, _map_series(value.iloc[:, pos], many, categories_ok=True))
        return out
    if isinstance(value, pd.Index):
        return pd.Index(_map_series(pd.Series(value), many, categories_ok=True), name=value.name)
    return _map_series(value, many, categories_ok=True)


register_pandas_masker(mask_pandas)


def mask_records(
    rows: Iterable[Any],
    keys: Iterable[Hashable] | None = None,
    *,
    text_keys: Iterable[Hashable] | None = None,
    columns: Sequence[Hashable] | None = None,
    keep_domain: bool = False,
    key: bytes | str | None = None,
) -> Any:
    """Return new records with personal values pseudonymised, for a list of dicts.

    - ``keys=None`` picks keys with the linter's classifier, passing the
      enclosing key as the owner (``{"customer": {"name": ...}}`` is a person's
      name); named ``keys`` match at any depth.
    - Nested dicts, and lists/tuples of dicts, are walked; the whole value
      under a personal key is masked (see :func:`logmask.mask` for containers).
    - ``text_keys`` hold free text, redacted with :func:`logmask.redact_text`.
    - Rows that are lists or tuples (``wandb.Table(columns=..., data=rows)``)
      need ``columns``, the names of their positions. Without it they cannot be
      masked: they are returned unchanged with a ``LogmaskWarning`` (once), so a
      silent no-op cannot pass for masking. Other non-mapping rows are returned
      unchanged.
    - A single mapping gives a single dict; a DataFrame is passed to
      :func:`mask_dataframe`.
    """
    explicit = None if keys is None else _as_set(keys)
    text = _as_set(text_keys) if text_keys is not None else frozenset()
    one = scalar_masker(key, keep_domain=keep_domain)

    def decide(name: Hashable, owner: str | None) -> Action:
        try:
            if name in text:
                return "text"
            if explicit is not None:
                return "mask" if name in explicit else None
        except TypeError:
            return None
        return name_action(name, owner) if isinstance(name, str) else None

    def masked_row(row: Any) -> Any:
        if isinstance(row, Mapping):
            return walk(row, None, decide, one, keep_domain, key)
        if getattr(row, "ndim", 0) == 1 and callable(getattr(row, "tolist", None)):
            row = row.tolist()  # a numpy row (``wandb.Table(data=ndarray)``)
        if not isinstance(row, (list, tuple)):
            return row
        if columns is None:
            warn_once(
                "records-without-columns",
                "logmask.mask_records got rows that are lists or tuples but no columns=; "
                "they were NOT masked. Pass columns=[...] naming their positions.",
            )
            return row
        new = [
            walk({columns[i]: v}, None, decide, one, keep_domain, key)[columns[i]]
            if i < len(columns)
            else v
            for i, v in enumerate(row)
        ]
        return new if isinstance(row, list) else type(row)(new)

    if isinstance(rows, Mapping):
        return masked_row(rows)
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(rows, pd.DataFrame):
        return mask_dataframe(rows, keys, text_columns=text_keys, keep_domain=keep_domain, key=key)
    return [masked_row(row) for row in rows]


def _as_set(items: Iterable[Hashable]) -> frozenset[Hashable]:
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        return frozenset([items])
    return frozenset(items)


def walk(
    obj: Any,
    owner: str | None,
    decide: Callable[[Hashable, str | None], Action],
    one: Callable[[Any], Any],
    keep_domain: bool,
    key: bytes | str | None,
    *,
    text_leaves: bool = False,
) -> Any:
    """Rebuild *obj*, masking values under personal keys and redacting free text.

    ``text_leaves`` also runs every other string through ``redact_text`` (used
    for traces, whose strings are mostly what users and models wrote).
    """
    if isinstance(obj, Mapping):
        new = {}
        for k, v in obj.items():
            action = decide(k, owner)
            if action == "mask":
                new[k] = _mask_any(v, one, keep_domain, key)
            elif action == "text":
                new[k] = _redact_deep(v)
            else:
                child_owner = k if isinstance(k, str) else owner
                new[k] = walk(
                    v, child_owner, decide, one, keep_domain, key, text_leaves=text_leaves
                )
        return new
    if isinstance(obj, (list, tuple)):
        items = [
            walk(v, owner, decide, one, keep_domain, key, text_leaves=text_leaves) for v in obj
        ]
        if isinstance(obj, list):
            return items
        if hasattr(obj, "_fields"):
            return type(obj)(*items)
        return type(obj)(items)
    if text_leaves and isinstance(obj, str):
        return redact_text(obj)
    if text_leaves and is_model(obj):
        # a pydantic request recorded by a trace: walked as the dict trackers store
        return walk(obj.model_dump(), owner, decide, one, keep_domain, key, text_leaves=True)
    return obj


def _redact_deep(value: Any) -> Any:
    """Every string inside `value` redacted (containers, arrays and pydantic models included)."""
    if _is_container(value) and not isinstance(value, (list, tuple, set, frozenset, Mapping)):
        value = value.tolist()  # an array or Series
    return redact_text(value)
