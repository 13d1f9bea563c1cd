"""One file never takes the run down: LibCST's limits, crashing and hanging workers, stdin.

Files that crashed or hung LibCST before the complexity screen are checked
for real. What still could crash is simulated by a LibCST pass that dies, hangs
or exhausts memory on marked files, put in place of the real one in the test
process (the CLI runs in-process; its workers are forked from it, so they
inherit the hostile pass) or, to kill the main process, in a wrapper around the
real command.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from logmask.linter import libcst_pass, prefilter
from logmask.linter.engine import Linter
from logmask.linter.prefilter import MAX_BRACKETS, MAX_DEPTH, MAX_TOKENS, CandidateFilter
from logmask.rules.trackers import TrackerModel
from tests.inprocess import invoke

LEAK = b'import wandb\nwandb.log({"user_email": e})\n'
HEADER = "import wandb\n"


def deep_list(n: int) -> str:
    return HEADER + "x = " + "[" * n + "]" * n + "\n"


def chain(op: str, n: int) -> str:
    return HEADER + "x = " + f" {op} ".join(["a"] * n) + "\n"


def concatenated(n: int) -> str:
    parts = "".join(f"        'select {i} from t'\n" for i in range(n))
    return HEADER + f'wandb.log({{"user_email": e, "sql": (\n{parts}    )}})\n'


# The reproductions of the issue: today's segfaults (a list 1,500 deep, 10,000 `and` terms)
# and hang (20,000 `+` terms).
HOSTILE = {
    "deep_list.py": deep_list(1500),
    "and_chain.py": chain("and", 10_000),
    "plus_chain.py": chain("+", 20_000),
}


def run(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return invoke("check", "--no-cache", *args, cwd=cwd, stdin=stdin)


def cores(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("core*") if p.is_file()]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_tree_with_files_that_crashed_libcst(tmp_path: Path, jobs: str) -> None:
    for name, source in HOSTILE.items():
        (tmp_path / name).write_text(source)
    (tmp_path / "leak.py").write_bytes(LEAK)
    (tmp_path / "other.py").write_bytes(LEAK.replace(b"user_email", b"customer_phone"))
    proc = run(tmp_path, "-j", jobs, ".")
    out, err = proc.stdout, proc.stderr
    assert proc.returncode == 2, (proc.returncode, out, err)
    assert "./leak.py:2:12: PII101" in out and "./other.py:2:12: PII101" in out
    errors = sorted(line for line in err.splitlines() if line.startswith("logmask: error:"))
    assert errors == [
        "logmask: error: ./and_chain.py: too complex to check: 10003-deep expression "
        f"(the limit is {MAX_DEPTH})",
        "logmask: error: ./deep_list.py: too complex to check: brackets nested more than "
        f"{MAX_BRACKETS} deep",
        "logmask: error: ./plus_chain.py: too complex to check: 20002-deep expression "
        f"(the limit is {MAX_DEPTH})",
    ]
    assert "Traceback" not in err and not cores(tmp_path)


def test_stdin_fix_of_a_file_it_cannot_check_prints_it_unchanged(tmp_path: Path) -> None:
    source = HOSTILE["plus_chain.py"].encode()
    proc = run(tmp_path, "--fix", "-", "--stdin-filename", "x.py", stdin=source)
    assert proc.stdout.encode() == source
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1].startswith("logmask: error: x.py: too complex")


# ------------------------------------------------------------------ simulated crashes
HOSTILE_CHECK = """
import os, signal, time
from logmask.linter import libcst_pass
real = libcst_pass.check_module
def hostile(linter, data, result, *rest):
    if b"CRASH" in data:
        os.kill(os.getpid(), signal.SIGSEGV)
    if b"HANG" in data:
        open(f"hung.{os.getpid()}", "w").close()
        time.sleep(3600)
    if b"ABORT" in data:
        os.write(2, b"memory allocation of 8589934592 bytes failed\\n")
        os.abort()
    if b"GREEDY" in data:
        bytearray(16 * 2**30)
    return real(linter, data, result, *rest)
"""
# The real command with the hostile pass.
HOSTILE_PASS = (
    HOSTILE_CHECK
    + """
