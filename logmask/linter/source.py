"""Reading a file safely: one clear reason when it cannot be checked."""

from __future__ import annotations

import errno
import os
import stat

MAX_BYTES = 20 * 1024 * 1024


class UnreadableFile(Exception):
    """The file cannot be checked; the message says why, for one error line."""


def read_source(path: str) -> bytes:
    """The file's bytes, or `UnreadableFile` naming why not (never hangs on a FIFO)."""
    try:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            if os.path.islink(path):
                raise UnreadableFile("broken symbolic link") from None
            raise UnreadableFile("no such file or directory") from None
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file (a FIFO, socket or device)")
        size = info.st_size
        if size > MAX_BYTES:
            raise UnreadableFile(f"file too large ({size // (1024 * 1024)} MiB)")
        with open(path, "rb") as handle:
            data = handle.read()
    except UnreadableFile:
        raise
    except PermissionError:
        raise UnreadableFile("permission denied") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise UnreadableFile("symbolic link loop") from None
        raise UnreadableFile(os.strerror(err.errno) if err.errno else str(err)) from None
    return data


def check_text(data: bytes) -> None:
    """Reject what is not Python source before the parser sees it."""
    if b"\0" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes)")
