"""junit, gitlab and json-lines through the CLI (in-process), each read by its
consumer's parser.

junit: `junitparser` (the parser CI plugins build on) and the stdlib XML parser;
gitlab: the Code Quality format as GitLab documents it (tests/data, see its
NOTICE); json-lines: one `json` object per line, equal to `--output-format json`.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml

from tests.inprocess import invoke
from tests.integrations.conftest import DATA, write

TRAIN = """\
import mlflow
import wandb

run = wandb.init(project="churn")
run.log({"customer_email": email, "loss": 0.1})
mlflow.log_param("customer_ssn", ssn)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "src/train.py", TRAIN)
    write(tmp_path, "src/clean.py", 'import wandb\nwandb.log({"loss": 0.1})\n')
    (tmp_path / "src" / "broken.py").write_bytes(b"import wandb\nwandb.log({\n")
    return tmp_path


def output(fmt: str, *args: str, cwd: Path) -> str:
    proc = invoke("check", "--output-format", fmt, *args, cwd=cwd)
    assert proc.returncode in (1, 2), proc.stderr
    return proc.stdout


def test_junit_is_read_by_junitparser(project: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    report.write_text(output("junit", "src", cwd=project), encoding="utf-8")
    xml = JUnitXml.fromfile(str(report))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"src/train.py", "src/broken.py"}
    train = suites["src/train.py"]
    assert (train.tests, train.failures, train.errors) == (2, 2, 0)
    cases = list(train)
    assert [c.name for c in cases] == ["logmask.PII101", "logmask.PII101"]
    assert [c._elem.get("line") for c in cases] == ["5", "6"]
    (failure,) = cases[0].result
    assert isinstance(failure, Failure) and "customer_email" in failure.message
    (broken,) = list(suites["src/broken.py"])
    assert isinstance(broken.result[0], Error)


def test_junit_clean_run_has_one_passing_case(tmp_path: Path) -> None:
    write(tmp_path, "a.py", 'import wandb\nwandb.log({"loss": 0.1})\n')
    proc = invoke("check", "--output-format", "junit", "a.py", cwd=tmp_path)
    assert proc.returncode == 0
    (tmp_path / "r.xml").write_text(proc.stdout, encoding="utf-8")
    xml = JUnitXml.fromfile(str(tmp_path / "r.xml"))
    (suite,) = list(xml)
    (case,) = list(suite)
    assert case.is_passed and suite.failures == 0


def test_junit_survives_control_characters_in_names(tmp_path: Path) -> None:
    """XML 1.0 cannot hold \\x01; the name is escaped, the report still parses."""
    name = "odd\x01name.py"
    (tmp_path / name).write_text('import wandb\nwandb.log({"user_email": e})\n')
    text = output("junit", name, cwd=tmp_path)
    (tmp_path / "r.xml").write_text(text, encoding="utf-8")
    (suite,) = list(JUnitXml.fromfile(str(tmp_path / "r.xml")))
    assert suite.name == "odd\\x01name.py"


def test_gitlab_matches_the_documented_format(project: Path) -> None:
    text = output("gitlab", "src", cwd=project)
    assert not text.startswith("\ufeff")  # GitLab's parser rejects a BOM
    issues = json.loads(text)
    schema = json.loads((DATA / "gitlab-codequality-schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(issues, schema)
    assert {(i["check_name"], i["location"]["path"]) for i in issues} == {
        ("PII101", "src/train.py"),
        ("PII900", "src/broken.py"),
    }
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints), "GitLab needs unique fingerprints"


def test_gitlab_fingerprints_survive_moved_code_and_ci_project_dir(project: Path) -> None:
    before = {i["fingerprint"] for i in json.loads(output("gitlab", "src", cwd=project))}
    path = project / "src" / "train.py"
    path.write_text("\n\n# moved\n" + TRAIN, encoding="utf-8")
    after = {i["fingerprint"] for i in json.loads(output("gitlab", "src", cwd=project))}
    assert before == after
    # From another folder, paths stay relative to $CI_PROJECT_DIR.
    proc = invoke(
        "check",
        "--output-format",
        "gitlab",
        str(project),
        cwd=project.parent,
        env={"CI_PROJECT_DIR": str(project)},
    )
    assert {i["location"]["path"] for i in json.loads(proc.stdout)} == {
        "src/train.py",
        "src/broken.py",
    }


def test_json_lines_is_the_json_objects_one_per_line(project: Path) -> None:
    lines = output("json-lines", "src/train.py", cwd=project).splitlines()
    assert [json.loads(line) for line in lines] == json.loads(
        output("json", "src/train.py", cwd=project)
    )
    assert len(lines) == 2


def test_statistics_honours_json(project: Path) -> None:
    rows = json.loads(output("json", "--statistics", "src/train.py", cwd=project))
    assert rows == [
        {
            "code": "PII101",
            "name": "personal-name-logged",
            "count": 2,
            "fixable": True,
            "fixable_count": 2,
        }
    ]
    text = output("concise", "--statistics", "src/train.py", cwd=project)
    assert text.split() == ["2", "PII101", "*", "personal-name-logged"]
