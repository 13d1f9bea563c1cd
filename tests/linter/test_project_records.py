"""Record classes of project modules, read from `ast` facts for parameter annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from logmask.linter.config import Config
from logmask.linter.engine import Linter
from tests.linter.test_project_reach import write

MODELS = """
from dataclasses import dataclass
from typing import NamedTuple, TypedDict

from pydantic import BaseModel


class AgentState(TypedDict):
    user_id: str
    messages: list


@dataclass
class Customer:
    email: str
    age: int = 0


class Point(NamedTuple):
    x: float


class Profile(BaseModel):
    phone: str


class Plain:
    name: str
"""


@pytest.mark.parametrize(
    ("module", "name", "fields"),
    [
        ("app.models", "AgentState", ("user_id", "messages")),
        ("app.models", "Customer", ("email", "age")),
        ("app.models", "Point", ("x",)),
        ("app.models", "Profile", ("phone",)),
        ("app", "AgentState", ("user_id", "messages")),  # re-exported by the package
        ("app.relay", "State", ("user_id", "messages")),  # re-exported under another name
        ("app.models", "Plain", None),  # not a record
        ("app.models", "Missing", None),
        ("app", "models", None),  # a module, not a class
    ],
)
def test_record_fields_follow_re_exports(
    tmp_path: Path, module: str, name: str, fields: tuple[str, ...] | None
) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "from app.models import AgentState\n",
            "app/models.py": MODELS,
            "app/relay.py": "from .models import AgentState as State\n",
            "app/job.py": "",
        },
    )
    index = Linter(Config()).project

    def no_summary(*args: object) -> None:
        raise AssertionError("a record's fields need no module summary")

    index.summarise = no_summary  # type: ignore[assignment]
    project = index.for_file(str(tmp_path / "app/job.py"))
    assert project.record_fields(module, 0, name) == fields
