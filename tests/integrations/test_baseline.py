"""`--write-baseline` / `--baseline` through the CLI (in-process: the contract, not the process)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.inprocess import invoke
from tests.integrations.conftest import write

TRAIN = """\
import mlflow
import wandb

run = wandb.init(project="churn")
run.log({"customer_email": email, "loss": 0.1})
mlflow.log_param("customer_ssn", ssn)
mlflow.set_tag("contact", "reach me at jane.doe@example.org")
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "src/train.py", TRAIN)
    write(tmp_path, "src/other.py", 'import wandb\nwandb.log({"user_phone": phone})\n')
    proc = invoke("check", "--write-baseline", "logmask-baseline.json", "src", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "recorded 4 findings" in proc.stderr
    assert proc.stdout == ""  # recorded, not reported
    return tmp_path


def check(project: Path, *args: str) -> tuple[int, list[dict]]:
    proc = invoke(
        "check",
        "--baseline",
        "logmask-baseline.json",
        "--format",
        "json",
        *args,
        "src",
        cwd=project,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_baseline_suppresses_what_it_recorded(project: Path) -> None:
    assert check(project) == (0, [])
    proc = invoke("check", "src", cwd=project)
    assert proc.returncode == 1  # without --baseline everything is reported


def test_file_is_stable_sorted_and_readable(project: Path, tmp_path: Path) -> None:
    path = project / "logmask-baseline.json"
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["version"] == 2 and data["tool"] == "logmask"
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    entries = data["findings"]
    assert entries == sorted(entries, key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    for e in entries:
        assert set(e) == {"path", "code", "rule", "line", "message", "fingerprint"}
        assert e["fingerprint"].startswith("sha256:") and len(e["fingerprint"]) == 7 + 64
        assert e["path"] in ("src/train.py", "src/other.py")
    assert {(e["path"], e["line"], e["code"]) for e in entries} == {
        ("src/train.py", 5, "PII101"),
        ("src/train.py", 6, "PII101"),
        ("src/train.py", 7, "PII103"),
        ("src/other.py", 2, "PII101"),
    }
    # Never a personal value: the literal's address is neither verbatim nor partly shown.
    for secret in ("jane", "doe@", "example.org"):
        assert secret not in text
    # Writing again gives the same bytes (no timestamps), from another working directory too.
    proc = invoke("check", "--write-baseline", str(path), str(project / "src"), cwd=tmp_path.parent)
    assert proc.returncode == 0
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda s: "\n\n# a comment\nEPOCHS = 3\n\n" + s, id="lines shifted down"),
        pytest.param(
            lambda s: s.replace('"loss": 0.1', '"loss": 0.25, "acc": 0.9'), id="same line"
        ),
        pytest.param(
            lambda s: s.replace(
                "import wandb\n", "import wandb\n\n\ndef helper():\n    return 1\n"
            ),
            id="unrelated function",
        ),
        pytest.param(lambda s: s.replace('project="churn"', 'project="churn-v2"'), id="arguments"),
    ],
)
def test_unrelated_edits_stay_suppressed(project: Path, edit: Callable[[str], str]) -> None:
    path = project / "src" / "train.py"
    path.write_text(edit(TRAIN), encoding="utf-8")
    before = (project / "logmask-baseline.json").read_bytes()
    assert check(project) == (0, [])
    assert (project / "logmask-baseline.json").read_bytes() == before  # check never rewrites it


@pytest.mark.parametrize(
    ("addition", "code"),
    [
        ('mlflow.log_param("patient_name", name)\n', "PII101"),
        ('run.log({"customer_email": other_email})\n', "PII101"),  # a second identical leak
        ('mlflow.log_table({"email": emails}, "t.json")\n', "PII201"),
    ],
)
def test_new_leaks_are_reported(project: Path, addition: str, code: str) -> None:
    path = project / "src" / "train.py"
    path.write_text("\n\n" + TRAIN + addition, encoding="utf-8")
    full = json.loads(invoke("check", "--format", "json", "src", cwd=project).stdout)
    _, findings = check(project)
    added = len(addition.splitlines())
    last = len(("\n\n" + TRAIN + addition).splitlines())
    assert findings, "a new leak must be reported"
    assert all(last - added < f["line"] <= last for f in findings)
    assert len(full) == 4 + len(findings)
    assert [f["code"] for f in findings] == [code]


