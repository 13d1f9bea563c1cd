"""Arguments of a call: the one place that matches them to parameters, and reads paths in them.

Sinks bind arguments by a `Signature`, project functions by their parameter
names, library calls by "the first positional or one of these keywords": all
three read the same `CallArguments`; starred arguments never bind. The
tracker model names redaction settings by a path (`("settings", "redact_pii")`
reads `weave.init(p, settings={"redact_pii": True})`): `redaction_argument`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import libcst as cst

from logmask.rules.syntax import dotted, string_value
from logmask.rules.values import Value

if TYPE_CHECKING:
    from logmask.rules.sinks import Param, Signature


class CallArguments:
    """`call.args` zipped with the values the analysis gave them."""

    __slots__ = ("args", "call")

    def __init__(self, call: cst.Call, values: Sequence[Value]) -> None:
        self.call = call
        self.args: list[tuple[cst.Arg, Value]] = list(zip(call.args, values, strict=False))

    @property
    def receiver(self) -> str | None:
        """`df` of `df.drop(...)`: the dotted receiver of a method call."""
        func = self.call.func
        return dotted(func.value) if isinstance(func, cst.Attribute) else None

    @property
    def values(self) -> list[Value]:
        return [value for _, value in self.args]

    def first(self, keywords: Sequence[str] = ()) -> Value | None:
        """The first positional argument, or the first of `keywords` given by name."""
        for arg, value in self.args:
            if arg.keyword is None and not arg.star:
                return value
            if arg.keyword is not None and arg.keyword.value in keywords:
                return value
        return None

    def positional(self, index: int) -> Value | None:
        plain = [value for arg, value in self.args if arg.keyword is None and not arg.star]
        return plain[index] if index < len(plain) else None

    def keyword(self, name: str) -> Value | None:
        for arg, value in self.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return value
        return None

    def keyword_node(self, name: str) -> cst.BaseExpression | None:
        for arg, _ in self.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return arg.value
        return None

    def keywords(self) -> Iterator[tuple[str, cst.Arg, Value]]:
        for arg, value in self.args:
            if arg.keyword is not None:
                yield arg.keyword.value, arg, value

    def bind(self, params: Sequence[str]) -> dict[str, tuple[Value, cst.BaseExpression]]:
        """Parameter name -> (value, argument node) for a function with these parameters."""
        bound: dict[str, tuple[Value, cst.BaseExpression]] = {}
        position = 0
        for arg, value in self.args:
            if arg.star:
                continue
            if arg.keyword is not None:
                bound[arg.keyword.value] = (value, arg.value)
            else:
                if position < len(params):
                    bound[params[position]] = (value, arg.value)
                position += 1
        return bound

    def by_signature(self, signature: Signature) -> Iterator[tuple[Param, cst.Arg, Value]]:
        """Each argument that a sink signature binds, with its parameter."""
        position = 0
        for arg, value in self.args:
            if arg.star:
                continue
            keyword = arg.keyword.value if arg.keyword is not None else None
            param = signature.bind(position, keyword)
            if keyword is None:
                position += 1
            if param is not None:
                yield param, arg, value


def redaction_argument(call: cst.Call, path: Sequence[str]) -> cst.BaseExpression | None:
    """The expression at `path` in a call: a keyword, then dict keys or keyword arguments."""
    node: cst.BaseExpression = call
    for name in path:
        found: cst.BaseExpression | None = None
        if isinstance(node, cst.Call):
            keywords = (a for a in node.args if a.keyword and a.keyword.value == name)
            found = next((a.value for a in keywords), None)
        elif isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement) and string_value(element.key) == name:
                    found = element.value
        else:
            return node  # a variable or call result: not known to be unset
        if found is None:
            return None
        node = found
    return node


def is_set(node: cst.BaseExpression) -> bool:
    """Not a literal False, None, 0, empty string or empty list/tuple/dict."""
    if isinstance(node, cst.Name):
        return node.value not in ("False", "None")
    if isinstance(node, cst.Integer):
        return node.value != "0"
    if isinstance(node, cst.List | cst.Tuple | cst.Dict | cst.Set):
        return bool(node.elements)
    if isinstance(node, cst.SimpleString):
        return string_value(node) not in ("", None)
    return True
