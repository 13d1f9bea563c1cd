"""mask_dataframe() and mask_records(): masked copies, classifier-chosen columns."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from logmask import mask, mask_dataframe, mask_records
from logmask.masking import frames, pseudonym
from logmask.masking.pseudonym import LogmaskWarning


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LOGMASK_KEY", "frames-test-key")
    frames.name_action.cache_clear()
    yield
    frames.name_action.cache_clear()


def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "email": pd.Series(["ann@corp.de", None, "bob@corp.de", "ann@corp.de"], dtype=object),
            "phone_number": ["+44 20 7946 0958", "+44 20 7946 0959", None, math.nan],
            "first_name": ["Ann", "Bob", "Cy", "Ann"],
            "amount": [1.5, 2.0, 3.25, 4.0],
            "email_count": [1, 0, 2, 1],
            "loss": [0.1, 0.2, 0.3, 0.4],
        }
    )


# ---------------------------------------------------------------- choosing columns


def test_classifier_picks_personal_columns() -> None:
    df = customers()
    out = mask_dataframe(df)
    for column in ("email", "phone_number", "first_name"):
        assert out[column].iloc[0] == mask(df[column].iloc[0]), column
    for column in ("amount", "email_count", "loss"):
        pd.testing.assert_series_equal(out[column], df[column])


def test_explicit_columns_only() -> None:
    df = customers()
    out = mask_dataframe(df, columns=["email"])
    assert out["email"].tolist() == [
        mask("ann@corp.de"),
        None,
        mask("bob@corp.de"),
        mask("ann@corp.de"),
    ]
    pd.testing.assert_series_equal(out["first_name"], df["first_name"])
    assert mask_dataframe(df, columns="email")["email"].tolist() == out["email"].tolist()


def test_explicitly_named_missing_column_is_skipped() -> None:
    df = customers().drop(columns=["phone_number"])
    out = mask_dataframe(df, columns=["email", "phone_number"])
    assert "phone_number" not in out.columns
    assert out["email"].iloc[0] == mask("ann@corp.de")


def test_no_personal_columns_returns_an_equal_copy() -> None:
    df = pd.DataFrame({"loss": [0.1, 0.2], "epoch": [1, 2]})
    out = mask_dataframe(df)
    assert out is not df
    pd.testing.assert_frame_equal(out, df)


# ---------------------------------------------------------------- copy semantics


def test_input_is_never_mutated() -> None:
    df = customers()
    before = df.copy(deep=True)
    out = mask_dataframe(df, text_columns=["first_name"])
    pd.testing.assert_frame_equal(df, before)
    out.loc[0, "amount"] = -1.0  # writing to an unmasked column of the copy
    pd.testing.assert_frame_equal(df, before)


def test_missing_values_keep_their_identity() -> None:
    df = pd.DataFrame({"email": pd.Series(["a@b.de", None, math.nan, pd.NA], dtype=object)})
    out = mask_dataframe(df, columns=["email"])["email"]
    assert out.iloc[0] == mask("a@b.de")
    assert out.iloc[1] is None
    assert isinstance(out.iloc[2], float) and math.isnan(out.iloc[2])
    assert out.iloc[3] is pd.NA


# ---------------------------------------------------------------- dtypes


@pytest.mark.parametrize(
    "dtype", ["string", "string[python]", "string[pyarrow]", pd.StringDtype(na_value=np.nan)]
)
def test_string_dtypes_are_kept(dtype: Any) -> None:
    df = pd.DataFrame({"email": pd.Series(["a@b.de", None, "a@b.de"], dtype=dtype)})
    out = mask_dataframe(df, columns=["email"])
    assert out["email"].dtype == df["email"].dtype
    assert out["email"].iloc[0] == out["email"].iloc[2] == mask("a@b.de")
    assert out["email"].isna().tolist() == [False, True, False]


def test_default_constructor_dtype_is_kept() -> None:
    """pandas 3 infers the ``str`` dtype for text, pandas 2 ``object``: both stay as they were."""
    df = pd.DataFrame({"email": ["a@b.de", "c@d.de"]})
    out = mask_dataframe(df, columns=["email"])
    assert out["email"].dtype == df["email"].dtype


def test_int_columns_become_object_with_the_int_pseudonym() -> None:
    df = pd.DataFrame({"customer_id": [10, 11, 10], "nullable_id": pd.array([1, None, 1], "Int64")})
    out = mask_dataframe(df, columns=["customer_id", "nullable_id"])
    assert out["customer_id"].dtype == object
    assert out["customer_id"].tolist() == [mask(10), mask(11), mask(10)]
    assert out["nullable_id"].tolist()[0] == mask(1) == mask("1")
    assert out["nullable_id"].iloc[1] is pd.NA


def test_float_and_datetime_columns_keep_missing() -> None:
    when = pd.to_datetime(["2020-01-02", None])
    df = pd.DataFrame({"birth_date": when, "salary": [1.5, np.nan]})
    out = mask_dataframe(df, columns=["birth_date", "salary"])
    assert out["birth_date"].iloc[0] == mask(when[0]) and out["birth_date"].iloc[1] is pd.NaT
    assert out["salary"].iloc[0] == mask(1.5) and math.isnan(out["salary"].iloc[1])


def test_categorical_stays_categorical() -> None:
    df = pd.DataFrame({"city_of_birth": pd.Categorical(["Oslo", None, "Rome", "Oslo"])})
    out = mask_dataframe(df, columns=["city_of_birth"])["city_of_birth"]
    assert isinstance(out.dtype, pd.CategoricalDtype)
    assert out.tolist()[0] == mask("Oslo") and pd.isna(out.iloc[1])
    assert set(out.cat.categories) == {mask("Oslo"), mask("Rome")}


def test_categorical_whose_categories_collide_falls_back_to_object() -> None:
    token = mask("x")
    df = pd.DataFrame({"email": pd.Categorical(["x", token])})
    out = mask_dataframe(df, columns=["email"])["email"]
    assert out.tolist() == [token, token]


def test_duplicate_column_names() -> None:
    df = pd.DataFrame([["a@b.de", "c@d.de", 1]], columns=["email", "email", "n"])
    out = mask_dataframe(df, columns=["email"])
    assert out.iloc[0].tolist() == [mask("a@b.de"), mask("c@d.de"), 1]


# ---------------------------------------------------------------- options


def test_keep_domain() -> None:
    out = mask_dataframe(customers(), columns=["email"], keep_domain=True)
    assert out["email"].iloc[0] == mask("ann@corp.de") + "@corp.de"


def test_text_columns_are_redacted_not_pseudonymised() -> None:
    df = pd.DataFrame({"comment": ["mail ann@gmail.com", None, "fine"], "email": ["a@b.de"] * 3})
    out = mask_dataframe(df, columns=["email", "comment"], text_columns=["comment"])
    assert out["comment"].tolist()[0] == "mail <EMAIL>"
    assert out["comment"].tolist()[2] == "fine" and pd.isna(out["comment"].iloc[1])
    assert out["email"].iloc[0] == mask("a@b.de")


def test_masking_twice_is_harmless() -> None:
    once = mask_dataframe(customers())
    pd.testing.assert_frame_equal(mask_dataframe(once), once)


def test_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="mask_dataframe"):
        mask_dataframe([{"email": "a@b.de"}])  # type: ignore[arg-type]


def test_large_frame_is_fast_and_consistent() -> None:
    rows = 200_000
    df = pd.DataFrame(
        {
            "email": [f"user{i}@corp{i % 50}.de" for i in range(rows)],
            "phone": [f"+44 20 {i:08d}" for i in range(rows)],
            "customer_id": np.arange(rows) % 1000,
        }
    )
    start = time.perf_counter()
    out = mask_dataframe(df, columns=["email", "phone", "customer_id"])
    elapsed = time.perf_counter() - start
    assert elapsed < 30, elapsed  # ~0.5 s on 2 cores; generous for loaded CI machines
    for i in (0, 12_345, rows - 1):
        assert out["email"].iloc[i] == mask(df["email"].iloc[i])
        assert out["customer_id"].iloc[i] == mask(int(df["customer_id"].iloc[i]))
    assert out["email"].nunique() == rows


# ---------------------------------------------------------------- dict of columns


def test_dict_of_columns() -> None:
    amounts = [1.0, 2.0, 3.0]
    data = {
        "email": ["a@b.de", None, "a@b.de"],
        "amount": amounts,
        "note": ["x@gmail.com", 1, None],
    }
    out = mask_dataframe(data, columns=["email", "missing"], text_columns=["note"])
    assert out == {
        "email": [mask("a@b.de"), None, mask("a@b.de")],
        "amount": amounts,
        "note": ["<EMAIL>", 1, None],
    }
    assert data["email"] == ["a@b.de", None, "a@b.de"]
    assert out["amount"] is amounts  # unmasked columns are shared, not copied


def test_dict_of_columns_with_classifier() -> None:
    out = mask_dataframe({"email": ("a@b.de",), "loss": [0.5], 3: [1]})
    assert out == {"email": [mask("a@b.de")], "loss": [0.5], 3: [1]}


def test_dict_of_scalars() -> None:
    out = mask_dataframe({"email": "a@b.de", "phone": None, "review": "call +44 20 7946 0958"})
    assert out == {"email": mask("a@b.de"), "phone": None, "review": "call <PHONE>"}


# ---------------------------------------------------------------- records


def test_records_with_classifier_are_new_dicts() -> None:
    rows = [{"email": "ann@corp.de", "loss": 0.5, "first_name": "Ann"}, {"email": None}]
    out = mask_records(rows)
    assert out == [
        {"email": mask("ann@corp.de"), "loss": 0.5, "first_name": mask("Ann")},
        {"email": None},
    ]
    assert rows[0]["email"] == "ann@corp.de"
    assert out[0] is not rows[0]


def test_records_nested_and_explicit_keys_at_any_depth() -> None:
    rows = [
        {
            "id": 1,
            "profile": {"contact": "ann@corp.de", "tags": ["a"]},
            "history": [{"contact": "old@corp.de", "n": 2}],
        }
    ]
    out = mask_records(rows, keys=["contact"])
    assert out == [
        {
            "id": 1,
            "profile": {"contact": mask("ann@corp.de"), "tags": ["a"]},
            "history": [{"contact": mask("old@corp.de"), "n": 2}],
        }
    ]
    assert rows[0]["profile"]["contact"] == "ann@corp.de"


def test_records_nested_with_classifier() -> None:
    rows = [{"user": {"email": "ann@corp.de", "score": 3}, "emails": None}]
    out = mask_records(rows)
    assert out[0]["user"] == {"email": mask("ann@corp.de"), "score": 3}


def test_records_owner_decides_ambiguous_names() -> None:
    out = mask_records([{"customer": {"name": "Ann"}, "model": {"name": "bert"}}])
    assert out == [{"customer": {"name": mask("Ann")}, "model": {"name": "bert"}}]


def test_free_text_names_are_redacted_not_pseudonymised() -> None:
    df = pd.DataFrame({"review": ["ann@gmail.com was rude", "fine"], "email": ["a@b.de"] * 2})
    out = mask_dataframe(df)
    assert out["review"].tolist() == ["<EMAIL> was rude", "fine"]
    assert out["email"].iloc[0] == mask("a@b.de")
    assert mask_records([{"message": "call +44 20 7946 0958"}]) == [{"message": "call <PHONE>"}]


def test_records_pass_the_enclosing_key_as_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str | None]] = []

    def classify_name(name: str, owner: str | None = None) -> Any:
        seen.append((name, owner))
        if name == "name" and owner == "customer":
            return SimpleNamespace(confidence="high", category="identity.name")
        return None

    import logmask.evidence.names as names

    monkeypatch.setattr(names, "classify_name", classify_name)
    monkeypatch.setattr(names, "free_text_name", lambda name: None)
    out = mask_records([{"customer": {"name": "Ann"}, "model": {"name": "bert"}}])
    assert out == [{"customer": {"name": mask("Ann")}, "model": {"name": "bert"}}]
    assert ("name", "customer") in seen and ("name", "model") in seen


def test_records_whole_value_under_a_personal_key_is_masked() -> None:
    out = mask_records([{"email": ["a@b.de", "c@d.de"], "phone": {"home": "+44 20 7946 0958"}}])
    assert out == [
        {"email": [mask("a@b.de"), mask("c@d.de")], "phone": {"home": mask("+44 20 7946 0958")}}
    ]


def test_records_text_keys_keep_domain_and_odd_rows() -> None:
    rows = iter([{"email": "a@b.de", "review": "ann@gmail.com was rude"}, None, "t"])
    out = mask_records(rows, keys="email", text_keys=["review"], keep_domain=True)
    assert out == [{"email": mask("a@b.de") + "@b.de", "review": "<EMAIL> was rude"}, None, "t"]


def test_multiindex_columns() -> None:
    df = pd.DataFrame(
        [["a@b.de", 1]], columns=pd.MultiIndex.from_tuples([("who", "email"), ("x", "n")])
    )
    assert mask_dataframe(df).iloc[0].tolist() == [mask("a@b.de"), 1]
    assert mask_dataframe(df, columns=("who", "email")).iloc[0].tolist() == [mask("a@b.de"), 1]
    assert mask_dataframe(df, columns=[("who", "email")]).iloc[0].tolist() == [mask("a@b.de"), 1]


def test_records_as_lists_need_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """``wandb.Table(columns=[...], data=rows)`` rows are lists: positions need names."""
    rows = [["ann@corp.de", "ann@gmail.com wrote", 5], ("bob@corp.de", None, 4, "extra")]
    out = mask_records(
        rows, keys=["user_email"], text_keys=["review"], columns=["user_email", "review", "stars"]
    )
    assert out == [
        [mask("ann@corp.de"), "<EMAIL> wrote", 5],
        (mask("bob@corp.de"), None, 4, "extra"),
    ]
    assert rows[0][0] == "ann@corp.de"

    monkeypatch.setattr(pseudonym, "_warned", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert mask_records(rows, keys=["user_email"]) == rows
        mask_records(rows, keys=["user_email"])
    messages = [str(w.message) for w in caught if issubclass(w.category, LogmaskWarning)]
    assert len(messages) == 1 and "columns=" in messages[0]


def test_records_single_mapping_and_dataframe() -> None:
    assert mask_records({"email": "a@b.de", "n": 1}) == {"email": mask("a@b.de"), "n": 1}
    df = pd.DataFrame({"email": ["a@b.de"], "n": [1]})
    out = mask_records(df, keys=["email"])
    assert isinstance(out, pd.DataFrame) and out["email"].iloc[0] == mask("a@b.de")
