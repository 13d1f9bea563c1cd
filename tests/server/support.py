"""Driving the real server over stdio: a client with an editor's capabilities, and helpers."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

REPO = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "logmask", "server"]
ENV = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}

CAPABILITIES = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
            related_information=True, code_description_support=True, data_support=True
        ),
        code_action=types.CodeActionClientCapabilities(
            code_action_literal_support=types.ClientCodeActionLiteralOptions(
                code_action_kind=types.ClientCodeActionKindOptions(
                    value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
                )
            ),
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]),
            data_support=True,
            is_preferred_support=True,
        ),
    ),
    workspace=types.WorkspaceClientCapabilities(
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
            dynamic_registration=True
        ),
    ),
    notebook_document=types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities()
    ),
)


async def start(client: LanguageClient, options: dict[str, Any] | None = None) -> None:
    registrations: list[types.Registration] = []
    client.registrations = registrations  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)  # type: ignore[untyped-decorator]
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    await client.initialize_session(
        types.InitializeParams(
            capabilities=CAPABILITIES,
            initialization_options=options,
            root_uri=None,
        )
    )


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


async def diagnostics(client: LanguageClient, uri: str, timeout: float = 20) -> list[Any]:
    """The next diagnostics published for `uri` (call `forget` before the action)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while uri not in client.diagnostics:
        if loop.time() > deadline:
            raise TimeoutError(f"no diagnostics for {uri}")
        await asyncio.sleep(0.005)
    return list(client.diagnostics[uri])


def forget(client: LanguageClient, *uris: str) -> None:
    for uri in uris:
        client.diagnostics.pop(uri, None)


def open_python(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = uri_of(path)
    forget(client, uri)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", version, text))
    )
    return uri


def replace_text(client: LanguageClient, uri: str, text: str, version: int) -> None:
    forget(client, uri)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions) to a text, as an editor does."""
    lines = text.splitlines(keepends=True) or [""]

    def offset(position: types.Position) -> int:
        before = sum(len(line) for line in lines[: position.line])
        if position.line >= len(lines):
            return len(text)
        line = lines[position.line]
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return before + index
            units += 2 if ord(char) > 0xFFFF else 1
        return before + len(line)

    spans = sorted((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits)
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


def edits_by_uri(edit: types.WorkspaceEdit | None) -> dict[str, list[types.TextEdit]]:
    assert edit is not None, "the action has an edit"
    out: dict[str, list[types.TextEdit]] = {}
    for change in edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit)
        out.setdefault(change.text_document.uri, []).extend(
            e for e in change.edits if isinstance(e, types.TextEdit)
        )
    for uri, edits in (edit.changes or {}).items():
        out.setdefault(uri, []).extend(edits)
    return out


def logmask(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`logmask check --no-cache ARGS PATH` from the file's folder."""
    return subprocess.run(
        [sys.executable, "-m", "logmask", "check", "--no-cache", *args, str(path)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=path.parent,
        timeout=120,
    )


async def code_actions(
    client: LanguageClient, uri: str, line: int, only: list[str] | None = None
) -> list[types.CodeAction]:
    """The code actions offered at the start of `line`, for the diagnostics shown there."""
    shown = client.diagnostics.get(uri, [])
    here = types.Range(types.Position(line, 0), types.Position(line, 0))
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=here,
            context=types.CodeActionContext(
                diagnostics=[d for d in shown if d.range.start.line == line], only=only
            ),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def resolved(client: LanguageClient, action: types.CodeAction) -> types.CodeAction:
    if action.edit is not None:
        return action
    done: types.CodeAction = await client.code_action_resolve_async(action)
    return done


def cli_findings(path: Path, *args: str) -> list[dict[str, Any]]:
    proc = logmask(path, "--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return list(json.loads(proc.stdout))


def cli_fix(path: Path, *args: str) -> bytes:
    """What `--fix` writes to the file."""
    proc = logmask(path, "--fix", "--exit-zero", *args)
    assert proc.returncode == 0, proc.stderr
    return path.read_bytes()
