"""Reading string constants from LibCST nodes: the fast path agrees with `evaluated_value`."""

from __future__ import annotations

import libcst as cst
import pytest

from logmask.rules.syntax import string_value

LITERALS = [
    '"a"',
    "'a'",
    '""',
    "''",
    '"""x"""',
    "'''y'''",
    '""""""',
    "'''a'b'''",
    '"""a"b"""',
    '"\'"',
    "'\"'",
    'r"a\\b"',
    '"a\\nb"',
    'u"x"',
    'R"x"',
    '"""one\r\ntwo"""',
]
NOT_TEXT = ['b"x"', 'rb"x"']


@pytest.mark.parametrize("source", LITERALS)
def test_string_value_matches_python(source: str) -> None:
    node = cst.parse_module(f"x = {source}\n").body[0].body[0].value  # type: ignore[attr-defined]
    assert isinstance(node, cst.SimpleString)
    assert string_value(node) == node.evaluated_value


@pytest.mark.parametrize("source", NOT_TEXT)
def test_bytes_are_not_text(source: str) -> None:
    assert string_value(cst.parse_expression(source)) is None


def test_concatenation_joins_its_parts() -> None:
    assert string_value(cst.parse_expression("\"ab\" 'cd'")) == "abcd"
