"""Scheduling: a pause then one edit is checked at once, a burst is checked once at its end."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

import pytest

from logmask.linter.config import Config
from logmask.linter.engine import Linter
from logmask.server.analysis import Analysis, PythonFile
from logmask.server.documents import Checked, Documents
from logmask.server.settings import Project

KEY = "file:///t.py"


class Counting(PythonFile):
    checked: ClassVar[list[str]] = []

    def check(self, linter: Linter) -> Analysis:
        time.sleep(0.02)
        Counting.checked.append(self.text)
        return Analysis()


def documents(texts: list[str], published: list[Checked]) -> Documents:
    project = Project(Linter(Config()))
    return Documents(
        lambda key: (Counting(KEY, "/t.py", texts[-1]), project),
        lambda key, checked: published.append(checked),
        lambda key, message: pytest.fail(message),
    )


@pytest.mark.asyncio
async def test_burst_is_checked_once_at_its_end() -> None:
    Counting.checked = []
    texts = ["v1"]
    published: list[Checked] = []
    docs = documents(texts, published)
    docs.changed(KEY)
    docs.schedule(KEY, 0.05)  # after a pause: at once
    await asyncio.sleep(0.2)
    assert Counting.checked == ["v1"]
    for number in range(2, 8):  # keystrokes 5 ms apart
        texts.append(f"v{number}")
        docs.changed(KEY)
        docs.schedule(KEY, 0.05)
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.3)
    assert Counting.checked[-1] == "v7"
    assert len(Counting.checked) <= 3  # the first keystroke may run at once, then the last
    assert published[-1].subject.texts() == {KEY: "v7"}
    assert [c.generation for c in published] == sorted(c.generation for c in published)
    docs.shutdown()


@pytest.mark.asyncio
async def test_stale_result_is_not_published() -> None:
    Counting.checked = []
    texts = ["old"]
    published: list[Checked] = []
    docs = documents(texts, published)
    docs.changed(KEY)
    checking = asyncio.ensure_future(docs.check(KEY))
    await asyncio.sleep(0.005)  # the check of "old" is running
    texts.append("new")
    docs.changed(KEY)
    await checking
    assert published == []
    await docs.check(KEY)
    assert [c.subject.texts()[KEY] for c in published] == ["new"]
    docs.shutdown()
