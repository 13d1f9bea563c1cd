"""Check many files: read, prefilter, cache, then parse on all cores.

The main process reads every file once (its bytes are the cache key, and a
file changed after reading is never checked twice differently), answers what
it can without parsing (unreadable files, files naming no tracker, cache
hits), and hands the rest to a process pool in chunked batches -- but only
when more than `MIN_POOL_FILES` remain: a pre-commit hook passes a handful of
files, and starting workers would cost more than it saves. Each worker builds
one `Linter` (config loaded once per worker). Results come back in the order
of the input whatever the number of jobs, and without syntax trees (they are
big to send; `--fix` re-parses the few files that have findings).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from logmask.findings import FileError
from logmask.linter.cache import Consulted, Entry, ResultCache
from logmask.linter.config import Config
from logmask.linter.engine import FileResult, Linter
from logmask.linter.processors import ProcessorIndex
from logmask.linter.source import UnreadableFile, read_source

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

MIN_POOL_FILES = 8
CHUNKS_PER_JOB = 6


def available_cores() -> int:
    """Cores this process may run on (affinity and cgroup-aware where Python knows)."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class RecordingIndex(ProcessorIndex):
    """Remembers which span-processor questions a check asked (they key the cache)."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, int, bool]] = []

    def registers(self, importer: str, module: str, level: int) -> bool:
        answer = super().registers(importer, module, level)
        self.log.append((module, level, answer))
        return answer


def make_linter(config: Config) -> Linter:
    linter = Linter(config)
    linter.processors = RecordingIndex()
    return linter


def check_recorded(linter: Linter, path: str, data: bytes) -> tuple[FileResult, Consulted | None]:
    """`check_source`, plus what it asked about other files (None: do not cache the result).

    Never raises for one file: a failure becomes that file's error line.
    """
    index = linter.processors
    if isinstance(index, RecordingIndex):
        index.log = []
    try:
        with no_gc(), linter.project.recording() as modules:
            result = linter.check_source(data, path)
    except MemoryError:  # depends on the machine, not on the file: never cached
        result = FileResult(path, source=data)
        result.errors.append(FileError(path, "out of memory while checking"))
        return result, None
    except RecursionError:
        result = FileResult(path, source=data)
        result.errors.append(FileError(path, "too deeply nested to check"))
    except Exception as err:  # one odd file must not stop the others
        where = "".join(traceback.format_exception_only(type(err), err)).strip()
        result = FileResult(path, source=data)
        result.errors.append(FileError(path, f"internal error: {where}", code="PII901"))
    consulted = tuple(index.log) if isinstance(index, RecordingIndex) else ()
    # Project modules whose summaries the check read: (path NUL digest, -1, True).
    consulted += tuple((f"{p}\0{d}", -1, True) for p, d in sorted(modules))
    return result, consulted


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic GC while a tree is built.

    LibCST allocates millions of objects that are freed by reference counting;
    meanwhile each full collection walks all of them again, which makes parsing
    superlinear (a 2 MB module parses in half the time without it). The
    collector runs again as soon as the check is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Task:
    index: int
    path: str
    data: bytes
    key: str | None = None


# ------------------------------------------------------------------ workers
_WORKER: Linter | None = None


def _init_worker(config: Config, summaries: tuple[Path | None, str] = (None, "")) -> None:
    global _WORKER
    _WORKER = make_linter(config)
    _WORKER.project.cache_dir, _WORKER.project.salt = summaries
    gc.freeze()  # what the worker imported is never garbage: keep it out of collections


def _check_chunk(
    chunk: Sequence[tuple[str, bytes]],
) -> list[tuple[FileResult, Consulted | None]]:
    linter = _WORKER
    assert linter is not None, "worker not initialised"
    out = []
    for path, data in chunk:
        result, consulted = check_recorded(linter, path, data)
        result.module = None  # the tree is large to send back; fixes re-parse in the parent
        result.source = None  # the parent has the bytes
        out.append((result, consulted))
    return out


def _context() -> BaseContext:
    """fork where it is safe (Linux, no threads): workers start without re-importing."""
    import multiprocessing  # here, not at the top: a run without a pool starts faster

    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def chunked(tasks: Sequence[Task], jobs: int) -> list[list[Task]]:
    """Batches of similar total size, largest files first (keeps all workers busy to the end)."""
    ordered = sorted(tasks, key=lambda t: len(t.data), reverse=True)
    count = max(1, min(len(ordered), jobs * CHUNKS_PER_JOB))
    total = sum(len(t.data) for t in ordered) or 1
    target = total / count
    chunks: list[list[Task]] = []
    current: list[Task] = []
    size = 0
    for task in ordered:
        current.append(task)
        size += len(task.data)
        if size >= target:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


# Where workers cache module summaries, and the cache's salt (set by `check_files`).
_SUMMARIES: tuple[Path | None, str] = (None, "")


def run_pool(
    tasks: Sequence[Task], config: Config, jobs: int
) -> Iterable[tuple[Task, FileResult, Consulted | None]]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = chunked(tasks, jobs)
    workers = min(jobs, len(chunks))
    done: set[int] = set()
    try:
        init = (config, _SUMMARIES)
        with ProcessPoolExecutor(workers, _context(), _init_worker, init) as pool:
            batches = [[(t.path, t.data) for t in chunk] for chunk in chunks]
            for chunk, answers in zip(chunks, pool.map(_check_chunk, batches), strict=True):
                for task, (result, consulted) in zip(chunk, answers, strict=True):
                    result.source = task.data
                    done.add(task.index)
                    yield task, result, consulted
    except (BrokenProcessPool, OSError):
        # A worker died (out of memory, killed): finish in this process.
        linter = make_linter(config)
        for task in tasks:
            if task.index not in done:
                result, consulted = check_recorded(linter, task.path, task.data)
                yield task, result, consulted


def check_files(
    files: Sequence[str],
    linter: Linter,
    jobs: int | None = None,
    cache: ResultCache | None = None,
) -> list[FileResult]:
    """Results for `files`, in their order; identical whatever `jobs` is."""
    jobs = available_cores() if jobs is None or jobs < 1 else jobs
    if cache is not None:  # module summaries are cached next to the results
        linter.project.cache_dir, linter.project.salt = cache.directory / "summaries", cache.salt
    results: list[FileResult | None] = [None] * len(files)
    pending: list[Task] = []
    for index, path in enumerate(files):
        try:
            data = read_source(path)
        except UnreadableFile as err:
            results[index] = FileResult(path, errors=[FileError(path, str(err))])
            continue
        if not linter.may_log(data) and not linter.project.reaches_tracker(path, data):
            # no parse: a binary or undecodable file is still reported
            notebook = path.endswith(".ipynb")
            results[index] = (linter.check_source if notebook else linter.unparsed)(data, path)
            continue
        task = Task(index, path, data)
        if cache is not None:
            task.key = cache.key(path, data)
            entry = cache.get(task.key)
            if entry is not None and still_valid(entry, linter, path):
                results[index] = FileResult(path, entry.findings, entry.errors, source=data)
                continue
        pending.append(task)

    if jobs > 1 and len(pending) > MIN_POOL_FILES:
        global _SUMMARIES
        _SUMMARIES = (linter.project.cache_dir, linter.project.salt)
        outcomes = run_pool(pending, linter.config, jobs)
    else:
        outcomes = ((t, *check_recorded(linter, t.path, t.data)) for t in pending)
    for task, result, consulted in outcomes:
        results[task.index] = result
        if cache is not None and task.key is not None and consulted is not None:
            cache.put(task.key, Entry(result.findings, result.errors, consulted))
    return [r for r in results if r is not None]


def still_valid(entry: Entry, linter: Linter, path: str) -> bool:
    """Do the other project files still answer the span-processor questions the same way?"""
    return all(
        linter.project.unchanged((tuple(module.split("\0", 1)),))  # type: ignore[arg-type]
        if level == -1
        else linter.processors.registers(path, module, level) == answer
        for module, level, answer in entry.consulted
    )
