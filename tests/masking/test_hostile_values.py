"""Runtime helpers on odd values: container cells, token look-alikes, huge ints, indexes, typos."""

from __future__ import annotations

import warnings
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from logmask import mask, mask_dataframe
from logmask.masking.pseudonym import LogmaskWarning, bulk_masker, is_pseudonym

PERSONAL = ["ann@corp.example", "bob@corp.example", "+44 20 7946 0958", "Ann Lee"]


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGMASK_KEY", "hostile-values")


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in leaves(v)]
    if isinstance(value, list | tuple | set | frozenset):
        return [x for v in value for x in leaves(v)]
    if isinstance(value, np.ndarray):
        return leaves(value.tolist())
    return [value]


CELLS = [
    ["ann@corp.example", "bob@corp.example"],
    {"work": "ann@corp.example", "home": ["+44 20 7946 0958"]},
    ("Ann Lee", "bob@corp.example"),
    np.array(["ann@corp.example", "bob@corp.example"], dtype=object),
    {"bob@corp.example"},
    "ann@corp.example",
    None,
]


@pytest.mark.parametrize("container", ["frame", "dict of columns"])
def test_cells_holding_containers_have_their_elements_masked(container: str) -> None:
    data: Any = {"email": CELLS, "n": list(range(len(CELLS)))}
    out = mask_dataframe(pd.DataFrame(data) if container == "frame" else data, columns=["email"])
    cells = out["email"].tolist() if container == "frame" else out["email"]
    assert not set(PERSONAL) & {str(v) for cell in cells for v in leaves(cell)}
    assert all(is_pseudonym(v) for cell in cells[:-1] for v in leaves(cell))
    assert cells[-1] is None
    assert isinstance(cells[0], list) and isinstance(cells[2], tuple)
    assert list(cells[1]) == ["work", "home"]  # dict keys kept
    assert cells[0][0] == cells[5] == mask("ann@corp.example")  # same token as a plain cell


def test_hashable_tuple_cells_are_masked_elementwise_too() -> None:
    out = mask_dataframe(pd.DataFrame({"email": [("ann@corp.example",), ("ann@corp.example",)]}))
    assert out["email"].tolist() == [(mask("ann@corp.example"),)] * 2


def test_text_columns_with_list_cells_are_redacted() -> None:
    df = pd.DataFrame({"notes": [["call +44 20 7946 0958", "ok"], "mail ann@corp.example"]})
    out = mask_dataframe(df, columns=[], text_columns=["notes"])
    text = " ".join(str(v) for cell in out["notes"] for v in leaves(cell))
    assert "7946" not in text and "ann@corp.example" not in text and "ok" in text


def test_series_of_lists_through_mask() -> None:
    out = mask(pd.Series([["ann@corp.example"], None]))
    assert out.tolist() == [[mask("ann@corp.example")], None]


# A string that looks like a token passes through only if it could be one of ours.
@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("pii_0123456789abcdef", True),
        ("pii_0123456789abcdef@gmail.com", True),
        ("pii_0123456789abcdef@mail.corp.co.uk", True),
        ("pii_0123456789abcdef@123-45-6789", False),  # an SSN after the @
        ("pii_0123456789abcdef@123.45.6789", False),
        ("pii_0123456789abcdef@078-05-1120.com", False),
        ("pii_0123456789abcdef@ann.lee@corp.example", False),
        ("pii_0123456789abcdef@", False),
        ("pii_0123456789abcdef@localhost", False),
        ("pii_0123456789abcdef ann@corp.example", False),
        ("pii_0123456789ABCDEF", False),
        ("pii_0123456789abcde", False),
    ],
)
def test_token_look_alikes(value: str, kept: bool) -> None:
    assert (mask(value) == value) is kept
    assert (bulk_masker()([value])[0] == value) is kept
    assert is_pseudonym(value) is kept
    if not kept:
        assert is_pseudonym(mask(value))


@pytest.mark.parametrize(
    "number", [10**5000, -(7**9000), 2**20000 + 1], ids=["10**5000", "-7**9000", "2**20000+1"]
)
def test_huge_ints_are_masked(number: int) -> None:
    token = mask(number)
    assert is_pseudonym(token)
    assert token == mask(str(Decimal(number)))  # the same as its decimal text, like small ints
    assert bulk_masker()([number]) == [token]
    out = mask_dataframe(pd.DataFrame({"customer_id": [number, 5]}))
    assert out["customer_id"].tolist() == [token, mask(5)]


def test_an_index_of_personal_values_is_masked_in_auto_mode() -> None:
    df = pd.DataFrame(
        {"score": [0.5, 0.7]},
        index=pd.Index(["ann@corp.example", "bob@corp.example"], name="email"),
    )
    out = mask_dataframe(df)
    assert out.index.tolist() == [mask("ann@corp.example"), mask("bob@corp.example")]
    assert out.index.name == "email" and out["score"].tolist() == [0.5, 0.7]
    assert df.index[0] == "ann@corp.example"  # the input is untouched


def test_a_personal_level_of_a_multiindex_is_masked() -> None:
    index = pd.MultiIndex.from_tuples(
        [("ann@corp.example", 1), ("bob@corp.example", 2)], names=["email", "epoch"]
    )
    out = mask_dataframe(pd.DataFrame({"loss": [0.1, 0.2]}, index=index))
    assert out.index.get_level_values("email").tolist() == [
        mask("ann@corp.example"),
        mask("bob@corp.example"),
    ]
    assert out.index.get_level_values("epoch").tolist() == [1, 2]


@pytest.mark.parametrize(
    ("index", "columns", "masked"),
    [
        (pd.Index([1, 2], name="epoch"), None, False),  # not personal
        (pd.Index(["a", "b"], name=None), None, False),  # unnamed
        (pd.Index(["ann@corp.example", "b"], name="contact"), ["contact"], True),  # named
        (pd.Index(["ann@corp.example", "b"], name="email"), ["score"], False),  # not named
    ],
)
def test_index_masking_follows_the_plan(index: pd.Index, columns: Any, masked: bool) -> None:
    df = pd.DataFrame({"score": [1, 2]}, index=index)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LogmaskWarning)
        out = mask_dataframe(df, columns=columns)
    assert (out.index.tolist() != index.tolist()) is masked


@pytest.mark.parametrize(
    ("columns", "text_columns", "warned"),
    [
        (["emial"], None, ["'emial'"]),
        (["email", "phnoe"], None, ["'phnoe'"]),
        ("emial", None, ["'emial'"]),
        ([], ["notse"], ["'notse'"]),
        (["email"], None, []),
        (None, None, []),
    ],
)
def test_a_named_column_that_does_not_exist_is_a_warning_naming_it(
    columns: Any, text_columns: Any, warned: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from logmask.masking import pseudonym

    monkeypatch.setattr(pseudonym, "_warned", set())
    df = pd.DataFrame({"email": ["ann@corp.example"], "notes": ["hi"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = mask_dataframe(df, columns=columns, text_columns=text_columns)
    messages = [str(w.message) for w in caught if issubclass(w.category, LogmaskWarning)]
    assert len(messages) == (1 if warned else 0), messages
    for name in warned:
        assert name in messages[0] and "mask_dataframe" in messages[0]
    assert out["notes"].tolist() == ["hi"]
