"""noqa tooling through the CLI (in-process; flake8 as a real process): comments read
by the tokenizer, `--add-noqa`, the unused-noqa check (PII001, opt-in) and `--ignore-noqa`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from logmask.linter.noqa import Directives, add_noqa, merged_directive
from tests.inprocess import invoke

LEAK = 'import wandb\nwandb.log({"user_email": e})\n'


def findings(folder: Path, *args: str) -> list[tuple[int, str]]:
    proc = invoke("check", "--output-format", "json", *args, cwd=folder)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["line"], f["code"]) for f in json.loads(proc.stdout)]


# source line -> the directive the tokenizer reads (None: no directive)
DIRECTIVES = [
    ("x = 1  # noqa", "bare"),
    ("x = 1  # noqa: PII101", {"PII101"}),
    ("x = 1  # NOQA:PII101,PII2", {"PII101", "PII2"}),
    ("x = 1  # see docs  # noqa: PII101", {"PII101"}),
    ('x = "see # noqa"', None),  # inside a string: not a comment
    ("x = 'a # noqa: PII101'", None),
    ('x = f"{y} # noqa"', None),
    ('x = """\n# noqa\n"""', None),  # inside a multi-line string
    ("x = 1  # noqa PII101 (no colon: bare, as flake8 reads it)", "bare"),
    ("x = 1  # not a noqa", None),
]


@pytest.mark.parametrize(("source", "expected"), DIRECTIVES, ids=[d[0] for d in DIRECTIVES])
def test_directives_come_from_comments_only(source: str, expected: object) -> None:
    found = {line: codes for line, (_, codes) in Directives.read(source + "\n").by_line.items()}
    if expected is None:
        assert found == {}
    elif expected == "bare":
        assert found == {1: None}
    else:
        assert found == {1: frozenset(expected)}  # type: ignore[arg-type]


def test_noqa_inside_a_string_does_not_suppress(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        'import wandb\nwandb.log({"user_email": e, "note": "see # noqa"})\n'
    )
    assert findings(tmp_path, "a.py") == [(2, "PII101")]


