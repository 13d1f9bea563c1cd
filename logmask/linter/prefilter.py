"""The candidate stage: does a file need a LibCST pass at all?

After the substring prefilter (the file names a tracker module somewhere), a
stdlib `ast` parse -- about ten times cheaper than LibCST's -- answers
whether any statement binds a name that can ever reach a sink. The module
analysis (`logmask.rules.analysis`) only knows a tracker API through names
bound by `import` / `from ... import` (relative and star imports bind
nothing), and a name bound to API `A` only ever yields `A.attr...`, a call of
`A` or a tracker object `object_type(A)`. So a file whose imports all bind
APIs that are not a dotted prefix of an API of the tracker model
(`TrackerModel.apis()`: sinks, objects, attributes, trace decorators,
auto-tracing, redaction and evaluation calls, media types, dataset wrappers,
in every alias spelling) cannot produce a finding. The one finding that does not start at an import
is a decorator spelled `@mlflow.trace` / `@weave.op` with the module unresolved
(the analysis falls back to the decorator's text), so such decorators keep a
file too.

Span-processor imports (a project module that registers processors) only
remove findings, so they never make a file a candidate.

When `ast` cannot parse the file (Python 2, syntax newer than the running
Python, bad encoding), the answer is "yes": LibCST then parses it, or reports
the proper error line.

Keeping a file is always safe; dropping one must be exact. The tests compare
findings with and without this stage on real code and on the rule examples.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Mapping

from logmask.rules.trackers import TrackerModel

_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


class CandidateFilter:
    """Decides, from the stdlib `ast`, whether a file can hold a finding."""

    def __init__(
        self, sinks: TrackerModel, extra_signatures: Mapping[str, str] | None = None
    ) -> None:
        # Every API of the tracker model (user rows and top-level `sinks` included).
        apis = {*sinks.apis(), *(extra_signatures or {})}
        self.patterns: tuple[tuple[str, ...], ...] = tuple(
            sorted(tuple(a.split(".")) for a in apis)
        )
        self.roots = frozenset(sinks.modules)
        self.trace_decorators = frozenset(
            a for a in sinks.apis() if sinks.canonical(a) in sinks.trace_decorators
        )
        self._prefix_cache: dict[str, bool] = {}
        names = b"|".join(re.escape(m.encode()) for m in sorted(self.roots))
        # `import mlflow` / `import wandb as w` bind a tracker root: keep without parsing.
        self._fast = re.compile(rb"^[ \t]*import[ \t]+(?:" + names + rb")(?![\w.])", re.MULTILINE)
        # `importlib.import_module("mlflow")`, `__import__("wandb")`, `guard_import("mlflow")`.
        self._dynamic = re.compile(
            rb"(?:import_module|__import__|guard_import)\(\s*[\"'](?:" + names + rb")[\"'.]"
        )

    def reaches_sink(self, api: str) -> bool:
        """Is `api` a sink-related API or a dotted prefix of one (`*` matches one name)?"""
        known = self._prefix_cache.get(api)
        if known is None:
            parts = api.split(".")
            known = any(self._prefix(parts, pattern) for pattern in self.patterns)
            self._prefix_cache[api] = known
        return known

    @staticmethod
    def _prefix(parts: list[str], pattern: tuple[str, ...]) -> bool:
        if len(parts) > len(pattern):
            return False
        return all(p == q or q == "*" for p, q in zip(parts, pattern, strict=False))

    def needs_libcst(self, data: bytes) -> bool:
        """False only when the file provably cannot produce a finding."""
        if self._fast.search(data) or self._dynamic.search(data):
            return True
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes: not ours to report
                tree = ast.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return True  # LibCST decides, and reports the error line if there is one
        return self.tree_reaches_sink(tree)

    def tree_reaches_sink(self, tree: ast.Module) -> bool:
        """Walk statements only (imports and decorators are never inside expressions)."""
        stack: list[ast.AST] = list(tree.body)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Import):
                if any(self.reaches_sink(self.bound_api(alias)) for alias in node.names):
                    return True
            elif isinstance(node, ast.ImportFrom):
                if (
                    node.level == 0
                    and node.module
                    and any(
                        alias.name != "*" and self.reaches_sink(f"{node.module}.{alias.name}")
                        for alias in node.names
                    )
                ):
                    return True
            else:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                    self.names_trace_decorator(d) for d in node.decorator_list
                ):
                    return True
                for name in _STATEMENT_FIELDS:
                    children = getattr(node, name, None)
                    if children:
                        stack.extend(children)
        return False

    @staticmethod
    def bound_api(alias: ast.alias) -> str:
        """`import a.b as c` binds `a.b`; `import a.b` binds `a`."""
        return alias.name if alias.asname else alias.name.split(".")[0]

    def names_trace_decorator(self, decorator: ast.expr) -> bool:
        if isinstance(decorator, ast.Call):
            decorator = decorator.func
        text = _dotted(decorator)
        return text is not None and text in self.trace_decorators


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
