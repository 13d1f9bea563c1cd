"""The statements of a module that can take part in a finding; the others emptied.

The units are the top-level statements and the members of top-level classes
(methods and class-level statements). A finding starts where a unit touches a
tracker: it reads a name bound to a tracker API or object in a way that can
reach a sink (`TrackerUse`: `run.log` does, `accelerator.prepare(model)` does
not; nor does a tracker passed to a call, since the analysis never follows a
tracker into a callee's parameters), or a project name that reaches a
tracker. A name or `self.<attr>` assigned a tracker object is typed through
the tracker model (`run = wandb.init()`: `typed_bindings`). Names are
module-level names and `self.<attr>` (the members of every class of the
module share them, so a base class here is covered). A unit also touches
when, to a fixpoint:

- it calls a definition that touches (`log_user(user)`, `self._log(row)`: the
  call site of a finding), or reads a value made by a touching expression
  (`run = make_run()`, then `run.summary[...] = top`);
- it is a class whose base is such a class (then all its members count).

What is kept is those units and, to a fixpoint, every unit defining a name a
kept unit reads (a helper whose value is logged, a constant, `self.rows` set
in `__init__`; a module-level statement that reads a name, or a call that
appends to it, may change it, so it counts as defining it too), every class
needed whole (a class read by kept code keeps all its members), units sharing
a file-name literal with a kept one (a file written in one function and
uploaded in another), plain imports and docstrings.

The others are emptied line for line, so the rest parses to the same
positions. A module that turns on auto-tracing, or binds a tracker through a
call (`importlib.import_module`), is never sliced.

The check parses the smaller module first and takes only a clean answer from
it: a slice with a finding or an error is checked whole
(`logmask.linter.libcst_pass.check_module`). So slicing changes the time of a
check, never its report, as long as every unit a finding needs is kept; the
tests compare both on the rule examples, the flow tables, the conformance
cases and real code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

# A slice that keeps more than this share of the module is not worth a second parse.
WORTH_SLICING = 0.8
_FILE_NAME = re.compile(r"[^\s]{0,200}\.[A-Za-z][A-Za-z0-9]{0,7}")  # `out/users.csv`
_TYPE_TEXT = re.compile(r"[\w.\[\], |]{1,200}")  # a string annotation: `"Optional[State]"`
_WORD = re.compile(r"[A-Za-z_]\w*")
# Calls that change the container they are called on (`rows.append(user)`).
MUTATORS = frozenset(
    {"append", "extend", "insert", "update", "add", "setdefault", "add_data", "add_row"}
)

# What a read of a tracker-bound name does: `parts` spell the API or tracker type read
# (`mlflow.log_param`, `wandb.Run.log`); it is called (`made`: and what the call returns is
# carried on, as in `return wandb.init()`), carried on as a value, or inert (see `_how`).
How = Literal["called", "made", "value", "inert"]
Use = Literal["none", "touches", "auto-traces"]
TrackerUse = Callable[[Sequence[str], How], Use]
# The tracker type a read yields (`called`: the result of calling it), as parts; else None.
TrackerType = Callable[[Sequence[str], bool], "tuple[str, ...] | None"]
Bound = Mapping[str, "tuple[str, ...] | None"]


class AutoTraces(Exception):
    """The module turns on auto-tracing: it is not sliced."""


@dataclass(slots=True)
class Assignment:
    """`targets = value`: the value's reads, calls and whether it touches a tracker."""

    targets: set[str]
    reads: set[str]
    calls: set[str]
    touches: bool


@dataclass(slots=True)
class Unit:
    """A top-level statement, a class header or a class member."""

    first: int
    last: int
    defines: set[str] = field(default_factory=set)
    reads: set[str] = field(default_factory=set)
    calls: set[str] = field(default_factory=set)  # read as what is called: `f(...)`, `f.m(...)`
    assignments: list[Assignment] = field(default_factory=list)
    touches: bool = False
    definition: bool = False  # a `def` or `class`: what it reads it does not change
    always: bool = False  # an import, a docstring or a star import
    names: set[str] = field(default_factory=set)  # a definition's own name: calling it
    owner: int | None = None  # a member: the index of its class header
    header: bool = False
    docstring: bool = False


