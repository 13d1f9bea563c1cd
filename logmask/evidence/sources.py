"""Does a file path, table name or SQL text name people?

``pd.read_csv("data/patients.csv")`` or ``read_sql("SELECT * FROM users")`` gives a
DataFrame whose columns the linter cannot see, but whose rows are people: that is
evidence enough to ask for masking (PII202), and to call the frame a person owner
for the names read from it. A file uploaded under such a name (PII402) is the same.

The rule is the head-noun rule of ``names``: the last meaningful token of the file
stem or table name must be a person noun (``customers``) or a personal-data word
(``pii``, ``emails``, ``crm``); splits, dates and container words are skipped
(``users_2024_clean.parquet``, ``part-0000.parquet`` under ``leads/``), and
aggregates, masked or synthetic data and documents are not rows about people
(``user_stats.csv``, ``customers_masked.csv``, ``user_guide.pdf``). Only data
files count: ``clients/http.py``, ``config/users.yaml`` or ``model.pkl`` do not.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from logmask.evidence.tokens import tokenize
from logmask.evidence.vocabulary import (
    COMPRESSION_EXTENSIONS,
    DATA_EXTENSIONS,
    HOME_DIRS,
    NON_DATA_EXTENSIONS,
    PERSONAL_DATA_PHRASES,
    PERSONAL_DATA_WORDS,
    SOURCE_ARTIFACT_HEADS,
    SOURCE_PERSON_NOUNS,
    SOURCE_TRANSPARENT,
    SOURCE_VETOES,
)

__all__ = ["personal_source"]

_SQL_START = re.compile(r"\s*\(?\s*(?:select|with|insert|update|delete|merge|replace)\b", re.I)
_SQL_TABLE = re.compile(r"\b(?:from|join|into|update|table)\s+([`\"\[\]\w.$-]+)", re.I)
_SQL_SELECT = re.compile(r"\bselect\s+(?:distinct\s+)?(.*?)\s+from\b", re.I | re.S)
_SQL_AGGREGATE = re.compile(
    r"(?:count|sum|avg|mean|min|max|median|stddev\w*|variance|var_\w+|approx_\w+|percentile\w*)"
    r"\s*\(",
    re.I,
)
_QUOTES = re.compile(r"[`\"\[\]]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVE = re.compile(r"^[A-Za-z]:$")

_Verdict = Literal["person", "neutral", "other", "veto"]


@lru_cache(maxsize=8192)
def personal_source(text: str, qualifiers: bool = True) -> str | None:
    """The person noun if a file path, table name or SQL text names people, else None.

    ``'data/patients.csv'`` -> ``'patients'``, ``'SELECT * FROM users'`` -> ``'users'``,
    ``'warehouse.crm.customers'`` -> ``'customers'``, ``'s3://b/leads/2024.parquet'``
    -> ``'leads'``; ``'user_stats.csv'``, ``'user_guide.pdf'``, ``'model.pkl'`` -> None.
    With ``qualifiers`` a person word before the head counts too (``customer_churn.csv``);
    owners of names (``customer_orders["name"]``) are judged by their head alone.
    """
    text = text.strip()
    if not text:
        return None
    if _SQL_START.match(text):
        return _from_sql(text, qualifiers)
    return _from_path(text, qualifiers)


def _from_sql(sql: str, qualifiers: bool) -> str | None:
    """The first table of the query that names people, unless only aggregates are selected."""
    if _only_aggregates(sql):
        return None
    for match in _SQL_TABLE.finditer(sql):
        noun = _from_table(_QUOTES.sub("", match.group(1)), qualifiers)
        if noun is not None:
            return noun
    return None


def _only_aggregates(sql: str) -> bool:
    """``SELECT COUNT(*) FROM users`` returns a number, not rows about people."""
    for match in _SQL_SELECT.finditer(sql):
        before = sql[: match.start()]
        if before.count("(") != before.count(")"):
            continue  # a subquery; the outer SELECT decides
        items = _split_top_level(match.group(1))
        return bool(items) and all(_SQL_AGGREGATE.match(item.strip()) for item in items)
    return False


def _split_top_level(select_list: str) -> list[str]:
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for char in select_list:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item for item in items if item.strip()]


def _from_table(name: str, qualifiers: bool) -> str | None:
    """A dotted table name: the table decides; its schema only when the table says nothing."""
    for part in reversed([p for p in name.split(".") if p]):
        verdict, noun = _stem(part, qualifiers)
        if verdict == "person":
            return noun
        if verdict != "neutral":
            return None
    return None


def _from_path(text: str, qualifiers: bool) -> str | None:
    path = _SCHEME.sub("", text.replace("\\", "/"), count=1)
    path = re.split(r"[?#]", path, maxsplit=1)[0]
    absolute = path.startswith(("/", "~")) or bool(_DRIVE.match(path.split("/", 1)[0]))
    parts = [p for p in path.split("/") if p and p not in (".", "..", "~")]
    if parts and _DRIVE.match(parts[0]):
        parts = parts[1:]
    if absolute and parts and parts[0].lower() in HOME_DIRS:
        parts = parts[2:]  # /Users/alice/...: a home directory, then its owner's name
    if not parts:
        return None
    *dirs, last = parts
    stem, kind = _split_extension(last)
    if kind == "non-data":
        return None
    if kind is None and "." in stem:
        if not dirs:
            return _from_table(stem, qualifiers)  # warehouse.crm.customers
        stem = stem.replace(".", "_")
    verdict, noun = _stem(stem, qualifiers)
    if verdict == "person":
        return noun
    if verdict != "neutral":
        return None
    for directory in reversed(dirs):  # part-0000.parquet under leads/
        verdict, noun = _stem(_split_extension(directory)[0], qualifiers)
        if verdict == "person":
            return noun
        if verdict == "veto":
            return None
    return None


def _split_extension(name: str) -> tuple[str, Literal["data", "non-data"] | None]:
    """Strip compression and the format extension; say whether the format is data."""
    stem = name
    while "." in stem:
        base, ext = stem.rsplit(".", 1)
        ext = ext.lower()
        if ext in COMPRESSION_EXTENSIONS and base:
            stem = base
            continue
        if ext in DATA_EXTENSIONS:
            return base, "data"
        if ext in NON_DATA_EXTENSIONS:
            return base, "non-data"
        break
    return stem, None


def _stem(stem: str, qualifiers: bool) -> tuple[_Verdict, str | None]:
    """Classify one name component by its head noun."""
    tokens = tokenize(stem)
    if any(t in SOURCE_VETOES for t in tokens):
        return "veto", None
    end = len(tokens)
    while end and (tokens[end - 1].isdigit() or tokens[end - 1] in SOURCE_TRANSPARENT):
        end -= 1
    if not end:
        return "neutral", None
    for phrase in PERSONAL_DATA_PHRASES:
        if tokens[max(0, end - len(phrase)) : end] == phrase:
            return "person", " ".join(phrase)
    head = tokens[end - 1]
    if head in SOURCE_PERSON_NOUNS or head in PERSONAL_DATA_WORDS:
        return "person", head
    # `telco-customer-churn.csv`, `customer_orders`: rows that name people as a qualifier
    # still hold them (aggregates and transformed data were vetoed above).
    qualifier = next((t for t in tokens[: end - 1] if t in SOURCE_PERSON_NOUNS), None)
    if qualifiers and qualifier is not None and head not in SOURCE_ARTIFACT_HEADS:
        return "person", qualifier
    return "other", None
