"""The top-level statements of a module that can take part in a finding; the others emptied.

A finding starts where a statement touches a tracker: it reads a name bound
to a tracker API in a way that can reach a sink (`TrackerUse`), or a project
name that reaches a tracker. Data gets there only through module-level names,
so what matters is those statements and, to a fixpoint:

- every statement defining a name a kept statement reads (a helper whose
  return value is logged, a constant, a class; a module-level statement that
  reads such a name may change it, so it counts as defining it too);
- every statement reading a name that a touching (or calling) statement
  defines (`log_user(user)` calling a helper that logs its parameter is the
  call site of a finding);
- statements sharing a path literal with a kept one (a file written in one
  function and uploaded in another), and every plain import and the docstring.

The others are emptied line for line, so the rest parses to the same
positions. A module that turns on auto-tracing is never sliced (whether it
traces depends on every import of the module, function-local ones included).

The check parses the smaller module first and takes only a clean answer from
it: a slice with a finding, an error or a noqa comment is checked whole
(`logmask.linter.libcst_pass.check_module`). So slicing changes the time of a
check, never its report, as long as every statement a finding needs is kept;
the tests compare both on the rule examples, the conformance cases and real code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

# A slice that keeps more than this share of the module is not worth a second parse.
WORTH_SLICING = 0.8
_FILE_NAME = re.compile(r"[^\s]{0,200}\.[A-Za-z][A-Za-z0-9]{0,7}")  # `out/users.csv`

_TYPE_TEXT = re.compile(r"[\w.\[\], |]{1,200}")
_WORD = re.compile(r"[A-Za-z_]\w*")

# What a read of a tracker-bound name is: `parts` spell the API read (`mlflow.log_param`),
# `inert` says the read cannot carry the API on (it is called, caught, or type-tested).
Use = Literal["none", "touches", "auto-traces"]
TrackerUse = Callable[[Sequence[str], bool], Use]


@dataclass(slots=True)
class Statement:
    """One top-level statement: its lines and the module-level names it defines and reads."""

    first: int
    last: int
    defines: set[str] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)  # read as what is called: `f(...)`, `f.m(...)`
    touches: bool = False
    definition: bool = False  # `def` / `class`: what it reads it does not change
    always: bool = False  # an import or the docstring
    star: bool = False  # `from m import *`: defines names no one can list


def slice_for_findings(
    data: bytes,
    tree: ast.Module,
    bound: Mapping[str, tuple[str, ...] | None],
    use: TrackerUse,
) -> bytes | None:
    """The module with only the statements a finding can need; None when that would not pay.

    `bound`: local name -> the tracker API it is bound to, or None for a
    project name that reaches a tracker (every read of it touches).
    """
    statements: list[Statement] = []
    for index, node in enumerate(tree.body):
        scanned = _scan(node, bound, use)
        if scanned is None:
            return None
        scanned.always = (
            isinstance(node, ast.Import | ast.ImportFrom)
            or scanned.star
            or (index == 0 and _docstring(node))
        )
        statements.append(scanned)
    # Names of definitions that touch a tracker (or call one that does): calling them may log;
    # names of other statements that do: their values may be tracker objects (`run = wandb.init()`).
    calling: set[str] = set()
    values: set[str] = set()
    callers = [s.touches for s in statements]
    changed = True
    while changed:
        changed = False
        for index, statement in enumerate(statements):
            if not callers[index] and (statement.calls & calling or statement.reads & values):
                callers[index] = changed = True
            if callers[index] and not statement.defines <= (calling | values):
                (calling if statement.definition else values).update(statement.defines)
                changed = True
    seeds = [caller or s.always for caller, s in zip(callers, statements, strict=True)]
    return _emptied(data, statements, _with_definitions(statements, seeds))


def _with_definitions(statements: list[Statement], seeds: list[bool]) -> list[bool]:
    """The seeds and, to a fixpoint, every statement defining a name a kept one reads."""
    keep = list(seeds)
    needed: set[str] = set()
    for statement, kept in zip(statements, keep, strict=True):
        if kept:
            needed |= statement.reads
    changed = True
    while changed:
        changed = False
        for index, statement in enumerate(statements):
            if keep[index]:
                continue
            defines = statement.defines
            if not statement.definition:
                defines = defines | statement.reads  # it may change what it reads
            if defines & needed:
                keep[index] = changed = True
                needed |= statement.reads
    return keep


def _emptied(data: bytes, statements: list[Statement], keep: list[bool]) -> bytes | None:
    """`data` with the lines of statements not kept emptied; None when too little goes."""
    if b"\r" in data.replace(b"\r\n", b""):
        return None  # lone carriage returns: lines are not what `split(b"\n")` sees
    lines = data.split(b"\n")
    emptied: set[int] = set()
    for statement, kept in zip(statements, keep, strict=True):
        if not kept:
            emptied.update(range(statement.first - 1, statement.last))
    for statement, kept in zip(statements, keep, strict=True):
        if kept:  # a line shared with a kept statement (`a = 1; b = 2`) stays
            emptied.difference_update(range(statement.first - 1, statement.last))
    dropped = sum(len(lines[i]) + 1 for i in emptied if i < len(lines))
    if dropped < (1 - WORTH_SLICING) * len(data):
        return None
    return b"\n".join(
        (b"\r" if line.endswith(b"\r") else b"") if i in emptied else line
        for i, line in enumerate(lines)
    )


def _docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _scan(
    top: ast.stmt, bound: Mapping[str, tuple[str, ...] | None], use: TrackerUse
) -> Statement | None:
    """Names defined at module level and read anywhere; None for a statement that auto-traces."""
    first = min([top.lineno, *(d.lineno for d in getattr(top, "decorator_list", ()))])
    out = Statement(first, top.end_lineno or top.lineno)
    out.definition = isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    # (node, parent, at module scope)
    stack: list[tuple[ast.AST, ast.AST | None, bool]] = [(top, None, True)]
    while stack:
        node, parent, module_scope = stack.pop()
        if isinstance(node, ast.Attribute | ast.Name):
            parts: list[str] = []
            base: ast.expr = node
            while isinstance(base, ast.Attribute):
                parts.append(base.attr)
                base = base.value
            if not isinstance(base, ast.Name):
                stack.append((base, node, module_scope))
                continue
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                if module_scope:
                    out.defines.add(node.id)
            else:
                out.reads.add(base.id)
                if isinstance(parent, ast.Call) and parent.func is node:
                    out.calls.add(base.id)
            if base.id in bound:
                api = bound[base.id]
                parts.reverse()
                found = "touches" if api is None else use((*api, *parts), _inert(node, parent))
                if found == "auto-traces":
                    return None
                out.touches = out.touches or found == "touches"
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if module_scope:
                out.defines.add(node.name)
        elif isinstance(node, ast.alias):
            out.star = out.star or node.name == "*"
            if module_scope:
                out.defines.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Global):
            out.defines.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Tuple):
            # `except (A, B):` catches: each type is read with the handler as its parent.
            stack += [(e, node, module_scope) for e in node.type.elts]
            stack += [(child, node, module_scope) for child in node.body]
            if node.name and module_scope:
                out.defines.add(node.name)
            continue
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            _read_string(node.value, out)
        inner = module_scope and not isinstance(node, _SCOPES + _COMPREHENSIONS)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            # Decorators, defaults, bases and annotations are evaluated in the outer scope.
            outer: list[ast.AST] = [*node.decorator_list]
            if isinstance(node, ast.ClassDef):
                outer += [*node.bases, *node.keywords]
            else:
                outer += [node.args, *([node.returns] if node.returns else [])]
            for child in outer:
                stack.append((child, node, module_scope))
            for child in node.body:
                stack.append((child, node, False))
            continue
        for child in ast.iter_child_nodes(node):
            stack.append((child, node, inner))
    return out


def _inert(node: ast.expr, parent: ast.AST | None) -> bool:
    """Is this read of an API unable to carry it anywhere (called, caught, type-tested)?"""
    if isinstance(parent, ast.Call) and parent.func is node:
        return True
    if isinstance(parent, ast.ExceptHandler):
        return True
    return (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Name)
        and parent.func.id in ("isinstance", "issubclass")
    )


def _read_string(text: str, out: Statement) -> None:
    """A string annotation reads the names it spells; a path literal joins writer and uploader."""
    if _TYPE_TEXT.fullmatch(text):
        out.reads.update(_WORD.findall(text))
    if _FILE_NAME.fullmatch(text):
        key = f"'{text}"
        out.reads.add(key)
        out.defines.add(key)
