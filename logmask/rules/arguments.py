"""The arguments of one call, with their values: the one place that matches them to parameters.

Sinks bind arguments by a `Signature`, project functions by their parameter
names, library calls by "the first positional or one of these keywords".
All three read the same `CallArguments`; starred arguments never bind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import libcst as cst

from logmask.rules.syntax import dotted
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
