"""Positions of a few nodes, computed the way LibCST's `PositionProvider` computes them.

`PositionProvider` records a range for every node of the module, which costs
more than parsing it. Reporting needs the ranges of a handful of nodes (the
findings, their statements, their evidence, their fixes), so this codegen
pass only counts characters outside those nodes' subtrees and records, with
LibCST's own state, only inside them: the same ranges, at a fraction of the
cost, which is what lets the language server re-check a file as it is typed.
If LibCST's internals ever change shape, the full provider is used instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState

_IDLE = contextlib.nullcontext()


@dataclass
class _TargetedState(PositionProvidingCodegenState):
    """Tracks line and column only inside target subtrees; elsewhere only collects tokens."""

    targets: frozenset[int] = frozenset()
    depth: int = 0
    synced: int = 0

    def _sync(self) -> None:
        """Advance line and column over the tokens added while not recording."""
        tokens = self.tokens
        for index in range(self.synced, len(tokens)):
            token = tokens[index]
            if "\n" in token or "\r" in token:
                self._update_position(token)
            else:
                self.column += len(token)
        self.synced = len(tokens)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if self.depth:
            self._sync()

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        if self.depth:
            self._sync()

    def before_codegen(self, node: cst.CSTNode) -> None:
        if self.depth or id(node) in self.targets:
            if not self.depth:
                self._sync()
            self.depth += 1
            super().before_codegen(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if self.depth:
            super().after_codegen(node)
            self.depth -= 1

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, **hoisted: Any
    ) -> contextlib.AbstractContextManager[None]:
        if self.depth:
            return super().record_syntactic_position(node, **hoisted)
        return _IDLE


def positions_of(
    module: cst.Module, nodes: Collection[cst.CSTNode]
) -> tuple[dict[cst.CSTNode, CodeRange], str]:
    """The `PositionProvider` ranges of `nodes` and their descendants, and the module's code.

    Other nodes may be missing from the ranges.
    """
    provider = PositionProvider()
    try:
        state = _TargetedState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            provider=provider,
            targets=frozenset(id(node) for node in nodes),
        )
        module._codegen(state)
    except (AttributeError, TypeError):  # LibCST changed its internals: do it the slow way
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return {node: where for node, where in positions.items()}, module.code
    return cast(dict[cst.CSTNode, CodeRange], dict(provider._computed)), "".join(state.tokens)
