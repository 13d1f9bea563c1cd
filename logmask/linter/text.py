"""Source text as fixes see it: lines, the file's own encoding and BOM, diffs, atomic writes.

Lines are split only at ``\\r\\n``, ``\\r`` and ``\\n`` (what Python and LibCST
count), never at form feeds, U+2028 or NEL, which ``str.splitlines`` would also
break at. Nothing here needs a syntax tree, so the CLI can use it without
loading LibCST.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines with their endings, broken only where Python breaks lines."""
    return _LINE.findall(text)


def _codec(encoding: str) -> str:
    """LibCST reports a BOM file as ``utf-8-sig``; the BOM is handled separately here."""
    return "utf-8" if codecs.lookup(encoding).name == "utf-8-sig" else encoding


def decode(source: bytes, encoding: str) -> tuple[str, bool]:
    bom = source.startswith(codecs.BOM_UTF8)
    body = source[len(codecs.BOM_UTF8) :] if bom else source
    return body.decode(_codec(encoding)), bom


def encode(text: str, encoding: str, bom: bool) -> bytes:
    """Encode like the original.

    Text decoded from this encoding always re-encodes; only a string literal a
    fix generated (a column name) may not fit a narrow encoding such as
    latin-1, and ``backslashreplace`` turns its characters into escapes that
    mean the same inside those (never raw) literals.
    """
    data = text.encode(_codec(encoding), errors="backslashreplace")
    return codecs.BOM_UTF8 + data if bom else data


def unified_diff(path: str, before: bytes, after: bytes, encoding: str = "utf-8") -> str:
    """A unified diff; a last line without newline is marked like `git diff` does."""
    a = split_lines(before.decode(_codec(encoding), "replace").removeprefix("\ufeff"))
    b = split_lines(after.decode(_codec(encoding), "replace").removeprefix("\ufeff"))
    out = []
    for line in difflib.unified_diff(a, b, f"a/{path}", f"b/{path}"):
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


class NotWritten(Exception):
    """The fix was not written; the message says why, for one error line."""


# Our temporary files: `.<name>.<pid>.<random>.logmask` beside the file being fixed.
_TEMP = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9_]{8}\.logmask$")
STALE_SECONDS = 3600


def write_fixed(path: str, original: bytes, fixed: bytes) -> None:
    """Replace the file's content with `fixed`, only if it still holds `original`.

    The run read the file long before it writes (a big tree takes a while), and
    the user may have edited, deleted or renamed it since: such a file is left
    alone (`NotWritten`), and a file that no longer exists is never created.
    Read-only files are refused, as ruff does. Otherwise the new content goes to
    a temporary file in the same folder, gets the file's mode, owner and group,
    and replaces it atomically; a file with other hard links, or one whose
    owner cannot be kept, is rewritten in place instead, so the links still
    share it and the owner stays. A symbolic link is followed.
    """
    target = os.path.realpath(path)
    try:
        before = os.stat(target)
    except FileNotFoundError:
        raise NotWritten("deleted or renamed while checking; not fixed") from None
    except OSError as err:
        raise NotWritten(f"cannot write fixes: {os.strerror(err.errno or 0)}") from None
    if not stat.S_ISREG(before.st_mode):
        raise NotWritten("changed while checking; not fixed")
    if not before.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
        target, os.W_OK
    ):
        raise NotWritten("read-only; not fixed")
    if _read(target) != original:
        raise NotWritten("changed while checking; not fixed")
    remove_stale_temps(os.path.dirname(target))
    if before.st_nlink > 1 or not _write_replacing(target, fixed, before):
        _write_in_place(target, original, fixed, before)


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino, a.st_dev, a.st_size, a.st_mtime_ns) == (
        b.st_ino,
        b.st_dev,
        b.st_size,
        b.st_mtime_ns,
    )


def _write_replacing(target: str, data: bytes, before: os.stat_result) -> bool:
    """Write a temporary file and rename it over `target`; False if the owner cannot be kept."""
    folder, name = os.path.split(target)
    try:
        handle, temp = tempfile.mkstemp(
            prefix=f".{name}.{os.getpid()}.", suffix=".logmask", dir=folder
        )
    except OSError as err:
        raise NotWritten(f"cannot write fixes: {os.strerror(err.errno or 0)}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            if hasattr(os, "fchown") and (before.st_uid, before.st_gid) != (
                os.geteuid(),
                os.getegid(),
            ):
                try:
                    os.fchown(out.fileno(), before.st_uid, before.st_gid)
                except PermissionError:
                    return False  # rewritten in place instead: the owner stays
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
            os.fchmod(out.fileno(), stat.S_IMODE(before.st_mode))
        try:
            now = os.stat(target)
        except FileNotFoundError:
            raise NotWritten("deleted or renamed while checking; not fixed") from None
        if not _same_file(now, before):
            raise NotWritten("changed while checking; not fixed")
        os.replace(temp, target)
        temp = ""
        return True
    except OSError as err:
        raise NotWritten(f"cannot write fixes: {os.strerror(err.errno or 0)}") from None
    finally:
        if temp:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _write_in_place(target: str, original: bytes, data: bytes, before: os.stat_result) -> None:
    """Rewrite the file's own inode (hard links keep sharing it), checking it once more."""
    try:
        with open(target, "r+b") as handle:
            if not _same_file(os.fstat(handle.fileno()), before) or handle.read() != original:
                raise NotWritten("changed while checking; not fixed")
            handle.seek(0)
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except FileNotFoundError:
        raise NotWritten("deleted or renamed while checking; not fixed") from None
    except OSError as err:
        raise NotWritten(f"cannot write fixes: {os.strerror(err.errno or 0)}") from None


def remove_stale_temps(folder: str) -> None:
    """Delete our own temporary files that a killed run left in `folder`.

    Only names of our pattern, and only when the process that made them is gone
    (or, on another machine sharing the folder, after an hour).
    """
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return
    for name in names:
        match = _TEMP.match(name)
        if match is None:
            continue
        full = os.path.join(folder, name)
        try:
            age = time.time() - os.lstat(full).st_mtime
            if _alive(int(match.group(1))) and age < STALE_SECONDS:
                continue
            os.unlink(full)
        except OSError:
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def write_atomic(path: str, data: bytes) -> None:
    """Write a new file (or replace one) via a temporary file and a rename."""
    target = Path(os.path.realpath(path))
    if target.exists():
        mode = stat.S_IMODE(os.stat(target).st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temp = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".logmask", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
