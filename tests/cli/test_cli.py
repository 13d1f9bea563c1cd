"""The `logmask check` command: exit codes, formats, noqa, selection, stdin, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from logmask.rules import RULES
from tests.inprocess import invoke

LEAK = 'import wandb\nwandb.log({"user_email": e})\n'
CLEAN = 'import wandb\nwandb.log({"loss": 0.1})\n'


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    proc = invoke(*args, stdin=stdin, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "leak.py").write_text(LEAK)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def test_exit_codes(tree: Path) -> None:
    assert run("check", str(tree / "clean.py"))[0] == 0
    assert run("check", str(tree / "leak.py"))[0] == 1
    assert run("check", "--exit-zero", str(tree / "leak.py"))[0] == 0
    assert run("check", "--select", "NOPE", str(tree))[0] == 2


def test_text_output_names_location_and_summary(tree: Path) -> None:
    _, out, _ = run("check", str(tree / "leak.py"))
    first, summary, fixable = out.strip().splitlines()
    assert first.startswith(f"{tree / 'leak.py'}:2:12: PII101 [*] ")
    assert "user_email" in first
    assert summary == "Found 1 finding."
    assert fixable == "[*] 1 fixable with `logmask check --fix`."
    assert run("check", str(tree / "clean.py"))[1] == "All checks passed.\n"


def test_json_output_fields(tree: Path) -> None:
    _, out, _ = run("check", "--format", "json", str(tree))
    (finding,) = json.loads(out)
    for key in ("code", "path", "line", "column", "end_line", "end_column", "message", "fix"):
        assert key in finding
    assert (finding["code"], finding["line"], finding["column"]) == ("PII101", 2, 12)
    assert finding["fix"]["edits"][0]["content"] == "logmask.mask(e)"


def test_default_path_is_current_folder(tree: Path) -> None:
    assert run("check", cwd=tree)[0] == 1


@pytest.mark.parametrize(
    ("source", "reported"),
    [
        ('import wandb\nwandb.log({"user_email": e})  # noqa\n', False),
        ('import wandb\nwandb.log({"user_email": e})  # noqa: PII101\n', False),
        ('import wandb\nwandb.log({"user_email": e})  # noqa: PII1\n', False),
        ('import wandb\nwandb.log({"user_email": e})  # noqa:PII101,PII201\n', False),
        ('import wandb\nwandb.log({"user_email": e})  # noqa: PII201\n', True),
        ('import wandb\nwandb.log({"user_email": e})  # noqa: E501\n', True),
        # multi-line statement: first or last line
        ('import wandb\nwandb.log(  # noqa: PII101\n    {"user_email": e}\n)\n', False),
        ('import wandb\nwandb.log(\n    {"user_email": e}\n)  # noqa: PII101\n', False),
        ('import wandb\nwandb.log(\n    {"user_email": e}\n)\n# noqa\n', True),
    ],
)
def test_noqa(tmp_path: Path, source: str, reported: bool) -> None:
    (tmp_path / "a.py").write_text(source)
    assert (run("check", str(tmp_path / "a.py"))[0] == 1) is reported


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), {"PII101", "PII102"}),
        (("--select", "PII102"), {"PII102"}),
        (("--select", "PII1"), {"PII101", "PII102"}),
        (("--ignore", "PII101"), {"PII102"}),
        (("--ignore", "PII1"), set()),
        (("--select", "PII1", "--ignore", "PII102"), {"PII101"}),
        (("--ignore", "PII1", "--select", "PII102"), {"PII102"}),
        (("--select", "PII2"), set()),
        (("--select", "ALL"), {"PII101", "PII102"}),
        (("--select", "PII101,PII102"), {"PII101", "PII102"}),
    ],
)
def test_select_ignore(tmp_path: Path, args: tuple[str, ...], expected: set[str]) -> None:
    (tmp_path / "a.py").write_text(
        'import wandb\nwandb.log({"user_email": e})\nwandb.log({"who": user.email})\n'
    )
    _, out, _ = run("check", "--format", "json", *args, str(tmp_path / "a.py"))
    assert {f["code"] for f in json.loads(out)} == expected


def test_opt_in_rule_needs_its_code(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        'import wandb\nwandb.log({"t": wandb.Table(columns=["review", "stars"], data=r)})\n'
    )
    assert run("check", str(tmp_path))[0] == 0
    assert run("check", "--select", "PII2", str(tmp_path))[0] == 0
    assert run("check", "--select", "PII203", str(tmp_path))[0] == 1


def test_stdin() -> None:
    code, out, _ = run("check", "-", "--stdin-filename", "train.py", stdin=LEAK)
    assert code == 1
    assert out.startswith("train.py:2:12: PII101")
    assert run("check", "-", stdin=CLEAN)[0] == 0


BAD_INPUTS = {
    "syntax.py": (b"import wandb\ndef f(:\n", "syntax error"),
    "latin1.py": ("import wandb\nx = 'caf\u00e9'\n".encode("latin-1"), "not valid UTF-8"),
    "binary.py": (b"import wandb\x00\x01\x02", "binary"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_one_line_and_others_checked(tmp_path: Path, name: str) -> None:
    data, reason = BAD_INPUTS[name]
    (tmp_path / name).write_bytes(data)
    (tmp_path / "leak.py").write_text(LEAK)
    code, out, err = run("check", str(tmp_path / name), str(tmp_path / "leak.py"))
    assert code == 2
    assert "PII101" in out  # the other file is still checked
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1 and name in lines[0] and reason in lines[0]


def test_latin1_with_cookie_is_checked(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\nimport wandb\nwandb.log({'user_email': 'caf\u00e9'})\n"
    (tmp_path / "a.py").write_bytes(source.encode("latin-1"))
    assert run("check", str(tmp_path / "a.py"))[0] == 1


def test_empty_file_is_clean(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_bytes(b"")
    assert run("check", str(tmp_path / "empty.py")) == (0, "All checks passed.\n", "")


def test_missing_path_and_broken_link(tmp_path: Path) -> None:
    (tmp_path / "broken.py").symlink_to(tmp_path / "nowhere.py")
    code, _, err = run("check", str(tmp_path / "missing.py"), str(tmp_path / "broken.py"))
    assert code == 2
    assert "missing.py: no such file or directory" in err
    assert "broken.py: broken symbolic link" in err


def test_unreadable_file(tmp_path: Path) -> None:
    target = tmp_path / "secret.py"
    target.write_text(LEAK)
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
        code, _, err = run("check", str(target))
        assert code == 2 and "permission denied" in err
    finally:
        target.chmod(0o644)


def test_internal_error_in_one_rule_keeps_other_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from logmask.rules.logged_tables import LoggedTables

    def boom(self, item, ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(LoggedTables, "on_item", boom)
    (tmp_path / "a.py").write_text(LEAK)
    code, out, err = run("check", str(tmp_path / "a.py"))
    assert "PII101" in out
    assert "internal error in rules PII201, PII202, PII203" in err and "boom" in err
    assert code == 2


def test_rules_and_explain() -> None:
    _, out, _ = run("rules")
    assert out.count("PII") == len(RULES) and "PII203  off" in out and "PII001  off" in out
    code, out, _ = run("explain", "PII201")
    assert code == 0 and "Why is this bad?" in out and "Use instead" in out
    assert run("explain", "PII999")[0] == 2


def test_messages_never_print_personal_literal(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "import wandb\n"
        'wandb.log({"note": "write to jane.doe@corp-mail.de or 4539 1488 0343 6467"})\n'
    )
    _, out, _ = run("check", str(tmp_path / "a.py"))
    assert "PII103" in out
    assert "jane.doe" not in out and "4539" not in out


def test_python_dash_m_and_script_agree(tree: Path) -> None:
    module = subprocess.run(
        [sys.executable, "-m", "logmask", "check", "--format", "json", str(tree)],
        capture_output=True,
        text=True,
    )
    assert module.returncode == 1
    assert json.loads(module.stdout)[0]["code"] == "PII101"
