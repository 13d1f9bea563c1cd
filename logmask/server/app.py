"""The pygls wiring: which LSP messages the server answers, and with what.

`logmask server` speaks LSP over stdio. Python documents and notebooks are
checked on open, on change (debounced, `documents`) and on save, from the
text the editor holds; code actions offer each finding's fix, "Add
`# noqa: CODE`" and "Fix all logmask findings" (`source.fixAll.logmask`).
Fix edits are resolved lazily when the client can (`codeAction/resolve`),
since computing one means re-running the engine's fixer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from logmask import __version__
from logmask.findings import applicable
from logmask.server.analysis import CellText, NotebookFile, Problem, PythonFile, Subject
from logmask.server.convert import (
    Text,
    diagnostic,
    edits_between,
    finding_range,
    noqa_edit,
    overlaps,
    problem_diagnostic,
)
from logmask.server.documents import Checked, Documents
from logmask.server.rule_pages import RulePages
from logmask.server.settings import Project, Projects, Settings, SettingsError, describe

FIX_ALL = "source.fixAll.logmask"
PYTHON_SUFFIXES = (".py", ".pyi")
# Above this size a document is checked when opened and saved, not on every change.
LIVE_LIMIT = 1024 * 1024
CONFIG_NAME = "pyproject.toml"


class LogmaskServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "logmask",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithNotebook(
                        notebook="*", cells=[types.NotebookCellLanguage(language="python")]
                    )
                ],
                save=True,
            ),
        )
        self.settings = Settings()
        self.projects = Projects(self.settings)
        self.pages = RulePages()
        self.documents = Documents(self.snapshot, self.publish, self.log_error)
        self.published: dict[str, set[str]] = {}  # document key -> URIs given diagnostics
        self.notebooks: set[str] = set()  # keys that are notebooks
        self.large: set[str] = set()  # keys told once they are checked on save only
        self.config_errors: set[str] = set()  # shown once each

    # ------------------------------------------------------------ messages
    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def log_error(self, key: str, message: str) -> None:
        self.log(message, types.MessageType.Error)

    # ------------------------------------------------------------ documents
    def key_of(self, uri: str) -> str:
        """The document a URI is checked as part of: its notebook for a cell, else itself."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        return notebook.uri if notebook is not None else uri

    def snapshot(self, key: str) -> tuple[Subject, Project] | None:
        path = path_of(key, self.workspace.root_path)
        project = self.projects.for_path(path)
        subject: Subject
        if key in self.notebooks:
            notebook = self.workspace.get_notebook_document(notebook_uri=key)
            if notebook is None:
                return None
            cells = []
            for cell in notebook.cells:
                document = self.workspace.get_text_document(cell.document)
                language = (document.language_id or "python").lower()
                code = cell.kind == types.NotebookCellKind.Code and language == "python"
                cells.append(CellText(cell.document, document.source, code))
            metadata: dict[str, Any] = (
                notebook.metadata if isinstance(notebook.metadata, dict) else {}
            )
            subject = NotebookFile(key, str(path), cells, metadata)
        else:
            document = self.workspace.get_text_document(key)
            subject = PythonFile(key, str(path), document.source, document.version)
        return subject, project

    def units(self, text: str) -> int:
        return int(self.workspace.position_codec.client_num_units(text))

    def publish(self, key: str, checked: Checked) -> None:
        texts = {uri: Text(text, self.units) for uri, text in checked.subject.texts().items()}
        by_uri: dict[str, list[types.Diagnostic]] = {uri: [] for uri in texts}
        project = checked.project
        if project.error is not None:
            if project.error not in self.config_errors:
                self.config_errors.add(project.error)
                self.window_show_message(
                    types.ShowMessageParams(types.MessageType.Error, f"logmask: {project.error}")
                )
            first = next(iter(texts), None)
            if first is not None:
                problem = Problem(first, "PII900", f"configuration error: {project.error}")
                by_uri[first].append(problem_diagnostic(problem, texts[first]))
        related = self.supports_related_information()
        for located in checked.analysis.located:
            if located.uri not in texts:
                continue
            origin_text = texts.get(located.origin.uri) if located.origin else None
            href = self.pages.href(located.finding.code)
            by_uri[located.uri].append(
                diagnostic(located, texts[located.uri], href, origin_text, related)
            )
        for problem in checked.analysis.problems:
            if problem.uri in texts:
                by_uri[problem.uri].append(problem_diagnostic(problem, texts[problem.uri]))
        for uri in self.published.get(key, set()) - set(by_uri):
            by_uri[uri] = []  # a cell that left the notebook keeps no stale diagnostics
        self.published[key] = {uri for uri in by_uri if by_uri[uri]}
        subject = checked.subject
        version = subject.version if isinstance(subject, PythonFile) else None
        for uri, diagnostics in by_uri.items():
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=diagnostics, version=version if uri == key else None
                )
            )

    def clear(self, key: str) -> None:
        for uri in self.published.pop(key, set()):
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def supports_related_information(self) -> bool:
        documents = self.client_capabilities.text_document
        publish = documents.publish_diagnostics if documents is not None else None
        return bool(publish and publish.related_information)

    def recheck_all(self) -> None:
        for key in self.documents.open_keys():
            self.documents.changed(key)
            self.documents.schedule(key, 0)

    # ------------------------------------------------------------ code actions
    def supports_resolve(self) -> bool:
        documents = self.client_capabilities.text_document
        action = documents.code_action if documents is not None else None
        support = action.resolve_support if action is not None else None
        return bool(support and "edit" in support.properties)

    def workspace_edit(self, texts: dict[str, str], new: dict[str, str]) -> types.WorkspaceEdit:
        changes = {
            uri: edits_between(texts[uri], text, self.units)
            for uri, text in new.items()
            if uri in texts
        }
        capabilities = self.client_capabilities.workspace
        edit = capabilities.workspace_edit if capabilities is not None else None
        if edit is not None and edit.document_changes:
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=self.workspace.get_text_document(uri).version
                        ),
                        edits=list(edits),
                    )
                    for uri, edits in changes.items()
                ]
            )
        return types.WorkspaceEdit(changes=changes)

    async def fix_edit(self, key: str, data: dict[str, Any]) -> types.WorkspaceEdit | None:
        """The edit of a fix action (data: what `code_actions` recorded)."""
        checked = await self.documents.current(key)
        if checked is None or checked.project.linter is None:
            return None
        linter = checked.project.linter
        subject, analysis = checked.subject, checked.analysis
        if data["kind"] == "fixAll":
            unsafe = self.settings.unsafe_fixes
            new = await self.documents.run(key, lambda: subject.fix_all(linter, analysis, unsafe))
        else:
            index = next(
                (
                    i
                    for i, x in enumerate(analysis.located)
                    if [x.finding.code, x.uri, x.finding.line, x.finding.column] == data["finding"]
                ),
                None,
            )
            if index is None:
                return None  # the finding is gone: nothing to fix
            new = await self.documents.run(key, lambda: subject.fix_one(linter, analysis, index))
        if self.documents.generation.get(key) != checked.generation:
            return None  # the text changed meanwhile: these edits would not apply
        return self.workspace_edit(subject.texts(), new or {})


