"""Source text as fixes see it: lines, the file's own encoding and BOM, diffs, atomic writes.

Lines are split only at ``\\r\\n``, ``\\r`` and ``\\n`` (what Python and LibCST
count), never at form feeds, U+2028 or NEL, which ``str.splitlines`` would also
break at. Nothing here needs a syntax tree, so the CLI can use it without
loading LibCST.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import stat
import tempfile
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


def write_atomic(path: str, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename; keep the file's mode.

    A symbolic link is followed: its target is rewritten and the link stays a link.
    """
    target = Path(os.path.realpath(path))
    if target.exists():
        mode = stat.S_IMODE(os.stat(target).st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".logmask", dir=target.parent)
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
