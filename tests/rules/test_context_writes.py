"""Rule families never write into the shared `RuleContext`: they hear the analysis' events.

What the analysis learns reaches rules through `on_item`, `on_call`,
`on_function` and `on_module_end`; a rule that wrote a context field for
another party to read would couple them through mutable state. The one
exception left is `EndUserText` re-placing the context at a deferred item's
statement and function to report it at the module's end.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import logmask.rules

MUTATORS = frozenset({"add", "append", "extend", "update", "discard", "remove", "clear", "pop"})
# (module, field) pairs allowed to write: the deferred reporting of end-user text.
ALLOWED = frozenset(
    ("end_user_text", field) for field in ("statement", "current_function", "current_function_node")
)


def context_writes(source: str) -> set[str]:
    """Fields of `ctx` that the code assigns or mutates (`ctx.x = ...`, `ctx.x.add(...)`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
        ):
            targets = [node.func.value]
        for target in targets:
            for part in ast.walk(target):
                if (
                    isinstance(part, ast.Attribute)
                    and isinstance(part.value, ast.Name)
                    and part.value.id == "ctx"
                ):
                    found.add(part.attr)
    return found


FAMILIES = ("logged_values", "logged_tables", "end_user_text", "tracing", "runs_and_uploads")


@pytest.mark.parametrize("family", FAMILIES)
def test_rule_family_does_not_write_the_context(family: str) -> None:
    path = Path(logmask.rules.__file__).parent / f"{family}.py"
    written = {(family, field) for field in context_writes(path.read_text())}
    assert written <= ALLOWED


# code -> the context fields it writes
SCRATCH = [
    ("ctx.statement = None\n", {"statement"}),
    ("ctx.statement, ctx.module = a, b\n", {"statement", "module"}),
    ("ctx.suppressed_functions.add(name)\n", {"suppressed_functions"}),
    ("ctx.imports.append((m, 0))\n", {"imports"}),
    ("ctx.record_params[node] = typed\n", {"record_params"}),
    ("ctx.report('PII101', node, 'm', 'high')\n", set()),
    ("x = ctx.statement\n", set()),
    ("if ctx.imports_any(p):\n    pass\n", set()),
    ("self.seen.add(ctx.statement)\n", set()),
]


@pytest.mark.parametrize(("source", "expected"), SCRATCH)
def test_context_writes_are_found(source: str, expected: set[str]) -> None:
    assert context_writes(source) == expected
