"""Notebooks through the CLI (in-process): code cells checked, findings by cell,
byte-exact fixes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.inprocess import invoke, invoke_json
from tests.integrations.conftest import DATA


def code(*lines: str, outputs: list | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": outputs or [],
        "source": list(lines),
    }


def markdown(*lines: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": list(lines)}


def notebook(*cells: dict[str, Any], language: str = "python") -> dict[str, Any]:
    return {
        "cells": list(cells),
        "metadata": {
            "kernelspec": {"display_name": "K", "language": language, "name": "k"},
            "language_info": {"name": language},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def save(path: Path, nb: dict[str, Any], **dump: Any) -> Path:
    """Write like Jupyter does (indent 1, unicode kept) unless told otherwise."""
    options = {"indent": 1, "ensure_ascii": False, **dump}
    path.write_text(json.dumps(nb, **options) + "\n", encoding="utf-8")
    return path


TRAINING = notebook(
    markdown("# Churn\n", "Logs a run."),
    code("%matplotlib inline\n", "import wandb\n", "import pandas as pd"),
    code(
        "!pip install -q wandb\n",
        'run = wandb.init(project="churn")\n',
        "files = !ls data\n",
        'run.log({"user_email": email, "loss": 0.1})',
        outputs=[{"name": "stdout", "output_type": "stream", "text": ["héllo ✓\n"]}],
    ),
    code("%%bash\n", 'echo "wandb.log({\\"email\\": 1})"\n'),
    code(
        "%%time\n",
        "for user in users:\n",
        "    %time step = 1\n",
        '    wandb.log({"customer_phone": user.phone})\n',
    ),
    code('wandb.log({"loss": 0.2})\n'),
)


def test_findings_name_cell_and_line(tmp_path: Path) -> None:
    path = save(tmp_path / "train.ipynb", TRAINING)
    proc = invoke("check", "train.ipynb", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[:2] == [
        "train.ipynb:cell 3:4:10: PII101 [*] wandb.Run.log logs key 'user_email' "
        "(email, contact.email) unmasked",
        "train.ipynb:cell 5:4:16: PII101 [*] wandb.log logs key 'customer_phone' "
        "(phone, contact.phone) unmasked",
    ]
    findings = invoke_json("train.ipynb", cwd=tmp_path)
    assert [(f["cell"], f["line"], f["column"], f["end_line"]) for f in findings] == [
        (3, 4, 10, 4),
        (5, 4, 16, 4),
    ]
    assert findings[0]["fix"]["edits"][0]["line"] == 4  # edits are cell lines too
    assert path.read_bytes() == save(tmp_path / "again.ipynb", TRAINING).read_bytes()


def test_fix_rewrites_only_changed_cells(tmp_path: Path) -> None:
    path = save(tmp_path / "train.ipynb", TRAINING)
    before = path.read_text(encoding="utf-8")
    proc = invoke("check", "--fix", "train.ipynb", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = path.read_text(encoding="utf-8")
    old, new = json.loads(before), json.loads(after)
    sources = ["".join(c["source"]) for c in new["cells"]]
    assert sources[1] == "%matplotlib inline\nimport wandb\nimport pandas as pd\nimport logmask"
    assert sources[2].splitlines()[0] == "!pip install -q wandb"  # magics come back
    assert sources[2].endswith('run.log({"user_email": logmask.mask(email), "loss": 0.1})')
    assert "    %time step = 1\n" in sources[4]
    assert "logmask.mask(user.phone)" in sources[4]
    unchanged = [0, 3, 5]
    for i in unchanged:
        assert new["cells"][i] == old["cells"][i]
    for o, n in zip(old["cells"], new["cells"], strict=True):  # outputs, metadata kept
        assert {k: v for k, v in o.items() if k != "source"} == {
            k: v for k, v in n.items() if k != "source"
        }
    # Byte-identical outside the changed sources: the same JSON re-serialised with the
    # new sources put back gives exactly the new text.
    rebuilt = json.loads(before)
    for o, n in zip(rebuilt["cells"], new["cells"], strict=True):
        o["source"] = n["source"]
    assert after == json.dumps(rebuilt, indent=1, ensure_ascii=False) + "\n"
    # and a second run has nothing left to do
    assert invoke("check", "--fix", "train.ipynb", cwd=tmp_path).returncode == 0
    assert path.read_text(encoding="utf-8") == after


@pytest.mark.parametrize(
    "dump",
    [
        pytest.param({"indent": 2}, id="indent 2"),
        pytest.param({"indent": 1, "ensure_ascii": True}, id="ascii escapes"),
        pytest.param({"indent": 1, "sort_keys": True}, id="sorted keys"),
        pytest.param({"indent": None, "separators": (",", ":")}, id="compact"),
        pytest.param({"indent": "\t"}, id="tabs"),
    ],
)
def test_fix_keeps_the_notebooks_own_layout(tmp_path: Path, dump: dict[str, Any]) -> None:
    nb = notebook(
        code("import wandb\n", "# ünïcode comment ✓\n"),
        code('wandb.log({"user_email": email})\n', "x = 1\n"),
        code("print('done')"),
    )
    path = save(tmp_path / "n.ipynb", nb, **dump)
    assert invoke("check", "--fix", "n.ipynb", cwd=tmp_path).returncode == 0
    fixed = json.loads(path.read_text(encoding="utf-8"))
    assert "logmask.mask(email)" in "".join(fixed["cells"][1]["source"])
    expected = json.loads(json.dumps(nb))
    for o, n in zip(expected["cells"], fixed["cells"], strict=True):
        o["source"] = n["source"]
    assert (
        path.read_text(encoding="utf-8")
        == json.dumps(expected, **{"ensure_ascii": False, **dump}) + "\n"
    )


def test_clean_notebook_is_untouched(tmp_path: Path) -> None:
    cell = '{"cell_type": "code", "source": "import wandb\\nwandb.log({\\"loss\\": 1})", '
    cell += '"metadata": {}, "outputs": [], "execution_count": 3}'
    text = '{"cells": [' + cell + '], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}'
    path = tmp_path / "clean.ipynb"
    path.write_text(text, encoding="utf-8")
    proc = invoke("check", "--fix", "clean.ipynb", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "All checks passed.\n"
    assert path.read_text(encoding="utf-8") == text


def test_string_source_is_fixed_as_a_string(tmp_path: Path) -> None:
    nb = notebook(code())
    nb["cells"][0]["source"] = 'import wandb\nwandb.log({"user_email": e})'
    path = save(tmp_path / "s.ipynb", nb)
    assert invoke("check", "--fix", "s.ipynb", cwd=tmp_path).returncode == 0
    source = json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"]
    assert isinstance(source, str) and "logmask.mask(e)" in source


def test_cells_share_one_module(tmp_path: Path) -> None:
    """An import in the first cell resolves the tracker used three cells later."""
    nb = notebook(
        code("import mlflow\n"),
        code("df = load()\n"),
        markdown("text"),
        code('mlflow.log_param("customer_ssn", ssn)  # noqa: PII102\n'),
        code('mlflow.log_param("patient_name", name)  # noqa: PII101\n'),
    )
    save(tmp_path / "m.ipynb", nb)
    findings = invoke_json("m.ipynb", cwd=tmp_path)
    assert [(f["cell"], f["line"], f["code"]) for f in findings] == [(4, 1, "PII101")]


def test_cell_magics_that_are_not_python_are_skipped(tmp_path: Path) -> None:
    nb = notebook(
        code("import wandb\n"),
        code("%%bash\n", "wandb.log({'user_email': e})\n"),
        code("%%writefile x.py\n", "wandb.log({'user_email': e})\n"),
        code("wandb.log?\n", "wandb.init??\n", "ls = !ls\n", "%load_ext autoreload\n"),
    )
    save(tmp_path / "m.ipynb", nb)
    proc = invoke("check", "m.ipynb", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "All checks passed.\n", "")


def test_syntax_error_names_the_cell(tmp_path: Path) -> None:
    save(tmp_path / "bad.ipynb", notebook(code("import wandb\n"), code("x = (\n", "y = 2\n")))
    proc = invoke("check", "bad.ipynb", cwd=tmp_path)
    assert proc.returncode == 2
    assert "bad.ipynb: syntax error at cell 2, line" in proc.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"worksheets": [], "nbformat": 3}', "nbformat 3 notebooks are not supported"),
        ("[1, 2]", "no 'cells' list"),
        (b"\xff\xfe{}", "not valid UTF-8"),
    ],
)
def test_unreadable_notebooks_are_errors(tmp_path: Path, text: str | bytes, message: str) -> None:
    path = tmp_path / "x.ipynb"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    proc = invoke("check", "x.ipynb", cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_other_kernels_are_skipped(tmp_path: Path) -> None:
    nb = notebook(code("library(wandb)\n", "wandb.log(list(email = e))\n"), language="R")
    save(tmp_path / "r.ipynb", nb)
    assert invoke("check", "r.ipynb", cwd=tmp_path).returncode == 0


def test_folders_include_notebooks_and_diff_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "nbs").mkdir()
    path = save(tmp_path / "nbs" / "train.ipynb", TRAINING)
    before = path.read_bytes()
    proc = invoke("check", "--diff", ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert '+    "run.log({\\"user_email\\": logmask.mask(email)' in proc.stdout
    assert path.read_bytes() == before


def test_stdin_notebook(tmp_path: Path) -> None:
    text = json.dumps(TRAINING, indent=1)
    proc = invoke(
        "check", "-", "--stdin-filename", "nb.ipynb", "--format", "json", cwd=tmp_path, stdin=text
    )
    assert proc.returncode == 1
    assert [f["cell"] for f in json.loads(proc.stdout)] == [3, 5]


def test_sarif_names_the_cell(tmp_path: Path) -> None:
    save(tmp_path / "train.ipynb", TRAINING)
    proc = invoke("check", "--format", "sarif", "train.ipynb", cwd=tmp_path)
    log = json.loads(proc.stdout)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    result = log["runs"][0]["results"][0]
    assert result["message"]["text"].startswith("cell 3, line 4: ")
    assert result["properties"]["cell"] == 3
    assert "region" not in result["locations"][0]["physicalLocation"]


def test_github_annotations_point_at_the_cell(tmp_path: Path) -> None:
    path = save(tmp_path / "train.ipynb", TRAINING)
    proc = invoke("check", "--format", "github", "train.ipynb", cwd=tmp_path)
    first = proc.stdout.splitlines()[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, text in enumerate(lines, 1) if '"!pip install -q wandb' in text)
    assert first.startswith(f"::error file=train.ipynb,line={start},title=PII101::")
    assert first.endswith(
        "::PII101 cell 3, line 4: wandb.Run.log logs key 'user_email' "
        "(email, contact.email) unmasked"
    )


def test_exports_through_the_cli(tmp_path: Path) -> None:
    text = (
        "# Databricks notebook source\n%pip install wandb\nimport wandb\n\n"
        "# COMMAND ----------\n\nwandb.log({'user_email': e})\n"
    )
    path = tmp_path / "export.py"
    path.write_text(text, encoding="utf-8")
    proc = invoke("check", "--fix", "export.py", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "Found 1 finding (1 fixed, 0 remaining).\n")
    assert path.read_text(encoding="utf-8") == text.replace(
        "import wandb\n", "import logmask\nimport wandb\n"
    ).replace("{'user_email': e}", "{'user_email': logmask.mask(e)}")
