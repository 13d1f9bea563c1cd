"""`positions_of` gives exactly LibCST's `PositionProvider` ranges for the nodes asked about."""

from __future__ import annotations

import random
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from logmask.linter.positions import positions_of

REPO = Path(__file__).resolve().parents[2]
SOURCES = {
    "tabs_crlf_and_continuations": (
        'import wandb\r\nif True:\r\n\tx = {"a": 1,\r\n\t     "b": (2 +\r\n\t           3)}\r\n'
        '\twandb.log(x)  # c\r\ns = "é😀" + f"{x!r:>{3}}"; t = \\\n    4\n'
    ),
    "decorators_and_blocks": (
        "@deco(1)\n@other\nasync def f(a, /, b=2, *c, d, **e) -> int:\n"
        '    """doc"""\n    with open(a) as h, x:\n        pass\n    return [i async for i in b]\n'
        "class C(B, metaclass=M):\n    x: int = 1\n\n\n"
        "try:\n    pass\nexcept (A, B) as err:\n    raise\nelse:\n    y = lambda q: q\n"
        "finally:\n    del z\nmatch p:\n    case {'k': v, **rest} if v:\n        pass\n"
    ),
    "no_trailing_newline": "x = 1\ny = (x,\n     2)",
    "fixes_module": (REPO / "logmask" / "linter" / "fixes.py").read_text(encoding="utf-8"),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_same_ranges_as_position_provider(name: str) -> None:
    module = cst.parse_module(SOURCES[name])
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = list(full)
    every, code = positions_of(module, nodes)
    assert code == module.code
    assert all(every[node] == full[node] for node in nodes)
    picker = random.Random(len(nodes))
    for _ in range(5):
        some = picker.sample(nodes, min(7, len(nodes)))
        found, _ = positions_of(module, some)
        assert [found[node] for node in some] == [full[node] for node in some]


def test_only_the_asked_subtrees_are_recorded() -> None:
    module = cst.parse_module("a = 1\nb = 2\nc = 3\n")
    second = module.body[1]
    found, _ = positions_of(module, [second])
    assert second in found
    assert module.body[0] not in found and module.body[2] not in found