import sys
libcst_pass.check_module = hostile
from logmask.cli import main
main(["check", "--no-cache", *sys.argv[1:]])
"""
)


@pytest.fixture
def hostile_run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`logmask check --no-cache ARGS` in-process, with the hostile pass in place."""
    namespace: dict[str, Any] = {}
    exec(HOSTILE_CHECK, namespace)
    dying = namespace["hostile"]

    def hostile(linter: Linter, data: bytes, *rest: object) -> object:
        if b"CRASH" in data or b"ABORT" in data:
            faulthandler.disable()  # pytest's, inherited by the worker: no real run has it
        return dying(linter, data, *rest)

    monkeypatch.setattr(libcst_pass, "check_module", hostile)
    return run


def marked(marker: str) -> bytes:
    return LEAK + f"# {marker}\n".encode()


@pytest.mark.parametrize(
    ("marker", "line", "args"),
    [
        ("CRASH", "the parser crashed on this file (SIGSEGV); not checked", ()),
        ("CRASH", "the parser crashed on this file (SIGSEGV); not checked", ("--fix",)),
        ("ABORT", "out of memory while checking (limit 4 GB per worker)", ()),
        ("GREEDY", "out of memory while checking", ()),
        pytest.param(
            "HANG",
            "took more than 10 s to check; not checked (raise the limit with --timeout)",
            (),
            marks=pytest.mark.slow,  # waits out the 10 s limit
        ),
    ],
)
def test_a_worker_that_dies_or_hangs_costs_one_line(
    hostile_run: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
    marker: str,
    line: str,
    args: tuple[str, ...],
) -> None:
    for i in range(12):  # enough files for two workers
        (tmp_path / f"f{i:02}.py").write_bytes(LEAK)
    bad = tmp_path / "bad.py"
    bad.write_bytes(marked(marker))
    started = time.monotonic()
    proc = hostile_run(tmp_path, "-j", "2", "--timeout", "10", *args, ".")
    out, err = proc.stdout, proc.stderr
    assert proc.returncode == 2, (out, err)
    assert err.splitlines()[-1] == f"logmask: error: ./bad.py: {line}"
    assert [ln for ln in err.splitlines() if ln.startswith("logmask: error")] == [
        err.splitlines()[-1]
    ]
    assert "memory allocation" not in err and "Traceback" not in err  # worker noise kept out
    if "--fix" in args:  # the parent never parsed the file that killed a worker
        assert bad.read_bytes() == marked(marker)
        assert "(12 fixed, 0 remaining)" in out
    else:
        assert sum(f"f{i:02}.py:2:12: PII101" in out for i in range(12)) == 12
    assert not cores(tmp_path)
    assert time.monotonic() - started < 120


