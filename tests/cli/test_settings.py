"""Rules and settings as data, config discovery and errors, cache commands, stdin and
excludes -- through the CLI, in-process (issue 16 points 5 and 8, issue 11, issue 12 §4)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from logmask.rules import RULES
from tests.inprocess import invoke
from tests.integrations.conftest import REPO, write

LEAK = 'import wandb\nwandb.log({"user_email": e})\n'


# ------------------------------------------------------------------ point 5: rules and settings


def test_rules_as_json() -> None:
    proc = invoke("rules", "--output-format", "json")
    assert proc.returncode == 0
    rules = json.loads(proc.stdout)
    assert [r["code"] for r in rules] == sorted(RULES)
    by_code = {r["code"]: r for r in rules}
    assert by_code["PII101"]["fix"] == "safe" and by_code["PII101"]["default"] is True
    assert by_code["PII301"]["fix"] == "unsafe"
    assert by_code["PII401"]["fix"] == "none"
    assert by_code["PII203"]["default"] is False
    assert by_code["PII001"]["name"] == "unused-noqa"
    for rule in rules:
        assert isinstance(rule["default"], bool) and rule["fix"] in ("safe", "unsafe", "none")


@pytest.mark.parametrize("name", ["personal-name-logged", "PERSONAL_NAME_LOGGED", "pii101"])
def test_explain_by_name_or_code(name: str) -> None:
    proc = invoke("explain", name)
    assert proc.returncode == 0
    assert proc.stdout.startswith("PII101 personal-name-logged (on by default)")


def test_explain_unknown_suggests() -> None:
    proc = invoke("explain", "personal-name-loged")
    assert proc.returncode == 2
    assert "did you mean 'personal-name-logged'?" in proc.stderr


def test_show_settings_names_values_and_origins(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.logmask]\nignore = ["PII402"]\n')
    write(tmp_path, "a.py", LEAK)
    proc = invoke("check", "--show-settings", "--select", "PII1", "a.py", cwd=tmp_path)
    assert proc.returncode == 0
    out = proc.stdout
    assert f"Settings path: {tmp_path / 'pyproject.toml'}" in out
    assert 'ignore = ["PII402"]  # ' + str(tmp_path / "pyproject.toml") in out
    assert 'select = ["PII1"]  # command line' in out
    assert "respect-gitignore = true  # default" in out
    assert "# enabled rules: PII101, PII102, PII103" in out


def test_show_files_lists_what_would_be_checked(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.logmask]\nexclude = ["gen"]\n')
    write(tmp_path, "src/a.py", LEAK)
    write(tmp_path, "src/b.pyi", "x: int\n")
    write(tmp_path, "gen/c.py", LEAK)
    write(tmp_path, "notes.txt", "x")
    proc = invoke("check", "--show-files", ".", cwd=tmp_path)
    assert proc.returncode == 0
    assert sorted(Path(p).as_posix() for p in proc.stdout.split()) == ["src/a.py", "src/b.pyi"]


def test_verbose_quiet_silent(tmp_path: Path) -> None:
    write(tmp_path, "a.py", LEAK)
    verbose = invoke("check", "-v", "a.py", cwd=tmp_path)
    assert "logmask: config: none (defaults)" in verbose.stderr
    assert "files checked in" in verbose.stderr
    quiet = invoke("check", "-q", "a.py", cwd=tmp_path)
    assert quiet.returncode == 1
    assert quiet.stdout.startswith("a.py:2:12: PII101") and "Found" not in quiet.stdout
    silent = invoke("check", "-s", "a.py", cwd=tmp_path)
    assert (silent.returncode, silent.stdout, silent.stderr) == (1, "", "")


# ------------------------------------------------------------------ point 8: config files


@pytest.mark.parametrize("name", ["logmask.toml", ".logmask.toml"])
def test_logmask_toml_is_discovered_like_ruff_toml(tmp_path: Path, name: str) -> None:
    write(tmp_path, "pyproject.toml", '[tool.logmask]\nselect = ["PII2"]\n')
    write(tmp_path, "sub/" + name, 'ignore = ["PII101"]\n')
    write(tmp_path, "sub/a.py", LEAK)
    assert (
        json.loads(invoke("check", "--format", "json", "a.py", cwd=tmp_path / "sub").stdout) == []
    )
    proc = invoke("check", "--show-settings", "a.py", cwd=tmp_path / "sub")
    assert f"Settings path: {tmp_path / 'sub' / name}" in proc.stdout


def test_dot_logmask_toml_wins_over_logmask_toml_and_pyproject(tmp_path: Path) -> None:
    write(tmp_path, ".logmask.toml", 'ignore = ["PII101"]\n')
    write(tmp_path, "logmask.toml", "select = []\n")
    write(tmp_path, "pyproject.toml", "[tool.logmask]\nselect = []\n")
    proc = invoke("check", "--show-settings", ".", cwd=tmp_path)
    assert f"Settings path: {tmp_path / '.logmask.toml'}" in proc.stdout


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("pyproject.toml", "[tool.logmask]\nselect = [\n", "pyproject.toml:3:1: invalid TOML"),
        ("pyproject.toml", "[tool.logmask]\nselect = [1,,]\n", "pyproject.toml:2:13: invalid TOML"),
        ("logmask.toml", 'ignore = ["PII101"]\nselct = ["PII1"]\n', "logmask.toml:2: unknown"),
        ("pyproject.toml", '[tool.logmask]\nselct = ["PII1"]\n', "did you mean 'select'?"),
        (
            "pyproject.toml",
            '[tool.logmask]\nextend-exclud = ["x"]\n',
            "did you mean 'extend-exclude'",
        ),
        ("pyproject.toml", "[tool]\nlogmask = 5\n", "must be a table, not int"),
        ("pyproject.toml", "tool = 5\n", "'tool' must be a table"),
        ("pyproject.toml", "[[tool.logmask]]\nselect = []\n", "not an array"),
        ("logmask.toml", "tool = 5\n", "unknown key [tool.logmask] 'tool'"),
        ("pyproject.toml", "[tool.logmask]\noutput-format = 'xml'\n", "output-format must be"),
    ],
)
def test_config_errors_are_one_line_exit_2(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    write(tmp_path, name, text)
    write(tmp_path, "a.py", LEAK)
    proc = invoke("check", "a.py", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_non_utf8_pyproject_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.logmask]\n# caf\xe9\nselect = []\n")
    write(tmp_path, "a.py", LEAK)
    proc = invoke("check", "a.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "config is not UTF-8" in proc.stderr


@pytest.mark.parametrize("option", ["--config", "--baseline"])
def test_fifo_and_device_are_refused_not_read(tmp_path: Path, option: str) -> None:
    write(tmp_path, "a.py", LEAK)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    opener = threading.Timer(30, lambda: open(fifo, "wb").close())  # unblock a hung reader
    opener.start()
    try:
        for target in (str(fifo), "/dev/zero"):
            proc = invoke("check", option, target, "a.py", cwd=tmp_path)
            assert proc.returncode == 2
            assert "not a regular file" in proc.stderr
    finally:
        opener.cancel()


def test_config_option_accepts_logmask_toml(tmp_path: Path) -> None:
    write(tmp_path, "conf/logmask.toml", 'ignore = ["PII101"]\n')
    write(tmp_path, "a.py", LEAK)
    proc = invoke("check", "--config", "conf/logmask.toml", "a.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout


# ------------------------------------------------------------------ excludes (issue 11)


@pytest.mark.parametrize(
    ("pattern", "excluded"),
    [
        ("./src/gen", ["src/gen/a.py"]),
        ("src/gen", ["src/gen/a.py"]),
        ("src/gen/", ["src/gen/a.py"]),
        ("/src/gen", ["src/gen/a.py"]),
        ("gen", ["gen/c.py", "src/gen/a.py"]),  # a bare name matches at any depth
        ("gen_*.py", ["src/gen_b.py"]),
        ("src/*.py", ["src/gen_b.py", "src/main.py"]),  # `*` stays within a folder
        ("**/a.py", ["src/gen/a.py"]),
        ("*.py", ["gen/c.py", "src/gen/a.py", "src/gen_b.py", "src/main.py"]),
    ],
)
def test_exclude_patterns_behave_as_in_ruff(
    tmp_path: Path, pattern: str, excluded: list[str]
) -> None:
    files = ["src/gen/a.py", "src/gen_b.py", "src/main.py", "gen/c.py"]
    for name in files:
        write(tmp_path, name, LEAK)
    write(tmp_path, "pyproject.toml", f'[tool.logmask]\nexclude = ["{pattern}"]\n')
    proc = invoke("check", "--show-files", ".", cwd=tmp_path)
    shown = {Path(p).as_posix() for p in proc.stdout.split()}
    assert shown == set(files) - set(excluded)


def test_force_exclude_with_dot_slash_pattern(tmp_path: Path) -> None:
    write(tmp_path, "src/gen/a.py", LEAK)
    write(tmp_path, "pyproject.toml", '[tool.logmask]\nexclude = ["./src/gen"]\n')
    proc = invoke("check", "--force-exclude", "src/gen/a.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout


# ------------------------------------------------------------------ stdin (issue 11)


def test_stdin_filename_without_dash_reads_stdin(tmp_path: Path) -> None:
    write(tmp_path, "other.py", LEAK)  # the folder has a leak stdin does not
    proc = invoke("check", "--stdin-filename", "x.py", cwd=tmp_path, stdin=LEAK)
    assert proc.returncode == 1
    assert proc.stdout.startswith("x.py:2:12: PII101")
    clean = invoke(
        "check", "--stdin-filename", "x.py", cwd=tmp_path, stdin="import wandb\nwandb.log({})\n"
    )
    assert (clean.returncode, clean.stdout) == (0, "All checks passed.\n")


# ------------------------------------------------------------------ point 8: cache


def test_cache_dir_and_clean(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "a.py", LEAK)
    cache = tmp_path / "elsewhere" / "c"
    assert invoke("check", "--cache-dir", str(cache), "a.py", cwd=tmp_path).returncode == 1
    assert (cache / "CACHEDIR.TAG").is_file() and any((cache / "v1").rglob("*"))
    assert not (tmp_path / ".logmask_cache").exists()
    proc = invoke("clean", "--cache-dir", str(cache), cwd=tmp_path)
    assert proc.returncode == 0 and not cache.exists()
    assert invoke("check", "a.py", cwd=tmp_path).returncode == 1
    assert (tmp_path / ".logmask_cache").is_dir()
    assert invoke("clean", cwd=tmp_path).returncode == 0
    assert not (tmp_path / ".logmask_cache").exists()
    assert "No cache" in invoke("clean", cwd=tmp_path).stdout


def test_clean_refuses_a_folder_logmask_did_not_create(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    write(precious, "keep.txt", "x")
    proc = invoke("clean", "--cache-dir", str(precious), cwd=tmp_path)
    assert proc.returncode == 2 and (precious / "keep.txt").exists()


def test_pre_commit_hooks_take_pyi() -> None:
    from pre_commit.clientlib import load_manifest

    for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml")):
        assert set(hook["types_or"]) == {"python", "pyi", "jupyter"}


def test_pyi_files_are_checked(tmp_path: Path) -> None:
    write(tmp_path, "a.pyi", LEAK)
    assert invoke("check", "a.pyi", cwd=tmp_path).returncode == 1