def path_of(uri: str, root: str | None) -> Path:
    """The file a URI names; for unsaved documents, a name in the workspace folder."""
    path = to_fs_path(uri) if urlparse(uri).scheme == "file" else None
    if path:
        return Path(path)
    name = unquote(urlparse(uri).path).rsplit("/", 1)[-1] or "untitled"
    if not name.endswith((*PYTHON_SUFFIXES, ".ipynb")):
        name += ".py"
    return Path(root or os.getcwd()) / name


def is_python(document: types.TextDocumentItem) -> bool:
    return document.language_id.lower() == "python" or document.uri.endswith(PYTHON_SUFFIXES)


def wanted(only: Sequence[str] | None, kind: str) -> bool:
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


server = LogmaskServer()


@server.feature(types.INITIALIZE)
def initialize(ls: LogmaskServer, params: types.InitializeParams) -> None:
    try:
        ls.settings = Settings.from_options(params.initialization_options)
    except SettingsError as err:
        ls.window_show_message(
            types.ShowMessageParams(types.MessageType.Error, f"logmask: {err}; using defaults")
        )
        ls.settings = Settings()
    ls.projects = Projects(ls.settings)
    ls.pages = RulePages(ls.settings.rule_docs_url)
    ls.log(f"logmask {__version__} server started with {describe(ls.settings)}")


