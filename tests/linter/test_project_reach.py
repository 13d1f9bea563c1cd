"""Files naming no tracker: the byte gate, the cached module facts and their invalidation.

`ProjectIndex.reaches_tracker` decides whether a file that names no tracker
still needs LibCST because a project name it imports reaches one. These tests
pin that the cheap paths (bytes before `ast`, facts from the cache) give the
answers of the full `ast` look, and that a changed module is seen.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from logmask.linter.config import Config
from logmask.linter.engine import Linter
from logmask.linter.project import (
    _ANY_IMPORT,
    _IMPORT_LINE,
    ProjectIndex,
    import_statements,
    imported_modules,
)

TRACKING = """
import wandb


def log_table(name, frame):
    wandb.log({name: frame})


def describe(name):
    return f"wandb.{name}"  # spells the tracker, never reads it
"""
QUIET = """
import os


def helper(path):
    return os.path.basename(path)
"""


def write(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


class Counting:
    """An `ast.parse` that counts the files it parsed."""

    def __init__(self) -> None:
        self.parsed: list[bytes] = []

    def __call__(self, data: bytes) -> ast.Module:
        self.parsed.append(data)
        return ast.parse(data)


def index(cache: Path | None = None, parse: Counting | None = None) -> ProjectIndex:
    linter = Linter(Config())
    project = linter.project
    project.cache_dir, project.salt = cache, "test"
    if parse is not None:
        project.parse = parse
    return project


def reaches(project: ProjectIndex, root: Path, name: str) -> bool:
    path = root / name
    return project.reaches_tracker(str(path), path.read_bytes())


@pytest.mark.parametrize(
    ("source", "binds"),
    [
        ("import wandb\n", True),
        ("import os, \\\n    wandb\n", True),
        ("from mlflow.tracking import MlflowClient\n", True),
        ("@weave.op\ndef f():\n    pass\n", True),
        ("mod = importlib.import_module('mlflow')\n", True),
        ("def f():\n    import wandb\n    return wandb\n", True),
        # quiet twins: a submodule named like a tracker, a helper's name, prose, a string
        ("from .integrations.accelerate import hooks\n", False),
        ("from ..accelerate import hooks\n", False),
        ("if is_wandb_available():\n    pass\n", False),
        ('"""Set report_to="wandb" to log."""\n', False),
        ("spec = importlib.util.find_spec('wandb')\n", False),
        ("run_name = 'mlflow run'\n", False),
    ],
)
def test_may_bind_tracker(source: str, binds: bool) -> None:
    assert Linter(Config()).candidates.may_bind_tracker(source.encode()) is binds


@pytest.mark.parametrize(
    ("source", "uses"),
    [
        ("import wandb\n", True),
        ("wandb.log({\n", True),  # a broken file reading a tracker: parsed, its error reported
        ("run = mlflow . start_run()\n", True),
        ("# see the accelerate docs\nx = 1\n", False),
        ("if is_accelerate_available():\n    pass\n", False),
        ('"""Requires `accelerate`: pip install accelerate."""\n', False),
        ("from .integrations.accelerate import hooks\n", False),
        ("x = self.accelerate.step\n", False),  # an attribute of the same name
    ],
)
def test_may_use_tracker(source: str, uses: bool) -> None:
    assert Linter(Config()).candidates.may_use_tracker(source.encode()) is uses


@pytest.mark.parametrize(
    ("source", "reported"),
    [
        ("wandb.log({\n", True),
        ("import wandb\nwandb.log(\n", True),
        ('"""Set report_to="wandb" to log."""\n(\n', False),  # prose only: not parsed
    ],
)
def test_a_syntax_error_is_reported_where_a_tracker_may_be_used(
    source: str, reported: bool
) -> None:
    result = Linter(Config()).check_source(source.encode(), "job.py")
    assert bool(result.errors) is reported


@pytest.mark.parametrize(
    ("source", "modules"),
    [
        ("import a.b.c as d\n", {(0, "a"), (0, "a.b"), (0, "a.b.c")}),
        ("import a, b\n", {(0, "a"), (0, "b")}),
        ("from . import (x,\n    y as z)\n", {(1, ""), (1, "x"), (1, "y")}),
        ("from ..pkg import m\n", {(2, "pkg"), (2, "pkg.m")}),
        ("try: import fast\nexcept ImportError: pass\n", {(0, "fast")}),
        ("x = 1; import late\n", {(0, "late")}),
        ('""">>> from docs import example"""\n', set()),  # a doctest line is not a statement
    ],
)
def test_imported_modules(source: str, modules: set[tuple[int, str]]) -> None:
    found = {(level, module) for level, module, _ in imported_modules(source.encode())}
    assert found >= modules
    if not modules:
        assert not found


IMPORT_TEXTS = [
    "import a\nimport b.c as d, e\n",
    "from . import (x,\n    y as z)\nfrom ..p import q  # note\n",
    "x = 1; import late; from m import n\n",
    "try: import fast\nexcept ImportError: import slow\n",
    "s = 'import nothing'\nif x: from a import (b,\n  important)\n",
    "    import indented\nfrom a import *\nimportlib.import_module('m')\n",
    "from a import b;import c\r\nimport d\r\n",
    "def f(): import inner; return inner\nd = {'k': import_x}\n",
    "import\nfrom import import\nimport import\n",
]


@pytest.mark.parametrize("text", IMPORT_TEXTS)
@pytest.mark.parametrize("generous", [False, True])
def test_import_statements_match_a_regex_tried_at_every_line(text: str, generous: bool) -> None:
    pattern = _ANY_IMPORT if generous else _IMPORT_LINE
    prefix = rb"(?:^|[;:])" if generous else rb"^"
    everywhere = re.compile(prefix + pattern.pattern, re.MULTILINE)
    data = text.encode()
    assert import_statements(pattern, data, after_separators=generous) == everywhere.findall(data)


@pytest.mark.parametrize(
    ("job", "expected"),
    [
        ("from app.tracking import log_table\n", True),
        ("from app import tracking\n", True),
        ("import app.tracking\n", True),
        ("from app.relay import forward\n", True),  # through a re-export
        ("from app.tracking import describe\n", False),  # spells wandb in a string only
        ("from app.quiet import helper\n", False),
        ("from app.relay import unrelated\n", False),
        ("import os\n", False),
    ],
)
def test_reaches_tracker(tmp_path: Path, job: str, expected: bool) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/tracking.py": TRACKING,
            "app/quiet.py": QUIET,
            "app/relay.py": """
                from app.tracking import log_table
                from app.quiet import helper


                def forward(frame):
                    log_table("rows", frame)


                def unrelated(path):
                    return helper(path)
            """,
            "app/job.py": job,
        },
    )
    assert reaches(index(), tmp_path, "app/job.py") is expected


@pytest.mark.parametrize(
    ("helper", "expected"),
    [
        ("def get():\n    import wandb\n\n    return wandb\n", True),
        ("def log(x):\n    import wandb\n\n    wandb.log({'x': x})\n", True),
        ("def log(x):\n    import mlflow as m\n\n    m.log_param('x', x)\n", True),
        ("def log(x):\n    from wandb import log\n\n    log(x)\n", True),
        ("def setup(x):\n    import wandb\n\n    register(wandb, x)\n", True),  # passed on
        (
            "def get():\n    import importlib\n\n    return importlib.import_module('mlflow')\n",
            True,
        ),
        # A tracker package imported for an API that leads to no sink.
        (
            "def place(model):\n    import accelerate.big_modeling\n\n"
            "    return accelerate.big_modeling.dispatch_model(model)\n",
            False,
        ),
        ("def version():\n    import wandb.sdk.lib\n\n    return wandb.sdk.lib.x\n", False),
        ("def nothing():\n    import os\n\n    return os\n", False),
        # A tracker imported at module level: the definition must use it in a way that can log.
        ("import wandb\n\n\ndef log(x):\n    wandb.log({'x': x})\n", True),
        ("import wandb\n\n\ndef run():\n    return wandb.run\n", True),
        ("from accelerate import Accelerator\n\n\ndef make():\n    return Accelerator()\n", True),
        (
            "from accelerate import Accelerator\n\n\n"
            "def report(m):\n    acc = Accelerator()\n    acc.log(m)\n",
            True,
        ),
        # Quiet twins: the tracker module is used, but nothing it does can log.
        (
            "import accelerate\n\n\n"
            "def remove(m):\n    accelerate.hooks.remove_hook_from_module(m)\n",
            False,
        ),
        (
            "from accelerate import Accelerator\n\n\n"
            "def prepare(m):\n    acc = Accelerator()\n    return acc.prepare(m)\n",
            False,
        ),
        ("import wandb\n\n\ndef name():\n    return wandb.run.name\n", False),
        # Passed on: the analysis never follows a tracker into a callee's parameter (the
        # function-local import above is read more generously).
        ("import wandb\n\n\ndef setup(x):\n    register(wandb, x)\n", False),
    ],
)
def test_a_definition_reaches_a_tracker_only_when_it_uses_it(
    tmp_path: Path, helper: str, expected: bool
) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/lazy.py": helper,
            "app/job.py": f"from app.lazy import {helper.split('def ')[1].split('(')[0]}\n",
        },
    )
    assert reaches(index(), tmp_path, "app/job.py") is expected


def test_modules_that_cannot_reach_a_tracker_are_never_parsed(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/tracking.py": TRACKING}
    for number in range(20):  # a chain of helpers importing each other, none logging
        files[f"app/mod_{number}.py"] = (
            f"from app.mod_{(number + 1) % 20} import f_{(number + 1) % 20}\n\n\n"
            f"def f_{number}(x):\n    return f_{(number + 1) % 20}(x)\n"
        )
    files["app/job.py"] = "from app.mod_0 import f_0\n"
    write(tmp_path, files)
    parse = Counting()
    assert not reaches(index(parse=parse), tmp_path, "app/job.py")
    assert parse.parsed == []


def test_only_modules_whose_imports_spell_a_reaching_name_are_parsed(tmp_path: Path) -> None:
    """Twenty modules import a module that binds wandb, but only a name that never logs."""
    files = {"app/__init__.py": "", "app/tracking.py": TRACKING}
    for number in range(20):
        files[f"app/mod_{number}.py"] = (
            f"from app.tracking import describe\n\n\ndef f_{number}(x):\n    return describe(x)\n"
        )
    files["app/relay.py"] = "from app.tracking import log_table as save\n"
    files["app/job.py"] = "".join(f"from app.mod_{n} import f_{n}\n" for n in range(20))
    write(tmp_path, files)
    parse = Counting()
    project = index(parse=parse)
    assert not reaches(project, tmp_path, "app/job.py")
    assert set(parse.parsed) == {(tmp_path / "app/tracking.py").read_bytes()}
    (tmp_path / "app/job.py").write_text("from app.relay import save\n")
    assert reaches(project, tmp_path, "app/job.py")  # `log_table` is spelled: relay is parsed


def test_a_cycle_that_reaches_a_tracker_is_followed(tmp_path: Path) -> None:
    """a imports b and the tracker; b imports only a: b still reaches it."""
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/tracking.py": TRACKING,
            "app/a.py": """
                from app.b import g
                from app.tracking import log_table


                def f(frame):
                    log_table("rows", frame)
            """,
            "app/b.py": """
                from app.a import f


                def g(frame):
                    f(frame)
            """,
            "app/job_a.py": "from app.a import f\n",
            "app/job_b.py": "from app.b import g\n",
        },
    )
    project = index()
    assert reaches(project, tmp_path, "app/job_a.py")
    assert reaches(project, tmp_path, "app/job_b.py")
    fresh = index()  # the other order: b is asked first
    assert reaches(fresh, tmp_path, "app/job_b.py")
    assert reaches(fresh, tmp_path, "app/job_a.py")


def test_facts_come_from_the_cache_and_follow_a_changed_module(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/tracking.py": TRACKING,
            "app/helpers.py": """
                from app.tracking import log_table


                def save(frame):
                    log_table("rows", frame)
            """,
            # Imports from the tracking module, so only the cache spares its parse.
            "app/unrelated.py": """
                from app.tracking import describe


                def helper(x):
                    return describe(x)
            """,
            "app/job.py": "from app.helpers import save\nfrom app.unrelated import helper\n",
        },
    )
    cache = tmp_path / "cache"
    cold = Counting()
    assert reaches(index(cache, cold), tmp_path, "app/job.py")
    assert cold.parsed  # the first run parses the modules on the way
    warm = Counting()
    assert reaches(index(cache, warm), tmp_path, "app/job.py")
    # From the cache: only the definitions on the chain that reaches are walked to confirm.
    chain = {(tmp_path / name).read_bytes() for name in ("app/helpers.py", "app/tracking.py")}
    assert set(warm.parsed) <= chain
    assert (tmp_path / "app/unrelated.py").read_bytes() not in warm.parsed

    # The helper stops logging: the answer changes. It now imports only a name that
    # never logs, which its bytes show: its new content is not even parsed.
    (tmp_path / "app/helpers.py").write_text(
        "from app.tracking import describe\n\n\ndef save(frame):\n    return describe('x')\n"
    )
    changed = Counting()
    assert not reaches(index(cache, changed), tmp_path, "app/job.py")
    assert (tmp_path / "app/helpers.py").read_bytes() not in changed.parsed
    # It imports the logging name again, under its own: parsed, and it reaches.
    (tmp_path / "app/helpers.py").write_text(
        "from app.tracking import log_table as keep\n\n\ndef save(frame):\n    keep('r', frame)\n"
    )
    changed = Counting()
    assert reaches(index(cache, changed), tmp_path, "app/job.py")
    assert (tmp_path / "app/helpers.py").read_bytes() in changed.parsed

    # The tracking module stops binding wandb: the unchanged helper's cached facts are
    # reused, and the tracker is no longer reached.
    (tmp_path / "app/helpers.py").write_text(
        "from app.tracking import log_table\n\n\ndef save(frame):\n    log_table('r', frame)\n"
    )
    assert reaches(index(cache), tmp_path, "app/job.py")
    (tmp_path / "app/tracking.py").write_text("def log_table(name, frame):\n    print(name)\n")
    assert not reaches(index(cache), tmp_path, "app/job.py")


def test_a_module_importing_its_own_name_imports_the_library(tmp_path: Path) -> None:
    """`import bitsandbytes` inside `bitsandbytes.py` is the library, not a path back to itself."""
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/bitsandbytes.py": "import accelerate\nimport bitsandbytes as bnb\n\n\n"
            "def quantize(m):\n    return bnb.nn.Linear4bit(m)\n",
            "app/job.py": "from app.bitsandbytes import quantize\n",
        },
    )
    project = index()
    own = tmp_path / "app" / "bitsandbytes.py"
    assert project.resolve(own, "bitsandbytes", 0) == own  # the case this test is about
    assert reaches(project, tmp_path, "app/job.py") is False
