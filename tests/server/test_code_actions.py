"""Code actions: each fix, `# noqa`, and fix-all, with exactly the edits `--fix` writes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from tests.server.support import (
    apply,
    cli_findings,
    cli_fix,
    code_actions,
    diagnostics,
    edits_by_uri,
    open_python,
    replace_text,
    resolved,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

SOURCE = '''\
"""Train."""

import mlflow
import wandb

wandb.log({"user_email": email, "lr": 0.1})
mlflow.log_params({"owner_phone": phone})  # owner's


@mlflow.trace
def answer(customer_email: str) -> str:
    return "ok"
'''
FIX_ALL = "source.fixAll.logmask"


async def test_quick_fix_then_recheck(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    uri = open_python(client, path, SOURCE)
    shown = await diagnostics(client, uri)
    assert [(d.code, d.range.start.line) for d in shown] == [
        ("PII101", 5),
        ("PII101", 6),
        ("PII301", 10),
    ]
    actions = await code_actions(client, uri, 5, [types.CodeActionKind.QuickFix])
    titles = [a.title for a in actions]
    assert titles[1] == "Add `# noqa: PII101`"
    fix = await resolved(client, actions[0])
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.diagnostics and fix.diagnostics[0].code == "PII101"
    fixed = apply(SOURCE, edits_by_uri(fix.edit)[uri])
    assert 'wandb.log({"user_email": logmask.mask(email), "lr": 0.1})' in fixed
    assert "import logmask\nimport mlflow\n" in fixed  # the import goes where --fix puts it
    replace_text(client, uri, fixed, 2)
    assert [(d.code, d.range.start.line) for d in await diagnostics(client, uri)] == [
        ("PII101", 7),
        ("PII301", 11),
    ]


async def test_unsafe_fix_is_labelled(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_python(client, tmp_path / "trace.py", SOURCE)
    await diagnostics(client, uri)
    actions = await code_actions(client, uri, 10)
    fix = actions[0]
    assert fix.title.endswith("(unsafe)") and not fix.is_preferred
    edit = (await resolved(client, fix)).edit
    assert "logmask.redact_span" in apply(SOURCE, edits_by_uri(edit)[uri])


async def test_fix_all_writes_what_fix_writes(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "all.py"
    path.write_text(SOURCE, encoding="utf-8")
    uri = open_python(client, path, SOURCE)
    await diagnostics(client, uri)
    (action,) = await code_actions(client, uri, 0, [FIX_ALL])
    assert action.kind == FIX_ALL and action.title == "Fix all logmask findings"
    fixed = apply(SOURCE, edits_by_uri((await resolved(client, action)).edit)[uri])
    assert fixed.encode() == cli_fix(path)  # the safe fixes only, like --fix
    replace_text(client, uri, fixed, 2)
    assert [d.code for d in await diagnostics(client, uri)] == ["PII301"]
    assert [f["code"] for f in cli_findings(path)] == ["PII301"]


async def test_noqa_silences_the_finding(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_python(client, tmp_path / "noqa.py", SOURCE)
    await diagnostics(client, uri)
    text = SOURCE
    for line in (6, 5):  # a line with a comment already, then a plain one
        actions = await code_actions(client, uri, line, [types.CodeActionKind.QuickFix])
        (noqa,) = [a for a in actions if "noqa" in a.title]
        text = apply(text, edits_by_uri(noqa.edit)[uri])
    lines = text.splitlines()
    assert lines[5].endswith('"lr": 0.1})  # noqa: PII101')
    assert lines[6].endswith("# owner's  # noqa: PII101")
    replace_text(client, uri, text, 2)
    assert [d.code for d in await diagnostics(client, uri)] == ["PII301"]


async def test_noqa_extends_an_existing_one(client: LanguageClient, tmp_path: Path) -> None:
    text = 'import wandb\nwandb.log({"user_email": e, "contact": user.phone})  # noqa: PII102\n'
    uri = open_python(client, tmp_path / "more.py", text)
    assert [d.code for d in await diagnostics(client, uri)] == ["PII101"]
    (noqa,) = [a for a in await code_actions(client, uri, 1) if "noqa" in a.title]
    assert (
        apply(text, edits_by_uri(noqa.edit)[uri]).splitlines()[1].endswith("# noqa: PII102, PII101")
    )


async def test_cancelled_request_is_cancelled(client: LanguageClient, tmp_path: Path) -> None:
    body = "".join(f'wandb.log({{"user_email_{i}": e, "step": {i}}})\n' for i in range(1500))
    uri = open_python(client, tmp_path / "big.py", "import wandb\n" + body)
    future = client.protocol.send_request(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        ),
        msg_id="to-cancel",
    )
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="to-cancel"))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wrap_future(future)
    assert len(await diagnostics(client, uri)) == 1500  # the server carries on
