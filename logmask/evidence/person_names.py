"""Person names in text and under role keys: the names decision.

A name cannot be validated like a card number, so logmask uses two kinds of
evidence and says how sure each is:

- a cue the writer gives: "my name is Ann Lee", "I'm Ann", "name: Ann Lee",
  "regards, Ann" (no list needed);
- a known first name followed by a known last name ("Grace Hopper"), from the
  name lists of Faker's person providers (86 locales, about 31,000 first and
  28,000 last names). Faker is the names list because it is maintained (monthly releases),
  MIT-licensed, covers many languages and needs no download at run time; it
  is an optional extra (``pip install logmask[names]``) and loaded only when
  a text has a candidate. Without it only the cues count. The lists are
  incomplete (``dawood`` is not in them), so a name's absence proves nothing.

Both are reported at low confidence: names are everywhere in code
(``"Adam"`` is an optimizer, ``"Grace"`` a GPU), so the linter keeps them
below its default threshold; ``redact_text`` redacts every hit, where a false
alarm costs a word.

Under a role key (``engineer``, ``author``, ``owner``, ``created_by``,
``reviewer``), a literal that looks like a person's name or handle is a
person (low confidence as well); the key makes it so, not the list.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from logmask.evidence.tokens import tokenize

__all__ = ["ROLE_WORDS", "find_person_names", "known_first_name", "role_key", "role_value"]

# Keys whose value names the person who did something to the run or model.
ROLE_WORDS = frozenset(
    {
        "engineer",
        "author",
        "authors",
        "owner",
        "owners",
        "creator",
        "created_by",
        "reviewer",
        "reviewed_by",
        "maintainer",
        "developer",
        "annotator",
        "labeler",
        "labeller",
        "assignee",
        "assigned_to",
        "submitted_by",
        "submitter",
        "approved_by",
        "approver",
        "modified_by",
        "updated_by",
        "requested_by",
        "requester",
        "trained_by",
        "researcher",
        "scientist",
        "data_scientist",
        "contact_person",
    }
)
# Handles and names of teams, services and machines, not people.
NOT_PEOPLE = frozenset(
    {
        "team",
        "teams",
        "group",
        "org",
        "ml",
        "mlops",
        "ops",
        "devops",
        "infra",
        "platform",
        "research",
        "lab",
        "bot",
        "ci",
        "cd",
        "admin",
        "root",
        "system",
        "service",
        "pipeline",
        "automation",
        "scheduler",
        "unknown",
        "none",
        "null",
        "default",
        "anonymous",
        "me",
        "self",
        "user",
        "nobody",
        "todo",
        "tbd",
    }
)

_NAME_WORD = r"[A-Z][a-z'\u00e0-\u00ff]+(?:-[A-Z][a-z'\u00e0-\u00ff]+)?"
_FULL_NAME = rf"{_NAME_WORD}(?: {_NAME_WORD}){{0,2}}"
_CUES = re.compile(
    r"(?:\b(?:[Mm]y name is|[Mm]y name's|I'm|I am|[Tt]his is|[Nn]ame:|[Rr]egards,|"
    r"[Ss]incerely,|[Cc]heers,|[Tt]hanks,|[Ss]igned,?|[Ff]rom:)\s+)"
    rf"(?P<name>{_FULL_NAME})"
)
_CAPITALISED_PAIR = re.compile(rf"{_NAME_WORD} {_NAME_WORD}")
_NAME_WORD_RE = re.compile(rf"(?<![\w'-]){_NAME_WORD}")
_SURNAMES = re.compile(rf"(?: {_NAME_WORD}){{1,2}}(?![\w'-])")
# Words that follow the cues without being names ("I am Happy", "This is Great").
_CUE_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "not",
        "sorry",
        "happy",
        "glad",
        "here",
        "fine",
        "good",
        "great",
        "interested",
        "looking",
        "trying",
        "writing",
        "using",
        "new",
        "still",
        "just",
        "very",
        "so",
        "also",
        "from",
        "in",
        "on",
        "at",
        "for",
    }
)
_HANDLE = re.compile(r"[A-Za-z][A-Za-z'\-]{1,29}(?:[ ._][A-Za-z][A-Za-z'\-]{0,29}){0,2}")


@cache
def _names_list() -> tuple[frozenset[str], frozenset[str]]:
    """Faker's first names and last names of every locale, lower-cased; empty without Faker."""
    try:
        providers = importlib.import_module("faker.providers.person")
    except ImportError:
        return frozenset(), frozenset()
    first: set[str] = set()
    last: set[str] = set()
    for info in pkgutil.iter_modules(providers.__path__):
        try:
            provider = importlib.import_module(f"{providers.__name__}.{info.name}").Provider
        except (ImportError, AttributeError):
            continue
        for attribute, names in (
            ("first_names", first),
            ("first_names_male", first),
            ("first_names_female", first),
            ("last_names", last),
        ):
            values = vars(provider).get(attribute)
            if isinstance(values, dict | list | tuple | set | frozenset):
                names.update(str(v).lower() for v in values)
    return _alphabetic(first), _alphabetic(last)


def _alphabetic(names: set[str]) -> frozenset[str]:
    return frozenset(n for n in names if n.isalpha() and len(n) > 1)


def _first_names() -> frozenset[str]:
    return _names_list()[0]


def known_first_name(word: str) -> bool:
    """Is `word` a first name in the names list (Faker)?"""
    return word.lower() in _first_names()


def find_person_names(text: str) -> list[tuple[int, int]]:
    """Spans of person names in free text: after a cue, or a known first name and a surname."""
    spans: list[tuple[int, int]] = []
    if not any(ch.isupper() for ch in text):
        return spans
    for m in _CUES.finditer(text):
        words = m.group("name").split()
        if words[0].lower() in _CUE_STOPWORDS:
            continue
        spans.append(m.span("name"))
    first, last = _names_list() if _CAPITALISED_PAIR.search(text) else (frozenset(), frozenset())
    if first:
        for word in _NAME_WORD_RE.finditer(text):
            if word.group().lower() not in first:
                continue
            surname = _SURNAMES.match(text, word.end())
            if surname is not None and surname.group().split()[0].lower() in last:
                spans.append((word.start(), surname.end()))
    return _merged(spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def role_key(key: str) -> bool:
    """`engineer`, `created_by`, `mlflow.user`-style keys naming who did something."""
    words = tokenize(key)
    return bool(words) and ("_".join(words) in ROLE_WORDS or words[-1] in ROLE_WORDS)


def role_value(text: str) -> bool:
    """A literal that looks like a person's name or handle: `dawood`, `Ann Lee`, `a.lee`."""
    value = text.strip()
    if not _HANDLE.fullmatch(value):
        return False
    words = [w.lower() for w in re.split(r"[ ._\-]", value) if w]
    return not any(w in NOT_PEOPLE for w in words)
