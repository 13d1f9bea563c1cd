"""Positions, edits and `# noqa` edits: table-driven, without a server."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types

from logmask.findings import Finding
from logmask.server.analysis import encode_text
from logmask.server.convert import Text, edits_between, noqa_edit, overlaps
from logmask.server.settings import Settings, SettingsError
from tests.server.support import apply


@pytest.mark.parametrize(
    ("text", "line", "column", "expected"),
    [
        ("abc\n", 1, 1, (0, 0)),
        ("abc\n", 1, 4, (0, 3)),
        ("😀x = 1\n", 1, 2, (0, 2)),  # an astral character is two UTF-16 units
        ("é = 1\n", 1, 2, (0, 1)),
        ("a\r\nb\r\n", 2, 2, (1, 1)),
        ("a\rb\n", 2, 1, (1, 0)),  # a lone CR ends a line, as in LSP
        ("a\x0cb\n", 1, 3, (0, 2)),  # a form feed does not
        ("x = 1", 2, 1, (0, 5)),  # past the end of a file without a final newline
        ("x = 1\n", 3, 1, (1, 0)),
    ],
)
def test_positions(text: str, line: int, column: int, expected: tuple[int, int]) -> None:
    position = Text(text).position(line, column)
    assert (position.line, position.character) == expected


SAMPLES = [
    "import wandb\n",
    "a\nb\nc\n",
    "😀 = 1\r\nx = 2\r\n",
    "no newline",
    "",
    "import logmask\nimport wandb\nwandb.log({'email': logmask.mask(e)})\n",
]


@pytest.mark.parametrize("old", SAMPLES)
@pytest.mark.parametrize("new", SAMPLES)
def test_edits_turn_old_into_new(old: str, new: str) -> None:
    assert apply(old, edits_between(old, new)) == new


def test_edits_of_random_line_changes() -> None:
    pick = random.Random(7)
    for _ in range(200):
        old = "".join(pick.choice(["a\n", "b\n", "😀\n", "c\r\n", "d"]) for _ in range(8))
        new = "".join(pick.choice(["a\n", "b\n", "é\n", "c\r\n", "d"]) for _ in range(8))
        assert apply(old, edits_between(old, new)) == new


def test_unchanged_text_has_no_edits() -> None:
    assert edits_between("a\nb\n", "a\nb\n") == []


def finding(line: int, statement: tuple[int, int] | None = None) -> Finding:
    return Finding(
        "PII101", "personal-name-logged", "t.py", line, 1, line, 2, "m", statement_lines=statement
    )


@pytest.mark.parametrize(
    ("text", "found", "expected"),
    [
        ("wandb.log({'email': e})\n", finding(1), "wandb.log({'email': e})  # noqa: PII101\n"),
        ("x = f(  # why\n  a)\n", finding(1, (1, 2)), "x = f(  # why\n  a)  # noqa: PII101\n"),
        ("log(e)  # noqa: PII3\n", finding(1), "log(e)  # noqa: PII3, PII101\n"),
        ("log(e)  # keep\r\n", finding(1), "log(e)  # keep  # noqa: PII101\r\n"),
        ("log(e)", finding(1), "log(e)  # noqa: PII101"),
    ],
)
def test_noqa_edit(text: str, found: Finding, expected: str) -> None:
    assert apply(text, [noqa_edit(found, text)]) == expected


Span = tuple[tuple[int, int], tuple[int, int]]


@pytest.mark.parametrize(
    ("a", "b", "touch"),
    [
        (((0, 0), (0, 5)), ((0, 5), (0, 5)), True),
        (((0, 0), (0, 5)), ((0, 6), (0, 7)), False),
        (((1, 0), (3, 0)), ((2, 4), (2, 4)), True),
        (((1, 0), (1, 3)), ((0, 0), (0, 9)), False),
    ],
)
def test_overlaps(a: Span, b: Span, touch: bool) -> None:
    def r(x: Span) -> types.Range:
        return types.Range(types.Position(*x[0]), types.Position(*x[1]))

    assert overlaps(r(a), r(b)) is touch and overlaps(r(b), r(a)) is touch


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("x = 'é'\n", "x = 'é'\n".encode()),
        (
            "# -*- coding: latin-1 -*-\nx = 'é'\n",
            "# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"),
        ),
        ("# coding: latin-1\nx = '😀'\n", "# coding: latin-1\nx = '😀'\n".encode()),  # cannot fit
    ],
)
def test_text_is_encoded_as_its_file_would_be(text: str, encoded: bytes) -> None:
    assert encode_text(text) == encoded


@pytest.mark.parametrize(
    "options",
    [
        None,
        {},
        {"unsafeFixes": True},
        {"minConfidence": "low", "debounceMs": 0},
        {"ruleDocsUrl": "https://docs.example.org/rules/{code}"},
    ],
)
def test_accepted_options(options: object) -> None:
    Settings.from_options(options)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ([], "initializationOptions"),
        ({"unsafeFixes": "yes"}, "unsafeFixes"),
        ({"minConfidence": "certain"}, "minConfidence"),
        ({"debounceMs": -1}, "debounceMs"),
        ({"debounceMs": True}, "debounceMs"),
        ({"ruleDocsUrl": "https://docs.example.org/"}, "ruleDocsUrl"),
        ({"unsafe_fixes": True}, "unsafe_fixes"),
    ],
)
def test_refused_options_name_the_option(options: object, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_options(options)
