"""Keyed pseudonyms: ``mask()``.

A pseudonym is ``"pii_"`` followed by the first 16 hex digits (64 bits) of
HMAC-SHA256(key, value). The same value and key give the same token in every
run and process, so masked logs can still be joined and counted; without the
key nobody can recompute or brute-force the originals (an unkeyed hash of an
e-mail or phone number is trivially reversed by enumeration, and Python's
``hash()`` is salted per process, so it is neither stable nor secret).

64 bits keep tokens short in tracker UIs; the chance of any collision among
one million distinct values is about 3e-8.

The key comes from the ``LOGMASK_KEY`` environment variable (read on every
call, so it may be set after import). Without it a random per-process key is
used and a ``LogmaskWarning`` is issued once: the data is still protected,
but tokens will not match across runs.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from types import FrameType
from typing import Any, Protocol

__all__ = ["TOKEN_PREFIX", "LogmaskWarning", "is_missing", "is_pseudonym", "mask"]

TOKEN_PREFIX = "pii_"
KEY_ENV = "LOGMASK_KEY"

# A token, optionally with the e-mail domain `keep_domain` kept: a host name whose every
# label has a letter, so `pii_<hex>@123-45-6789` (an SSN after the @) is masked, not kept.
_TOKEN_RE = re.compile(
    r"pii_[0-9a-f]{16}"
    r"(?i:@(?:(?=[a-z0-9-]*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})?",
)
_BLOCK = 64  # SHA-256 block size in bytes (RFC 2104 "B")


class LogmaskWarning(UserWarning):
    """Warnings from logmask's runtime helpers (missing key, tracing failures)."""


_warned: set[str] = set()
_warn_lock = threading.Lock()


def warn_once(tag: str, message: str) -> None:
    """Warn once per process per *tag*: the helpers run per value or per span,
    and a warning repeated a million times hides everything else.

    The warning points at the first caller outside logmask, which is the line
    the user can act on.
    """
    with _warn_lock:
        if tag in _warned:
            return
        _warned.add(tag)
    frame: FrameType | None = sys._getframe(0)
    level = 1
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name != "logmask" and not name.startswith("logmask."):
            break
        frame, level = frame.f_back, level + 1
    warnings.warn(message, LogmaskWarning, stacklevel=level)


def _sha256_constructor() -> Callable[[bytes], Any]:
    """CPython's built-in SHA-256 if present, else hashlib's (OpenSSL).

    Copying the small built-in state is about 20% faster than copying an
    OpenSSL context, which is most of the per-value cost here. The digest is
    the same; ``hashlib.sha256`` is the fallback where the builtin is absent.
    """
    for module, attr in (("_sha2", "sha256"), ("_sha256", "sha256")):
        try:
            constructor: Callable[[bytes], Any] = getattr(__import__(module), attr)
        except (ImportError, AttributeError):
            continue
        return constructor
    return hashlib.sha256


_sha256 = _sha256_constructor()


