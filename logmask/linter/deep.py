"""Run LibCST work on a thread with a large stack, so deep but valid code never crashes.

LibCST's native parser recurses on the C stack once per nesting level, and
its Python side (code generation for positions, visitors, the rules) recurses
a few Python frames per level. On a process's main thread (8 MiB of stack,
1,000 Python frames) a list 1,500 levels deep killed the process with SIGSEGV
and a 400-line implicitly concatenated string ran out of Python frames. On a
thread with `STACK_BYTES` of stack and `RECURSION_LIMIT` frames, everything
the complexity screen (`logmask.linter.prefilter.Screen`) lets through fits
with a wide margin (measured: 20,000 `and` terms, a list 1,500 deep).

The stack is reserved address space: only the pages a deep file touches are
ever committed.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 60_000

T = TypeVar("T")

_lock = threading.Lock()


def run_deep(work: Callable[[], T]) -> T:
    """`work()` on a fresh large-stack thread; its result, or its exception re-raised here.

    Nested calls (the fix loop re-checks inside a deep run) run directly on the
    current, already large, thread.
    """
    if getattr(_local, "deep", False):
        return work()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        _local.deep = True
        try:
            outcome.append(work())
        except BaseException as err:  # handed to the caller's thread
            failure.append(err)

    # Stack size and recursion limit are process-wide: one deep run at a time sets them.
    with _lock:
        limit = sys.getrecursionlimit()
        previous_stack = threading.stack_size(STACK_BYTES)
        try:
            thread = threading.Thread(target=target, name="logmask-deep", daemon=True)
            sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
            try:
                thread.start()
            except RuntimeError:  # no thread of that size (address space limit): run here
                sys.setrecursionlimit(limit)
                return work()
            thread.join()
        finally:
            threading.stack_size(previous_stack)
            sys.setrecursionlimit(limit)
    if failure:
        raise failure[0]
    return outcome[0]


_local = threading.local()
