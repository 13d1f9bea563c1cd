"""The runtime side of the table fixes: what the inserted helpers do with real wandb objects."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import logmask


@pytest.fixture(scope="module")
def wandb() -> Any:
    """Imported by the tests that build wandb objects, not when the module is collected."""
    return pytest.importorskip("wandb")


ROWS = [["Ann Lee", "ann@corp.example", 1], ["Bob Ray", None, 2]]
COLUMNS = ["user_name", "email", "score"]


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGMASK_KEY", "runtime-test")


def personal(rows: list[list[object]]) -> list[object]:
    return [v for row in rows for v in row[:2] if v is not None]


@pytest.mark.parametrize(
    ("rows", "kwargs"),
    [
        (ROWS, {"keys": ["user_name", "email"], "columns": COLUMNS}),
        (ROWS, {"columns": COLUMNS}),  # keys picked by the classifier
        ([tuple(r) for r in ROWS], {"keys": ["user_name", "email"], "columns": COLUMNS}),
        (np.array(ROWS, dtype=object), {"keys": ["user_name", "email"], "columns": COLUMNS}),
    ],
    ids=["lists", "lists-classified", "tuples", "numpy"],
)
def test_list_rows_are_masked_by_position(
    wandb: Any, rows: object, kwargs: dict[str, object]
) -> None:
    masked = logmask.mask_records(rows, **kwargs)
    flat = [v for row in masked for v in row]
    assert not set(personal(ROWS)) & set(flat)
    assert [row[2] for row in masked] == [1, 2]
    assert masked[1][1] is None
    table = wandb.Table(columns=COLUMNS, data=masked)  # what the fixed code builds
    assert len(table.data) == 2


def test_list_rows_without_columns_warn_and_are_not_masked() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = logmask.mask_records([["Ann Lee", 1]], keys=["user_name"])
    assert out == [["Ann Lee", 1]]
    assert caught, "a silent no-op must not pass for masking"


def test_wandb_table_variable_is_copied_masked(wandb: Any) -> None:
    table = wandb.Table(columns=["customer_email", "customer_id", "score"], log_mode="MUTABLE")
    table.add_data("ann@corp.example", 17, 0.5)
    table.add_data(None, 18, 0.7)
    masked = logmask.mask_dataframe(table, columns=["customer_email", "customer_id"])
    assert type(masked) is type(table) and masked is not table
    assert masked.columns == table.columns and masked.log_mode == "MUTABLE"
    assert masked.data[0][0].startswith("pii_") and masked.data[1][0] is None
    assert masked.data[0][1].startswith("pii_")  # an int id becomes a string pseudonym
    assert [r[2] for r in masked.data] == [0.5, 0.7]
    assert table.data[0][0] == "ann@corp.example"  # the original is untouched
    assert logmask.mask_dataframe(table).data[0][0] == masked.data[0][0]  # classifier picks


def test_wandb_table_with_declared_types_still_masks(wandb: Any) -> None:
    table = wandb.Table(columns=["customer_id", "score"], data=[[1, 0.5]], dtype=[int, float])
    masked = logmask.mask_dataframe(table, columns=["customer_id"])
    assert masked.data[0][0].startswith("pii_")


def test_column_dict_and_frame_fixes() -> None:
    columns = logmask.mask_dataframe({"email": ["ann@corp.example"], "n": [1]}, columns=["email"])
    assert columns["email"][0].startswith("pii_") and columns["n"] == [1]
    frame = pd.DataFrame({"email": ["ann@corp.example"], "n": [1]})
    masked = logmask.mask_dataframe(frame, columns=["email"])
    assert masked["email"][0].startswith("pii_") and frame["email"][0] == "ann@corp.example"
    # wandb.Table(data=df) gets mask_records: a DataFrame goes through mask_dataframe.
    assert logmask.mask_records(frame, keys=["email"], columns=["email", "n"]).equals(masked)
