"""mask(): keyed, stable, idempotent pseudonyms that keep missing values."""

from __future__ import annotations

import collections
import decimal
import hashlib
import hmac
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import logmask
from logmask.masking import pseudonym
from logmask.masking.pseudonym import LogmaskWarning, bulk_masker, is_pseudonym, mask

REPO = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"pii_[0-9a-f]{16}")
KEY = "test-key-0123456789"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGMASK_KEY", KEY)


def reference(value: bytes, key: bytes | str = KEY) -> str:
    """The documented format, computed with the standard library's hmac."""
    raw = key.encode() if isinstance(key, str) else key
    return "pii_" + hmac.new(raw, value, hashlib.sha256).hexdigest()[:16]


def run_python(code: str, **env: str) -> str:
    full_env = {k: v for k, v in os.environ.items() if k != "LOGMASK_KEY"}
    full_env.update(env)
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=REPO,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def test_format_is_pii_and_16_hex() -> None:
    assert TOKEN.fullmatch(mask("ann@corp.de"))


@pytest.mark.parametrize(
    "key",
    [KEY, b"k", "ключ", b"\x00" * 64, b"x" * 65, os.urandom(200)],
    ids=["str", "short", "unicode", "block-size", "longer-than-block", "long-random"],
)
@pytest.mark.parametrize("value", ["ann@corp.de", "", "Zoë Ω 😀", "x" * 10_000])
def test_precomputed_states_equal_stdlib_hmac(key: bytes | str, value: str) -> None:
    assert mask(value, key=key) == reference(value.encode(), key)


@pytest.mark.parametrize("key", [b"k", b"x" * 64, b"y" * 100])
def test_full_digest_equals_stdlib_hmac(key: bytes) -> None:
    for msg in (b"", b"ann@corp.de", bytes(range(256)) * 3):
        assert pseudonym.hasher(key).hexdigest(msg) == hmac.new(key, msg, "sha256").hexdigest()


def test_bulk_masker_equals_mask() -> None:
    values = ["a@b.de", 7, None, math.nan, b"raw", 1.5, True, "pii_0123456789abcdef", "Zoë"]
    assert bulk_masker(KEY)(values) == [mask(v, key=KEY) for v in values]
    assert bulk_masker(KEY, keep_domain=True)(values) == [
        mask(v, key=KEY, keep_domain=True) for v in values
    ]


def test_stable_across_processes_and_hash_seeds() -> None:
    code = "import logmask; print(logmask.mask('ann@corp.de'), logmask.mask(12345))"
    first = run_python(code, LOGMASK_KEY=KEY, PYTHONHASHSEED="1")
    second = run_python(code, LOGMASK_KEY=KEY, PYTHONHASHSEED="2")
    assert first == second == f"{mask('ann@corp.de')} {mask(12345)}"


def test_different_keys_give_different_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    before = mask("ann@corp.de")
    monkeypatch.setenv("LOGMASK_KEY", "another-key")  # read on every call
    assert mask("ann@corp.de") != before
    assert mask("ann@corp.de", key=KEY) == before
    assert mask("ann@corp.de", key=KEY.encode()) == before
    assert mask("ann@corp.de", key="k1") != mask("ann@corp.de", key="k2")


def test_bad_keys_are_rejected() -> None:
    with pytest.raises(ValueError):
        mask("x", key="")
    with pytest.raises(TypeError):
        mask("x", key=123)  # type: ignore[arg-type]


def test_without_key_warns_once_and_uses_a_process_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOGMASK_KEY")
    monkeypatch.setattr(pseudonym, "_warned", set())
    monkeypatch.setattr(pseudonym, "_process_key", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tokens = {mask("ann@corp.de") for _ in range(3)}
        logmask.mask_records([{"email": "ann@corp.de"}], keys=["email"])
    ours = [w for w in caught if issubclass(w.category, LogmaskWarning)]
    assert len(ours) == 1
    assert "LOGMASK_KEY" in str(ours[0].message)
    assert ours[0].filename == __file__  # points at the caller, not at logmask
    assert len(tokens) == 1 and TOKEN.fullmatch(tokens.pop())


def test_without_key_processes_differ() -> None:
    code = "import warnings, logmask; warnings.simplefilter('ignore'); print(logmask.mask('a'))"
    assert run_python(code) != run_python(code)


@pytest.mark.parametrize(
    "value",
    [None, math.nan, np.nan, np.float64("nan"), pd.NA, pd.NaT, np.datetime64("NaT")],
    ids=repr,
)
def test_missing_values_are_kept(value: object) -> None:
    assert mask(value) is value


def test_scalars_hash_their_text() -> None:
    assert mask(42) == mask("42") == mask(np.int64(42)) == reference(b"42")
    assert mask(b"42") == mask(bytearray(b"42")) == mask("42")
    assert mask(1.5) == reference(b"1.5")
    assert mask(True) == reference(b"True") != mask(1)
    assert mask(decimal.Decimal("3.10")) == reference(b"3.10")
    assert mask(decimal.Decimal("NaN")).is_nan()


def test_keep_domain_keeps_the_real_domain() -> None:
    plain = mask("Ann.Smith@Corp.de")
    kept = mask("Ann.Smith@Corp.de", keep_domain=True)
    assert kept == plain + "@Corp.de"
    assert mask("not an email", keep_domain=True) == mask("not an email")
    assert mask("@nodomain", keep_domain=True) == mask("@nodomain")
    assert mask(12, keep_domain=True) == mask(12)


def test_masking_twice_is_harmless() -> None:
    once = mask("ann@corp.de")
    assert mask(once) == once
    kept = mask("ann@corp.de", keep_domain=True)
    assert mask(kept) == kept
    assert mask(kept, keep_domain=True) == kept
    assert is_pseudonym(once) and is_pseudonym(kept)
    assert not is_pseudonym("pii_0123") and not is_pseudonym("pii_0123456789ABCDEF")


def test_containers_keep_their_shape() -> None:
    point = collections.namedtuple("point", "email phone")
    assert mask(["a", None, ("b",)]) == [mask("a"), None, (mask("b"),)]
    assert mask({"k": "v", "n": None}) == {"k": mask("v"), "n": None}
    assert mask({"a"}) == {mask("a")}
    assert mask(point("a", "b")) == point(mask("a"), mask("b"))
    array = mask(np.array([["a", "b"], ["c", "a"]]))
    assert array.shape == (2, 2) and array[1, 1] == mask("a") and array.dtype == object


def test_series_is_masked_elementwise_without_mutation() -> None:
    series = pd.Series(["a@b.de", None, "a@b.de"], name="email", dtype=object)
    out = mask(series)
    assert out.tolist() == [mask("a@b.de"), None, mask("a@b.de")]
    assert series.tolist() == ["a@b.de", None, "a@b.de"]
    assert out.name == "email"
    index = mask(pd.Index(["x", "y"], name="who"))
    assert index.tolist() == [mask("x"), mask("y")] and index.name == "who"
