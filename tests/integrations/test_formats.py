"""CI gate formats, run through the CLI (in-process): sarif (schema-validated), github, json,
--statistics, --output-file."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.inprocess import invoke, invoke_json
from tests.integrations.conftest import DATA, write

LEAK = """\
import wandb

wandb.log({"user_email": address})
"""

SEVERAL = """\
import mlflow
import wandb

run = wandb.init(project="churn")
run.log({"customer_email": email, "loss": 0.1})
mlflow.log_param("customer_ssn", ssn)
mlflow.set_tag("contact", "reach me at jane.doe@example.org")
"""


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def sarif(*args: str, cwd: Path) -> tuple[int, dict]:
    proc = invoke("check", "--format", "sarif", *args, cwd=cwd)
    assert proc.returncode in (0, 1, 2), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def validate(log: dict, schema: dict) -> None:
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_sarif_validates_and_matches_json(tmp_path: Path, schema: dict) -> None:
    write(tmp_path, "pkg/train.py", SEVERAL)
    write(tmp_path, "leak.py", LEAK)
    code, log = sarif(".", cwd=tmp_path)
    assert code == 1
    validate(log, schema)
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "logmask" and driver["version"]
    findings = invoke_json(".", cwd=tmp_path)
    results = run_["results"]
    assert len(results) == len(findings) >= 4
    for result, finding in zip(results, findings, strict=True):
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == Path(finding["path"]).as_posix()
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"] == {
            "startLine": finding["line"],
            "startColumn": finding["column"],
            "endLine": finding["end_line"],
            "endColumn": finding["end_column"],
        }
        assert result["ruleId"] == finding["code"]
        assert driver["rules"][result["ruleIndex"]]["id"] == finding["code"]
        assert result["message"]["text"] == finding["message"]
        expected = {"high": "error", "medium": "warning"}[finding["confidence"]]
        assert result["level"] == expected
        assert set(result["partialFingerprints"]) == {"logmask/v1"}
        assert ("fixes" in result) == (finding["fix"] is not None)
    assert any(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/train.py"
        for r in results
    )
    assert run_["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_sarif_rules_document_themselves(tmp_path: Path) -> None:
    _, log = sarif(".", cwd=tmp_path)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    # Additive only: the analysis rules keep their sorted indices, engine codes come after.
    assert ids == [*sorted(i for i in ids if i != "PII001"), "PII001"]
    assert {r["id"] for r in rules} >= {"PII101", "PII201", "PII301", "PII402"}
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "Use instead" in rule["help"]["text"]
        assert "```python" in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == "error"
        assert "CWE-532" in rule["properties"]["tags"]
    opt_in = next(r for r in rules if r["id"] == "PII203")
    assert opt_in["defaultConfiguration"]["enabled"] is False


def apply_replacements(text: str, replacements: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    for rep in sorted(
        replacements,
        key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
        reverse=True,
    ):
        region = rep["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        text = text[:start] + rep["insertedContent"]["text"] + text[end:]
    return text


@pytest.mark.parametrize(
    "source",
    [
        LEAK,
        '"""Doc."""\nfrom __future__ import annotations\n\nimport wandb\nwandb.log({"email": e})\n',
        'import mlflow\nmlflow.log_param("customer_ssn", ssn)\n',
    ],
)
def test_sarif_fix_equals_check_fix(tmp_path: Path, source: str) -> None:
    """A SARIF consumer applying the fix gets what `check --fix` writes, the import included."""
    path = write(tmp_path, "one.py", source)
    _, log = sarif("one.py", cwd=tmp_path)
    (result,) = log["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "one.py"
    applied = apply_replacements(source, change["replacements"])
    assert invoke("check", "--fix", "one.py", cwd=tmp_path).returncode == 0
    assert applied == path.read_text(encoding="utf-8")
    assert "import logmask" in applied


def test_sarif_fingerprints_ignore_line_shifts(tmp_path: Path) -> None:
    path = write(tmp_path, "train.py", SEVERAL)
    _, before = sarif("train.py", cwd=tmp_path)
    shifted = SEVERAL.replace("import wandb\n", "import wandb\n\n\nEPOCHS = 3  # unrelated\n")
    path.write_text(shifted, encoding="utf-8")
    _, after = sarif("train.py", cwd=tmp_path)

    def prints(log: dict) -> list[str]:
        return sorted(r["partialFingerprints"]["logmask/v1"] for r in log["runs"][0]["results"])

    lines = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in after["runs"][0]["results"]
    ]
    assert lines != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in before["runs"][0]["results"]
    ]
    assert prints(before) == prints(after)
    assert len(set(prints(after))) == len(prints(after))


def test_sarif_reports_file_errors(tmp_path: Path, schema: dict) -> None:
    write(tmp_path, "leak.py", LEAK)
    write(tmp_path, "broken.py", "import wandb\nwandb.log({'email': x}\n")
    code, log = sarif(".", cwd=tmp_path)
    assert code == 2
    validate(log, schema)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "syntax error" in note["message"]["text"]
    uri = note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "broken.py"
    assert len(log["runs"][0]["results"]) == 1  # the other file is still checked


def test_sarif_clean_run_is_valid(tmp_path: Path, schema: dict) -> None:
    write(tmp_path, "clean.py", "import wandb\nwandb.log({'loss': 0.1})\n")
    code, log = sarif(".", cwd=tmp_path)
    assert code == 0
    validate(log, schema)
    assert log["runs"][0]["results"] == []


def test_github_annotations(tmp_path: Path) -> None:
    write(tmp_path, "train.py", SEVERAL)
    write(tmp_path, "broken.py", "wandb.log({\n")
    proc = invoke("check", "--format", "github", ".", cwd=tmp_path)
    assert proc.returncode == 2
    findings = invoke_json("train.py", cwd=tmp_path)
    lines = proc.stdout.splitlines()
    for finding, line in zip(findings, lines, strict=False):
        assert line.startswith(
            f"::error file=train.py,line={finding['line']},col={finding['column']},"
            f"endLine={finding['end_line']},endColumn={finding['end_column']},"
            f"title={finding['code']}::{finding['code']} "
        )
    assert lines[-1].startswith("::error file=broken.py,title=PII900::")
    assert len(lines) == len(findings) + 1


def test_json_is_a_list_of_findings(tmp_path: Path) -> None:
    write(tmp_path, "train.py", SEVERAL)
    findings = invoke_json("train.py", cwd=tmp_path)
    assert findings and all(
        {"code", "path", "line", "column", "end_line", "end_column", "message", "fix"} <= set(f)
        for f in findings
    )
    assert {f["code"] for f in findings} == {"PII101", "PII103"}


def test_statistics(tmp_path: Path) -> None:
    write(tmp_path, "train.py", SEVERAL)
    proc = invoke("check", "--statistics", "train.py", cwd=tmp_path)
    assert proc.returncode == 1
    rows = [line.split() for line in proc.stdout.splitlines()]
    assert rows == [
        ["2", "PII101", "*", "personal-name-logged"],
        ["1", "PII103", "*", "personal-literal-logged"],
    ]


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_output_file(tmp_path: Path, output_format: str) -> None:
    write(tmp_path, "train.py", SEVERAL)
    to_stdout = invoke("check", "--format", output_format, "train.py", cwd=tmp_path)
    proc = invoke("check", "--format", output_format, "-o", "report.out", "train.py", cwd=tmp_path)
    assert proc.returncode == to_stdout.returncode == 1
    assert proc.stdout == ""
    assert (tmp_path / "report.out").read_text(encoding="utf-8") == to_stdout.stdout
