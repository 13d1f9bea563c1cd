"""A `files done / total` line on stderr for long runs.

Shown only where a person watches: stderr is a terminal, the run is not in CI
(`CI` set to a true value), the report is for people (not a machine format,
not `-q`), and the run has already taken `DELAY` seconds -- a pre-commit run
never flickers. The counts come from the engine's progress callback, which
the process pool calls per batch; so that the line appears after a second even
while the first batch is still being checked, a POSIX interval timer
(`SIGALRM`, main thread only; no helper thread, so forking the pool stays
safe) redraws it. The line is rewritten in place with a carriage return (no
escape codes) and erased when the run ends.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any, TextIO

DELAY = 1.0
INTERVAL = 0.25
FALSE_VALUES = frozenset({"", "0", "false", "no", "off"})


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in FALSE_VALUES


def wanted(stream: TextIO, for_people: bool) -> bool:
    """A terminal, not CI, and a report people read (not a machine format, not `-q`)."""
    isatty = getattr(stream, "isatty", None)
    return bool(for_people and not in_ci() and isatty and isatty())


class Progress:
    def __init__(
        self, stream: TextIO | None = None, delay: float = DELAY, timer: bool = True
    ) -> None:
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.delay = delay
        self.done = 0
        self.total: int | None = None
        self.width = 0
        self.drawing = False
        self.previous: Any = None
        self.timed = timer and _can_time()
        if self.timed:
            self.previous = signal.signal(signal.SIGALRM, self._tick)
            signal.setitimer(signal.ITIMER_REAL, max(delay, 0.01), INTERVAL)

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if not self.timed and time.monotonic() - self.start >= self.delay:
            self.draw()

    def _tick(self, signum: int, frame: FrameType | None) -> None:
        self.draw()

    def draw(self) -> None:
        if self.drawing:  # a tick arrived while the callback was drawing
            return
        self.drawing = True
        try:
            total = "?" if self.total is None else str(self.total)
            text = f"Checking files: {self.done}/{total}"
            self.width = max(self.width, len(text))
            self.stream.write("\r" + text.ljust(self.width))
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed terminal must not fail the run
        finally:
            self.drawing = False

    def close(self) -> None:
        if self.timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous or signal.SIG_DFL)
            self.timed = False
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def _can_time() -> bool:
    """POSIX timers and signals: only in the main thread of a platform that has them."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