def slice_for_findings(
    data: bytes, tree: ast.Module, bound: Bound, use: TrackerUse, kind: TrackerType
) -> bytes | None:
    """The module with only the units a finding can need; None when that would not pay.

    `bound`: local name -> the tracker API it is bound to, or None for a
    project name that reaches a tracker (every read of it touches).
    """
    names = {**bound, **typed_bindings(tree, bound, kind)}
    try:
        units = _units(tree, names, use, kind)
    except AutoTraces:
        return None
    keep = _kept(units, _active(units))
    for index, unit in enumerate(units):  # a kept class keeps its docstring
        if unit.owner is not None and keep[unit.owner] and unit.docstring:
            keep[index] = True
    return _emptied(data, units, keep)


def touches(node: ast.stmt, bound: Bound, use: TrackerUse, kind: TrackerType) -> bool:
    """Can this statement log, trace or hand on a tracker, read as one unit? (The reach
    question asks it of a definition another module imports.)"""
    names = {**bound, **typed_bindings(ast.Module(body=[node], type_ignores=[]), bound, kind)}
    try:
        return _unit(node, names, use, kind, "module").touches
    except AutoTraces:
        return True


def typed_bindings(tree: ast.Module, bound: Bound, kind: TrackerType) -> dict[str, tuple[str, ...]]:
    """Names and `self.<attr>`s assigned a tracker object (`run = wandb.init()`), with its type."""
    typed: dict[str, tuple[str, ...]] = {}
    pairs = list(_assigned(tree))
    for _ in range(3):  # `run = wandb.init()`, then `summary = run.summary`
        grew = False
        for target, value in pairs:
            if target in typed or target in bound:
                continue
            called = isinstance(value, ast.Call)
            read = _chain(value.func if isinstance(value, ast.Call) else value)
            if read is None:
                continue
            key, rest = read
            api = typed.get(key) or bound.get(key)
            found = kind((*api, *rest), called) if api else None
            if found is not None:
                typed[target] = found
                grew = True
        if not grew:
            break
    return typed


def statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every statement, nested ones included, without entering expressions."""
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, name, None)
            if children:
                stack.extend(children)


def _assigned(tree: ast.Module) -> Iterable[tuple[str, ast.expr]]:
    """(target, value) of assignment statements and `with ... as` (not `:=` in expressions)."""
    for node in statements(tree):
        if isinstance(node, ast.Assign):
            pairs = [(t, node.value) for t in node.targets]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            pairs = [(node.target, node.value)]
        elif isinstance(node, ast.With | ast.AsyncWith):
            pairs = [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars]
        else:
            continue
        for target, value in pairs:
            key = _target_key(target)
            if key is not None:
                yield key, value


def _target_key(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    read = _chain(target)
    if read is not None and read[0].startswith("self.") and not read[1]:
        return read[0]
    return None


def _chain(node: ast.expr) -> tuple[str, list[str]] | None:
    """(`name` or `self.<attr>`, the attributes after it) of a chain of attributes on a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.reverse()
    if isinstance(node, ast.Name):
        if node.id in ("self", "cls") and parts:
            return f"self.{parts[0]}", parts[1:]
        return node.id, parts
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "super"
        and parts
    ):
        return f"self.{parts[0]}", parts[1:]
    return None


# ------------------------------------------------------------------ units
def _units(tree: ast.Module, bound: Bound, use: TrackerUse, kind: TrackerType) -> list[Unit]:
    units: list[Unit] = []
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.ClassDef) and node.body:
            header = len(units)
            first = _first_line(node)
            unit = Unit(first, max(first, _first_line(node.body[0]) - 1), definition=True)
            unit.header = True
            unit.defines.add(node.name)
            unit.names.add(node.name)
            header_parts = [*node.decorator_list, *node.bases, *node.keywords]
            _Walk(bound, use, kind, unit, "module").extend(header_parts)
            units.append(unit)
            for position, member in enumerate(node.body):
                unit = _unit(member, bound, use, kind, "class")
                unit.owner = header
                unit.docstring = position == 0 and _docstring(member)
                units.append(unit)
            continue
        unit = _unit(node, bound, use, kind, "module")
        unit.always = unit.always or isinstance(node, ast.Import | ast.ImportFrom)
        unit.always = unit.always or (index == 0 and _docstring(node))
        units.append(unit)
    return units


