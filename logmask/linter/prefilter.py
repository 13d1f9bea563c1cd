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
Python, bad encoding), the answer is "yes": LibCST then parses it, or the
error line gives CPython's reason (`Screen.syntax_error`).

The same pass screens what LibCST cannot take (`Screen.problem`): LibCST nests
what `ast` keeps flat (`a and b and c`, implicitly concatenated strings,
`elif` chains), its parser is superlinear in nesting (a `+` chain of 20,000
terms takes hours) and it needs 2 to 4 KB of memory per token. The limits
below were measured with LibCST 1.9 (see `MAX_DEPTH`, `MAX_TOKENS`).

Keeping a file is always safe; dropping one must be exact. The tests compare
findings with and without this stage on real code and on the rule examples.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from logmask.linter.slicing import How, Use, statements
from logmask.rules.trackers import TrackerModel

# Nesting as LibCST builds it (a chain of n `+`, `and` or string parts is n-1 deep).
# Measured on a 2-core machine, parse plus check: 1,000 levels take at most about 7 s
# (`a[0][0]...`, the slowest kind; `+` chains 0.5 s, `and` chains 0.3 s); time grows
# with the square or cube of the depth (`+`: 3,000 terms 4 s, 5,000 terms 17 s to parse).
MAX_DEPTH = 1000
# CPython's own limit on bracket nesting; applied by the token screen to files CPython refuses
# (LibCST's parse of a list 1,000 deep takes 8 s and 1 GB).
MAX_BRACKETS = 200
# LibCST's peak memory per token (a string literal is one token), measured on checking:
# 3.4 KB on typical code (0.3 GB per MB of source), 2.1 KB on dense one-line data
# (2.1 GB per MB). 500,000 tokens keep one file under about 2 GB and 90 s; only files
# of more than `MAX_TOKENS` bytes can hold that many, so only they are counted.
BYTES_PER_TOKEN = 4096
MAX_TOKENS = 500_000
_LITERAL = (
    rb"[rRbBuUfF]{0,2}(?:"
    rb"'''(?:[^'\\]|\\.|'(?!''))*'''"
    rb'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    rb"|'(?:[^'\\\n]|\\.)*'"
    rb'|"(?:[^"\\\n]|\\.)*"'
    rb")"
)
SCREENS_KEPT = 256
MEMO_BYTES = 1_000_000  # bigger contents are parsed again rather than kept alive
_TOKEN = re.compile(_LITERAL + rb"|#[^\r\n]*|\w+|[^\s\w]", re.DOTALL)
_STRING_PART = re.compile(_LITERAL, re.DOTALL)


@dataclass(frozen=True)
class Screen:
    """What the `ast` pass found before LibCST sees a file."""

    needs_libcst: bool
    problem: str | None = None  # one error line: too complex or too large for LibCST
    syntax_error: str | None = None  # CPython's reason and line, when it refused the file


def too_deep(depth: int) -> str:
    return f"too complex to check: {depth}-deep expression (the limit is {MAX_DEPTH})"


def too_large(tokens: int) -> str:
    need = tokens * BYTES_PER_TOKEN / 2**30
    return (
        f"too large to check: {tokens} tokens would need about {need:.1f} GB of memory "
        f"(the limit is {MAX_TOKENS} tokens)"
    )


def cpython_syntax_error(err: SyntaxError) -> str:
    """CPython's reason and position: `syntax error at line 2:5: invalid syntax`."""
    reason = (err.msg or "invalid syntax").strip()
    if err.lineno:
        where = f"line {err.lineno}:{err.offset}" if err.offset else f"line {err.lineno}"
        return f"syntax error at {where}: {reason}"
    return f"syntax error: {reason}"


def measure(tree: ast.AST, data: bytes) -> int:
    """The deepest nesting as LibCST builds it, without recursion.

    Each level of nesting takes at least one byte of source, so a node whose
    source span cannot reach the limit from its depth is not entered: only the
    few long statements are walked in full.
    """
    starts = _line_starts(data)
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        end_line = getattr(node, "end_lineno", None)
        if end_line is not None and end_line <= len(starts):
            begin = starts[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
            if depth + starts[end_line - 1] + node.end_col_offset - begin <= MAX_DEPTH:  # type: ignore[attr-defined]
                continue
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        elif isinstance(node, ast.Constant | ast.JoinedStr):
            depth += _string_parts(node, data, starts, MAX_DEPTH - depth) - 1
        deepest = max(deepest, depth)
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1))
    return deepest


def _line_starts(data: bytes) -> list[int]:
    starts = [0]
    for match in re.finditer(rb"\r\n|\r|\n", data):
        starts.append(match.end())
    return starts


def _string_parts(node: ast.expr, data: bytes, starts: list[int], room: int) -> int:
    """How many literals make up a string constant (`"a" "b"` is two); 1 when it cannot matter."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    if node.end_lineno > len(starts):
        return 1
    begin = starts[node.lineno - 1] + node.col_offset
    segment = data[begin : starts[node.end_lineno - 1] + node.end_col_offset]
    if segment.count(b"'") + segment.count(b'"') < 2 * room:
        return 1  # too few quotes to exceed the limit: no need to count exactly
    return max(1, len(_STRING_PART.findall(segment)))


def token_screen(data: bytes) -> str | None:
    """For a file CPython refuses: bracket nesting and operator chains from the tokens alone.

    None when LibCST may try it; else the problem (a tokenizer error is CPython's syntax error).
    """
    brackets = 0
    chains = [0]
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            kind, text = token.type, token.string
            if kind == tokenize.OP and text in "([{":
                brackets += 1
                chains.append(0)
                if brackets > MAX_BRACKETS:
                    return f"too complex to check: brackets nested more than {MAX_BRACKETS} deep"
            elif kind == tokenize.OP and text in ")]}":
                brackets = max(0, brackets - 1)
                if len(chains) > 1:
                    chains.pop()
            elif kind in (tokenize.NEWLINE, tokenize.ENDMARKER) or text in (",", ";", ":", "="):
                chains[-1] = 0
            elif (
                kind == tokenize.STRING
                or (kind == tokenize.OP and text not in ".")
                or text
                in (
                    "and",
                    "or",
                    "not",
                    "if",
                    "else",
                )
            ):
                chains[-1] += 1
                if chains[-1] > MAX_DEPTH:
                    return too_deep(chains[-1])
    except (tokenize.TokenError, UnicodeDecodeError, LookupError):
        return None  # not decodable, or unbalanced: LibCST reports it
    except SyntaxError as err:
        return cpython_syntax_error(err)
    return None


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


def wide_cookie(data: bytes) -> str | None:
    """A coding cookie naming UTF-16 or UTF-32, which Python refuses for source; else None.

    Python reads the cookie as ASCII, so source must be in an ASCII-compatible
    encoding: such a file runs nowhere ("encoding problem: utf-16").
    """
    head = b"\n".join(data[:4096].splitlines()[:2])
    match = _COOKIE.search(head)
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace").lower().replace("_", "-")
    if not name.startswith(("utf-16", "utf-32", "utf16", "utf32")):
        return None
    return (
        f"declares the encoding {name} in its coding cookie, which Python cannot read source "
        "in (source must be ASCII-compatible: Python refuses the file with 'encoding problem'); "
        "save it as UTF-8"
    )


def too_deep_for_python() -> str:
    return (
        "too complex to check: an expression nested deeper than Python's parser accepts "
        f"(the limit is {MAX_DEPTH})"
    )


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
        self.model = sinks
        self.roots = frozenset(sinks.modules)
        self.trace_decorators = frozenset(
            a for a in sinks.apis() if sinks.canonical(a) in sinks.trace_decorators
        )
        self.auto_tracing = frozenset(
            a for a in sinks.apis() if sinks.canonical(a) in sinks.auto_tracing
        )
        self._exact = frozenset(".".join(p) for p in self.patterns if "*" not in p)
        # Calls that log, trace or redact by being made (objects and attributes only hold).
        acting = {
            *sinks.signatures,
            *sinks.trace_decorators,
            *sinks.auto_tracing,
            *sinks.redaction,
            *sinks.evaluations,
            *sinks.media_types,
            *sinks.dataset_wrappers,
        }
        self._acting = frozenset(a for a in sinks.apis() if sinks.canonical(a) in acting)
        self._uses: dict[tuple[tuple[str, ...], How], Use] = {}
        # Every dotted prefix of a pattern without wildcards, so most questions are one lookup.
        self._prefixes = frozenset(
            ".".join(pattern[:end])
            for pattern in self.patterns
            if "*" not in pattern
            for end in range(1, len(pattern) + 1)
        )
        self._wild = tuple(pattern for pattern in self.patterns if "*" in pattern)
        self._prefix_cache: dict[str, bool] = {}
        # One `ast` parse per content: the last tree (the project index reads it right after
        # the screen) and the screens of recent contents (a module is screened when it is
        # summarised and again when it is checked).
        self._last_tree: tuple[bytes, ast.Module] | None = None
        self._screens: dict[bytes, Screen] = {}
        names = b"|".join(re.escape(m.encode()) for m in sorted(self.roots))
        # `import mlflow` / `import wandb as w` bind a tracker root: a candidate, no walk needed.
        self._fast = re.compile(rb"^[ \t]*import[ \t]+(?:" + names + rb")(?![\w.])", re.MULTILINE)
        # `importlib.import_module("mlflow")`, `__import__("wandb")`, `guard_import("mlflow")`.
        self._dynamic = re.compile(
            rb"(?:import_module|__import__|guard_import)\(\s*[\"'](?:" + names + rb")[\"'.]"
        )
        # A line that names a tracker root (not `.accelerate`, a submodule) and could bind it:
        # an import or a decorator.
        every_root = {*self.roots, *(pattern[0] for pattern in self.patterns)}
        words = b"|".join(re.escape(m.encode()) for m in sorted(every_root))
        self._root_word = re.compile(rb"(?<![\w.])(?:" + words + rb")\b")
        self._binding_line = re.compile(rb"\bimport\b|@")
        # A tracker root read as a name (`wandb.log(`), bound or not (a broken file, a cell).
        self._root_attribute = re.compile(rb"(?<![\w.])(?:" + words + rb")[ \t]*\.[ \t]*\w")

    def reaches_sink(self, api: str) -> bool:
        """Is `api` a sink-related API or a dotted prefix of one (`*` matches one name)?"""
        known = self._prefix_cache.get(api)
        if known is None:
            parts = api.split(".")
            known = api in self._prefixes or any(self._prefix(parts, p) for p in self._wild)
            self._prefix_cache[api] = known
        return known

    def tracker_use(self, parts: Sequence[str], how: How) -> Use:
        """What reading the API or tracker type `parts` can do (see `logmask.linter.slicing`).

        Read through the attributes' tracker types (`wandb.run.log` is
        `wandb.Run.log`), it touches a tracker when it is an API of the model
        or a tracker object, or a prefix of an API that the read can carry on
        (`m = mlflow.sklearn`; not `mlflow.get_tracking_uri()`, `except
        MlflowException`, `mlflow.__version__`, `accelerator.prepare(model)`).
        """
        key = (tuple(parts), how)
        known = self._uses.get(key)
        if known is None:
            known = self._tracker_use(key[0], how)
            self._uses[key] = known
        return known

    def _tracker_use(self, parts: tuple[str, ...], how: How) -> Use:
        spelled = [".".join(parts[:end]) for end in range(1, len(parts) + 1)]
        if any(api in self.auto_tracing for api in spelled):
            return "auto-traces"
        if how == "inert":
            return "none"
        name, typed = self._read(parts)
        acts = name in self._acting or self.model.signature(name) is not None
        if how == "called":  # making a tracker object logs nothing; its methods may
            return "touches" if acts else "none"
        if how == "made":  # the object made is carried on (`return wandb.init()`)
            return "touches" if acts or self.model.object_type(name) else "none"
        if typed or self._is_api(name):
            return "touches"
        dunder = parts[-1].startswith("__") and parts[-1].endswith("__")
        if dunder or not self.reaches_sink(name):
            return "none"
        return "touches"

    def tracker_type(self, parts: Sequence[str], called: bool) -> tuple[str, ...] | None:
        """The tracker type the read (or, `called`, its call) yields: `wandb.init()` a Run."""
        name, typed = self._read(parts)
        if called:
            kind = self.model.object_type(name)
            return tuple(kind.split(".")) if kind else None
        return tuple(name.split(".")) if typed else None

    def _read(self, parts: Sequence[str]) -> tuple[str, bool]:
        """The API a chain of attributes reads, through their types (`wandb.run.log` is
        `wandb.Run.log`), and whether the last attribute is a tracker object."""
        model = self.model
        name, typed = model.canonical(parts[0]), False
        for part in parts[1:]:
            name = model.canonical(f"{name}.{part}")
            kind = model.attribute_type(name)
            name, typed = (kind, True) if kind else (name, False)
        return name, typed

    def _is_api(self, api: str) -> bool:
        model = self.model
        return (
            api in self._exact
            or model.signature(api) is not None
            or model.object_type(api) is not None
        )

    def tracker_bindings(self, tree: ast.Module) -> dict[str, tuple[str, ...]]:
        """Local name -> the tracker API it may be bound to (tracker roots bind themselves)."""
        bound: dict[str, tuple[str, ...]] = {root: (root,) for root in self.roots}
        for node in statements(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for local, api in self._sink_bindings(node):
                    bound[local] = tuple(api.split("."))
        return bound

    @staticmethod
    def _prefix(parts: list[str], pattern: tuple[str, ...]) -> bool:
        if len(parts) > len(pattern):
            return False
        return all(p == q or q == "*" for p, q in zip(parts, pattern, strict=False))

    def may_bind_tracker(self, data: bytes) -> bool:
        """Bytes only: could this module bind a tracker API (or decorate with one) at all?

        Every API of the model starts with a tracker root, so a module whose
        imports, decorators and dynamic imports bind one has a line naming the
        root as a word next to `import` or `@` (backslash continuations
        joined), or a dynamic import of it. False proves `needs_libcst` is
        False for reasons of binding; it never parses.
        """
        if self.imports_dynamically(data):
            return True
        joined = data.replace(b"\\\r\n", b" ").replace(b"\\\n", b" ")
        for match in self._root_word.finditer(joined):
            start = joined.rfind(b"\n", 0, match.start()) + 1
            end = joined.find(b"\n", match.end())
            if self._binding_line.search(joined, start, len(joined) if end < 0 else end):
                return True
        return False

    def imports_dynamically(self, data: bytes) -> bool:
        """`importlib.import_module("mlflow")` and kin: a tracker bound by no import statement."""
        return self._dynamic.search(data) is not None

    def may_use_tracker(self, data: bytes) -> bool:
        """Bytes only: may this module bind a tracker or read one as a name (`wandb.log`)?

        A module that does neither (it names a tracker in prose or strings
        only) is not parsed at all, and a syntax error in it is not ours to report.
        """
        return self._root_attribute.search(data) is not None or self.may_bind_tracker(data)

    def needs_libcst(self, data: bytes) -> bool:
        """False only when the file provably cannot produce a finding."""
        return self.screen(data).needs_libcst

    def parse(self, data: bytes) -> ast.Module:
        """`ast.parse`, once per content for back-to-back callers (raises as it does)."""
        last = self._last_tree
        if last is not None and (last[0] is data or last[0] == data):
            return last[1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes: not ours to report
            tree = ast.parse(data)
        if len(data) <= MEMO_BYTES:
            self._last_tree = (data, tree)
        return tree

    def screen(self, data: bytes) -> Screen:
        """Parse with `ast`: is LibCST needed, and can it take the file?"""
        known = self._screens.get(data)
        if known is None:
            known = self._screen(data)
            if len(data) <= MEMO_BYTES:
                if len(self._screens) >= SCREENS_KEPT:
                    self._screens.clear()
                self._screens[data] = known
        return known

    def _screen(self, data: bytes) -> Screen:
        cookie = wide_cookie(data)
        if cookie is not None:
            return Screen(True, problem=cookie)
        if len(data) > MAX_TOKENS:
            tokens = _TOKEN.subn(b"", data)[1]
            if tokens > MAX_TOKENS:
                return Screen(True, problem=too_large(tokens))
        try:
            tree = self.parse(data)
        except SyntaxError as err:
            # Syntax newer than this Python, or a real error: LibCST decides, after the
            # token screen, and the error line gives CPython's reason.
            problem = token_screen(data)
            if problem is not None:
                return Screen(True, problem=problem)
            return Screen(True, syntax_error=cpython_syntax_error(err))
        except (RecursionError, MemoryError):
            return Screen(True, problem=too_deep_for_python())
        except (ValueError, OverflowError):
            return Screen(True)  # LibCST reports the error line
        depth = measure(tree, data)
        if depth > MAX_DEPTH:
            return Screen(True, problem=too_deep(depth))
        return Screen(self.binds_tracker(data, tree))

    def binds_tracker(self, data: bytes, tree: ast.Module) -> bool:
        """The candidate question on a parsed file: does a statement bind a sink-reaching API?"""
        named = self._fast.search(data) or self._dynamic.search(data)
        return bool(named) or self.tree_reaches_sink(tree)

    def tree_reaches_sink(self, tree: ast.Module) -> bool:
        """Walk statements only (imports and decorators are never inside expressions)."""
        for node in statements(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                if next(self._sink_bindings(node), None) is not None:
                    return True
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                self.names_trace_decorator(d) for d in node.decorator_list
            ):
                return True
        return False

    def _sink_bindings(self, node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
        """(local name, API) of what an import binds that reaches a sink (relative and star
        imports bind nothing the analysis knows)."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                api = self.bound_api(alias)
                if self.reaches_sink(api):
                    yield (alias.asname or alias.name).split(".")[0], api
        elif node.level == 0 and node.module:
            for alias in node.names:
                api = f"{node.module}.{alias.name}"
                if alias.name != "*" and self.reaches_sink(api):
                    yield alias.asname or alias.name, api

    @staticmethod
    def bound_api(alias: ast.alias) -> str:
        """`import a.b as c` binds `a.b`; `import a.b` binds `a`."""
        return alias.name if alias.asname else alias.name.split(".")[0]

    def names_trace_decorator(self, decorator: ast.expr) -> bool:
        if isinstance(decorator, ast.Call):
            decorator = decorator.func
        text = dotted_name(decorator)
        return text is not None and text in self.trace_decorators


def dotted_name(node: ast.expr) -> str | None:
    """`a.b.c` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
