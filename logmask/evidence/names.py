"""Is a value called ``name`` personal? Evidence from the words of a name.

The linter asks this of every logged key, column, keyword, attribute and traced
parameter, and the runtime masking helpers ask it of DataFrame columns, so the
answer must be cheap, deterministic and free of false alarms on ML code, where
``run_name``, ``input_ids``, ``pad_token`` and ``attention_mask`` are everywhere.

The procedure follows ``pii-evidence.md``:

1. Tokenise (``tokens.tokenize``) and match vocabulary phrases as token n-grams,
   never substrings (``classname`` holds no ``ssn``).
2. Head-noun rule: a phrase counts only where the name ends, after trailing words
   that do not change the value (``email_str``) and downgrades (``email_domain``).
   ``email_count`` and ``email_template`` end in something else, so they are not
   e-mails.
3. Vetoes anywhere outside the phrase: transformed (``hashed_email``), aggregate
   (``num_users``, ``accuracy_by_gender``), schema (``email_col``), switch
   (``is_email_valid``). Downgrades lower the confidence by one or two levels.
4. Ambiguous phrases (``name``, ``id``, ``ip``, ``age``) need a person: from the
   name's own qualifier (``customer_id``) or from the owner (``user.name``). Any
   other qualifier makes them something else's (``run_name``, ``image_id``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from logmask.evidence.sources import personal_source
from logmask.evidence.tokens import tokenize
from logmask.evidence.vocabulary import (
    AGGREGATES,
    BOOLEAN_PREFIXES,
    COUNT_PREFIXES,
    DERIVED_WORDS,
    DOWNGRADES,
    FREE_TEXT_NEGATIVES,
    FREE_TEXT_TERMS,
    HIGH,
    IGNORABLE,
    LOW,
    MASK_VERB_PHRASES,
    MASK_VERBS,
    MASKER_NOUN_VETOES,
    MEDIUM,
    META_WORDS,
    NEGATIVE_CONTEXTS,
    PERSON_NOUNS,
    PERSONAL_QUALIFIERS,
    SETTING_WORDS,
    SOURCE_PERSON_NOUNS,
    TERMS,
    TRANSFORM_VETOES,
    TRANSPARENT_SUFFIXES,
    UNIQUE_WORDS,
    WEAK_PERSON_NOUNS,
    Term,
    plural,
)
from logmask.findings import Confidence

__all__ = [
    "Confidence",
    "NameClassifier",
    "NameEvidence",
    "classify_name",
    "free_text_name",
    "is_masker_name",
    "is_person_context",
]

_LEVELS: tuple[Confidence, ...] = (LOW, MEDIUM, HIGH)
_CACHE_LIMIT = 1 << 16
# "user.name", "user/email": the part before the last separator owns the rest.
_OWNER_SEPARATORS = re.compile(r"[./]")

_Context = Literal["person", "negative", "other"]


@dataclass(frozen=True, slots=True)
class NameEvidence:
    """Why a name is personal: its category, how sure we are, and the phrase that matched."""

    category: str
    confidence: Confidence
    term: str


@dataclass(frozen=True, slots=True)
class _Entry:
    term: Term
    plural: bool  # matched through the derived plural (unique_emails counts, unique_email not)


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    entry: _Entry
    steps: int  # downgrade levels from trailing modifiers (email_domain, age_group)


def _lookup(terms: Iterable[Term]) -> dict[tuple[str, ...], _Entry]:
    """Token tuple -> entry, with derived plurals; a listed phrase beats a derived plural."""
    terms = tuple(terms)
    plurals = {plural(term.phrase.split()[-1]) for term in terms}
    table: dict[tuple[str, ...], _Entry] = {}
    for term in terms:
        if term.plural:
            *head, last = term.phrase.split()
            table.setdefault((*head, plural(last)), _Entry(term, plural=True))
    for term in terms:
        tokens = tuple(term.phrase.split())
        table[tokens] = _Entry(term, plural=tokens[-1] in plurals)  # "emails" is listed
    return table


_BASE_TABLE = _lookup(TERMS)
_FREE_TABLE = _lookup(Term(p, "free_text", MEDIUM, MEDIUM) for p in FREE_TEXT_TERMS)
_FREE_LONGEST = max(map(len, _FREE_TABLE))


def _match(
    tokens: tuple[str, ...], table: Mapping[tuple[str, ...], _Entry], longest: int
) -> _Match | None:
    """The longest phrase that ends at the head noun, or None (the head-noun rule)."""
    end = len(tokens)
    steps = 0
    while end:
        for start in range(max(0, end - longest), end):
            entry = table.get(tokens[start:end])
            if entry is not None:
                return _Match(start, end, entry, steps)
        head = tokens[end - 1]
        if head.isdigit() or head in TRANSPARENT_SUFFIXES:
            end -= 1
            continue
        step = DOWNGRADES.get(head)
        if step is None:
            return None
        steps = max(steps, step)
        end -= 1
    return None


def _vetoed(tokens: tuple[str, ...], match: _Match) -> bool:
    """A veto modifier outside the matched phrase: transformed, aggregate, schema or switch."""
    for i, token in enumerate(tokens):
        if match.start <= i < match.end:
            continue
        if (
            token in TRANSFORM_VETOES
            or token in AGGREGATES
            or token in META_WORDS
            or token in SETTING_WORDS
        ):
            return True
        if i == 0 and (token in COUNT_PREFIXES or token in BOOLEAN_PREFIXES):
            return True
        if token in UNIQUE_WORDS and (match.entry.plural or i >= match.end):
            return True
    return False


def _scan(tokens: Iterable[str], *, owner: bool) -> _Context | None:
    """What the nearest meaningful qualifier is: a person, ML/infra, something else, or none.

    In an owner (``customers_df``, ``user_list``, ``profile``) container words are
    skipped and weak person words count; inside a name they qualify (``input_ids``).
    """
    for token in reversed(tuple(tokens)):
        if token.isdigit() or token in IGNORABLE:
            continue
        if token in PERSON_NOUNS or token in PERSONAL_QUALIFIERS:
            return "person"
        if token in WEAK_PERSON_NOUNS:
            if owner:
                return "person"
            continue
        if token in NEGATIVE_CONTEXTS or token in AGGREGATES:
            return "negative"
        if owner and token in TRANSPARENT_SUFFIXES:
            continue
        return "other"
    return None


_DUNDER = re.compile(r"__\w+__")


@lru_cache(maxsize=8192)
def _owner_context(owner: str | None) -> _Context | None:
    """Context from a receiver, container, frame variable or data source; unknown is None."""
    if not owner or not owner.strip():
        return None
    if personal_source(owner, qualifiers=False) is not None:
        return "person"
    context = _scan(tokenize(owner), owner=True)
    return None if context == "other" else context


def _downgrade(level: Confidence, steps: int) -> Confidence:
    return _LEVELS[max(0, _LEVELS.index(level) - steps)]


def _stronger(a: NameEvidence | None, b: NameEvidence | None) -> NameEvidence | None:
    if a is None or b is None:
        return a or b
    return b if _LEVELS.index(b.confidence) > _LEVELS.index(a.confidence) else a


class NameClassifier:
    """Classifies names with the built-in vocabulary plus a project's own config.

    ``extra`` maps project-specific personal names to a category (``{"badge_no":
    "identity.id"}``); they match as token n-grams with high confidence. ``allow``
    lists names that are never personal in this project (``["customer_segment"]``),
    compared token by token, so case and separators do not matter.
    """

    def __init__(self, extra: Mapping[str, str] | None = None, allow: Iterable[str] = ()) -> None:
        table = dict(_BASE_TABLE)
        extra_terms = (
            Term(" ".join(tokens), category, HIGH, HIGH)
            for name, category in (extra or {}).items()
            if (tokens := tokenize(name))
        )
        table.update(_lookup(extra_terms))
        self._table = table
        self._longest = max(map(len, table))
        self._allow = frozenset(tokens for tokens in map(tokenize, allow) if tokens)
        self._cache: dict[tuple[str, str | None], NameEvidence | None] = {}
        self._text_cache: dict[str, str | None] = {}

    def classify(self, name: str, owner: str | None = None) -> NameEvidence | None:
        """Is a value called *name* personal? None when not.

        *owner* is what the value is read from or belongs to: ``'user'`` for
        ``user.name``, ``'customer'`` for ``customer["name"]``, the variable name or
        source of a DataFrame for its columns. Low-confidence evidence comes back as
        ``confidence='low'``; callers report only medium and high.
        """
        key = (name, owner)
        if key in self._cache:
            return self._cache[key]
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        result = self._cache[key] = self._classify(name, owner)
        return result

    def free_text(self, name: str) -> str | None:
        """The free-text term if *name* names text a person wrote, else None.

        ``message``, ``prompt``, ``query``, ``chat_history``, ``review`` ...; not
        ``text_len``, ``prompt_template``, ``num_messages``, ``query_states``,
        ``attention_query``, ``system_prompt`` or ``error_message``.
        """
        if name in self._text_cache:
            return self._text_cache[name]
        if len(self._text_cache) >= _CACHE_LIMIT:
            self._text_cache.clear()
        result = self._text_cache[name] = self._free_text(name)
        return result

    def is_person_context(self, name: str) -> bool:
        """Do the tokens of *name* name a person (``customers_df``, ``UserProfile``)?"""
        if _scan(tokenize(name), owner=True) == "person":
            return True
        return personal_source(name, qualifiers=False) in SOURCE_PERSON_NOUNS

    # ------------------------------------------------------------------ internals

    def _classify(self, name: str, owner: str | None) -> NameEvidence | None:
        if _DUNDER.fullmatch(name):
            return None  # `__name__`, `__id__`: Python's own attributes
        tokens = tokenize(name)
        if not tokens or tokens in self._allow:
            return None
        owner_context = _owner_context(owner)
        parts = [p for p in _OWNER_SEPARATORS.split(name) if tokenize(p)]
        if len(parts) < 2:
            return self._evaluate(tokens, owner_context)[1]
        # A dotted or slashed key: the front owns the last part ("user.name" is the name
        # of a user, high, not a username); only a transform in front vetoes the rest.
        front = ".".join(parts[:-1])
        if any(t in TRANSFORM_VETOES for t in tokenize(front)):
            return None
        inner = _owner_context(front)
        vetoed, split = self._evaluate(
            tokenize(parts[-1]), inner if inner is not None else owner_context
        )
        if vetoed:
            return None
        # ...but "first.name" and "date.of.birth" are one phrase written with dots.
        return _stronger(split, self._evaluate(tokens, owner_context)[1])

    def _evaluate(
        self, tokens: tuple[str, ...], owner_context: _Context | None
    ) -> tuple[bool, NameEvidence | None]:
        """(vetoed, evidence) for one reading of the tokens."""
        match = _match(tokens, self._table, self._longest)
        if match is None:
            return False, None
        if _vetoed(tokens, match):
            return True, None
        prefix = tokens[: match.start]
        steps = max([match.steps, *(DOWNGRADES.get(t, 0) for t in prefix)])
        own = _scan(prefix, owner=False)
        context = own if own is not None else owner_context
        term = match.entry.term
        if term.ambiguous and context in ("other", "negative"):
            return False, None
        if term.infra and context == "negative":
            return False, None
        level = term.person if context == "person" else term.alone
        if level is None:
            return False, None
        shown = term.phrase
        if own == "person" and term.ambiguous:
            person = next(
                t for t in reversed(prefix) if t in PERSON_NOUNS or t in PERSONAL_QUALIFIERS
            )
            shown = f"{person} {shown}"
        return False, NameEvidence(term.category, _downgrade(level, steps), shown)

    def _free_text(self, name: str) -> str | None:
        tokens = tokenize(name)
        if not tokens or tokens in self._allow:
            return None
        match = _match(tokens, _FREE_TABLE, _FREE_LONGEST)
        if match is None or _vetoed(tokens, match):
            return None
        outside = tokens[: match.start] + tokens[match.end :]
        if any(t in DERIVED_WORDS for t in outside):
            return None
        if any(t in FREE_TEXT_NEGATIVES for t in tokens[: match.start]):
            return None
        return match.entry.term.phrase


_DEFAULT = NameClassifier()


def classify_name(name: str, owner: str | None = None) -> NameEvidence | None:
    """``NameClassifier().classify`` with the built-in vocabulary only."""
    return _DEFAULT.classify(name, owner)


def free_text_name(name: str) -> str | None:
    """``NameClassifier().free_text`` with the built-in vocabulary only."""
    return _DEFAULT.free_text(name)


def is_person_context(name: str) -> bool:
    """``NameClassifier().is_person_context``: do the tokens of *name* name a person?"""
    return _DEFAULT.is_person_context(name)


@lru_cache(maxsize=4096)
def is_masker_name(func_name: str) -> bool:
    """Does a function's name say it masks (``mask_pii``, ``redact_email``, ``hash_user``)?

    The verb must come first in the last dotted part, and must not be followed by
    an ML noun: ``attention_mask``, ``get_mask``, ``unmask``, ``masked_fill`` and
    ``mask_token`` are tensors or their makers, not privacy masks. ``tokenize`` is
    NLP, not masking. A CamelCase name is a class (``MaskFormer``), not a call that
    masks.
    """
    last = func_name.rsplit(".", 1)[-1].strip().lstrip("_")
    if last[:1].isupper() and any(c.islower() for c in last):
        return False
    tokens = tokenize(last)
    if not tokens:
        return False
    rest: tuple[str, ...] | None = None
    for phrase in MASK_VERB_PHRASES:
        if tokens[: len(phrase)] == phrase:
            rest = tokens[len(phrase) :]
    if rest is None:
        if tokens[0] not in MASK_VERBS:
            return False
        rest = tokens[1:]
    return not any(t in MASKER_NOUN_VETOES for t in rest)