def test_new_file_is_reported(project: Path) -> None:
    write(project, "src/extra.py", 'import wandb\nwandb.log({"user_phone": phone})\n')
    _, findings = check(project)
    assert [(Path(f["path"]).name, f["code"]) for f in findings] == [("extra.py", "PII101")]


def test_paths_are_relative_to_the_baseline(project: Path) -> None:
    """Running from another folder (or naming files) matches the same fingerprints."""
    baseline = project / "logmask-baseline.json"
    proc = invoke(
        "check",
        "--baseline",
        str(baseline),
        str(project / "src" / "train.py"),
        cwd=project.parent,
    )
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file not found"),
        ("{not json", "is not JSON"),
        ('{"tool": "logmask", "version": 99, "findings": []}', "version 99 is not supported"),
        ('{"tool": "other", "version": 1}', "not a logmask baseline"),
        ('{"tool": "logmask", "version": 1, "findings": [1]}', "must be a list"),
    ],
)
def test_bad_baseline_is_exit_2(tmp_path: Path, content: str | None, message: str) -> None:
    write(tmp_path, "train.py", TRAIN)
    if content is not None:
        (tmp_path / "b.json").write_text(content, encoding="utf-8")
    proc = invoke("check", "--baseline", "b.json", "train.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr


@pytest.mark.parametrize("other", [["--fix"], ["--diff"], ["--baseline", "x.json"]])
def test_write_baseline_conflicts(tmp_path: Path, other: list[str]) -> None:
    write(tmp_path, "train.py", TRAIN)
    proc = invoke("check", "--write-baseline", "b.json", *other, "train.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--write-baseline cannot be combined" in proc.stderr
    assert not (tmp_path / "b.json").exists()


# ------------------------------------------------------------------ reviewable baselines


def test_baseline_list_shows_what_was_accepted(project: Path) -> None:
    proc = invoke("baseline", "--list", "logmask-baseline.json", cwd=project)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("src/other.py:2: PII101 personal-name-logged: ")
    assert any(
        line.startswith("src/train.py:7: PII103 personal-literal-logged: ") for line in lines
    )
    assert "jane" not in proc.stdout and "example.org" not in proc.stdout
    assert "4 findings accepted by logmask-baseline.json." in proc.stderr
    as_json = json.loads(invoke("baseline", "--format", "json", cwd=project).stdout)
    assert {e["code"] for e in as_json} == {"PII101", "PII103"}


def test_detect_secrets_sees_no_secret_in_a_baseline(project: Path, tmp_path: Path) -> None:
    """The real detect-secrets scanner; the old hash-only layout is flagged, the new one not."""
    import subprocess
    import sys

    def scan(path: Path) -> dict:
        # --all-files: scan the file even though no git repository tracks it.
        proc = subprocess.run(
            [sys.executable, "-m", "detect_secrets", "scan", "--all-files", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)["results"]

    assert scan(project / "logmask-baseline.json") == {}
    data = json.loads((project / "logmask-baseline.json").read_text(encoding="utf-8"))
    old = {
        "version": 1,
        "tool": "logmask",
        "findings": [
            {"code": e["code"], "fingerprint": e["fingerprint"].removeprefix("sha256:")}
            for e in data["findings"]
        ],
    }
    legacy = tmp_path / "legacy.json"
    legacy.write_text(json.dumps(old, indent=2), encoding="utf-8")
    assert scan(legacy), "bare hex hashes read as high-entropy secrets: the test can fail"


def test_version_1_baselines_still_load(project: Path, tmp_path: Path) -> None:
    data = json.loads((project / "logmask-baseline.json").read_text(encoding="utf-8"))
    old = {
        "version": 1,
        "tool": "logmask",
        "findings": [
            {"code": e["code"], "fingerprint": e["fingerprint"].removeprefix("sha256:")}
            for e in data["findings"]
        ],
    }
    (project / "logmask-baseline.json").write_text(json.dumps(old), encoding="utf-8")
    assert check(project) == (0, [])
    listed = invoke("baseline", cwd=project).stdout
    assert "(no details: version 1 file)" in listed


def test_a_run_says_how_many_findings_the_baseline_held_back(project: Path) -> None:
    proc = invoke("check", "--baseline", "logmask-baseline.json", "src", cwd=project)
    assert proc.returncode == 0
    assert proc.stdout == "All checks passed.\n4 findings held back by the baseline.\n"
    write(project, "src/extra.py", 'import wandb\nwandb.log({"user_phone": phone})\n')
    proc = invoke("check", "--baseline", "logmask-baseline.json", "src", cwd=project)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1] == "4 findings held back by the baseline."


def test_fingerprints_match_however_files_are_named(tmp_path: Path) -> None:
    """A baseline outside the project, written with relative names, read with absolute ones."""
    project = tmp_path / "proj"
    write(project, "src/train.py", TRAIN)
    (tmp_path / "baselines").mkdir()
    baseline = tmp_path / "baselines" / "b.json"
    proc = invoke("check", "--write-baseline", str(baseline), "./src", cwd=project)
    assert proc.returncode == 0, proc.stderr
    paths = {e["path"] for e in json.loads(baseline.read_text())["findings"]}
    assert paths == {"../proj/src/train.py"}
    for cwd, target in (
        (tmp_path, str(project / "src" / "train.py")),
        (project / "src", "train.py"),
        (Path("/"), str(project / "src")),
    ):
        proc = invoke("check", "--baseline", str(baseline), target, cwd=cwd)
        assert proc.returncode == 0, (cwd, target, proc.stdout)


def test_deeply_nested_baseline_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "train.py", TRAIN)
    (tmp_path / "b.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    proc = invoke("check", "--baseline", "b.json", "train.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "nested too deeply" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("option", ["--write-baseline", "--output-file"])
def test_missing_folder_is_refused_before_the_run(tmp_path: Path, option: str) -> None:
    write(tmp_path, "train.py", TRAIN)
    proc = invoke("check", "--fix", option, "no/such/dir/out.json", "train.py", cwd=tmp_path)
    if option == "--write-baseline":
        proc = invoke("check", option, "no/such/dir/out.json", "train.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr
    assert "logmask.mask" not in (tmp_path / "train.py").read_text(), "nothing ran"


# ------------------------------------------------------------------ --diff-against


def git(folder: Path, *args: str) -> None:
    import subprocess

    subprocess.run(
        ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_diff_against_reports_only_changed_lines(tmp_path: Path) -> None:
    write(tmp_path, "src/train.py", TRAIN)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    git(tmp_path, "branch", "base")
    path = tmp_path / "src" / "train.py"
    path.write_text(
        "# a new header line\n" + TRAIN + 'mlflow.log_param("patient_name", name)\n',
        encoding="utf-8",
    )
    write(tmp_path, "src/new.py", 'import wandb\nwandb.log({"user_phone": phone})\n')
    proc = invoke("check", "--format", "json", "--diff-against", "base", "src", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    found = sorted((Path(f["path"]).name, f["line"]) for f in json.loads(proc.stdout))
    assert found == [("new.py", 2), ("train.py", 9)]
    # From another folder, with absolute paths: the same.
    proc = invoke(
        "check",
        "--format",
        "json",
        "--diff-against",
        "base",
        str(tmp_path / "src"),
        cwd=tmp_path.parent,
    )
    assert len(json.loads(proc.stdout)) == 2
    # Without it, everything is reported.
    assert len(json.loads(invoke("check", "--format", "json", "src", cwd=tmp_path).stdout)) == 5


def test_diff_against_an_unknown_ref_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path, "train.py", TRAIN)
    git(tmp_path, "init", "-q")
    proc = invoke("check", "--diff-against", "no-such-ref", "train.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--diff-against no-such-ref" in proc.stderr
