"""Odd files through the CLI (in-process): one clear line each, nothing else affected, exit 2.

Every case is checked beside `leak.py`, which must still be reported.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from logmask.cli import main
from tests.inprocess import invoke

LEAK = b'import wandb\nwandb.log({"user_email": e})\n'
LEAK_LINE = "leak.py:2:12: PII101"
NEWEST = b"""import wandb
type Pair[T] = tuple[T, T]
def first[T](pair: Pair[T]) -> T:
    return pair[0]
match command:
    case {"email": email}:
        wandb.log({"user_email": email})
label = f"{user["name"]!r:>{width}} {f"{nested}"}"
"""


def big_generated() -> bytes:
    """About 10 MB, like a generated protobuf module: one huge literal, a leak at the end."""
    chunk = bytes(range(256)) * 1024
    literal = repr(chunk * 10)  # ~10 MB of escapes on one line
    return f"import wandb\n\nDESCRIPTOR = {literal}\n\nwandb.log({{'user_email': e}})\n".encode()


def write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def unreadable(path: Path) -> None:
    if os.geteuid() != 0:
        path.write_bytes(LEAK)
        path.chmod(0)
        return
    # Root reads any file whatever its mode; /proc/self/mem fails to read at offset 0.
    if not Path("/proc/self/mem").exists():
        pytest.skip("running as root and no /proc/self/mem: no way to make a file unreadable")
    path.symlink_to("/proc/self/mem")


def loop(path: Path) -> None:
    other = path.with_name("loop_other.py")
    other.symlink_to(path.name)
    path.symlink_to(other.name)


# name -> (make the file, expected: an error message part, or a finding line part, or "")
CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "syntax_error.py": (write(b"import wandb\nx = = 1\n"), "syntax error at line 2", ""),
    "python2.py": (write(b'import wandb\nprint "x"\n'), "syntax error at line", ""),
    "newest.py": (write(NEWEST), "", "newest.py:7:20: PII101"),
    "latin1_no_cookie.py": (write(b"import wandb\nname = '\xe9'\n"), "not valid UTF-8", ""),
    "latin1_cookie.py": (
        write(
            b"# -*- coding: latin-1 -*-\nimport wandb\nn = '\xe9'\nwandb.log({'user_email': e})\n"
        ),
        "",
        "latin1_cookie.py:4:12: PII101",
    ),
    "bom.py": (write(b"\xef\xbb\xbf" + LEAK), "", "bom.py:2:12: PII101"),
    "crlf.py": (write(LEAK.replace(b"\n", b"\r\n")), "", "crlf.py:2:12: PII101"),
    "binary.py": (write(b"\x00\x01\x02wandb\xff\xfe"), "binary file", ""),
    "empty.py": (write(b""), "", ""),
    "big_generated.py": (write(big_generated()), "", "big_generated.py:5:12: PII101"),
    "unreadable.py": (unreadable, "error" if os.geteuid() == 0 else "permission denied", ""),
    "broken_link.py": (lambda p: p.symlink_to("missing.py"), "broken symbolic link", ""),
    "loop.py": (loop, "symbolic link loop", ""),
    "fifo.py": (lambda p: os.mkfifo(p), "not a regular file", ""),
    "folder.py": (lambda p: p.mkdir(), "", ""),  # a folder is searched, and is empty
}


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return invoke("check", "--no-cache", *args, cwd=cwd)


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_bad_file_beside_a_leak(tmp_path: Path, name: str) -> None:
    make, error, finding = CASES[name]
    (tmp_path / "leak.py").write_bytes(LEAK)
    make(tmp_path / name)
    proc = run(tmp_path, "leak.py", name)
    assert LEAK_LINE in proc.stdout, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    if error:
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith(f"logmask: error: {name}: "), lines
        assert error in lines[0] or error == "error", lines
        assert proc.returncode == 2
    else:
        assert lines == [], proc.stderr
        assert proc.returncode == 1
    if finding:
        assert finding in proc.stdout, proc.stdout


def test_a_folder_of_bad_files_same_with_and_without_pool(tmp_path: Path) -> None:
    """Discovered (not named) odd files, and enough of them to start the process pool."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "leak.py").write_bytes(LEAK)
    for name, (make, _, _) in CASES.items():
        if name not in ("big_generated.py", "folder.py"):
            make(folder / name)
    sequential = run(tmp_path, "--jobs", "1", "src")
    pooled = run(tmp_path, "--jobs", "2", "src")
    assert (pooled.returncode, pooled.stdout, pooled.stderr) == (
        sequential.returncode,
        sequential.stdout,
        sequential.stderr,
    )
    assert sequential.returncode == 2
    assert "src/leak.py:2:12: PII101" in sequential.stdout
    assert "Traceback" not in sequential.stderr


def test_file_deleted_between_discovery_and_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from logmask.linter import runner

    (tmp_path / "leak.py").write_bytes(LEAK)
    (tmp_path / "gone.py").write_bytes(LEAK)
    discover = runner.discover

    def discover_then_delete(*args: object, **kwargs: object) -> list[str]:
        files = list(discover(*args, **kwargs))  # type: ignore[arg-type]
        (tmp_path / "gone.py").unlink()
        return files

    monkeypatch.setattr(runner, "discover", discover_then_delete)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--no-cache", "."])
    assert result.exit_code == 2, result.output
    assert LEAK_LINE in result.stdout
    assert result.stderr.splitlines() == [
        "logmask: error: gone.py: no such file or directory"
    ] or result.stderr.splitlines() == ["logmask: error: ./gone.py: no such file or directory"]


def test_link_loop_as_the_first_path(tmp_path: Path) -> None:
    loop(tmp_path / "loop.py")
    proc = run(tmp_path, "loop.py")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