def _unit(node: ast.stmt, bound: Bound, use: TrackerUse, kind: TrackerType, level: str) -> Unit:
    unit = Unit(_first_line(node), node.end_lineno or node.lineno)
    walk = _Walk(bound, use, kind, unit, level)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        unit.definition = True
        walk.define(node.name, level, unit)
        unit.names = set(unit.defines)
    walk.extend([node])
    return unit


def _first_line(node: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


class _Walk:
    """Fills a unit: what it defines at its level (`module`, `class`), reads, calls, touches."""

    def __init__(
        self, bound: Bound, use: TrackerUse, kind: TrackerType, unit: Unit, level: str
    ) -> None:
        self.bound = bound
        self.use = use
        self.kind = kind
        self.up: dict[int, ast.AST | None] = {}  # a call's parent
        self.unit = unit
        self.level = level

    def extend(self, roots: Iterable[ast.AST]) -> None:
        self.walk([(root, None, self.level) for root in roots], self.unit)

    def walk(self, stack: list[Frame], out: Unit) -> None:
        while stack:
            node, _, level = frame = stack.pop()
            kind = type(node)
            if kind in _SPECIAL and self.special(frame, out, stack):
                continue
            inner = "local" if kind in _LOCAL_SCOPES else level
            fields = _FIELDS.get(kind)
            for name in _fields(kind) if fields is None else fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    stack += [(c, node, inner) for c in value if isinstance(c, ast.AST)]
                elif isinstance(value, ast.AST):
                    stack.append((value, node, inner))

    def special(self, frame: Frame, out: Unit, stack: list[Frame]) -> bool:
        """Nodes that name, bind or call; True when their children are taken care of."""
        node, parent, level = frame
        if isinstance(node, ast.Attribute | ast.Name):
            return self.read(node, parent, level, out)
        if isinstance(node, ast.Call):
            self.up[id(node)] = parent
            self.mutation(node, out)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
            value = node.value
            if value is None:
                return False
            self.assignment(node, value, level, out)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            stack += [(t, node, level) for t in targets]
            if isinstance(node, ast.AnnAssign):
                stack.append((node.annotation, node, level))
            return True
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self.define(node.name, level, out)
            # Decorators, defaults, bases and annotations belong to the outer scope.
            outer: list[ast.AST] = [*node.decorator_list]
            if isinstance(node, ast.ClassDef):
                outer += [*node.bases, *node.keywords]
            else:
                outer += [node.args, *([node.returns] if node.returns else [])]
            stack += [(child, node, level) for child in outer]
            stack += [(child, node, "local") for child in node.body]
            return True
        elif isinstance(node, ast.alias):
            out.always = out.always or node.name == "*"
            self.define((node.asname or node.name).split(".")[0], level, out)
        elif isinstance(node, ast.Global):
            out.defines.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Tuple):
            # `except (A, B):` catches: each type is read with the handler as its parent.
            stack += [(e, node, level) for e in node.type.elts]
            stack += [(child, node, level) for child in node.body]
            return True
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.string(node.value, out)
        return False

    def read(self, node: ast.expr, parent: ast.AST | None, level: str, out: Unit) -> bool:
        """A name or a chain of attributes on one; False when its base is not a name."""
        chain = _chain(node)
        if chain is None:
            self.made(node, parent, out)
            return False  # `f().x`: the base is walked on its own
        key, rest = chain
        stored = not isinstance(node.ctx, ast.Load)  # type: ignore[attr-defined]
        if stored and isinstance(node, ast.Name):
            self.define(key, level, out)
            return True
        if stored and key.startswith("self.") and not rest:
            out.defines.add(key)  # `self.rows = ...`
            return True
        if stored:
            rest = rest[:-1]  # `run.config.lr = x` sets an attribute of `run.config`
        out.reads.add(key)
        if isinstance(parent, ast.Call) and parent.func is node:
            out.calls.add(key)
        if key in self.bound:
            api = self.bound[key]
            how = _how(node, parent)
            if how == "called" and self.escapes(parent):  # type: ignore[arg-type]
                how = "made"
            attr = _getattr_name(node, parent)
            if attr is not None:  # `getattr(run, "log")` reads `run.log`
                rest, how = [*rest, attr], "value"
            found = "touches" if api is None else self.use((*api, *rest), how)
            if found == "auto-traces":
                raise AutoTraces
            out.touches = out.touches or found == "touches"
        # `super().log`: the call is walked too
        return not isinstance(node, ast.Attribute) or isinstance(
            node.value, ast.Name | ast.Attribute
        )

    def escapes(self, call: ast.Call) -> bool:
        """Is what the call returns carried on (returned, put in a container, stored in a
        name that holds no tracker type) rather than dropped, passed, or used in place?"""
        parent = self.up.get(id(call))
        if isinstance(parent, ast.Expr | ast.Call | ast.Attribute | ast.Compare | ast.keyword):
            return False
        if isinstance(parent, ast.withitem):
            stored = [parent.optional_vars] if parent.optional_vars is not None else []
        elif isinstance(parent, ast.Assign):
            stored = parent.targets
        elif isinstance(parent, ast.AnnAssign | ast.NamedExpr):
            stored = [parent.target]
        else:
            return True
        return any(_target_key(target) not in self.bound for target in stored)

    def made(self, node: ast.expr, parent: ast.AST | None, out: Unit) -> None:
        """`MlflowClient().log_param(...)`: a member of the tracker object a call makes."""
        rest: list[str] = []
        base = node
        while isinstance(base, ast.Attribute):
            rest.append(base.attr)
            base = base.value
        if not rest or not isinstance(base, ast.Call):
            return
        chain = _chain(base.func)
        api = self.bound.get(chain[0]) if chain is not None else None
        made = self.kind((*api, *chain[1]), True) if api and chain is not None else None
        if made is not None:
            rest.reverse()
            found = self.use((*made, *rest), _how(node, parent))
            out.touches = out.touches or found == "touches"

    def define(self, name: str, level: str, out: Unit) -> None:
        if level == "module":
            out.defines.add(name)
        elif level == "class":
            out.defines.add(f"self.{name}")

    def assignment(self, node: ast.AST, value: ast.expr, level: str, out: Unit) -> None:
        """Walk the value on its own: its targets hold a tracker value if it touches."""
        inner = Unit(out.first, out.last)
        self.walk([(value, node, level)], inner)
        out.reads |= inner.reads
        out.calls |= inner.calls
        out.defines |= inner.defines
        out.assignments += inner.assignments
        out.touches = out.touches or inner.touches
        out.always = out.always or inner.always
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
        # A name bound to a tracker type is read through the model (`TrackerUse`), not as a value.
        keys = {k for t in targets for k in [_target_key(t)] if k is not None} - set(self.bound)
        if level == "local":
            keys = {k for k in keys if k.startswith("self.")}
        elif level == "class":
            keys = {k if k.startswith("self.") else f"self.{k}" for k in keys}
        if keys:
            out.assignments.append(Assignment(keys, inner.reads, inner.calls, inner.touches))

    def mutation(self, node: ast.Call, out: Unit) -> None:
        """`rows.append(user)` changes `rows`: it counts as defining it."""
        if isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            chain = _chain(node.func.value)
            if chain is not None and not chain[1]:
                out.defines.add(chain[0])

    @staticmethod
    def string(text: str, out: Unit) -> None:
        """A string annotation reads the names it spells; a file name joins writer and uploader."""
        if _TYPE_TEXT.fullmatch(text):
            out.reads.update(_WORD.findall(text))
        if _FILE_NAME.fullmatch(text):
            out.reads.add(f"'{text}")
            out.defines.add(f"'{text}")


