"""Check many files: read, prefilter, cache, then parse in supervised worker processes.

The main process reads every file once (its bytes are the cache key, and a
file changed after reading is never checked twice differently), answers what
it can without parsing (unreadable files, files naming no tracker, cache
hits), and hands the rest to worker processes, one file at a time, largest
first among those found so far: workers start on the first files while the
main process still reads the others and follows their imports. One worker
serves a handful of files (a pre-commit hook), one more per `MIN_POOL_FILES`,
up to `jobs`; `jobs=1` checks in this process.

The workers also isolate what the parser may still do to a process: a worker
that dies (a native crash, the memory guard) costs one error line for the file
it held and is replaced; a file that takes longer than the time limit is
killed the same way. The main process never parses a file that killed a
worker. Workers die with the main process (Linux: `PR_SET_PDEATHSIG`;
elsewhere a thread watches the parent), never dump core, and run under an
address-space limit. Results come back in the order of the input whatever the
number of jobs, and without syntax trees (they are big to send; `--fix`
re-parses the few files that have findings).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from logmask.findings import FileError
from logmask.linter.cache import Consulted, Entry, ResultCache
from logmask.linter.config import Config
from logmask.linter.engine import FileResult, Linter
from logmask.linter.processors import ProcessorIndex
from logmask.linter.project import Binding
from logmask.linter.source import UnreadableFile, read_source

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

MIN_POOL_FILES = 8
DISCOVERY_BATCH = 16  # files read between looks at the workers
# Per-file time limit in workers (seconds). Generous: the slowest file the complexity
# screen accepts (500,000 tokens of dense data) takes about 90 s on a loaded 2-core machine.
DEFAULT_TIMEOUT = 300.0
# Address-space limit of a worker: the screen's 2 GB per file, the 512 MiB deep-parse
# stack reservation and the interpreter, with room to spare.
WORKER_MEMORY = 4 * 2**30


def available_cores() -> int:
    """Cores this process may run on (affinity and cgroup-aware where Python knows)."""
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def capped_jobs(jobs: int | None) -> int:
    """`--jobs`: None or less than 1 means every available core; never more than those."""
    cores = available_cores()
    return cores if jobs is None or jobs < 1 else min(jobs, cores)


def isolated(jobs: int | None) -> bool:
    """Check in worker processes unless `jobs=1` asked for this process."""
    return jobs != 1


def check_data(
    path: str, data: bytes, linter: Linter, jobs: int | None, timeout: float | None
) -> FileResult:
    """One source that is not a file (stdin), checked like one: in a worker unless `jobs=1`."""
    if not isolated(jobs) or not linter.may_log(data):
        return linter.check_source(data, path)
    for _, result, _ in run_pool([Task(0, path, data)], linter.config, 1, timeout):
        return result
    raise AssertionError("the pool answers every task")


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
        result.errors.append(FileError(path, "too complex to check: nested too deeply"))
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
    # Which of its imports reach a tracker: answered where the import graph is.
    reaching: frozenset[Binding] | None = None


# ------------------------------------------------------------------ workers
# Where module summaries are cached, and the cache's salt: workers share the parent's.
Summaries = tuple[Path | None, str]


def _worker_main(
    config: Config,
    conn: Connection,
    parent: int,
    errors_to: str,
    memory: int | None,
    summaries: Summaries,
) -> None:
    """A worker: check the files it is sent, one at a time, until told to stop."""
    _isolate(parent, errors_to, memory)
    linter = make_linter(config)
    linter.project.cache_dir, linter.project.salt = summaries
    # A worker exists to parse: load LibCST and the rules now, not on a file's clock.
    import logmask.linter.libcst_pass  # noqa: F401

    gc.freeze()  # what the worker imported is never garbage: keep it out of collections
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the main process is gone
        if message is None:
            return
        index, path, data, reaching = message
        if reaching is not None:
            linter.project.told(path, reaching)
        result, consulted = check_recorded(linter, path, data)
        result.module = None  # the tree is large to send back; fixes re-parse in the parent
        result.source = None  # the parent has the bytes
        conn.send((index, result, consulted))


def _isolate(parent: int, errors_to: str, memory: int | None) -> None:
    """Die with the parent, never dump core, cap memory, keep native crash noise off stderr."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if not _die_with_parent() or os.getppid() != parent:
        if os.getppid() != parent:
            os._exit(0)
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard == resource.RLIM_INFINITY or hard > memory:
                resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    except (ImportError, ValueError, OSError):
        pass  # not POSIX, or not allowed: no guard
    with contextlib.suppress(OSError):
        fd = os.open(errors_to, os.O_WRONLY | os.O_APPEND)
        os.dup2(fd, 2)
        os.close(fd)


