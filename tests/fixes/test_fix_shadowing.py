"""Fixes that run: a name `logmask` bound to something else, `TYPE_CHECKING` imports, sys.path.

Each fixed snippet is executed against the recording trackers of
`tests/fixes/fakes.py`, with a pass-through object wherever the snippet binds
`logmask` itself: had the fix called that object, the e-mail would be logged.
"""

from __future__ import annotations

from typing import Any

import pytest

from logmask.linter.config import Config
from logmask.linter.engine import Linter
from logmask.linter.runner import FixMode, check_one
from tests.fixes.fakes import run_snippet

EMAIL = "ann@corp.example"


class PassThrough:
    """What a user's own `logmask` object might do: nothing."""

    @staticmethod
    def mask(value: Any, **_: Any) -> Any:
        return value


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGMASK_KEY", "shadowing-test")


def fixed(source: str, config: Config | None = None) -> str:
    linter = Linter(config)
    result = linter.check_source(source.encode(), "train.py")
    assert result.findings, "the snippet must leak before the fix"
    checked = check_one(linter, result, FixMode(compute=True))
    assert checked.fixed is not None
    assert checked.result.findings == [] and checked.result.errors == []
    return checked.fixed.decode()


# source -> the spelling the fix must use (and the import it adds)
SHADOWED = {
    "parameter": (
        "import wandb\n\ndef log_user(logmask, email):\n"
        '    wandb.log({"user_email": email})\n\nlog_user(passthrough, EMAIL)\n'
    ),
    "local": (
        "import logmask\nimport wandb\n\ndef log_user(email):\n    logmask = passthrough\n"
        '    wandb.log({"user_email": email})\n\nlog_user(EMAIL)\n'
    ),
    "function": (
        "import wandb\n\ndef logmask(value):\n    return value\n\n"
        'logmask.mask = passthrough.mask\nwandb.log({"user_email": EMAIL})\n'
    ),
    "comprehension": (
        'import wandb\n\n[wandb.log({"user_email": logmask}) for logmask in [EMAIL]]\n'
    ),
    "global": ('import wandb\n\nlogmask = passthrough\nwandb.log({"user_email": EMAIL})\n'),
    "class attribute": (
        "import wandb\n\nclass Job:\n    logmask = passthrough\n"
        '    wandb.log({"user_email": EMAIL})\n'
    ),
    "lambda": (
        'import wandb\n\nf = lambda logmask: wandb.log({"user_email": EMAIL})\nf(passthrough)\n'
    ),
}


