"""Notebook cells and `.py` notebook exports: IPython lines, the out-of-band line map, fixes.

In-process (no subprocess): the CLI contract for notebooks is in
tests/integrations/test_notebooks.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from logmask.linter.cells import JoinedCells, ipython_lines
from logmask.linter.config import Config
from logmask.linter.engine import Linter
from logmask.linter.exports import is_export
from logmask.linter.runner import FixMode, check_stdin

CONFIG = Config(select=("ALL",))
FIX = FixMode(compute=True, write=True)

# (id, cell source, indexes of the IPython lines; None: the cell is not Python)
IPYTHON_LINES = [
    ("shell line", "!pip install wandb\nimport wandb\n", {0}),
    ("shell continuation", "!pip install a \\\n    b \\\n    c\nimport wandb\n", {0, 1, 2}),
    ("magic continuation", "%pip install -q \\\n  wandb\nx = 1\n", {0, 1}),
    ("line magic", "%time x = f()\n", {0}),
    ("magic in a block", "for i in r:\n    %time f(i)\n", {1}),
    ("capture a shell", "files = !ls data\n", {0}),
    ("help", "wandb.log?\nwandb.init??\n", {0, 1}),
    ("help before", "?wandb.log\n??wandb.init\n?wandb.*\n", {0, 1, 2}),
    ("python cell magic", "%%time\nx = 1\n", {0}),
    ("sql line magic", "%sql SELECT 1\nx = 1\n", {0}),
    # --- stay Python ---
    ("modulo", "x = 5 % 3\ny = x\n", set()),
    ("commented magic", "# !pip install wandb\n# %pip install x\n", set()),
    ("inside a string", 'q = """\n!not a shell\n%s\n"""\n', set()),
    ("inside brackets", "f(\n    !x,\n)\n", set()),
    ("after a line continuation", "x = 1 + \\\n%y\n", set()),
    ("not-equal", "a != b\n", set()),
    # --- not Python at all ---
    ("bash cell", "%%bash\necho hi\n", None),
    ("writefile cell", "%%writefile x.py\nimport wandb\n", None),
    ("databricks sql cell", "%sql\nSELECT email FROM users\n", None),
    ("databricks markdown cell", "\n%md\n# Title\n", None),
]


@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in IPYTHON_LINES], ids=[c[0] for c in IPYTHON_LINES]
)
def test_ipython_lines(source: str, expected: set[int] | None) -> None:
    found = ipython_lines(source)
    assert (None if found is None else set(found)) == expected


def test_joined_cells_keep_the_map_out_of_the_text() -> None:
    joined = JoinedCells()
    joined.add(
        2, "import wandb\n!pip install a \\\n    b", ipython_lines("x\n!pip install a \\\n    b")
    )
    joined.add(5, "for u in users:\n    %time f(u)\n", {1: "    %time f(u)"})
    assert joined.source == "import wandb\n#\n#\nfor u in users:\n    pass\n"
    assert [joined.locate(n) for n in (1, 3, 4, 5)] == [(2, 1), (2, 3), (5, 1), (5, 2)]
    compile(joined.source, "x", "exec")


# (id, file text, an export?)
EXPORTS = [
    ("databricks header", "# Databricks notebook source\nimport wandb\n", True),
    ("databricks command", "import wandb\n\n# COMMAND ----------\n\nx = 1\n", True),
    ("percent cell", "# %%\nimport wandb\n", True),
    ("percent markdown", "x = 1\n# %% [markdown]\n# Title\n", True),
    ("jupytext header", "# ---\n# jupyter:\n#   jupytext:\n#     formats: py:light\n# ---\n", True),
    # --- plain Python ---
    ("plain module", "import wandb\nwandb.log({})\n", False),
    ("trailing marker", "x = 1  # %%\n", False),
    ("percent in a comment", "# 50 %% done\n", False),
    ("command without dashes", "# COMMAND\n", False),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in EXPORTS], ids=[c[0] for c in EXPORTS]
)
def test_exports_are_recognised_by_header_or_markers(text: str, expected: bool) -> None:
    assert is_export("nb.py", text.encode()) is expected
    assert is_export("nb.pyi", text.encode()) is False


def fixed(data: bytes, path: str) -> tuple[list[tuple[int, str]], bytes]:
    checked = check_stdin(data, path, CONFIG, FIX)
    assert not checked.result.errors, checked.result.errors
    before = checked.before if checked.before is not None else checked.result.findings
    return [(f.line, f.code) for f in before], checked.fixed or data


DATABRICKS = (
    "# Databricks notebook source\n"
    "# MAGIC %pip install wandb\n"
    "\n"
    "# COMMAND ----------\n"
    "\n"
    "%pip install -q wandb \\\n"
    "    pandas\n"
    "import wandb\n"
    "\n"
    "# COMMAND ----------\n"
    "\n"
    "%sql\n"
    "SELECT email FROM users\n"
    "\n"
    "# COMMAND ----------\n"
    "\n"
    "for user in users:\n"
    "    !echo {user.id}\n"
    '    wandb.log({"user_email": user.email})'
)

JUPYTEXT = (
    "# %%\n"
    "!pip install wandb\n"
    "%pip install pandas\n"
    "import wandb\n"
    "\n"
    "# %%\n"
    "%%sql\n"
    "SELECT * FROM customers\n"
    "  WHERE x = 1\n"
    "\n"
    "# %% [markdown]\n"
    "# Logging\n"
    "\n"
    "# %%\n"
    "%sql SELECT 1\n"
    'run = wandb.init(project="p")\n'
    'run.log({"customer_phone": phone})\n'
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
@pytest.mark.parametrize(
    ("text", "line", "before", "after"),
    [
        pytest.param(
            DATABRICKS,
            19,
            '    wandb.log({"user_email": user.email})',
            '    wandb.log({"user_email": logmask.mask(user.email)})',
            id="databricks",
        ),
        pytest.param(
            JUPYTEXT,
            17,
            'run.log({"customer_phone": phone})',
            'run.log({"customer_phone": logmask.mask(phone)})',
            id="jupytext",
        ),
    ],
)
def test_exports_are_checked_and_fixed_byte_exactly(
    text: str, line: int, before: str, after: str, newline: str, bom: bytes
) -> None:
    data = bom + text.replace("\n", newline).encode()
    findings, out = fixed(data, "nb.py")
    assert findings == [(line, "PII101")]
    expected = text.replace(before, after)
    expected = expected.replace("import wandb\n", "import logmask\nimport wandb\n", 1)
    assert out == bom + expected.replace("\n", newline).encode()
    assert fixed(out, "nb.py")[0] == []


def test_form_feeds_do_not_shift_lines() -> None:
    """Lines break only where Python breaks them (not at a form feed)."""
    text = (
        "# %%\n!pip install wandb\nimport wandb\n\x0c\nx = 1\x0c\n"
        + 'wandb.log({"user_email": e})\n'
    )
    findings, out = fixed(text.encode(), "nb.py")
    assert findings == [(6, "PII101")]
    assert out.decode() == text.replace("import wandb", "import logmask\nimport wandb").replace(
        '{"user_email": e}', '{"user_email": logmask.mask(e)}'
    )


def test_form_feeds_do_not_shift_cell_lines() -> None:
    cells = [
        code("import wandb\n", "x = 1\x0c\n"),
        code("\x0c\n", 'wandb.log({"user_email": e})\n'),
    ]
    (finding,) = Linter(CONFIG).check_source(notebook(*cells), "nb.ipynb").findings
    assert (finding.cell, finding.line) == (2, 2)


def test_a_plain_module_with_a_shell_line_is_not_neutralised() -> None:
    source = b'import wandb\n!pip install wandb\nwandb.log({"user_email": e})\n'
    result = Linter(CONFIG).check_source(source, "plain.py")
    assert result.findings == []
    assert [e.message.startswith("syntax error") for e in result.errors] == [True]
    exported = Linter(CONFIG).check_source(b"# %%\n" + source, "nb.py")
    assert [(f.line, f.code) for f in exported.findings] == [(4, "PII101")]


# ---------------------------------------------------------------- .ipynb
def code(*lines: str) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "source": list(lines)}


def notebook(*cells: dict[str, Any], metadata: dict[str, Any] | None = None) -> bytes:
    document = {"cells": list(cells), "metadata": metadata or {}, "nbformat": 4}
    return (json.dumps({**document, "nbformat_minor": 5}, indent=1) + "\n").encode()


def sources(data: bytes) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(data)["cells"]]


def test_a_users_own_marker_like_comments_are_kept_by_fixes() -> None:
    """Cell boundaries and magics live beside the text: user lines that look like them stay."""
    cells = [
        code("import wandb\n", "%matplotlib inline\n"),
        code(
            "# __logmask_cell__ 2\n",
            "!echo hi\n",
            "x = 1  # __logmask_magic__ 0\n",
            "# __logmask_magic__ 0\n",
            'wandb.log({"user_email": e})\n',
            "pass  # __logmask_magic__ 1\n",
        ),
    ]
    findings, out = fixed(notebook(*cells), "nb.ipynb")
    assert findings == [(5, "PII101")]
    assert sources(out) == [
        "import logmask\nimport wandb\n%matplotlib inline\n",
        "# __logmask_cell__ 2\n!echo hi\nx = 1  # __logmask_magic__ 0\n"
        '# __logmask_magic__ 0\nwandb.log({"user_email": logmask.mask(e)})\n'
        "pass  # __logmask_magic__ 1\n",
    ]


def test_shell_continuations_in_a_notebook_are_one_ipython_line() -> None:
    cells = [
        code("!pip install -q wandb \\\n", "    pandas \\\n", "    numpy\n", "import wandb\n"),
        code('wandb.log({"user_email": e})\n'),
    ]
    findings, out = fixed(notebook(*cells), "nb.ipynb")
    assert findings == [(1, "PII101")]
    assert sources(out)[0].startswith("!pip install -q wandb \\\n    pandas \\\n    numpy\n")


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        pytest.param(
            [code("import wandb\n"), code("x = 1\n"), code("def f(:\n", "    pass\n")],
            "syntax error at cell 3, line 1: invalid syntax",
            id="third cell",
        ),
        pytest.param(
            [code("import wandb\n"), code("x = 1\n", "y = (\n")],
            "syntax error at cell 2, line 2: '(' was never closed",
            id="unclosed",
        ),
        pytest.param(
            [code("import wandb\n"), code("cd data/\n")],
            "syntax error at cell 2, line 1: invalid syntax (an IPython automagic?",
            id="automagic",
        ),
        pytest.param(
            [code("import wandb\n"), code("x = 1\n"), code("This notebook trains a model.\n")],
            "syntax error at cell 3, line 1: invalid syntax",
            id="prose",
        ),
    ],
)
def test_syntax_errors_name_the_right_cell(cells: list[dict[str, Any]], message: str) -> None:
    result = Linter(CONFIG).check_source(notebook(*cells), "nb.ipynb")
    assert len(result.errors) == 1
    assert result.errors[0].message.startswith(message), result.errors[0].message


def test_messages_cite_cells_not_joined_lines() -> None:
    cells = [
        code("import pandas as pd\n", "import wandb\n"),
        code("x = 1\n", 'df = pd.read_csv("customers.csv")\n'),
        code('wandb.log({"t": wandb.Table(dataframe=df)})\n'),
    ]
    (finding,) = Linter(CONFIG).check_source(notebook(*cells), "nb.ipynb").findings
    assert (finding.cell, finding.line, finding.code) == (3, 1, "PII202")
    assert "(cell 2, line 2)" in finding.message
    assert "(line" not in finding.message


@pytest.mark.parametrize(
    "metadata",
    [
        {"kernelspec": "python3"},
        {"kernelspec": None, "language_info": "python"},
        {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    ],
)
def test_odd_kernelspecs_are_python(metadata: dict[str, Any]) -> None:
    data = notebook(code("import wandb\n", 'wandb.log({"user_email": e})\n'), metadata=metadata)
    result = Linter(CONFIG).check_source(data, "nb.ipynb")
    assert (result.errors, [f.code for f in result.findings]) == ([], ["PII101"])


def test_a_string_kernelspec_of_another_language_is_skipped() -> None:
    data = notebook(
        code("import wandb\n", 'wandb.log({"user_email": e})\n'), metadata={"kernelspec": "ir"}
    )
    assert Linter(CONFIG).check_source(data, "nb.ipynb").findings == []