def _die_with_parent() -> bool:
    """Linux: the kernel kills this process when its parent dies, whatever kills the parent."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return bool(libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _context() -> BaseContext:
    """fork where it is safe (Linux, no threads): workers start without re-importing."""
    import multiprocessing  # here, not at the top: a run without a pool starts faster

    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


@dataclass
class Worker:
    process: BaseProcess
    conn: Connection
    errors_to: str
    task: Task | None = None
    deadline: float = 0.0

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.conn.close()

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.process.kill()
        self.conn.close()


@dataclass
class Pool:
    """Workers that each check one file at a time; a dead or stuck one is replaced."""

    config: Config
    size: int
    timeout: float | None = DEFAULT_TIMEOUT
    memory: int | None = WORKER_MEMORY
    summaries: Summaries = (None, "")
    workers: list[Worker] = field(default_factory=list)

    def start(self) -> Worker:
        context = _context()
        ours, theirs = context.Pipe()
        try:
            handle, errors_to = tempfile.mkstemp(prefix="logmask-worker-", suffix=".log")
            os.close(handle)
        except OSError:  # no temporary folder: the worker's native noise is dropped
            errors_to = os.devnull
        process = context.Process(  # type: ignore[attr-defined]
            target=_worker_main,
            args=(self.config, theirs, os.getpid(), errors_to, self.memory, self.summaries),
            daemon=True,
        )
        process.start()
        theirs.close()
        worker = Worker(process, ours, errors_to)
        self.workers.append(worker)
        return worker

    def retire(self, worker: Worker, kill: bool) -> None:
        worker.kill() if kill else worker.stop()
        worker.process.join(timeout=None if kill else 5)
        if worker.process.is_alive():
            worker.kill()
            worker.process.join()
        if worker.errors_to != os.devnull:
            with contextlib.suppress(OSError):
                os.unlink(worker.errors_to)
        self.workers.remove(worker)

    def run(
        self, tasks: Sequence[Task], more: Iterator[list[Task]] | None = None
    ) -> Iterator[tuple[Task, FileResult, Consulted | None]]:
        """Check `tasks`, and those `more` yields: each `next(more)` is a slice of the
        caller's own work (reading files, the reach question), done while workers check."""
        from multiprocessing.connection import wait

        queue = sorted(tasks, key=lambda t: len(t.data))  # pop() takes the largest first
        seen = len(queue)
        try:
            while queue or more is not None or any(w.task is not None for w in self.workers):
                idle = [w for w in self.workers if w.task is None]
                # One worker per `MIN_POOL_FILES` files seen so far, up to `size`.
                wanted = min(self.size, -(-seen // MIN_POOL_FILES))
                while queue and (idle or len(self.workers) < wanted):
                    worker = idle.pop() if idle else self.start()
                    if not self.send(worker, queue[-1]):
                        self.retire(worker, kill=True)
                        continue
                    queue.pop()
                busy = [w for w in self.workers if w.task is not None]
                waits: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
                now = time.monotonic()
                timeout = None
                if more is not None:
                    batch = next(more, None)
                    if batch is None:
                        more = None
                    else:
                        seen += len(batch)
                        queue = sorted([*queue, *batch], key=lambda t: len(t.data))
                    timeout = 0.0  # only see who is done: the caller has more to do
                    if not waits:
                        continue
                elif self.timeout is not None and busy:
                    timeout = max(0.0, min(w.deadline for w in busy) - now)
                ready = set(wait(waits, timeout))
                for worker in busy:
                    yield from self.collect(worker, ready)
        finally:
            for worker in list(self.workers):
                self.retire(worker, kill=worker.task is not None)

    def send(self, worker: Worker, task: Task) -> bool:
        try:
            worker.conn.send((task.index, task.path, task.data, task.reaching))
        except (OSError, ValueError):
            return False
        worker.task = task
        worker.deadline = time.monotonic() + (self.timeout or 0.0)
        return True

    def collect(
        self, worker: Worker, ready: set[Any]
    ) -> Iterator[tuple[Task, FileResult, Consulted | None]]:
        task = worker.task
        assert task is not None
        if worker.conn in ready:
            try:
                index, result, consulted = worker.conn.recv()
            except (EOFError, OSError):
                pass  # died while answering: reported below
            else:
                assert index == task.index
                worker.task = None
                result.source = task.data
                yield task, result, consulted
                return
        if worker.process.sentinel in ready or not worker.process.is_alive():
            worker.process.join()
            problem = self.death(worker)
        elif self.timeout is not None and time.monotonic() >= worker.deadline:
            problem = (
                f"took more than {self.timeout:g} s to check; not checked "
                "(raise the limit with --timeout)"
            )
        else:
            return
        worker.task = None
        self.retire(worker, kill=True)
        yield (
            task,
            FileResult(task.path, errors=[FileError(task.path, problem)], source=task.data),
            None,
        )

    def death(self, worker: Worker) -> str:
        """One line for a worker that died on a file (its native stderr is kept out of ours)."""
        code = worker.process.exitcode
        try:
            with open(worker.errors_to, "rb") as log:
                noise = log.read()[-4096:]
        except OSError:
            noise = b""
        if b"memory allocation" in noise or b"MemoryError" in noise or b"out of memory" in noise:
            limit = f" (limit {self.memory / 2**30:.0f} GB per worker)" if self.memory else ""
            return f"out of memory while checking{limit}"
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the parser crashed on this file ({name}); not checked"
        return f"the checking process exited unexpectedly (code {code}); not checked"


def run_pool(
    tasks: Sequence[Task],
    config: Config,
    jobs: int,
    timeout: float | None = DEFAULT_TIMEOUT,
    summaries: Summaries = (None, ""),
    more: Iterator[list[Task]] | None = None,
) -> Iterable[tuple[Task, FileResult, Consulted | None]]:
    """Check `tasks` (and what `more` yields) in up to `jobs` workers: one per
    `MIN_POOL_FILES` files."""
    return Pool(config, max(1, jobs), timeout, summaries=summaries).run(tasks, more)


def check_files(
    files: Sequence[str],
    linter: Linter,
    jobs: int | None = None,
    cache: ResultCache | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Callable[[int, int], None] | None = None,
) -> list[FileResult]:
    """Results for `files`, in their order; identical whatever `jobs` is (capped at the cores).

    `jobs=1` checks in this process; otherwise in workers (see the module docstring).
    `progress(done, total)` is called as files finish (the CLI's progress line).
    """
    if cache is not None:  # module summaries are cached next to the results
        linter.project.cache_dir, linter.project.salt = cache.directory / "summaries", cache.salt
    results: list[FileResult | None] = [None] * len(files)
    counted = 0  # files answered here (no check needed)

    def discover() -> Iterator[list[Task]]:
        """Read each file; answer it here, or make it a task. Small batches, so that workers
        start on the first tasks while the rest are read and their imports followed."""
        nonlocal counted
        batch: list[Task] = []
        for index, path in enumerate(files):
            task = _task(index, path, linter, cache)
            if isinstance(task, FileResult):
                results[index] = task
                counted += 1
            else:
                batch.append(task)
            if index % DISCOVERY_BATCH == DISCOVERY_BATCH - 1:
                yield batch
                batch = []
        yield batch

    if isolated(jobs):
        summaries = (linter.project.cache_dir, linter.project.salt)
        outcomes = run_pool([], linter.config, capped_jobs(jobs), timeout, summaries, discover())
    else:
        pending = [task for batch in discover() for task in batch]
        outcomes = ((t, *check_recorded(linter, t.path, t.data)) for t in pending)
    reported = 0
    for done, (task, result, consulted) in enumerate(outcomes, 1):
        results[task.index] = result
        if cache is not None and task.key is not None and consulted is not None:
            cache.put(task.key, Entry(result.findings, result.errors, consulted))
        if progress is not None:
            reported = counted + done
            progress(reported, len(files))
    if progress is not None and 0 < reported < len(files):
        progress(len(files), len(files))  # files answered after the last check finished
    return [r for r in results if r is not None]


def _task(index: int, path: str, linter: Linter, cache: ResultCache | None) -> Task | FileResult:
    """The file's result when it needs no check (unreadable, naming no tracker, cached)."""
    try:
        data = read_source(path)
    except UnreadableFile as err:
        return FileResult(path, errors=[FileError(path, str(err))])
    reaching = linter.project.reaching_imports(path, data)
    linter.project.told(path, reaching)  # a check in this process asks again: answered once
    notebook = path.endswith(".ipynb")  # its cells are found in the JSON by the checker
    if not reaching and not (linter.may_log(data) if notebook else linter.may_use(data)):
        # no parse: a binary or undecodable file is still reported
        return (linter.check_source if notebook else linter.unparsed)(data, path)
    task = Task(index, path, data, reaching=reaching)
    if cache is not None:
        task.key = cache.key(path, data)
        entry = cache.get(task.key)
        if entry is not None and still_valid(entry, linter, path):
            return FileResult(path, entry.findings, entry.errors, source=data)
    return task


def still_valid(entry: Entry, linter: Linter, path: str) -> bool:
    """Do the other project files still answer the span-processor questions the same way?"""
    return all(
        linter.project.unchanged((tuple(module.split("\0", 1)),))  # type: ignore[arg-type]
        if level == -1
        else linter.processors.registers(path, module, level) == answer
        for module, level, answer in entry.consulted
    )