@pytest.mark.parametrize("name", sorted(SHADOWED))
def test_shadowed_logmask_gets_a_free_alias_and_the_fix_runs(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = fixed(SHADOWED[name])
    assert "import logmask as _logmask\n" in source
    assert "_logmask.mask(" in source
    rec = run_snippet(source, {"EMAIL": EMAIL, "passthrough": PassThrough()}, monkeypatch)
    assert rec.names() == ["log"]
    assert EMAIL not in rec.text() and "pii_" in rec.text()


def test_the_alias_is_free_too(monkeypatch: pytest.MonkeyPatch) -> None:
    source = fixed(
        "import wandb\n_logmask = 1\n\ndef f(logmask, email):\n"
        '    wandb.log({"user_email": email})\n\nf(passthrough, EMAIL)\n'
    )
    assert "import logmask as _logmask_2\n" in source and "_logmask_2.mask(email)" in source
    rec = run_snippet(source, {"EMAIL": EMAIL, "passthrough": PassThrough()}, monkeypatch)
    assert EMAIL not in rec.text()


# Not shadowing: the usual spelling stays.
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('import wandb\nwandb.log({"user_email": EMAIL})\n', "logmask.mask(EMAIL)"),
        (
            'import logmask\nimport wandb\nwandb.log({"user_email": EMAIL})\n',
            "logmask.mask(EMAIL)",
        ),
        (
            'import logmask as lm\nimport wandb\nwandb.log({"user_email": EMAIL})\n',
            "lm.mask(EMAIL)",
        ),
        (  # an attribute called logmask binds no name
            "import wandb\n\nclass Job:\n    def run(self):\n        self.logmask = None\n"
            '        wandb.log({"user_email": EMAIL})\n\nJob().run()\n',
            "logmask.mask(EMAIL)",
        ),
        (  # a parameter that shadows, but an existing alias is bound once: reused
            "import logmask as lm\nimport wandb\n\ndef f(logmask):\n"
            '    wandb.log({"user_email": EMAIL})\n\nf(passthrough)\n',
            "lm.mask(EMAIL)",
        ),
    ],
)
def test_no_alias_without_shadowing(
    source: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = fixed(source)
    assert expected in out and "_logmask" not in out
    rec = run_snippet(out, {"EMAIL": EMAIL, "passthrough": PassThrough()}, monkeypatch)
    assert EMAIL not in rec.text()


@pytest.mark.parametrize(
    "guard",
    ["if TYPE_CHECKING:", "if typing.TYPE_CHECKING:"],
)
def test_a_type_checking_import_is_not_a_runtime_import(
    guard: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = fixed(
        "import typing\nfrom typing import TYPE_CHECKING\n\nimport wandb\n\n"
        f"{guard}\n    import logmask\n    from logmask import mask\n\n"
        'def log_user(email):\n    wandb.log({"user_email": email})\n\nlog_user(EMAIL)\n'
    )
    header = source.split(guard)[0]
    assert "import logmask\n" in header  # a real import, above the guarded one
    assert "logmask.mask(email)" in source  # not the guarded `mask`
    rec = run_snippet(source, {"EMAIL": EMAIL}, monkeypatch)
    assert EMAIL not in rec.text()


def test_the_else_branch_of_type_checking_runs() -> None:
    source = fixed(
        "from typing import TYPE_CHECKING\nimport wandb\nif TYPE_CHECKING:\n    pass\n"
        'else:\n    import logmask as lm\nwandb.log({"user_email": e})\n'
    )
    assert "lm.mask(e)" in source


PRIVACY = Config(masker="myproject.privacy.scrub")


@pytest.mark.parametrize(
    ("source", "before", "after"),
    [
        (  # the set-up precedes the project's first import: the masker goes right before it
            "import os\nimport sys\n\nimport wandb\n\n"
            'sys.path.insert(0, os.path.join(os.path.dirname(__file__), "src"))\n'
            "from myproject.data import load\n\n"
            'wandb.log({"user_email": e})\n',
            'sys.path.insert(0, os.path.join(os.path.dirname(__file__), "src"))\n',
            "from myproject.privacy import scrub\nfrom myproject.data import load\n",
        ),
        (  # no project import yet: after the set-up
            'import sys\nimport wandb\nsys.path.append("src")\n\nwandb.log({"user_email": e})\n',
            'sys.path.append("src")\n',
            "from myproject.privacy import scrub\n",
        ),
        (
            "import site\nimport wandb\nsite.addsitedir('src')\nwandb.log({\"user_email\": e})\n",
            "site.addsitedir('src')\n",
            "from myproject.privacy import scrub\n",
        ),
        (
            'import sys\nimport wandb\nsys.path = ["src", *sys.path]\n'
            'wandb.log({"user_email": e})\n',
            'sys.path = ["src", *sys.path]\n',
            "from myproject.privacy import scrub\n",
        ),
    ],
)
def test_masker_import_goes_after_sys_path_setup(source: str, before: str, after: str) -> None:
    out = fixed(source, PRIVACY)
    assert before + after in out
    assert "scrub(e)" in out


@pytest.mark.parametrize(
    "source",
    [
        # the project was imported before any set-up: the usual place, in the import block
        'import wandb\nfrom myproject.data import load\nimport sys\nsys.path.append("x")\n'
        'wandb.log({"user_email": e})\n',
        # no set-up at all
        'import wandb\nfrom myproject.data import load\n\nwandb.log({"user_email": e})\n',
        # reading sys.path is not setting it up
        'import sys\nimport wandb\nprint(sys.path)\nwandb.log({"user_email": e})\n',
    ],
)
def test_masker_import_stays_in_the_import_block(source: str) -> None:
    out = fixed(source, PRIVACY)
    lines = out.splitlines()
    first_statement = next(i for i, ln in enumerate(lines) if not ln.startswith(("import", "from")))
    assert "from myproject.privacy import scrub" in lines[:first_statement]


def test_logmask_itself_ignores_sys_path_setup() -> None:
    out = fixed('import sys\nimport wandb\nsys.path.append("src")\nwandb.log({"user_email": e})\n')
    assert out.startswith("import logmask\nimport sys\n")