@server.feature(types.INITIALIZED)
def initialized(ls: LogmaskServer, params: types.InitializedParams) -> None:
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace is not None else None
    if watched is None or not watched.dynamic_registration:
        return  # pyproject.toml changes are then noticed by modification time
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=f"**/{CONFIG_NAME}")]
    )
    ls.client_register_capability(
        types.RegistrationParams(
            registrations=[
                types.Registration(
                    id="logmask-pyproject",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=options,
                )
            ]
        )
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LogmaskServer, params: types.DidOpenTextDocumentParams) -> None:
    if not is_python(params.text_document):
        return
    ls.documents.changed(params.text_document.uri)
    ls.documents.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LogmaskServer, params: types.DidChangeTextDocumentParams) -> None:
    key = params.text_document.uri
    if key not in ls.documents.generation:
        return
    ls.documents.changed(key)
    if len(ls.workspace.get_text_document(key).source) > LIVE_LIMIT:
        if key not in ls.large:
            ls.large.add(key)
            ls.log(f"logmask: {key} is large; it is checked when saved, not as it is typed")
        return
    ls.documents.schedule(key, ls.settings.debounce_ms / 1000)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LogmaskServer, params: types.DidSaveTextDocumentParams) -> None:
    saved(ls, params.text_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
def did_save_notebook(ls: LogmaskServer, params: types.DidSaveNotebookDocumentParams) -> None:
    saved(ls, params.notebook_document.uri)


def saved(ls: LogmaskServer, key: str) -> None:
    if key.endswith("/" + CONFIG_NAME):
        config_changed(ls)
        return
    ls.projects.saved()
    if key in ls.documents.generation:
        ls.documents.changed(key)
        ls.documents.schedule(key, 0)


def config_changed(ls: LogmaskServer) -> None:
    ls.projects.forget()
    ls.config_errors.clear()
    ls.log("logmask: pyproject.toml changed; configuration reloaded")
    ls.recheck_all()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LogmaskServer, params: types.DidCloseTextDocumentParams) -> None:
    key = params.text_document.uri
    ls.documents.closed(key)
    ls.large.discard(key)
    ls.clear(key)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
def did_open_notebook(ls: LogmaskServer, params: types.DidOpenNotebookDocumentParams) -> None:
    key = params.notebook_document.uri
    ls.notebooks.add(key)
    ls.documents.changed(key)
    ls.documents.schedule(key, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
def did_change_notebook(ls: LogmaskServer, params: types.DidChangeNotebookDocumentParams) -> None:
    key = params.notebook_document.uri
    ls.documents.changed(key)
    ls.documents.schedule(key, ls.settings.debounce_ms / 1000)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
def did_close_notebook(ls: LogmaskServer, params: types.DidCloseNotebookDocumentParams) -> None:
    key = params.notebook_document.uri
    ls.notebooks.discard(key)
    ls.documents.closed(key)
    ls.clear(key)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def watched_files(ls: LogmaskServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.endswith("/" + CONFIG_NAME) for change in params.changes):
        config_changed(ls)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True
    ),
)
async def code_actions(
    ls: LogmaskServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    key = ls.key_of(uri)
    checked = await ls.documents.current(key)
    if checked is None:
        return None
    only = params.context.only
    texts = checked.subject.texts()
    if uri not in texts:
        return None
    text = Text(texts[uri], ls.units)
    actions: list[types.CodeAction] = []
    lazy = ls.supports_resolve()
    for located in checked.analysis.located:
        finding = located.finding
        if located.uri != uri or not wanted(only, types.CodeActionKind.QuickFix):
            continue
        where = finding_range(finding, text)
        related = [
            d for d in params.context.diagnostics if d.code == finding.code and d.range == where
        ]
        if not related and not overlaps(where, params.range):
            continue
        if finding.fix is not None:
            label = "" if finding.fix.safe else " (unsafe)"
            data = {
                "key": key,
                "kind": "fix",
                "finding": [finding.code, uri, finding.line, finding.column],
            }
            actions.append(
                types.CodeAction(
                    title=f"{finding.code}: {finding.fix.message}{label}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=related or None,
                    is_preferred=finding.fix.safe,
                    data=data,
                )
            )
        actions.append(
            types.CodeAction(
                title=f"Add `# noqa: {finding.code}`",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=related or None,
                edit=types.WorkspaceEdit(changes={uri: [noqa_edit(finding, texts[uri], ls.units)]}),
            )
        )
    findings = [x.finding for x in checked.analysis.located]
    if wanted(only, FIX_ALL) and applicable(findings, ls.settings.unsafe_fixes):
        actions.append(
            types.CodeAction(
                title="Fix all logmask findings",
                kind=FIX_ALL,
                data={"key": key, "kind": "fixAll"},
            )
        )
    if not lazy:
        for action in actions:
            if action.edit is None and isinstance(action.data, dict):
                action.edit = await ls.fix_edit(key, action.data)
    return actions


@server.feature(types.CODE_ACTION_RESOLVE)
async def resolve_code_action(ls: LogmaskServer, action: types.CodeAction) -> types.CodeAction:
    if action.edit is None and isinstance(action.data, dict):
        action.edit = await ls.fix_edit(str(action.data["key"]), action.data)
    return action


@server.feature(types.SHUTDOWN)
def shutdown(ls: LogmaskServer, params: None) -> None:
    ls.documents.shutdown()


def main() -> None:
    """Serve LSP over stdin/stdout until the client says exit."""
    server.start_io()