# (node, its parent, the level a plain name it stores lives at: module, class or local)
Frame = tuple[ast.AST, "ast.AST | None", str]
_LOCAL_SCOPES = frozenset({ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp})
# The node types `_Walk.special` handles; the others only have their children walked.
_SPECIAL = frozenset(
    {
        ast.Attribute,
        ast.Name,
        ast.Call,
        ast.Assign,
        ast.AnnAssign,
        ast.AugAssign,
        ast.NamedExpr,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.alias,
        ast.Global,
        ast.ExceptHandler,
        ast.Constant,
    }
)
# The fields of each node type that hold nodes worth walking (not `ctx`, operators).
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    found = tuple(f for f in getattr(kind, "_fields", ()) if f not in ("ctx", "op", "ops"))
    _FIELDS[kind] = found
    return found


def _how(node: ast.expr, parent: ast.AST | None) -> How:
    """Is this read called, or inert: caught, compared, tested, or passed to a call (the
    analysis follows data into a callee's parameters, never a tracker: a module or object
    passed to `setup(wandb)` is unknown inside `setup`)? Else it is a value carried on."""
    if isinstance(parent, ast.Call):
        return "called" if parent.func is node else "inert"
    if isinstance(parent, ast.If | ast.While | ast.IfExp | ast.Assert):
        return "inert" if parent.test is node else "value"
    if isinstance(parent, ast.ExceptHandler | ast.keyword | ast.Compare) or (
        isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)
    ):
        return "inert"
    return "value"