def test_add_noqa_adds_keeps_existing_codes_and_is_idempotent(tmp_path: Path) -> None:
    source = (
        "import wandb\n"
        'wandb.log({"user_email": e})\n'
        'wandb.log({"loss": 1, "customer_phone": p})  # noqa: E501\n'
        'wandb.log({"a": 1})  # a comment\n'
        'wandb.log({"patient_name": n})  # a comment\n'
        "wandb.log(\n"
        '    {"home_address": a}\n'
        ")\n"
    )
    (tmp_path / "a.py").write_text(source)
    proc = invoke("check", "--add-noqa", "a.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Added 4 noqa directives." in proc.stderr
    assert (tmp_path / "a.py").read_text() == (
        "import wandb\n"
        'wandb.log({"user_email": e})  # noqa: PII101\n'
        'wandb.log({"loss": 1, "customer_phone": p})  # noqa: E501, PII101\n'
        'wandb.log({"a": 1})  # a comment\n'
        'wandb.log({"patient_name": n})  # a comment  # noqa: PII101\n'
        "wandb.log(\n"
        '    {"home_address": a}  # noqa: PII101\n'
        ")\n"
    )
    assert findings(tmp_path, "a.py") == []
    again = invoke("check", "--add-noqa", "a.py", cwd=tmp_path)
    assert "Added 0 noqa directives." in again.stderr
    # flake8 reads the same directives: nothing is left for it either.
    flake8 = run_flake8(tmp_path / "a.py")
    assert "PII" not in flake8


def run_flake8(path: Path) -> str:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "PII", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.stdout


def test_add_noqa_skips_lines_inside_multi_line_strings() -> None:
    from logmask.findings import Finding

    text = 'import wandb\nwandb.log({"note": """a\nb"""})\n'
    finding = Finding("PII103", "r", "a.py", 2, 20, 3, 5, "m", statement_lines=(2, 3))
    new, count = add_noqa(text, [finding])
    assert count == 1
    assert new == 'import wandb\nwandb.log({"note": """a\nb"""})  # noqa: PII103\n'


@pytest.mark.parametrize(
    ("comment", "codes", "expected"),
    [
        (None, ["PII101"], "# noqa: PII101"),
        ("# noqa", ["PII101"], None),  # bare: covers everything already
        ("# noqa: PII1", ["PII101"], None),  # a prefix covers it
        ("# noqa: E501", ["PII201", "PII101"], "# noqa: E501, PII101, PII201"),
        ("# why", ["PII101"], "# why  # noqa: PII101"),
    ],
)
def test_merged_directive(comment: str | None, codes: list[str], expected: str | None) -> None:
    assert merged_directive(comment, codes) == expected


def test_add_noqa_conflicts_and_crlf(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(LEAK.replace("\n", "\r\n").encode())
    assert invoke("check", "--add-noqa", "--fix", "a.py", cwd=tmp_path).returncode == 2
    assert invoke("check", "--add-noqa", "a.py", cwd=tmp_path).returncode == 0
    assert (tmp_path / "a.py").read_bytes() == (
        b'import wandb\r\nwandb.log({"user_email": e})  # noqa: PII101\r\n'
    )


# source, reported with --extend-select PII001
UNUSED = [
    ('import wandb\nwandb.log({"loss": 0.1})  # noqa: PII101\n', [(2, "PII001")]),
    ('import wandb\nwandb.log({"user_email": e})  # noqa: PII101\n', []),
    ('import wandb\nwandb.log({"user_email": e})  # noqa: PII101, PII201\n', [(2, "PII001")]),
    ('import wandb\nwandb.log({"user_email": e})  # noqa: PII1\n', []),
    ('import wandb\nwandb.log({"loss": 0.1})  # noqa\n', []),  # bare: may serve other tools
    ('import wandb\nwandb.log({"loss": 0.1})  # noqa: E501\n', []),  # another tool's code
    ('import wandb\nwandb.log(  # noqa: PII101\n    {"user_email": e}\n)\n', []),
]


@pytest.mark.parametrize(("source", "expected"), UNUSED)
def test_unused_noqa(tmp_path: Path, source: str, expected: list[tuple[int, str]]) -> None:
    (tmp_path / "a.py").write_text(source)
    assert findings(tmp_path, "--extend-select", "PII001", "a.py") == expected
    assert findings(tmp_path, "a.py") == [], "off by default, as ruff's RUF100"


def test_unused_noqa_message_and_fix(tmp_path: Path) -> None:
    source = 'import wandb\nwandb.log({"user_email": e})  # noqa: PII101, PII203, E501\n'
    (tmp_path / "a.py").write_text(source)
    proc = invoke(
        "check", "--extend-select", "PII001", "--output-format", "concise", "a.py", cwd=tmp_path
    )
    assert "PII001 [*] Unused `noqa` directive (unused: PII203 (not enabled))" in proc.stdout
    proc = invoke("check", "--extend-select", "PII001", "--fix", "a.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert (tmp_path / "a.py").read_text() == (
        'import wandb\nwandb.log({"user_email": e})  # noqa: PII101, E501\n'
    )


def test_ignore_noqa_reports_suppressed_findings(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('import wandb\nwandb.log({"user_email": e})  # noqa\n')
    assert findings(tmp_path, "a.py") == []
    assert findings(tmp_path, "--ignore-noqa", "a.py") == [(2, "PII101")]


def test_add_noqa_leaves_baselined_findings_alone(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(LEAK)
    assert invoke("check", "--write-baseline", "b.json", "a.py", cwd=tmp_path).returncode == 0
    (tmp_path / "a.py").write_text(LEAK + 'wandb.log({"customer_phone": p})\n')
    proc = invoke("check", "--add-noqa", "--baseline", "b.json", "a.py", cwd=tmp_path)
    assert "Added 1 noqa directive." in proc.stderr
    assert (tmp_path / "a.py").read_text() == (
        LEAK + 'wandb.log({"customer_phone": p})  # noqa: PII101\n'
    )