def test_stdin_that_kills_its_worker_is_printed_unchanged(
    hostile_run: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    source = marked("CRASH")
    proc = hostile_run(tmp_path, "--fix", "-", "--stdin-filename", "x.py", stdin=source)
    assert proc.stdout.encode() == source
    assert proc.stderr.splitlines()[-1] == (
        "logmask: error: x.py: the parser crashed on this file (SIGSEGV); not checked"
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_exit_when_the_main_process_is_killed(tmp_path: Path, how: int) -> None:
    (tmp_path / "bad.py").write_bytes(marked("HANG"))
    process = subprocess.Popen(
        [sys.executable, "-c", HOSTILE_PASS, "-j", "2", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("hung.*")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    worker = int(next(tmp_path.glob("hung.*")).name.split(".")[1])
    assert Path(f"/proc/{worker}").exists()
    process.send_signal(how)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


# ------------------------------------------------------------------ the screen's limits
SCREEN = CandidateFilter(TrackerModel())


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (chain("+", MAX_DEPTH - 10), None),
        (chain("+", MAX_DEPTH + 10), "1012-deep expression"),
        (chain("and", MAX_DEPTH - 10), None),
        (chain("and", MAX_DEPTH + 10), "1013-deep expression"),
        (HEADER + "x = a" + ".b" * (MAX_DEPTH + 10) + "\n", "1013-deep expression"),
        (HEADER + "x = a" + "[0]" * (MAX_DEPTH - 10) + "\n", None),
        (HEADER + "if a:\n    pass\n" + "elif a:\n    pass\n" * (MAX_DEPTH + 10), "deep"),
        (concatenated(400), None),  # a long SQL query is valid code
        (concatenated(MAX_DEPTH - 20), None),
        (concatenated(MAX_DEPTH + 10), "deep expression"),
        (deep_list(MAX_BRACKETS - 10), None),
        (deep_list(MAX_BRACKETS + 1), f"brackets nested more than {MAX_BRACKETS} deep"),
        # syntax newer than this Python goes to LibCST, still screened by its tokens
        (HEADER + "type X = int\nx = " + " + ".join(["a"] * (MAX_DEPTH + 10)), "deep"),
        (HEADER + "type X = int\nx = " + "(" * 300 + ")" * 300, "brackets nested"),
        (HEADER + "x = " + "'''doc''' " * 5 + "\n", None),
    ],
)
def test_complexity_limits(source: str, problem: str | None) -> None:
    screen = SCREEN.screen(source.encode())
    assert screen.needs_libcst
    if problem is None:
        assert screen.problem is None
    else:
        assert screen.problem is not None and problem in screen.problem
        assert screen.problem.startswith("too complex to check: ")


def test_too_many_tokens_is_one_line_before_any_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    source = (HEADER + "x = [" + ",".join(["1"] * (MAX_TOKENS // 2 + 10)) + "]\n").encode()
    parsed: list[bytes] = []
    monkeypatch.setattr(prefilter.ast, "parse", lambda data: parsed.append(data))
    screen = SCREEN.screen(source)
    assert screen.problem is not None and parsed == []
    assert screen.problem.startswith("too large to check: 500") and "GB of memory" in screen.problem


def test_a_big_literal_is_not_too_large() -> None:
    """A generated module's one huge literal is one token (LibCST takes it cheaply)."""
    source = HEADER + "BLOB = " + repr(bytes(range(256)) * 4096) + "\n"
    assert len(source) > MAX_TOKENS
    assert SCREEN.screen(source.encode()).problem is None


@pytest.mark.parametrize(
    "source",
    [
        concatenated(400),
        concatenated(MAX_DEPTH - 20),
        chain("and", MAX_DEPTH - 10) + 'wandb.log({"user_email": e})\n',
        HEADER + "if a:\n    pass\n" + "elif a:\n    pass\n" * 900 + 'wandb.log({"email": e})\n',
    ],
)
def test_valid_deep_code_within_the_limits_is_checked_and_fixed(source: str) -> None:
    from logmask.linter.runner import FixMode, check_one

    linter = Linter()
    result = linter.check_source(source.encode(), "deep.py")
    assert result.errors == [] and [f.code for f in result.findings] == ["PII101"]
    checked = check_one(linter, result, FixMode(compute=True))
    assert checked.fixed is not None and b"logmask.mask(e)" in checked.fixed
    assert checked.result.errors == [] and checked.result.findings == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b"import wandb\nx = = 1\n", "syntax error at line 2:5: invalid syntax"),
        (b'import wandb\nprint "x"\n', "syntax error at line 2:1: Missing parentheses in call"),
        (b"import wandb\nx = 'abc\n", "syntax error at line 2:5: unterminated string literal"),
        (b"import wandb\nif x:\nwandb.log(1)\n", "syntax error at line 3:1: expected an indented"),
        (b"import wandb\nx = (1,\n", "syntax error at line 2:5: '(' was never closed"),
        (
            b"# coding: utf-16\nimport wandb\n",
            "declares the encoding utf-16 in its coding cookie, which Python cannot read",
        ),
    ],
)
def test_syntax_errors_give_cpythons_reason_and_line(source: bytes, message: str) -> None:
    errors = [e.message for e in Linter().check_source(source, "bad.py").errors]
    assert len(errors) == 1 and errors[0].startswith(message), errors


def test_jobs_are_capped_at_the_available_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    from logmask.linter import parallel

    monkeypatch.setattr(parallel, "available_cores", lambda: 3)
    assert [parallel.capped_jobs(j) for j in (None, 0, 1, 2, 3, 64)] == [3, 3, 1, 2, 3, 3]
    assert os.cpu_count()  # the real count is what the CLI uses
