"""Notebook documents (LSP 3.17): the cells checked as one module, diagnostics per cell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.support import (
    apply,
    cli_findings,
    cli_fix,
    code_actions,
    diagnostics,
    edits_by_uri,
    forget,
    resolved,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

CELLS = [
    "import pandas as pd\nimport wandb\n%matplotlib inline",
    "customers = pd.read_csv('customers.csv')\nrun = wandb.init()",
    "run.log({'user_email': email})\nrun.log({'t': wandb.Table(dataframe=customers)})",
]


def notebook_file(folder: Path, cells: list[str]) -> Path:
    path = folder / "analysis.ipynb"
    document = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": text,
            }
            for text in cells
        ],
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def open_notebook(client: LanguageClient, path: Path, cells: list[str]) -> list[str]:
    uri = path.resolve().as_uri()
    cell_uris = [f"vscode-notebook-cell:{path.resolve()}#cell{i}" for i in range(len(cells))]
    forget(client, *cell_uris)
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=uri,
                notebook_type="jupyter-notebook",
                version=1,
                cells=[types.NotebookCell(types.NotebookCellKind.Code, u) for u in cell_uris],
            ),
            cell_text_documents=[
                types.TextDocumentItem(u, "python", 1, text)
                for u, text in zip(cell_uris, cells, strict=True)
            ],
        )
    )
    return cell_uris


async def test_cells_get_the_cli_findings(client: LanguageClient, tmp_path: Path) -> None:
    path = notebook_file(tmp_path, CELLS)
    expected = cli_findings(path)
    uris = open_notebook(client, path, CELLS)
    shown = {uri: await diagnostics(client, uri) for uri in uris}
    assert shown[uris[0]] == [] and shown[uris[1]] == []
    got = [(3, d.code, d.range.start.line + 1, d.range.start.character + 1) for d in shown[uris[2]]]
    assert got == [(f["cell"], f["code"], f["line"], f["column"]) for f in expected]
    (table,) = [d for d in shown[uris[2]] if d.code == "PII202"]
    (origin,) = table.related_information
    assert origin.location.uri == uris[1]  # read in the cell before
    assert origin.location.range.start.line == 0


async def test_editing_a_cell_rechecks_the_notebook(client: LanguageClient, tmp_path: Path) -> None:
    path = notebook_file(tmp_path, CELLS)
    uris = open_notebook(client, path, CELLS)
    assert len(await diagnostics(client, uris[2])) == 2
    forget(client, *uris)
    # The import cell loses `wandb`: nothing in the last cell reaches a tracker any more.
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(2, path.resolve().as_uri()),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=uris[0], version=2),
                            changes=[
                                types.TextDocumentContentChangeWholeDocument(
                                    "import pandas as pd\n"
                                )
                            ],
                        )
                    ]
                )
            ),
        )
    )
    assert await diagnostics(client, uris[2]) == []


async def test_fix_all_edits_the_cells_like_fix(client: LanguageClient, tmp_path: Path) -> None:
    path = notebook_file(tmp_path, CELLS)
    uris = open_notebook(client, path, CELLS)
    await diagnostics(client, uris[2])
    (action,) = await code_actions(client, uris[2], 0, ["source.fixAll.logmask"])
    edits = edits_by_uri((await resolved(client, action)).edit)
    fixed = [apply(text, edits.get(uri, [])) for uri, text in zip(uris, CELLS, strict=True)]
    written = json.loads(cli_fix(path))
    assert fixed == ["".join(cell["source"]) for cell in written["cells"]]
    assert fixed[0].endswith("%matplotlib inline")  # magics survive


async def test_quick_fix_in_a_cell(client: LanguageClient, tmp_path: Path) -> None:
    path = notebook_file(tmp_path, CELLS)
    uris = open_notebook(client, path, CELLS)
    await diagnostics(client, uris[2])
    actions = await code_actions(client, uris[2], 0, [types.CodeActionKind.QuickFix])
    assert [a.title for a in actions][1] == "Add `# noqa: PII101`"
    edits = edits_by_uri((await resolved(client, actions[0])).edit)
    assert set(edits) == {uris[0], uris[2]}  # the import goes into the first cell
    assert apply(CELLS[0], edits[uris[0]]).startswith("import logmask\nimport pandas as pd\n")
    assert apply(CELLS[2], edits[uris[2]]).startswith(
        "run.log({'user_email': logmask.mask(email)})"
    )
    noqa = apply(CELLS[2], edits_by_uri(actions[1].edit)[uris[2]])
    assert noqa.splitlines()[0].endswith("  # noqa: PII101")
