"""End to end with the real wandb, offline: a leaking script, fixed by the CLI, leaks nothing.

The script logs customers the ways people do: a Table filled with add_data, a
Table built from list rows, a config value and a summary value. It runs once
as written (the personal values must reach the run folder, or this test proves
nothing), is fixed with `logmask check --fix --unsafe-fixes`, and runs twice
more. Every byte wandb wrote (run folder, staging, cache) is searched.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from tests.e2e.support import (
    CUSTOMERS,
    KEY,
    NEEDLES,
    Timer,
    environment,
    fix_with_cli,
    leaks,
    needs,
    run_all,
    write_project,
)

pytestmark = needs("wandb")

SCRIPT = textwrap.dedent(
    """\
    import json
    import sys

    import wandb

    customers = json.load(open(sys.argv[1], encoding="utf-8"))
    owner = customers[0]["email"]
    run = wandb.init(project="logmask-e2e", config={"lr": 0.01, "owner_email": owner})

    table = wandb.Table(columns=["customer_name", "email", "spend"])
    for c in customers:
        table.add_data(c["name"], c["email"], c["spend"])
    run.log({"customers": table, "loss": 0.5})

    rows = [[c["name"], c["email"], c["spend"]] for c in customers]
    run.log({"ranked": wandb.Table(columns=["customer_name", "email", "spend"], data=rows)})
    run.summary["top_customer_email"] = customers[0]["email"]
    run.finish()
    """
)


def run_scripts(script: Path, inputs: Path, folders: list[Path]) -> None:
    """Run the script once per folder (its WANDB_DIR and every other wandb folder), at once."""
    commands = []
    for folder in folders:
        folder.mkdir()
        commands.append(([sys.executable, str(script), str(inputs)], folder, wandb_env(folder)))
    run_all(commands)


def wandb_env(folder: Path) -> dict[str, str]:
    return environment(
        WANDB_MODE="offline",
        WANDB_DIR=str(folder),
        WANDB_CACHE_DIR=str(folder / "cache"),
        WANDB_CONFIG_DIR=str(folder / "config"),
        WANDB_DATA_DIR=str(folder / "data"),
        WANDB_ARTIFACT_DIR=str(folder / "artifacts"),
        WANDB_SILENT="true",
        WANDB_DISABLE_GIT="true",
        WANDB_DISABLE_CODE="true",
        WANDB_CONSOLE="off",
        WANDB_ERROR_REPORTING="false",
    )


def tables(folder: Path) -> dict[str, dict[str, list[object]]]:
    """The logged tables by key, read from the run folder's media files."""
    found = {}
    for path in folder.rglob("*.table.json"):
        if "/files/media/table/" in path.as_posix():
            found[path.name.split("_")[0]] = json.loads(path.read_text(encoding="utf-8"))
    return found


def run_record(folder: Path) -> bytes:
    (path,) = folder.rglob("run-*.wandb")
    return path.read_bytes()


@pytest.mark.slow
def test_wandb_offline_run_stores_no_personal_data_after_fix(tmp_path: Path) -> None:
    import logmask

    timer = Timer()
    script, inputs = write_project(tmp_path, "train.py", SCRIPT)

    run_scripts(script, inputs, [tmp_path / "before"])
    timer.mark("leaking run")
    leaked = leaks([tmp_path / "before"])
    assert set(leaked) == set(NEEDLES), f"the unfixed script should leak everything: {leaked}"
    assert set(tables(tmp_path / "before")) == {"customers", "ranked"}

    report = fix_with_cli(script)
    timer.mark("fix")
    fixed = script.read_text(encoding="utf-8")
    assert "logmask.mask_dataframe(table" in fixed
    assert 'columns=["customer_name", "email", "spend"]' in fixed.split("mask_records(")[1]
    assert "All checks passed." in report

    run_scripts(script, inputs, [tmp_path / "after1", tmp_path / "after2"])
    timer.mark("two fixed runs")
    assert leaks([tmp_path / "after1", tmp_path / "after2"]) == {}

    pseudonym = {
        value: logmask.mask(value, key=KEY) for c in CUSTOMERS for value in (c["name"], c["email"])
    }
    first, second = tables(tmp_path / "after1"), tables(tmp_path / "after2")
    assert set(first) == {"customers", "ranked"}
    for key, table in first.items():
        expected = [[pseudonym[c["name"]], pseudonym[c["email"]], c["spend"]] for c in CUSTOMERS]
        assert table["data"] == expected, key
        assert second[key]["data"] == table["data"]  # same input, same pseudonym, two runs
    owner = pseudonym[CUSTOMERS[0]["email"]].encode()
    for name in ("after1", "after2"):  # config and summary values live in the run record
        assert run_record(tmp_path / name).count(owner) >= 2
    print(f"wandb e2e: {timer}")
