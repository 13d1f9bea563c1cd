"""Open documents and their latest check: debounced, one at a time, stale results dropped.

Each document (a Python file, or a whole notebook) has a generation that
every change bumps. A change schedules a check after a short quiet period
(the first change after a pause is checked at once);
checks run one at a time on a worker thread (the engine keeps per-project
state, and the event loop must stay free to read the next change or a
cancellation). A check whose generation is no longer current when it would
start is skipped, and its result, when it finishes late, is never
published: what the editor shows always belongs to the text it holds.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from logmask.server.analysis import Analysis, Subject
from logmask.server.settings import Project

T = TypeVar("T")


@dataclass(frozen=True)
class Checked:
    """A document's analysis, for the generation it was computed on."""

    generation: int
    subject: Subject
    project: Project
    analysis: Analysis


Snapshot = Callable[[str], "tuple[Subject, Project] | None"]
Publish = Callable[[str, Checked], None]
Report = Callable[[str, str], None]  # (key, message): an unexpected failure, for the log


class Documents:
    def __init__(self, snapshot: Snapshot, publish: Publish, report: Report) -> None:
        self.snapshot = snapshot
        self.publish = publish
        self.report = report
        self.worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="logmask-check")
        self.generation: dict[str, int] = {}
        self.checked: dict[str, Checked] = {}
        self._timers: dict[str, asyncio.Task[None]] = {}
        self._flights: dict[str, tuple[int, asyncio.Future[Checked | None]]] = {}
        self._last_change: dict[str, float] = {}

    # ------------------------------------------------------------ life cycle
    def changed(self, key: str) -> int:
        """The document's text changed: its results are stale from now on."""
        self.generation[key] = self.generation.get(key, 0) + 1
        return self.generation[key]

    def closed(self, key: str) -> None:
        self.generation.pop(key, None)
        self.checked.pop(key, None)
        self._flights.pop(key, None)
        self._last_change.pop(key, None)
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    def open_keys(self) -> list[str]:
        return list(self.generation)

    def schedule(self, key: str, delay: float) -> None:
        """Check `key` after `delay` seconds unless it changes again first.

        The first change after a quiet period (nothing pending, nothing running,
        no change for `delay`) is checked at once: a single edit, a paste or an
        applied fix shows its result without waiting; a burst of keystrokes
        after it waits for `delay` of quiet.
        """
        loop = asyncio.get_running_loop()
        now = loop.time()
        busy = key in self._timers or key in self._flights
        if not busy and now - self._last_change.get(key, float("-inf")) >= delay:
            delay = 0
        self._last_change[key] = now
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        self._timers[key] = loop.create_task(self._later(key, delay))

    async def _later(self, key: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        if self._timers.get(key) is asyncio.current_task():
            del self._timers[key]
        await self.check(key)

    # ------------------------------------------------------------ checking
    async def check(self, key: str) -> Checked | None:
        """Check the current text of `key` and publish the result unless it went stale."""
        checked = await self.current(key)
        if checked is not None and self.generation.get(key) == checked.generation:
            self.publish(key, checked)
        return checked

    async def current(self, key: str) -> Checked | None:
        """The analysis of the text the document holds now (checked here if need be).

        Callers asking for the same generation share one check; a caller that is
        cancelled (a code action request the client withdrew) stops waiting, while
        the check itself finishes and is kept for the next caller.
        """
        generation = self.generation.get(key)
        if generation is None:
            return None
        known = self.checked.get(key)
        if known is not None and known.generation == generation:
            return known
        flight = self._flights.get(key)
        if flight is None or flight[0] != generation:
            try:
                taken = self.snapshot(key)
            except Exception as err:  # reading the config or the document failed
                self._report_failure(key, err)
                return None
            if taken is None:
                return None
            subject, project = taken

            def work() -> Checked | None:
                if self.generation.get(key) != generation:
                    return None  # changed again while waiting for the worker
                if project.linter is None:
                    return Checked(generation, subject, project, Analysis())
                return Checked(generation, subject, project, subject.check(project.linter))

            future = asyncio.get_running_loop().run_in_executor(self.worker, work)
            future.add_done_callback(lambda done: self._landed(key, generation, done))
            flight = (generation, future)
            self._flights[key] = flight
        try:
            return await asyncio.shield(flight[1])
        except asyncio.CancelledError:
            raise
        except Exception as err:  # the server must outlive any bug in a check
            self._report_failure(key, err)
            return None

    def _landed(self, key: str, generation: int, done: asyncio.Future[Checked | None]) -> None:
        flight = self._flights.get(key)
        if flight is not None and flight[1] is done:
            del self._flights[key]
        if done.cancelled() or done.exception() is not None:
            return
        checked = done.result()
        if checked is not None and self.generation.get(key) == generation:
            self.checked[key] = checked

    def _report_failure(self, key: str, err: BaseException) -> None:
        where = "".join(traceback.format_exception(type(err), err, err.__traceback__))
        self.report(key, f"logmask: internal error while checking {key}:\n{where}")

    async def run(self, key: str, work: Callable[[], T]) -> T | None:
        """`work` on the worker thread; an unexpected error is reported, never raised."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.worker, work)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # the server must outlive any bug in a fix
            self._report_failure(key, err)
            return None

    def shutdown(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self.worker.shutdown(wait=False, cancel_futures=True)
