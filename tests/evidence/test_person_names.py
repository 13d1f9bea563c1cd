"""Person names: cues in free text, the names list (Faker), and role keys, side by side."""

from __future__ import annotations

import pytest

from logmask.evidence import person_names
from logmask.evidence.person_names import find_person_names, role_key, role_value
from tests.conftest import check


def names_in(text: str) -> list[str]:
    return [text[s:e] for s, e in find_person_names(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Hi, my name is Annabel Leeford.", ["Annabel Leeford"]),
        ("I'm Dawood Khan, account holder", ["Dawood Khan"]),
        ("Thanks, Maria", ["Maria"]),
        ("name: Jane Doe", ["Jane Doe"]),
        ("I am Happy with the answer", []),  # a cue, then no name
        ("this is a test", []),
        ("the loss went down", []),
        ("Use the Adam optimizer", []),
    ],
)
def test_cues_need_no_list(text: str, names: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(person_names, "_names_list", lambda: (frozenset(), frozenset()))
    assert names_in(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Please ask Maria Garcia about it", ["Maria Garcia"]),
        ("Contact John Smith today", ["John Smith"]),
        ("New York City is big", []),  # a first name, then no surname
        ("Use Adam Optimizer", []),
        ("Grace period ends", []),
    ],
)
def test_known_first_and_last_names(text: str, names: list[str]) -> None:
    pytest.importorskip("faker")
    assert names_in(text) == names


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("engineer", True),
        ("author", True),
        ("created_by", True),
        ("model_owner", True),
        ("reviewer", True),
        ("run_name", False),
        ("model_id", False),
        ("engine", False),
        ("owner_count", False),
    ],
)
def test_role_keys(key: str, expected: bool) -> None:
    assert role_key(key) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("dawood", True),
        ("Alice Smith", True),
        ("jane.doe", True),
        ("ml-team", False),
        ("platform", False),
        ("ci-bot", False),
        ("resnet50", False),
        ("v1.2", False),
        ("a", False),
    ],
)
def test_role_values(value: str, expected: bool) -> None:
    assert role_value(value) is expected


ROLE_SOURCE = """\
import mlflow
mlflow.set_tags({"engineer": "dawood", "owner": "ml-team", "run_name": "baseline"})
"""


def test_role_key_literals_are_low_confidence() -> None:
    from logmask.linter.config import Config

    low = check(ROLE_SOURCE, config=Config(select=("ALL",), min_confidence="low"))
    assert [(f.code, f.confidence, f.column) for f in low] == [("PII103", "low", 30)]
    assert check(ROLE_SOURCE) == []  # below the default threshold
