"""`logmask rules` and `logmask explain CODE`, run in-process (the console script as
the real command)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from logmask.rules import RULES
from tests.inprocess import invoke
from tests.integrations.conftest import run


def test_rules_lists_code_name_default_and_fix_safety() -> None:
    proc = invoke("rules")
    assert proc.returncode == 0
    header, *rows = proc.stdout.splitlines()
    assert header.split() == ["code", "default", "fix", "name:", "summary"]
    assert [row.split()[0] for row in rows] == sorted(RULES)
    for row, doc in zip(rows, (RULES[c] for c in sorted(RULES)), strict=True):
        _, default, fix, name = row.split()[:4]
        assert default == ("on" if doc.default else "off")
        assert fix == {"safe": "safe", "unsafe": "unsafe"}.get(
            doc.fix_safety.split(":")[0].strip().lower(), "none"
        )
        assert name == f"{doc.name}:"
        assert row.endswith(doc.summary)


@pytest.mark.parametrize("code", sorted(RULES))
def test_explain_prints_the_docs_with_examples(code: str) -> None:
    doc = RULES[code]
    proc = invoke("explain", code.lower())
    assert proc.returncode == 0
    out = proc.stdout
    assert out.startswith(f"{code} {doc.name} (")
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety"):
        assert f"\n{heading}\n" in out
    example = "".join(f"    {line}\n" for line in doc.leaking.rstrip("\n").splitlines())
    fixed = "".join(f"    {line}\n" for line in doc.fixed.rstrip("\n").splitlines())
    assert example in out and fixed in out
    assert ("off by default" in out) == (not doc.default)


def test_explain_unknown_code_is_exit_2() -> None:
    proc = invoke("explain", "PII999")
    assert proc.returncode == 2
    assert "unknown rule 'PII999'" in proc.stderr


def test_console_script_matches_python_m() -> None:
    script = Path(sys.executable).with_name("logmask")
    assert script.exists(), "the package's console script is installed beside python"
    proc = subprocess.run([script, "explain", "PII201"], capture_output=True, text=True)
    assert proc.stdout == run("explain", "PII201").stdout
