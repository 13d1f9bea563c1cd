"""No recognised personal value leaves logmask verbatim: messages, fixes, SARIF, the cache.

`--fix` still writes the real code: fixes come from a fresh parse, never from
a report or the cache.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from logmask.findings import Edit, Fix
from logmask.linter.redaction import redact_display, shown_fix
from tests.inprocess import invoke

SOURCE = """import wandb

wandb.log({"ssn 123-45-6789": v, "user ann.lee@corp.example": 1})
wandb.log({"note": "call ann.lee@corp.example now"})
wandb.log({"card 4111 1111 1111 1111": amount})
"""
RAW = ["123-45-6789", "ann.lee@corp.example", "4111 1111 1111 1111"]


def run(cwd: Path, *args: str, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"LOGMASK_CACHE_DIR": str(cache)} if cache else None
    return invoke("check", "--select", "ALL", "-j", "1", *args, cwd=cwd, env=env)


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_no_personal_literal_in_any_format(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "train.py").write_text(SOURCE)
    cache = tmp_path / "cache"
    for _ in range(2):  # cold, then from the cache
        proc = run(tmp_path, "--format", output_format, "train.py", cache=cache)
        assert proc.returncode == 1, proc.stderr
        for raw in RAW:
            assert raw not in proc.stdout + proc.stderr
        assert "***-**-****" in proc.stdout
    stored = "".join(p.read_text(errors="replace") for p in cache.rglob("*") if p.is_file())
    assert stored and not [raw for raw in RAW if raw in stored]


def test_fix_from_a_warm_cache_still_writes_the_real_code(tmp_path: Path) -> None:
    target = tmp_path / "train.py"
    target.write_text(SOURCE)
    cache = tmp_path / "cache"
    assert run(tmp_path, "train.py", cache=cache).returncode == 1  # warm the cache
    run(tmp_path, "--fix", "train.py", cache=cache)
    fixed = target.read_text()
    assert 'logmask.redact_text("call ann.lee@corp.example now")' in fixed
    assert '"ssn 123-45-6789": logmask.mask(v)' in fixed  # the user's own key is kept


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("key 'ssn 123-45-6789'", "key 'ssn ***-**-****'"),
        (
            'logmask.redact_text("mail ann.lee@corp.example")',
            'logmask.redact_text("mail a***@corp.example")',
        ),
        ("logmask.mask(user_email)", "logmask.mask(user_email)"),
        ("wandb.log logs key 'run_name' unmasked", "wandb.log logs key 'run_name' unmasked"),
        ("mlflow.log_param('model_id', 'v1.2.3')", "mlflow.log_param('model_id', 'v1.2.3')"),
    ],
)
def test_redact_display(text: str, shown: str) -> None:
    assert redact_display(text) == shown


def test_shown_fix_keeps_positions_and_clean_fixes() -> None:
    clean = Fix("Wrap", (Edit(1, 2, 1, 5, "logmask.mask(v)"),), ("import logmask",))
    assert shown_fix(clean) is clean
    leaky = Fix("Redact", (Edit(3, 4, 3, 30, 'f("ssn 123-45-6789")'),), ("import logmask",))
    shown = shown_fix(leaky)
    assert shown.edits == (Edit(3, 4, 3, 30, 'f("ssn ***-**-****")'),)
    assert shown.imports == leaky.imports and shown.message == leaky.message
