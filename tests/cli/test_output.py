"""What `logmask check` prints for people: fix marks and summaries, `full` and
`concise`, colour and links, escaped file names, progress. The command runs in-process;
a terminal (pseudo-tty) and what a fresh interpreter imports need the real one."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from logmask.linter import progress, report, terminal
from logmask.linter.config import Config
from logmask.linter.engine import Linter
from tests.inprocess import invoke
from tests.integrations.conftest import REPO

EXAMPLE = REPO / "examples" / "churn_training.py"
ESC = "\x1b["
SGR = re.compile(r"\x1b\[[0-9;]*m")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38)[;m]")
LEAK = 'import wandb\nwandb.log({"user_email": e})\n'


@pytest.fixture
def example(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / "train.py")
    return tmp_path


def run_env(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The command with the colour variables of this environment unset, `env` set."""
    return invoke(*args, cwd=cwd, env={"NO_COLOR": None, "FORCE_COLOR": None, "CI": None, **env})


def run_in_tty(args: list[str], cwd: Path) -> str:
    """The command with stdout and stderr on a pseudo-terminal (as a person runs it)."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "logmask", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**env, "TERM": "xterm-256color", "COLUMNS": "200"},
    )
    os.close(follower)
    return drain(leader, proc).decode("utf-8", "replace")


def drain(leader: int, proc: subprocess.Popen[bytes]) -> bytes:
    """Everything the process wrote to the pseudo-terminal, once it has exited."""
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower side closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks)


# ------------------------------------------------------------------ point 1: what a fix will do


def test_fixable_marks_and_summary(example: Path) -> None:
    proc = invoke("check", "--output-format", "concise", "train.py", cwd=example)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    marked = [line for line in lines if ": PII" in line and " [*] " in line]
    unmarked = [line for line in lines if ": PII" in line and " [*] " not in line]
    assert len(marked) == 3 and len(unmarked) == 2  # two fixes are unsafe
    assert lines[-3:] == [
        "Found 5 findings.",
        "[*] 3 fixable with `logmask check --fix`.",
        "2 hidden fixes can be enabled with `--unsafe-fixes`.",
    ]
    unsafe = invoke(
        "check", "--unsafe-fixes", "--output-format", "concise", "train.py", cwd=example
    )
    assert unsafe.stdout.count(" [*] ") == 5
    assert "hidden" not in unsafe.stdout


def test_fix_reports_fixed_and_remaining_and_show_fixes(example: Path) -> None:
    proc = invoke(
        "check", "--fix", "--show-fixes", "--output-format", "concise", "train.py", cwd=example
    )
    assert proc.returncode == 1
    out = proc.stdout
    assert "Found 5 findings (3 fixed, 2 remaining)." in out
    assert "Fixed 3 findings:\n- train.py:\n" in out
    assert "    2 × PII101 (personal-name-logged)" in out
    assert "    1 × PII202 (personal-source-logged)" in out
    assert "2 hidden fixes can be enabled with `--unsafe-fixes`." in out


def test_exit_non_zero_on_fix(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(LEAK)
    assert invoke("check", "--fix", "a.py", cwd=tmp_path).returncode == 0  # all fixed
    (tmp_path / "a.py").write_text(LEAK)
    proc = invoke("check", "--fix", "--exit-non-zero-on-fix", "a.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Found 1 finding (1 fixed, 0 remaining)." in proc.stdout
    # Nothing to fix: exit 0 with the flag too.
    assert invoke("check", "--fix", "--exit-non-zero-on-fix", "a.py", cwd=tmp_path).returncode == 0


# ------------------------------------------------------------------ point 2: full and concise


def test_default_is_full_on_a_terminal_and_concise_in_a_pipe(example: Path) -> None:
    piped = invoke("check", "train.py", cwd=example).stdout
    assert piped.splitlines()[0].startswith("train.py:15:20: PII202 [*] ")
    assert "^^^" not in piped and ESC not in piped
    shown = run_in_tty(["check", "train.py"], example)
    assert ESC in shown  # colour on a terminal
    plain = SGR.sub("", shown)
    assert "15 | run.log(" in plain
    assert re.search(r"\^{5,} PII202 personal-source-logged", plain)


def test_full_shows_source_caret_rule_name_and_fix_diff(example: Path) -> None:
    proc = run_env(["check", "--output-format", "full", "train.py"], example)
    out = proc.stdout
    assert ESC not in out  # not a terminal: no colour
    block = out.split("\n\n")[0]
    lines = block.splitlines()
    assert lines[0].startswith("train.py:15:20: PII202 [*] ")
    caret = next(line for line in lines if "^" in line)
    source = next(line for line in lines if line.startswith("15 | "))
    start = caret.index("^")
    assert source[start:].startswith("wandb.Table(dataframe=customers.head(20))")
    assert caret.rstrip().endswith("PII202 personal-source-logged")
    fix = out.split("\n\n")[1]
    assert "Safe fix" in fix
    assert "   + import logmask" in fix
    assert '15 - run.log({"sample": wandb.Table(dataframe=customers.head(20))})' in fix
    fixed = "wandb.Table(dataframe=logmask.mask_dataframe(customers.head(20)))})"
    assert '15 + run.log({"sample": ' + fixed in fix
    assert "Unsafe fix (needs `--unsafe-fixes`)" in out
    assert out.rstrip().endswith("2 hidden fixes can be enabled with `--unsafe-fixes`.")


@pytest.mark.parametrize(
    ("env", "coloured"),
    [({"FORCE_COLOR": "1"}, True), ({"NO_COLOR": "1"}, False), ({}, False)],
)
def test_no_color_and_force_color(example: Path, env: dict[str, str], coloured: bool) -> None:
    proc = run_env(["check", "--output-format", "full", "train.py"], example, **env)
    assert (ESC in proc.stdout) is coloured


def test_no_color_on_a_terminal(example: Path) -> None:
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CI")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "logmask", "check", "train.py"],
        cwd=example,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**env, "NO_COLOR": "1", "TERM": "xterm-256color"},
    )
    os.close(follower)
    text = drain(leader, proc).decode()
    assert "^^^" in text and not COLOUR.search(text)  # NO_COLOR: bold may stay, colour goes


def test_rule_name_links_to_its_docs_where_known(monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSC-8 hyperlink (rich writes it) when the package declares a docs URL."""
    monkeypatch.setattr(report, "docs_url", lambda: "https://docs.example/logmask")
    result = Linter(Config()).check_source(LEAK.encode(), "a.py")
    buffer = io.StringIO()
    console = terminal.Console(file=buffer, force_terminal=True, color_system="standard")
    terminal.render_full(console, result.findings, None, {"a.py": LEAK.encode()})
    assert "\x1b]8;" in buffer.getvalue()
    assert "https://docs.example/logmask#pii101" in buffer.getvalue()
    monkeypatch.setattr(report, "docs_url", lambda: None)
    buffer = io.StringIO()
    console = terminal.Console(file=buffer, force_terminal=True, color_system="standard")
    terminal.render_full(console, result.findings, None, {"a.py": LEAK.encode()})
    assert "\x1b]8;" not in buffer.getvalue()


