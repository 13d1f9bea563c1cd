"""`[tool.logmask]` reloaded when pyproject.toml changes; initialization options."""

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
    code_actions,
    diagnostics,
    edits_by_uri,
    forget,
    open_python,
    resolved,
    start,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

SOURCE = """\
import mlflow
import wandb

wandb.log({"user_email": email})


@mlflow.trace
def answer(customer_email: str) -> str:
    return "ok"
"""


def config_changed(client: LanguageClient, pyproject: Path) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(pyproject.resolve().as_uri(), types.FileChangeType.Changed)]
        )
    )


async def test_pyproject_is_watched(client: LanguageClient) -> None:
    await asyncio.sleep(0.1)
    (registration,) = client.registrations  # type: ignore[attr-defined]
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    assert registration.register_options["watchers"][0]["globPattern"] == "**/pyproject.toml"


async def test_config_change_is_picked_up(client: LanguageClient, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.logmask]\nignore = ["PII301"]\n', encoding="utf-8")
    uri = open_python(client, tmp_path / "src" / "train.py", SOURCE)
    assert [d.code for d in await diagnostics(client, uri)] == ["PII101"]
    pyproject.write_text('[tool.logmask]\nignore = ["PII1"]\n', encoding="utf-8")
    forget(client, uri)
    config_changed(client, pyproject)
    assert [d.code for d in await diagnostics(client, uri)] == ["PII301"]


async def test_broken_config_is_one_diagnostic(client: LanguageClient, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.logmask]\nignore = ["PII999"]\n', encoding="utf-8")
    uri = open_python(client, tmp_path / "train.py", SOURCE)
    (shown,) = await diagnostics(client, uri)
    assert shown.code == "PII900" and "PII999" in shown.message
    assert any("PII999" in m.message for m in client.messages)
    pyproject.write_text("[tool.logmask]\n", encoding="utf-8")
    forget(client, uri)
    config_changed(client, pyproject)
    assert [d.code for d in await diagnostics(client, uri)] == ["PII101", "PII301"]


async def test_saving_pyproject_reloads(client: LanguageClient, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.logmask]\n", encoding="utf-8")
    uri = open_python(client, tmp_path / "train.py", SOURCE)
    assert len(await diagnostics(client, uri)) == 2
    pyproject.write_text('[tool.logmask]\nselect = ["PII3"]\n', encoding="utf-8")
    forget(client, uri)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(pyproject.resolve().as_uri()))
    )
    assert [d.code for d in await diagnostics(client, uri)] == ["PII301"]


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(SERVER, server_env=ENV))  # type: ignore[untyped-decorator]
async def tuned(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await start(lsp_client, {"unsafeFixes": True, "minConfidence": "high", "debounceMs": 0})
    yield
    await lsp_client.shutdown_session()


async def test_initialization_options(tuned: LanguageClient, tmp_path: Path) -> None:
    source = 'import wandb\nwandb.log({"user_email": e})\nwandb.log({"contact": user.email})\n'
    uri = open_python(tuned, tmp_path / "t.py", SOURCE + source)
    shown = await diagnostics(tuned, uri)
    assert {d.severity for d in shown} == {types.DiagnosticSeverity.Error}  # high only
    (action,) = await code_actions(tuned, uri, 0, ["source.fixAll"])
    action = await resolved(tuned, action)
    fixed = apply(SOURCE + source, edits_by_uri(action.edit)[uri])
    assert "logmask.redact_span" in fixed  # unsafe fixes are part of "fix all" here


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(SERVER, server_env=ENV))  # type: ignore[untyped-decorator]
async def misconfigured(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await start(lsp_client, {"minConfidence": "certain"})
    yield
    await lsp_client.shutdown_session()


async def test_bad_option_falls_back_to_defaults(
    misconfigured: LanguageClient, tmp_path: Path
) -> None:
    uri = open_python(misconfigured, tmp_path / "t.py", SOURCE)
    assert len(await diagnostics(misconfigured, uri)) == 2
    assert any("minConfidence" in m.message for m in misconfigured.messages)