def _getattr_name(node: ast.expr, parent: ast.AST | None) -> str | None:
    """`name` of `getattr(node, "name"[, default])`."""
    if (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Name)
        and parent.func.id == "getattr"
        and len(parent.args) >= 2
        and parent.args[0] is node
        and isinstance(parent.args[1], ast.Constant)
        and isinstance(parent.args[1].value, str)
    ):
        return parent.args[1].value
    return None


# --------------------------------------------------------------- fixpoints
def _active(units: list[Unit]) -> list[bool]:
    """Units that touch a tracker, call one that does, or read a value one made."""
    active = [u.touches for u in units]
    calling: set[str] = set()  # definitions that are active: calling them may log
    values: set[str] = set()  # names holding what an active expression made
    changed = True
    while changed:
        changed = False
        for index, unit in enumerate(units):
            if not active[index] and (
                unit.calls & calling
                or unit.reads & values
                or (unit.header and unit.reads & calling)  # a class whose base is active
            ):
                active[index] = changed = True
            if not active[index]:
                continue
            if not unit.names <= calling:
                calling |= unit.names
                changed = True
            for assignment in unit.assignments:
                if assignment.targets <= values:
                    continue
                if assignment.touches or assignment.calls & calling or assignment.reads & values:
                    values |= assignment.targets
                    changed = True
            owner = unit.owner
            if owner is not None and not units[owner].names <= calling:
                calling |= units[owner].names  # `Reporter(...)` builds what logs
                changed = True
    return active


def _kept(units: list[Unit], seeds: list[bool]) -> list[bool]:
    """The seeds and, to a fixpoint, what defines what they read; whole classes when needed."""
    keep = [seed or unit.always for seed, unit in zip(seeds, units, strict=True)]
    whole = {i for i, u in enumerate(units) if u.header and seeds[i]}  # an active class header
    needed: set[str] = set()
    changed = True
    while changed:
        changed = False
        for index, unit in enumerate(units):
            owner = unit.owner
            if not keep[index]:
                defines = unit.defines if unit.definition else unit.defines | unit.reads
                if not (defines & needed or (owner is not None and owner in whole)):
                    continue
                keep[index] = changed = True
            if unit.reads - needed:
                needed |= unit.reads
                changed = True
            if owner is not None and not keep[owner]:
                keep[owner] = changed = True
            if unit.header and unit.defines & needed and index not in whole:
                whole.add(index)  # read by kept code: every member may be used
                changed = True
    return keep


def _emptied(data: bytes, units: list[Unit], keep: list[bool]) -> bytes | None:
    """`data` with the lines of units not kept emptied; None when too little goes."""
    if b"\r" in data.replace(b"\r\n", b""):
        return None  # lone carriage returns: lines are not what `split(b"\n")` sees
    lines = data.split(b"\n")
    emptied: set[int] = set()
    for unit, kept in zip(units, keep, strict=True):
        if not kept:
            emptied.update(range(unit.first - 1, unit.last))
    for unit, kept in zip(units, keep, strict=True):
        if kept:  # a line shared with a kept unit (`a = 1; b = 2`) stays
            emptied.difference_update(range(unit.first - 1, unit.last))
    dropped = sum(len(lines[i]) + 1 for i in emptied if i < len(lines))
    if dropped < (1 - WORTH_SLICING) * len(data):
        return None
    return b"\n".join(
        (b"\r" if line.endswith(b"\r") else b"") if i in emptied else line
        for i, line in enumerate(lines)
    )
