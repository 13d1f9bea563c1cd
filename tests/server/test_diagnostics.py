"""Diagnostics on open, change and save: the CLI's findings at the CLI's ranges."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.support import (
    cli_findings,
    diagnostics,
    forget,
    open_python,
    replace_text,
    uri_of,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

LEAKY = """\
import pandas as pd
import wandb

customers = pd.read_csv("customers.csv")
run = wandb.init(project="churn")
run.log({"😀 label": 1, "user_email": email})  # an astral character before the finding
run.log({"table": wandb.Table(dataframe=customers)})
wandb.log({"lr": 0.1, "num_users": 3, "run_name": name})
"""


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def expected_range(text: str, finding: dict[str, int]) -> tuple[int, int, int, int]:
    lines = text.splitlines()
    start = lines[finding["line"] - 1][: finding["column"] - 1]
    end = lines[finding["end_line"] - 1][: finding["end_column"] - 1]
    return (finding["line"] - 1, utf16(start), finding["end_line"] - 1, utf16(end))


def as_tuple(diagnostic: types.Diagnostic) -> tuple[int, int, int, int]:
    r = diagnostic.range
    return (r.start.line, r.start.character, r.end.line, r.end.character)


async def test_open_reports_what_check_reports(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(LEAKY, encoding="utf-8")
    expected = cli_findings(path)
    assert {f["code"] for f in expected} == {"PII101", "PII202"}
    shown = await diagnostics(client, open_python(client, path, LEAKY))
    assert [(d.code, as_tuple(d)) for d in shown] == [
        (f["code"], expected_range(LEAKY, f)) for f in expected
    ]
    by_code = {d.code: d for d in shown}
    email = by_code["PII101"]
    assert email.source == "logmask"
    assert email.severity == types.DiagnosticSeverity.Error  # high confidence
    assert "personal-name-logged" in email.message
    assert email.code_description is not None
    page = Path(email.code_description.href.removeprefix("file://"))
    assert page.read_text(encoding="utf-8").startswith("# PII101 personal-name-logged")
    assert email.data["fix"] == "safe"


async def test_related_information_points_at_the_read(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "tables.py"
    shown = await diagnostics(client, open_python(client, path, LEAKY))
    (table,) = [d for d in shown if d.code == "PII202"]
    (origin,) = table.related_information
    assert origin.location.uri == uri_of(path)
    assert origin.location.range.start.line == 3  # customers = pd.read_csv(...)
    assert LEAKY.splitlines()[3][origin.location.range.start.character :].startswith("pd.read_csv")


async def test_change_is_checked_from_the_editor_text(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "edit.py"
    path.write_text("", encoding="utf-8")  # what is on disk never matters
    uri = open_python(client, path, "import wandb\n")
    assert await diagnostics(client, uri) == []
    # A burst of keystrokes: only the last text's findings are shown.
    for version, key in enumerate(["e", "em", "ema", "emai", "email"], 2):
        replace_text(client, uri, f'import wandb\nwandb.log({{"user_{key}": x}})\n', version)
    await asyncio.sleep(0.3)
    final = await diagnostics(client, uri)
    assert [(d.code, d.range.start.line) for d in final] == [("PII101", 1)]
    replace_text(client, uri, 'import wandb\nwandb.log({"lr": x})\n', 7)
    assert await diagnostics(client, uri) == []


async def test_save_checks_again(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "saved.py"
    text = 'import mlflow\nmlflow.log_param("customer_phone", phone)\n'
    uri = open_python(client, path, text)
    assert [d.code for d in await diagnostics(client, uri)] == ["PII101"]
    forget(client, uri)
    path.write_text(text, encoding="utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    assert [d.code for d in await diagnostics(client, uri)] == ["PII101"]


async def test_close_clears(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_python(client, tmp_path / "c.py", 'import wandb\nwandb.log({"email": e})\n')
    assert await diagnostics(client, uri)
    forget(client, uri)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    assert await diagnostics(client, uri) == []


async def test_other_languages_are_left_alone(client: LanguageClient, tmp_path: Path) -> None:
    uri = uri_of(tmp_path / "notes.md")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri, "markdown", 1, 'wandb.log({"email": e})\n')
        )
    )
    marker = open_python(client, tmp_path / "after.py", "x = 1\n")
    await diagnostics(client, marker)  # handled after the markdown document
    assert uri not in client.diagnostics
