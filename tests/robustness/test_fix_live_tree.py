"""`--fix` on a tree that changes while it is checked: the user's work is never lost.

The main test edits, deletes and renames files in the middle of a
`logmask check --fix` run (in-process): between reading and checking the files
and writing the fixes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from logmask.cli import main
from logmask.linter import runner, text
from logmask.linter.text import NotWritten, remove_stale_temps, write_fixed
from tests.inprocess import invoke

LEAK = b'import wandb\nwandb.log({"user_email": e})\n'
FIXED = b'import logmask\nimport wandb\nwandb.log({"user_email": logmask.mask(e)})\n'


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_files_edited_deleted_and_renamed_during_a_fix_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("edited.py", "deleted.py", "renamed.py", "kept.py"):
        (src / name).write_bytes(LEAK)
    edited = LEAK + b"print('the user typed this while logmask ran')\n"
    check_files = runner.check_files

    def checked_then_changed(*args: object, **kwargs: object) -> object:
        """Every file read and checked, no fix written yet: the user edits meanwhile."""
        results = check_files(*args, **kwargs)  # type: ignore[arg-type]
        (src / "edited.py").write_bytes(edited)
        (src / "deleted.py").unlink()
        (src / "renamed.py").rename(src / "moved.py")
        return results

    monkeypatch.setattr(runner, "check_files", checked_then_changed)
    proc = invoke("check", "--no-cache", "--fix", "-j", jobs, "src", cwd=tmp_path)
    out, err = proc.stdout, proc.stderr

    assert proc.returncode == 2, out + err
    assert (src / "edited.py").read_bytes() == edited  # the edit is kept, not fixed
    assert not (src / "deleted.py").exists()  # never recreated
    assert not (src / "renamed.py").exists()
    assert (src / "moved.py").read_bytes() == LEAK
    assert (src / "kept.py").read_bytes() == FIXED
    errors = sorted(line for line in err.splitlines() if line.startswith("logmask: error:"))
    assert errors == [
        "logmask: error: src/deleted.py: deleted or renamed while checking; not fixed",
        "logmask: error: src/edited.py: changed while checking; not fixed",
        "logmask: error: src/renamed.py: deleted or renamed while checking; not fixed",
    ]
    assert "(1 fixed, " in out  # only the file that was written counts
    assert "src/edited.py:2:12: PII101" in out  # what was not fixed is still reported
    assert not [p for p in src.iterdir() if p.name.endswith(".logmask")]


def fix(path: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["check", "--no-cache", "-j", "1", "--fix", *extra, str(path)]
    )
    return result.exit_code, result.stdout, result.stderr


def test_read_only_file_is_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(LEAK)
    target.chmod(0o444)
    code, out, err = fix(target)
    assert target.read_bytes() == LEAK
    assert f"{target}: read-only; not fixed" in err
    assert "Fixed" not in err
    assert code == 2 and "PII101" in out


def test_mode_owner_and_group_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(LEAK)
    target.chmod(0o640)
    owner = (12345, 23456) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    os.chown(target, *owner)
    fix(target)
    info = target.stat()
    assert target.read_bytes() == FIXED
    assert (oct(info.st_mode & 0o7777), info.st_uid, info.st_gid) == (oct(0o640), *owner)


def test_hard_linked_file_is_written_in_place(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(LEAK)
    other = tmp_path / "elsewhere.txt"
    os.link(target, other)
    fix(target)
    assert target.read_bytes() == FIXED == other.read_bytes()
    assert target.stat().st_ino == other.stat().st_ino


def test_symbolic_link_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_bytes(LEAK)
    link = tmp_path / "link.py"
    link.symlink_to(real.name)
    fix(link)
    assert link.is_symlink() and real.read_bytes() == FIXED


def test_a_failed_write_is_reported_and_not_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(LEAK)

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(text.os, "replace", full)
    code, out, err = fix(target)
    assert target.read_bytes() == LEAK
    assert f"{target}: cannot write fixes: No space left on device" in err
    assert "Fixed" not in err
    assert code == 2 and "PII101" in out
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".logmask")]


def finished_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temp_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / f".a.py.{finished_pid()}.abcd_123.logmask"
    live = tmp_path / f".a.py.{os.getpid()}.zzzzzzzz.logmask"  # a run still writing
    old_live = tmp_path / f".b.py.{os.getpid()}.yyyyyyyy.logmask"
    users = [tmp_path / ".a.py.123.notours.logmask", tmp_path / "notes.logmask"]
    for path in (dead, live, old_live, *users):
        path.write_bytes(b"partial")
    os.utime(old_live, (time.time() - 2 * text.STALE_SECONDS,) * 2)
    remove_stale_temps(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (live, *users))


def test_a_fix_run_cleans_the_folder_it_writes(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(LEAK)
    stale = tmp_path / f".a.py.{finished_pid()}.k1lled00.logmask"
    stale.write_bytes(b"half a file")
    fix(target)
    assert not stale.exists() and target.read_bytes() == FIXED


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda p: p.write_bytes(LEAK + b"# more\n"), "changed while checking; not fixed"),
        (lambda p: p.write_bytes(LEAK.upper()), "changed while checking; not fixed"),
        (lambda p: p.unlink(), "deleted or renamed while checking; not fixed"),
        (lambda p: p.rename(p.with_name("b.py")), "deleted or renamed while checking; not fixed"),
        (lambda p: (p.unlink(), p.mkdir()), "changed while checking; not fixed"),
        (lambda p: p.chmod(0o400), "read-only; not fixed"),
        (lambda p: None, ""),
    ],
)
def test_write_fixed_only_replaces_what_was_read(
    tmp_path: Path, change: object, reason: str
) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(LEAK)
    change(target)  # type: ignore[operator]
    before = target.read_bytes() if target.is_file() else None
    if reason:
        with pytest.raises(NotWritten, match=reason):
            write_fixed(str(target), LEAK, FIXED)
        assert (target.read_bytes() if target.is_file() else None) == before
    else:
        write_fixed(str(target), LEAK, FIXED)
        assert target.read_bytes() == FIXED
    if before is None and not target.is_dir():
        assert not target.exists()  # a file that is gone is never created again
