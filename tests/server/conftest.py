"""A real client driving `logmask server` over stdio (pytest-lsp), one server per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.support import ENV, SERVER, start


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(SERVER, server_env=ENV))  # type: ignore[untyped-decorator]
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await start(lsp_client)
    yield
    await lsp_client.shutdown_session()