def test_full_output_file_is_plain(example: Path) -> None:
    proc = run_env(
        ["check", "--output-format", "full", "-o", "report.txt", "train.py"],
        example,
        FORCE_COLOR="1",
    )
    assert proc.stdout == ""
    text = (example / "report.txt").read_text(encoding="utf-8")
    assert "^^^" in text and ESC not in text


def test_notebook_cells_in_full_output(tmp_path: Path) -> None:
    import json

    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# title"]},
            {"cell_type": "code", "metadata": {}, "source": ["import wandb\n"], "outputs": []},
            {
                "cell_type": "code",
                "metadata": {},
                "source": ['wandb.log({"user_email": e})\n'],
                "outputs": [],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "n.ipynb").write_text(json.dumps(notebook))
    out = invoke("check", "--output-format", "full", "n.ipynb", cwd=tmp_path).stdout
    assert out.startswith("n.ipynb:cell 3:1:12: PII101 [*] ")
    assert '1 | wandb.log({"user_email": e})' in out
    assert '1 + wandb.log({"user_email": logmask.mask(e)})' in out


# ------------------------------------------------------------------ file names (issue 12 §5)


@pytest.mark.parametrize("fmt", ["concise", "full"])
def test_control_characters_in_file_names_are_escaped(tmp_path: Path, fmt: str) -> None:
    name = "evil\nx.py:1:1: PII999 forged\x1b[31m.py"
    (tmp_path / name).write_text(LEAK)
    proc = invoke("check", "--output-format", fmt, ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout
    assert not any(line.startswith("x.py") for line in proc.stdout.splitlines())
    assert "evil\\nx.py:1:1: PII999 forged\\x1b[31m.py" in proc.stdout


def test_control_characters_in_error_lines_are_escaped(tmp_path: Path) -> None:
    (tmp_path / "bad\nname.py").write_bytes(b"import wandb\nwandb.log({\n")
    proc = invoke("check", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert "bad\\nname.py" in proc.stderr


# ------------------------------------------------------------------ point 3: progress


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "human", "quiet", "ci", "shown"),
    [
        (True, True, False, None, True),
        (False, True, False, None, False),  # a pipe or a log file
        (True, False, False, None, False),  # json, sarif, junit, ...
        (True, True, True, None, False),  # -q
        (True, True, False, "true", False),  # CI=true
        (True, True, False, "1", False),
        (True, True, False, "false", True),
    ],
)
def test_progress_only_where_a_person_watches(
    monkeypatch: pytest.MonkeyPatch,
    tty: bool,
    human: bool,
    quiet: bool,
    ci: str | None,
    shown: bool,
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert progress.wanted(Stream(tty), human and not quiet) is shown


def test_progress_waits_then_counts_then_erases() -> None:
    stream = Stream(True)
    line = progress.Progress(stream, delay=3600, timer=False)
    line(1, 10)
    assert stream.getvalue() == ""  # a short run shows nothing
    line = progress.Progress(stream, delay=0, timer=False)
    line(10, 10)
    assert stream.getvalue() == "\rChecking files: 10/10"
    line.close()
    assert stream.getvalue().endswith("\r" + " " * len("Checking files: 10/10") + "\r")


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX interval timers")
def test_progress_appears_while_the_first_batch_is_still_running() -> None:
    """The timer draws after the delay even before the engine reports a file."""
    stream = Stream(True)
    before = signal.getsignal(signal.SIGALRM)
    line = progress.Progress(stream, delay=0.05)
    try:
        line(0, 1271)
        time.sleep(0.5)  # no callback meanwhile: one batch still being checked
        assert stream.getvalue().startswith("\rChecking files: 0/1271")
        line(640, 1271)
        time.sleep(0.5)
        assert "Checking files: 640/1271" in stream.getvalue()
    finally:
        line.close()
    assert stream.getvalue().endswith("\r")
    assert signal.getsignal(signal.SIGALRM) == before  # the handler is put back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_progress_in_pipes(tmp_path: Path) -> None:
    for index in range(20):
        (tmp_path / f"m{index}.py").write_text(LEAK)
    proc = invoke("check", "-j", "1", "--no-cache", ".", cwd=tmp_path)
    assert "Checking files" not in proc.stderr


def test_machine_and_concise_formats_never_load_rich(tmp_path: Path) -> None:
    """`rich` is loaded for the `full` format only: pipes and CI pay nothing for it."""
    (tmp_path / "a.py").write_text(LEAK)
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from logmask.cli import main\n"
        "for fmt in ('concise', 'json', 'sarif', 'junit', 'gitlab', 'json-lines'):\n"
        "    CliRunner().invoke(main, ['check', '--output-format', fmt, 'a.py'])\n"
        "print('rich' in sys.modules)\n"
        "CliRunner().invoke(main, ['check', '--output-format', 'full', 'a.py'])\n"
        "print('rich' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.split() == ["False", "True"], proc.stderr


def test_format_names_env_and_config(tmp_path: Path) -> None:
    """`--format text` is the old name of concise; the env and the config choose a default."""
    (tmp_path / "a.py").write_text(LEAK)
    concise = invoke("check", "--output-format", "concise", "a.py", cwd=tmp_path).stdout
    assert invoke("check", "--format", "text", "a.py", cwd=tmp_path).stdout == concise
    by_env = run_env(["check", "a.py"], tmp_path, LOGMASK_OUTPUT_FORMAT="json").stdout
    assert json.loads(by_env)[0]["code"] == "PII101"
    (tmp_path / "logmask.toml").write_text('output-format = "full"\n')
    assert "^^^" in invoke("check", "a.py", cwd=tmp_path).stdout
    assert invoke("check", "--output-format", "concise", "a.py", cwd=tmp_path).stdout == concise
