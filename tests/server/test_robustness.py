"""A syntax error, a huge file or an internal error: one diagnostic or a log line, no crash."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from logmask.linter.config import Config
from logmask.linter.engine import Linter
from logmask.server.analysis import Analysis, PythonFile
from logmask.server.documents import Checked, Documents
from logmask.server.settings import Project
from tests.server.support import ENV, SERVER, diagnostics, open_python, replace_text, start

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_syntax_error_is_one_diagnostic(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_python(client, tmp_path / "typing.py", 'import wandb\nwandb.log({"email": e\n')
    (shown,) = await diagnostics(client, uri)
    assert shown.code == "PII900" and "syntax error" in shown.message
    assert shown.severity == types.DiagnosticSeverity.Information
    replace_text(client, uri, 'import wandb\nwandb.log({"email": e})\n', 2)
    assert [d.code for d in await diagnostics(client, uri)] == ["PII101"]


async def test_binary_text_is_one_diagnostic(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_python(client, tmp_path / "blob.py", "import wandb\n\0\0\0")
    (shown,) = await diagnostics(client, uri)
    assert "binary" in shown.message


@pytest.mark.slow
async def test_huge_file_is_one_diagnostic(client: LanguageClient, tmp_path: Path) -> None:
    text = "import wandb\n" + "x = 1  # " + "p" * 80 + "\n" * 1 + ("y = 2\n" * 3_600_000)
    uri = open_python(client, tmp_path / "huge.py", text)
    (shown,) = await diagnostics(client, uri, timeout=120)
    assert "too large" in shown.message


async def test_large_file_is_checked_on_save_not_on_change(
    client: LanguageClient, tmp_path: Path
) -> None:
    # Over the live limit in bytes, yet quick to parse: long comment lines.
    text = "import wandb\n" + ("# " + "p" * 2000 + "\n") * 600 + 'wandb.log({"email": e})\n'
    uri = open_python(client, tmp_path / "large.py", text)
    assert [d.code for d in await diagnostics(client, uri, timeout=60)] == ["PII101"]
    replace_text(client, uri, text.replace('"email"', '"lr"'), 2)
    await asyncio.sleep(0.5)
    assert uri not in client.diagnostics  # not re-checked while typing
    assert any("checked when saved" in m.message for m in client.log_messages)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    assert await diagnostics(client, uri, timeout=60) == []


class Exploding(PythonFile):
    def check(self, linter: Linter) -> Analysis:
        raise RuntimeError("a bug in a rule")


async def test_internal_error_is_logged_not_raised() -> None:
    reports: list[str] = []
    published: list[Checked] = []
    subject = Exploding("file:///t.py", "/t.py", "import wandb\n")
    documents = Documents(
        lambda key: (subject, Project(Linter(Config()))),
        lambda key, checked: published.append(checked),
        lambda key, message: reports.append(message),
    )
    documents.changed("file:///t.py")
    assert await documents.check("file:///t.py") is None
    assert published == []
    assert "RuntimeError: a bug in a rule" in reports[0]
    documents.shutdown()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(SERVER, server_env=ENV))  # type: ignore[untyped-decorator]
async def session(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await start(lsp_client)
    yield


async def test_shutdown_and_exit(session: LanguageClient, tmp_path: Path) -> None:
    uri = open_python(session, tmp_path / "x.py", 'import wandb\nwandb.log({"email": e})\n')
    await diagnostics(session, uri)
    await session.shutdown_session()
    assert session._server is not None and session._server.returncode == 0
