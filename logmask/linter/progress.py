"""A `files done / total` line on stderr for long runs.

Shown only where a person watches: stderr is a terminal, the run is not in CI
(`CI` set to a true value), the report is for people (not a machine format),
and the run has already taken `DELAY` seconds -- a pre-commit run never
flickers. The line is rewritten in place with a carriage return (no escape
codes) and erased when the run ends.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

DELAY = 1.0
INTERVAL = 0.1
FALSE_VALUES = frozenset({"", "0", "false", "no", "off"})


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in FALSE_VALUES


def wanted(stream: TextIO, for_people: bool) -> bool:
    """A terminal, not CI, and a report people read (not a machine format, not `-q`)."""
    isatty = getattr(stream, "isatty", None)
    return bool(for_people and not in_ci() and isatty and isatty())


class Progress:
    def __init__(self, stream: TextIO | None = None, delay: float = DELAY) -> None:
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.start < self.delay or (now - self.last < INTERVAL and done < total):
            return
        self.last = now
        text = f"Checking files: {done}/{total}"
        self.width = max(self.width, len(text))
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
