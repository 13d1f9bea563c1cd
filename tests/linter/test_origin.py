"""A finding's `origin`: where its evidence was read, kept by the cache, mapped into cells."""

from __future__ import annotations

import json

from logmask.linter.cache import decode_finding, encode_finding
from logmask.linter.config import Config
from logmask.linter.engine import Linter

SOURCE = (
    "import pandas as pd\nimport wandb\n\n"
    'customers = pd.read_csv("customers.csv")\n'
    'wandb.log({"t": wandb.Table(dataframe=customers)})\n'
    'wandb.log({"email": e})\n'
)


def test_origin_is_the_read() -> None:
    table, email = Linter(Config()).check_source(SOURCE.encode(), "t.py").findings
    assert table.code == "PII202" and table.origin == (4, 13, 4, 41)
    assert SOURCE.splitlines()[3][12:40] == 'pd.read_csv("customers.csv")'
    assert email.origin is None  # a key names itself: no other evidence


def test_origin_survives_the_cache() -> None:
    (table, _) = Linter(Config()).check_source(SOURCE.encode(), "t.py").findings
    again = decode_finding(json.loads(json.dumps(encode_finding(table))))
    assert again.origin == table.origin


def notebook(cells: list[str]) -> bytes:
    return json.dumps(
        {"cells": [{"cell_type": "code", "source": c} for c in cells], "metadata": {}}
    ).encode()


def test_origin_in_the_same_cell_is_mapped_and_in_another_dropped() -> None:
    linter = Linter(Config())
    lines = SOURCE.splitlines(keepends=True)
    one = linter.check_source(notebook(["x = 1\n", "".join(lines)]), "n.ipynb").findings
    assert one[0].cell == 2 and one[0].origin == (4, 13, 4, 41)
    split = notebook(["".join(lines[:4]), "".join(lines[4:])])
    two = linter.check_source(split, "n.ipynb").findings
    assert two[0].cell == 2 and two[0].code == "PII202" and two[0].origin is None