class _Hmac:
    """HMAC-SHA256 with the keyed inner and outer states computed once.

    ``hmac.new`` re-derives both padded-key states for every message; copying
    precomputed ``hashlib`` objects is about twice as fast and gives exactly
    the same digest (RFC 2104).
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        self._inner = _sha256(bytes(b ^ 0x36 for b in key))
        self._outer = _sha256(bytes(b ^ 0x5C for b in key))

    def hexdigest(self, msg: bytes) -> str:
        inner = self._inner.copy()
        inner.update(msg)
        outer = self._outer.copy()
        outer.update(inner.digest())
        digest: str = outer.hexdigest()
        return digest

    def token_function(self) -> Callable[[bytes], str]:
        """A closure with everything bound locally, for tight loops over many values."""
        inner_copy = self._inner.copy
        outer_copy = self._outer.copy

        def token(msg: bytes) -> str:
            inner = inner_copy()
            inner.update(msg)
            outer = outer_copy()
            outer.update(inner.digest())
            digest: str = outer.hexdigest()
            return TOKEN_PREFIX + digest[:16]

        return token


class PandasMasker(Protocol):
    def __call__(self, value: Any, *, keep_domain: bool, key: bytes | str | None) -> Any: ...


# Masking pandas objects is the table helpers' job (`logmask.masking.frames`, imported
# with the package). They register it here, so this module, below them, never imports them.
_pandas_masker: PandasMasker | None = None


def register_pandas_masker(masker: PandasMasker) -> None:
    global _pandas_masker
    _pandas_masker = masker


_hashers: dict[bytes, _Hmac] = {}
_process_key: bytes | None = None
_key_lock = threading.Lock()


def _key_bytes(key: bytes | str | None) -> bytes:
    """Resolve the key: explicit argument, else ``LOGMASK_KEY``, else a per-process key."""
    global _process_key
    if key is None:
        key = os.environ.get(KEY_ENV) or None
    if key is None:
        if _process_key is None:
            with _key_lock:
                if _process_key is None:
                    _process_key = secrets.token_bytes(32)
        warn_once(
            "no-key",
            f"{KEY_ENV} is not set: logmask is masking with a random per-process key, so "
            f"pseudonyms will differ between runs. Set {KEY_ENV} to a secret (for example "
            f"`python -c 'import secrets; print(secrets.token_hex(32))'`) to make them stable.",
        )
        return _process_key
    if isinstance(key, str):
        key = key.encode("utf-8")
    elif not isinstance(key, bytes):
        raise TypeError(f"key must be bytes, str or None, not {type(key).__name__}")
    if not key:
        raise ValueError("key must not be empty")
    return key


def hasher(key: bytes | str | None = None) -> _Hmac:
    """The cached HMAC for *key* (resolved as in :func:`mask`)."""
    raw = _key_bytes(key)
    found = _hashers.get(raw)
    if found is None:
        if len(_hashers) >= 16:  # a handful of keys per process at most; bound the cache anyway
            _hashers.clear()
        found = _hashers[raw] = _Hmac(raw)
    return found


def is_missing(value: Any) -> bool:
    """True for None, float NaN, numpy NaN/NaT and pandas NA/NaT.

    pandas is looked up in ``sys.modules`` instead of imported: if it was never
    imported, the value cannot be one of its missing markers.
    """
    if value is None:
        return True
    if isinstance(value, (str, bytes, int)):
        return False
    if isinstance(value, float):
        return value != value
    pd = sys.modules.get("pandas")
    if pd is not None and (value is pd.NA or value is pd.NaT):
        return True
    try:
        return bool(value != value)  # NaN-like scalars: np.float64, np.datetime64("NaT"), Decimal
    except Exception:
        return False


def is_pseudonym(value: Any) -> bool:
    """True when *value* already is a logmask token (``pii_`` + 16 hex, optional ``@domain``)."""
    return isinstance(value, str) and _TOKEN_RE.fullmatch(value) is not None


def to_bytes(value: Any) -> bytes:
    """The bytes that are hashed: UTF-8 for text, raw bytes as is, ``str()`` for other scalars.

    ``str()`` makes ``mask(42) == mask("42")`` and ``mask(np.int64(42))`` agree,
    so an ID logged as an int in one place and as text in another still joins.
    Floats hash their ``str()`` too, so ``mask(42.0) != mask(42)``: an int ID
    column that pandas turned into float64 (because of a NaN) gives other
    tokens; use the nullable ``Int64`` dtype or cast first.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if type(value) is int:
        return int_text(value).encode()
    return str(value).encode("utf-8", "surrogatepass")


def int_text(value: int) -> str:
    """``str(value)``, also for ints beyond Python's 4,300-digit conversion limit."""
    try:
        return str(value)
    except ValueError:
        from decimal import Decimal  # exact, and not subject to that limit

        return str(Decimal(value))


def split_email(value: str) -> tuple[str, str] | None:
    """``(local, domain)`` when *value* looks like an e-mail address, else None."""
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in value):
        return None
    return local, domain


