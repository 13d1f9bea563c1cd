"""The flake8 plugin, through the real `flake8` in a subprocess, against the CLI's JSON
(the CLI runs in-process)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from logmask import flake8 as plugin
from tests.inprocess import invoke, invoke_json
from tests.integrations.conftest import write

FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"
Row = tuple[str, int, int, str]


def flake8(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "flake8",
            "--isolated",
            "--select",
            "PII",
            "--format",
            FORMAT,
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def flake8_rows(*args: str, cwd: Path | None = None) -> list[Row]:
    proc = flake8(*args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    rows = []
    for line in proc.stdout.splitlines():
        path, row, col, code, _ = line.split("\t")
        rows.append((os.path.realpath(os.path.join(cwd or ".", path)), int(row), int(col), code))
    return sorted(rows)


def cli_rows(*args: str, cwd: Path | None = None) -> list[Row]:
    return sorted(
        (os.path.realpath(os.path.join(cwd or ".", f["path"])), f["line"], f["column"], f["code"])
        for f in invoke_json(*args, cwd=cwd)
    )


def test_conformance_cases_match_the_cli(cases: list[Path]) -> None:
    names = [str(p) for p in cases]
    expected = cli_rows(*names)
    assert len(expected) >= 25
    assert flake8_rows(*names) == expected


SNIPPETS = {
    "aliased.py": """\
        import wandb as wb
        from mlflow import log_params

        run = wb.init(project="p")
        run.log({"customer_email": email, "loss": 0.1})
        log_params({"owner_phone": phone})
    """,
    "nested.py": """\
        import mlflow


        class Trainer:
            def fit(self, users):
                with mlflow.start_run():
                    mlflow.log_table(users[["email", "age"]], "users.json")
                    mlflow.set_tag("note", "call +44 20 7946 0958")
    """,
    "unicode.py": """\
        import wandb

        größe = {"näme": 1}
        wandb.log({"größe": größe, "user_email": adresse})
    """,
    "multiline.py": """\
        import wandb

        wandb.log(
            {
                "loss": 0.1,
                "user_email": email,
            }
        )
    """,
    "traced.py": """\
        import mlflow

        @mlflow.trace
        def answer(customer_email, question):
            return question
    """,
    "traced_no_import.py": """\
        @mlflow.trace
        def lookup(customer_email):
            return 1
    """,
    "clean.py": """\
        import wandb

        wandb.log({"loss": 0.1, "user_count": 3})
    """,
    "no_tracker.py": """\
        def log(data):
            print({"user_email": data})
    """,
}


def test_snippets_match_the_cli(tmp_path: Path) -> None:
    for name, source in SNIPPETS.items():
        write(tmp_path, name, source)
    expected = cli_rows(".", cwd=tmp_path)
    assert {Path(r[0]).name for r in expected} == {
        "aliased.py",
        "nested.py",
        "unicode.py",
        "multiline.py",
        "traced.py",
        "traced_no_import.py",
    }
    assert flake8_rows(".", cwd=tmp_path) == expected


def test_reads_tool_logmask_config(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        """\
        [tool.logmask]
        ignore = ["PII103"]
        extend-select = ["PII203"]
        exclude = ["scratch"]
        per-file-ignores = { "legacy/*" = ["PII1"] }
        allowed-names = ["user_email"]
        personal-names = { badge_no = "identity.id" }

        [tool.logmask.sinks]
        "comet_ml.Experiment.log_parameters" = "parameters:mapping"

        [tool.logmask.objects]
        "comet_ml.Experiment" = "comet_ml.Experiment"
        """,
    )
    leak = """\
        import comet_ml
        import wandb

        exp = comet_ml.Experiment()
        exp.log_parameters({"badge_no": badge, "owner_phone": phone})
        wandb.log({"user_email": e, "note": "mail jane.doe@example.org", "customer_ssn": s})
        wandb.log({"reviews": wandb.Table(columns=["review", "score"], data=rows)})
    """
    for name in ("src/train.py", "legacy/old.py", "scratch/try.py"):
        write(tmp_path, name, leak)
    expected = cli_rows(".", cwd=tmp_path)
    codes = {(Path(r[0]).parent.name, r[3]) for r in expected}
    assert ("src", "PII101") in codes and ("src", "PII203") in codes
    assert not any(code == "PII103" for _, code in codes)
    assert not any(folder == "legacy" and code.startswith("PII1") for folder, code in codes)
    assert not any(folder == "scratch" for folder, _ in codes)
    assert flake8_rows(".", cwd=tmp_path) == expected
    # a subfolder's file still finds the config upwards
    assert flake8_rows("src/train.py", cwd=tmp_path) == [r for r in expected if "src" in r[0]]


NOQA_CASES = [
    ("", True),
    ("  # noqa: PII101", False),
    ("  # noqa:PII101,E501", False),
    ("  # noqa: PII1", False),
    ("  # noqa", False),
    ("  # noqa: E501", True),
    ("  # noqa: PII201", True),
]


@pytest.fixture(scope="module")
def noqa_rows(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Row]]:
    """One flake8 run over a file per noqa case (t0.py, t1.py, ...): one process, not seven."""
    folder = tmp_path_factory.mktemp("noqa")
    for index, (comment, _) in enumerate(NOQA_CASES):
        write(folder, f"t{index}.py", f'import wandb\nwandb.log({{"user_email": e}}){comment}\n')
    names = [f"t{index}.py" for index in range(len(NOQA_CASES))]
    return folder, flake8_rows(*names, cwd=folder)


@pytest.mark.parametrize(
    ("index", "comment", "reported"), [(i, *c) for i, c in enumerate(NOQA_CASES)]
)
def test_flake8_noqa(
    noqa_rows: tuple[Path, list[Row]], index: int, comment: str, reported: bool
) -> None:
    folder, all_rows = noqa_rows
    name = f"t{index}.py"
    rows = [r for r in all_rows if Path(r[0]).name == name]
    assert [r[1:] for r in rows] == ([(2, 12, "PII101")] if reported else [])
    assert rows == cli_rows(name, cwd=folder)


def test_message_points_to_the_fix(tmp_path: Path) -> None:
    write(tmp_path, "t.py", 'import wandb\nwandb.log({"user_email": e})\n')
    proc = flake8("t.py", cwd=tmp_path)
    assert proc.stdout.rstrip().endswith("unmasked (fix: logmask check --fix)")


def test_bad_config_is_a_pii900_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.logmask]\nselct = ["PII"]\n')
    write(tmp_path, "t.py", 'import wandb\nwandb.log({"user_email": e})\n')
    proc = flake8("t.py", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    (line,) = proc.stdout.splitlines()
    _, row, col, code, text = line.split("\t")
    assert (row, col, code) == ("1", "1", "PII900")
    assert "selct" in text
    assert invoke("check", "t.py", cwd=tmp_path).returncode == 2


def test_internal_error_is_a_pii900(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = write(tmp_path, "t.py", 'import wandb\nwandb.log({"user_email": e})\n')
    source = path.read_text()

    def boom(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("logmask.linter.engine.Linter.check_source", boom)
    reports = list(plugin.Plugin(ast.parse(source), str(path), source.splitlines(True)).run())
    assert [(r[0], r[1], r[2].split()[0]) for r in reports] == [(1, 0, "PII900")]
    assert "RuntimeError: boom" in reports[0][2]


def test_prefilter_skips_libcst(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A module importing no tracker never reaches the engine (the stdlib tree decides)."""
    calls: list[str] = []
    original = plugin._linter(None).__class__.check_source

    def spy(self, data: bytes, path: str):  # type: ignore[no-untyped-def]
        calls.append(path)
        return original(self, data, path)

    monkeypatch.setattr("logmask.linter.engine.Linter.check_source", spy)
    for name, source in SNIPPETS.items():
        path = write(tmp_path, name, source)
        text = path.read_text()
        list(plugin.Plugin(ast.parse(text), str(path), text.splitlines(True)).run())
    assert sorted(Path(c).name for c in calls) == sorted(set(SNIPPETS) - {"no_tracker.py"})


def test_prefilter_never_drops_a_finding(tmp_path: Path, cases: list[Path]) -> None:
    """The stdlib-tree prefilter keeps every file with a finding (it must be exact)."""
    linter = plugin._linter(None)
    sources = [p.read_text(encoding="utf-8") for p in cases] + list(SNIPPETS.values())
    for source in sources:
        source = textwrap.dedent(source)
        if linter.check_source(source.encode(), "x.py").findings:
            assert linter.candidates.tree_reaches_sink(ast.parse(source)), source


def test_plugin_is_registered() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True, check=True
    )
    assert "logmask: " in proc.stdout
