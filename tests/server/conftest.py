"""A real client driving `logmask server` over stdio (pytest-lsp), one server per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.server.support import ENV, SERVER, start


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(SERVER, server_env=ENV))  # type: ignore[untyped-decorator]
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await start(lsp_client)
    yield
    await lsp_client.shutdown_session()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start a real server over stdio are end-to-end: the slow tier."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here) and "client" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
