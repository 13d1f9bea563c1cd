"""A client that declares no optional capability: edits come eagerly, config changes by mtime."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.support import (
    ENV,
    SERVER,
    apply,
    cli_fix,
    code_actions,
    diagnostics,
    forget,
    open_python,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

SOURCE = (
    'import pandas as pd\nimport wandb\n\ndf = pd.read_csv("users.csv")\n'
    'wandb.log({"t": wandb.Table(dataframe=df), "email": e})\n'
)


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(SERVER, server_env=ENV))  # type: ignore[untyped-decorator]
async def plain(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities())
    )
    yield
    await lsp_client.shutdown_session()


async def test_actions_carry_their_edits(plain: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "t.py"
    path.write_text(SOURCE, encoding="utf-8")
    uri = open_python(plain, path, SOURCE)
    shown = await diagnostics(plain, uri)
    assert [d.code for d in shown] == ["PII202", "PII101"]
    assert all(d.related_information is None for d in shown)  # not declared by the client
    actions = await code_actions(plain, uri, 4)
    assert all(a.edit is not None and a.edit.changes for a in actions)
    (fix_all,) = [a for a in actions if a.kind == "source.fixAll.logmask"]
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    assert apply(SOURCE, list(fix_all.edit.changes[uri])).encode() == cli_fix(path)


async def test_config_change_is_seen_on_save(plain: LanguageClient, tmp_path: Path) -> None:
    uri = open_python(plain, tmp_path / "src" / "t.py", SOURCE)
    assert len(await diagnostics(plain, uri)) == 2
    await asyncio.sleep(0.05)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.logmask]\nignore = ["PII2"]\n', encoding="utf-8"
    )
    forget(plain, uri)
    plain.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert [d.code for d in await diagnostics(plain, uri)] == ["PII101"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.logmask]\nignore = ["PII1"]\n', encoding="utf-8"
    )
    forget(plain, uri)
    plain.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert [d.code for d in await diagnostics(plain, uri)] == ["PII202"]