def scalar_masker(
    key: bytes | str | None = None, *, keep_domain: bool = False
) -> Callable[[Any], Any]:
    """A one-value masker with the key resolved once (used by the bulk helpers)."""
    token = hasher(key).token_function()
    match = _TOKEN_RE.fullmatch

    def mask_one(value: Any) -> Any:
        if isinstance(value, str):
            if value.startswith(TOKEN_PREFIX) and match(value):
                return value
            tok = token(value.encode("utf-8", "surrogatepass"))
            if keep_domain and (parts := split_email(value)) is not None:
                return f"{tok}@{parts[1]}"
            return tok
        if is_missing(value):
            return value
        return token(to_bytes(value))

    return mask_one


def bulk_masker(
    key: bytes | str | None = None, *, keep_domain: bool = False
) -> Callable[[Iterable[Any]], list[Any]]:
    """A many-value masker: ``[mask(v) for v in values]`` with the HMAC inlined.

    Plain str and int values (almost all of a real column) skip the per-value
    function calls; anything else goes through the general one-value path.
    """
    one = scalar_masker(key, keep_domain=keep_domain)
    hmac_ = hasher(key)
    inner_copy = hmac_._inner.copy
    outer_copy = hmac_._outer.copy

    def mask_many(values: Iterable[Any]) -> list[Any]:
        out: list[Any] = []
        append = out.append
        for value in values:
            kind = type(value)
            if kind is str and not keep_domain and not value.startswith(TOKEN_PREFIX):
                msg = value.encode("utf-8", "surrogatepass")
            elif kind is int:
                msg = int_text(value).encode()
            else:
                append(one(value))
                continue
            inner = inner_copy()
            inner.update(msg)
            outer = outer_copy()
            outer.update(inner.digest())
            append(TOKEN_PREFIX + outer.hexdigest()[:16])
        return out

    return mask_many


def mask(value: Any, *, keep_domain: bool = False, key: bytes | str | None = None) -> Any:
    """Replace *value* with its keyed pseudonym ``pii_<16 hex>``.

    - None, NaN, NaT and pandas NA are returned as they are (nothing to hide,
      and missingness stays visible in the tracker).
    - str, bytes, ints and other scalars are hashed (see :func:`to_bytes`).
    - A value that already is a token is returned unchanged, so masking twice
      (a fix applied to already-masked code) is harmless.
    - ``keep_domain=True`` keeps an e-mail's real domain: ``pii_<hex>@gmail.com``,
      for per-domain analysis. The hex is the same as without ``keep_domain``.
    - Containers keep their shape and have every element masked: list, tuple,
      set, dict values (keys kept), numpy arrays and pandas Series; a
      DataFrame has every column masked. The linter's fix may wrap any logged
      expression, and hashing a container's ``repr`` would leave nothing useful.

    ``key`` overrides ``LOGMASK_KEY`` (str keys are UTF-8 encoded).
    """
    one = scalar_masker(key, keep_domain=keep_domain)
    return _mask_any(value, one, keep_domain, key)


def _mask_any(
    value: Any, one: Callable[[Any], Any], keep_domain: bool, key: bytes | str | None
) -> Any:
    if isinstance(value, (str, bytes, int, float)) or value is None:
        return one(value)
    if isinstance(value, Mapping):
        return {k: _mask_any(v, one, keep_domain, key) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_mask_any(v, one, keep_domain, key) for v in value]
        if isinstance(value, list):
            return items
        if isinstance(value, tuple) and hasattr(value, "_fields"):  # namedtuple
            return type(value)(*items)
        return type(value)(items)
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, (pd.Series, pd.DataFrame, pd.Index)):
        assert _pandas_masker is not None, "logmask.masking.frames registers it on import"
        return _pandas_masker(value, keep_domain=keep_domain, key=key)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        out = np.empty(value.shape, dtype=object)
        flat = out.reshape(-1)
        for i, v in enumerate(value.reshape(-1).tolist()):
            flat[i] = one(v)
        return out
    return one(value)
