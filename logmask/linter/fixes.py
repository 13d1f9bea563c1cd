"""Apply fixes to a source: edits, the imports they need once, module set-up.

Fixes are text edits at positions LibCST computed, applied to the original
text (`logmask.linter.text`), so everything a fix does not touch (formatting,
comments, tabs, line endings, the encoding, a BOM) stays byte for byte.

How fixes name what they import (the decisions, tested in tests/fixes/):

- A needed ``import logmask`` is added once, at top level, only when the module
  does not already bind ``logmask`` with a top-level import.
- Existing spellings are reused: ``import logmask as lm`` gives ``lm.mask(x)``,
  ``from logmask import mask`` gives ``mask(x)``, but only when that name is
  bound nowhere else in the module. ``mask`` is a common variable name in ML
  code (attention masks), so a new bare ``from logmask import mask`` is never
  added: a fix always adds the module import.
- The configured masker (``from myproject.privacy import scrub``) is imported
  by name, unless the name is already bound to something else in the module;
  then the fix spells it ``myproject.privacy.scrub(x)`` and adds ``import
  myproject.privacy``.
- Placement: after the module docstring and ``from __future__`` imports, in
  the top-level import block: in the group that imports the tracker (or the
  last group), at its sorted position when the group is sorted (isort/ruff
  order: ``import x`` before ``from x import y``, or one mixed order), else at
  the group's end. A module with no imports gets a new block after its
  docstring, or after leading comments (shebang, coding cookie, licence).
- Module set-up (span processors) goes after the import block, and after any
  later top-level import that binds a name it uses, separated by blank lines.

The JSON report shows the canonical fix (``logmask.mask(x)`` and ``import
logmask``); ``--fix`` and ``--diff`` adapt the spelling as above.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from logmask.findings import Finding, Fix
from logmask.linter.text import decode, encode, split_lines
from logmask.rules.trackers import builtin_model

_HELPER = re.compile(r"(?<![\w.])logmask\.(\w+)")
TRACKERS = builtin_model().modules


@dataclass
class Applied:
    """The fixed source and how many findings' fixes went in (overlaps wait a pass)."""

    data: bytes
    applied: int = 0


def apply_fixes(source: bytes, module: cst.Module, findings: Sequence[Finding]) -> bytes:
    """The source with every non-overlapping fix applied (overlaps wait for the next pass)."""
    return apply_all(source, module, findings).data


def apply_all(source: bytes, module: cst.Module, findings: Sequence[Finding]) -> Applied:
    text, bom = decode(source, module.encoding)
    if module.code != text:
        # LibCST did not round-trip this text (lone "\r" line endings): its positions
        # cannot be trusted, so nothing is changed.
        return Applied(source)
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1 if line - 1 < len(starts) else len(text)

    spelling = Spelling(module)
    parens = _parenthesized(module, offset) if any(f.fix and f.fix.edits for f in findings) else {}
    chosen: list[tuple[int, int, str]] = []
    imports: list[str] = []  # what the edits use
    setup_imports: list[str] = []  # what only the module set-up uses
    setup: list[str] = []
    applied = 0
    for finding in findings:
        fix = finding.fix
        if fix is None:
            continue
        adapted = spelling.adapt(fix)
        edits = [
            _outer((offset(e.line, e.column), offset(e.end_line, e.end_column), content), parens)
            for e, content in zip(fix.edits, adapted.contents, strict=True)
        ]
        if any(_conflict(edit, other) for edit in edits for other in chosen):
            continue  # overlaps an edit already taken: the next pass sees it again
        if any(_rewraps(text[start:end], content) for start, end, content in edits):
            continue  # already wrapped in this helper: a fix that did not silence its finding
        chosen += [edit for edit in edits if edit not in chosen]
        wanted = imports if fix.edits else setup_imports
        wanted += [i for i in adapted.imports if i not in wanted]
        setup += [s for s in adapted.setup if s not in setup]
        applied += 1
    for start, end, content in sorted(chosen, key=lambda c: c[0], reverse=True):
        text = text[:start] + content + text[end:]
    text = add_header(text, imports, setup, setup_imports)
    return Applied(encode(text, module.encoding, bom), applied)


def _parenthesized(
    module: cst.Module, offset: Callable[[int, int], int]
) -> dict[tuple[int, int], tuple[int, int, str]]:
    """Parenthesized expressions: their span without parentheses -> with them, and their code.

    LibCST's positions leave an expression's own parentheses out, but its code
    (what the engine puts in the fix) has them: replacing only the inner span
    would write the parentheses, and any comment inside them, twice.
    """
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    out: dict[tuple[int, int], tuple[int, int, str]] = {}
    for node, where in positions.items():
        lpar, rpar = getattr(node, "lpar", None), getattr(node, "rpar", None)
        if not lpar or not rpar or not isinstance(lpar, Sequence):
            continue
        first, last = positions.get(lpar[0]), positions.get(rpar[-1])
        if first is None or last is None:
            continue
        inner = (
            offset(where.start.line, where.start.column + 1),
            offset(where.end.line, where.end.column + 1),
        )
        out[inner] = (
            offset(first.start.line, first.start.column + 1),
            offset(last.end.line, last.end.column + 1),
            module.code_for_node(node),
        )
    return out


def _outer(
    edit: tuple[int, int, str], parens: dict[tuple[int, int], tuple[int, int, str]]
) -> tuple[int, int, str]:
    """An edit of a parenthesized expression made with its code replaces the parentheses too."""
    found = parens.get(edit[:2])
    if found is not None and found[2] in edit[2]:
        return (found[0], found[1], edit[2])
    return edit


def _rewraps(old: str, content: str) -> bool:
    """`content` wraps `old` in a call `old` already starts with (`mask(mask(x))`)."""
    head = content[: content.find("(") + 1]
    return len(head) > 1 and old.startswith(head) and old in content


def _conflict(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    """Two edits that touch the same text, unless they are the same edit (two findings, one fix)."""
    if a == b:
        return False
    return a[:2] == b[:2] or (a[0] < b[1] and b[0] < a[1])


# ----------------------------------------------------------------- spelling


@dataclass
class Adapted:
    contents: list[str]
    imports: list[str]
    setup: list[str]


@dataclass
class Spelling:
    """How this module already names logmask's helpers (or the masker), so fixes reuse it."""

    module: cst.Module
    _counts: dict[str, int] = field(default_factory=dict)

    @cached_property
    def top_imports(self) -> list[cst.Import | cst.ImportFrom]:
        """Imports of the module's header (an import further down may run after the use)."""
        found: list[cst.Import | cst.ImportFrom] = []
        for stmt in _top_statements(header_statements(self.module)):
            found += [s for s in stmt.body if isinstance(s, cst.Import | cst.ImportFrom)]
        return found

    def module_names(self, target: str) -> list[str]:
        """Expressions naming module `target` through top-level imports.

        `import target` and `import target.sub` give "target"; `import target as x` gives "x".
        """
        names = []
        for node in self.top_imports:
            if not isinstance(node, cst.Import):
                continue
            for alias in node.names:
                full = _dotted(alias.name)
                if alias.asname is None and (full == target or full.startswith(target + ".")):
                    names.append(target)
                elif alias.asname is not None and full == target and _asname(alias):
                    names.append(_asname(alias))
        return names

    def from_names(self, module: str, name: str) -> list[str]:
        """Local names of `from module import name [as x]` at top level."""
        out = []
        for node in self.top_imports:
            if not isinstance(node, cst.ImportFrom) or node.relative or node.module is None:
                continue
            if _dotted(node.module) != module or isinstance(node.names, cst.ImportStar):
                continue
            for alias in node.names:
                if _dotted(alias.name) == name:
                    out.append(_asname(alias) or name)
        return out

    @cached_property
    def scopes(self) -> list[object] | None:
        """Every scope of the module; None if LibCST cannot resolve them (reuse nothing)."""
        try:
            resolved = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(ScopeProvider)
        except Exception:
            return None
        unique: dict[int, object] = {}
        for scope in resolved.values():
            if scope is not None:
                unique[id(scope)] = scope
        return list(unique.values())

    def bindings(self, name: str) -> int:
        """How many times `name` is bound anywhere in the module (imports, assignments, ...)."""
        if name not in self._counts:
            scopes = self.scopes
            self._counts[name] = (
                sum(len(scope.assignments[name]) for scope in scopes)  # type: ignore[attr-defined]
                if scopes is not None
                else 2  # unknown: as if bound elsewhere too
            )
        return self._counts[name]

    def only_import(self, name: str) -> bool:
        return self.bindings(name) == 1

    def adapt(self, fix: Fix) -> Adapted:
        contents = [edit.content for edit in fix.edits]
        imports = list(fix.imports)
        setup = list(fix.setup)
        for imp in fix.imports:
            words = imp.split()
            if words == ["import", "logmask"]:
                if "logmask" not in self.module_names("logmask") and self.respell_logmask(
                    contents, setup
                ):
                    imports.remove(imp)
            elif len(words) == 4 and words[0] == "from" and words[2] == "import":
                instead = self.respell_from(words[1], words[3], contents)
                if instead is not None:
                    imports = [i for i in imports if i != imp]
                    if instead:
                        imports.append(instead)
        return Adapted(contents, imports, setup)

    def respell_logmask(self, contents: list[str], setup: list[str]) -> bool:
        """Use existing `import logmask as lm` / `from logmask import h` names; True if all fit."""
        helpers = {m.group(1) for text in (*contents, *setup) for m in _HELPER.finditer(text)}
        spelled: dict[str, str] = {}
        aliases = [a for a in self.module_names("logmask") if self.only_import(a.split(".")[0])]
        for helper in helpers:
            names = [n for n in self.from_names("logmask", helper) if self.only_import(n)]
            if names:
                spelled[helper] = names[0]
            elif aliases:
                spelled[helper] = f"{aliases[0]}.{helper}"
        if not helpers or set(spelled) != helpers:
            return False

        def sub(text: str) -> str:
            return _HELPER.sub(lambda m: spelled[m.group(1)], text)

        contents[:] = [sub(c) for c in contents]
        setup[:] = [sub(s) for s in setup]
        return True

    def respell_from(self, module: str, name: str, contents: list[str]) -> str | None:
        """A configured masker `from module import name`: the import to add instead, or None.

        "" means nothing needs importing.
        """
        existing = self.from_names(module, name)
        if name in existing:
            return None
        usable = [n for n in existing if self.only_import(n)]
        if usable:
            self._rename(contents, name, usable[0])
            return ""
        if self.bindings(name) == 0:
            return None
        aliases = [a for a in self.module_names(module) if self.only_import(a.split(".")[0])]
        self._rename(contents, name, f"{aliases[0] if aliases else module}.{name}")
        return "" if aliases else f"import {module}"

    @staticmethod
    def _rename(contents: list[str], old: str, new: str) -> None:
        contents[:] = [new + c[len(old) :] if c.startswith(old + "(") else c for c in contents]


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _asname(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return ""


# ------------------------------------------------------------------- header


def header_statements(module: cst.Module) -> list[cst.CSTNode]:
    """The docstring, `__future__` imports and the import block that follows them."""
    out: list[cst.CSTNode] = []
    for index, stmt in enumerate(module.body):
        if (index == 0 and _is_docstring(stmt)) or _is_importish(stmt):
            out.append(stmt)
        else:
            break
    return out


def import_lines(module: cst.Module, everywhere: bool = False) -> set[str]:
    """The header's imports, normalised ("import logmask", "from a import b").

    Only the header counts: an import further down may run after the code a fix
    changed (a second `import logmask` at the top is harmless). Imports in
    `try:` / `if TYPE_CHECKING:` blocks of the header count too: adding an
    unconditional one would turn an optional dependency into a hard one.
    `import a.b` also provides "import a" (it binds `a`). `everywhere`: all top-level
    imports.
    """
    found: set[str] = set()
    statements = module.body if everywhere else header_statements(module)
    for stmt in _top_statements(statements):
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if alias.asname is not None:
                        continue
                    name = _dotted(alias.name)
                    found.add(f"import {name}")
                    found.add(f"import {name.split('.')[0]}")
            elif isinstance(small, cst.ImportFrom) and small.module is not None:
                if isinstance(small.names, cst.ImportStar) or small.relative:
                    continue
                base = _dotted(small.module)
                for alias in small.names:
                    if alias.asname is None:
                        found.add(f"from {base} import {_dotted(alias.name)}")
    return found


def _top_statements(body: Sequence[cst.CSTNode]) -> list[cst.SimpleStatementLine]:
    """Simple statements at module level, including those in import-ish compound blocks."""
    out: list[cst.SimpleStatementLine] = []
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            out.append(stmt)
        elif _is_importish(stmt):
            for block in _blocks(stmt):
                out += _top_statements(block)
    return out


def setup_present(module: cst.Module, setup: str) -> bool:
    return any(module.code_for_node(s).strip() == setup for s in module.body)


def _is_import_line(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Import | cst.ImportFrom) for s in stmt.body
    )


def _is_future(stmt: cst.CSTNode) -> bool:
    return _is_import_line(stmt) and all(
        isinstance(s, cst.ImportFrom) and s.module is not None and _dotted(s.module) == "__future__"
        for s in stmt.body  # type: ignore[attr-defined]
    )


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _blocks(stmt: cst.CSTNode) -> list[Sequence[cst.CSTNode]]:
    """The statement lists of an `if`/`try` statement (bodies, elif/else, handlers, finally)."""
    parts: list[cst.CSTNode | None] = [stmt]
    out: list[Sequence[cst.CSTNode]] = []
    if isinstance(stmt, cst.If):
        if isinstance(stmt.orelse, cst.If):
            out += _blocks(stmt.orelse)
        else:
            parts.append(stmt.orelse)
    elif isinstance(stmt, cst.Try | cst.TryStar):
        parts += [*stmt.handlers, stmt.orelse, stmt.finalbody]
    for part in parts:
        body = getattr(part, "body", None)
        if isinstance(body, cst.IndentedBlock):
            out.append(body.body)
        elif isinstance(body, cst.SimpleStatementSuite):
            out.append([cst.SimpleStatementLine(body=body.body)])
    return out


def _is_importish(stmt: cst.CSTNode) -> bool:
    """An import line, or an `if`/`try` block of imports (`if TYPE_CHECKING:`, optional deps)."""
    if _is_import_line(stmt):
        return True
    if not isinstance(stmt, cst.If | cst.Try | cst.TryStar):
        return False
    blocks = _blocks(stmt)
    has_import = False
    for block in blocks:
        for inner in block:
            if _is_import_line(inner):
                has_import = True
            elif isinstance(inner, cst.SimpleStatementLine):
                if not all(_is_trivial(s) for s in inner.body):
                    return False
            elif _is_importish(inner):
                has_import = True
            else:
                return False
    return has_import


def _is_trivial(small: cst.BaseSmallStatement) -> bool:
    """What optional-import blocks also do: `pass`, `HAS_X = False`, `x = None`, `raise`."""
    if isinstance(small, cst.Pass | cst.Raise):
        return True
    if isinstance(small, cst.Expr):
        return isinstance(small.value, cst.SimpleString | cst.Call)
    if isinstance(small, cst.Assign):
        return all(isinstance(t.target, cst.Name) for t in small.targets)
    return False


def _module_key(stmt: cst.SimpleStatementLine) -> tuple[bool, str]:
    """isort/ruff sort key of an import line: straight imports first, then by module."""
    small = stmt.body[0]
    if isinstance(small, cst.Import):
        return (False, _dotted(small.names[0].name).lower())
    assert isinstance(small, cst.ImportFrom)
    dots = "." * len(small.relative)
    return (True, dots + (_dotted(small.module).lower() if small.module is not None else ""))


def _import_key(line: str) -> tuple[bool, str]:
    words = line.split()
    return (words[0] == "from", words[1].lower())


def _top_module(stmt: cst.SimpleStatementLine) -> str:
    return _module_key(stmt)[1].split(".")[0]


def _is_third_party(stmt: cst.SimpleStatementLine) -> bool:
    top = _top_module(stmt)
    return bool(top) and top != "__future__" and top not in sys.stdlib_module_names


def _binds(stmt: cst.CSTNode, names: set[str]) -> bool:
    for simple in _top_statements([stmt]):
        for small in simple.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    bound = _asname(alias) or _dotted(alias.name).split(".")[0]
                    if bound in names:
                        return True
            elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    if (_asname(alias) or _dotted(alias.name)) in names:
                        return True
    return False


_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=]")


class Layout:
    """Where a module's header parts end, in 0-based line indexes (insert *before* index)."""

    def __init__(self, module: cst.Module, lines: list[str]) -> None:
        self.module = module
        self.lines = lines
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        self.positions = positions
        self.start = {id(s): positions[s].start.line - 1 for s in module.body}
        self.end = {id(s): positions[s].end.line for s in module.body}
        body = list(module.body)
        index = 0
        self.after_prelude = self.header_end()  # docstring / __future__ end, else header
        self.prelude_is_code = False
        if body and _is_docstring(body[0]):
            self.after_prelude = self.end[id(body[0])]
            self.prelude_is_code = True
            index = 1
        while index < len(body) and _is_future(body[index]):
            self.after_prelude = self.end[id(body[index])]
            self.prelude_is_code = True
            index += 1
        self.region: list[cst.CSTNode] = []
        while index < len(body) and _is_importish(body[index]):
            self.region.append(body[index])
            index += 1

    def header_end(self) -> int:
        """After leading comments; before the first statement's own comment block.

        A shebang and a coding cookie must stay on lines 1-2, so nothing goes
        above them; a comment right above the first statement stays with it.
        """
        header = len(self.module.header)
        first_kept = 0
        for number in range(min(2, len(self.lines))):
            line = self.lines[number]
            if (number == 0 and line.startswith("#!")) or _COOKIE.match(line):
                first_kept = number + 1
        blank = [i + 1 for i in range(header) if not self.lines[i].strip()]
        return max(first_kept, blank[-1] if blank else header)

    @property
    def region_end(self) -> int:
        return self.end[id(self.region[-1])] if self.region else self.after_prelude

    def groups(self) -> list[list[cst.SimpleStatementLine]]:
        """Runs of import lines in the region, split at blank lines and compound blocks."""
        groups: list[list[cst.SimpleStatementLine]] = []
        current: list[cst.SimpleStatementLine] = []
        for stmt in self.region:
            if not isinstance(stmt, cst.SimpleStatementLine) or _is_future(stmt):
                if current:
                    groups.append(current)
                current = []
                continue
            if current and any(line.comment is None for line in stmt.leading_lines):
                groups.append(current)
                current = []
            current.append(stmt)
        if current:
            groups.append(current)
        return groups

    def target_group(self) -> list[cst.SimpleStatementLine] | None:
        groups = self.groups()
        if not groups:
            return None
        for group in groups:
            if any(_top_module(s) in TRACKERS for s in group):
                return group
        third_party = [g for g in groups if any(_is_third_party(s) for s in g)]
        return (third_party or groups)[-1]

    def import_position(self, group: list[cst.SimpleStatementLine], line: str) -> int:
        keys = [_module_key(s) for s in group]
        ours = _import_key(line)
        for key_of in (lambda k: k, lambda k: k[1]):
            ordered = [key_of(k) for k in keys]
            if ordered == sorted(ordered):
                for index, key in enumerate(ordered):
                    if key > key_of(ours):
                        if index == 0:
                            return self.start[id(group[0])]
                        return self.end[id(group[index - 1])]
                break
        return self.end[id(group[-1])]

    def setup_position(self, names: set[str]) -> int:
        end = self.region_end
        for stmt in self.module.body:
            if _binds(stmt, names):
                end = max(end, self.end[id(stmt)])
        return end


# Calls that undo registered redaction (MLflow 3: `set_tracking_uri` resets tracing).
TRACING_RESETS = frozenset(builtin_model().redaction_resets)


def tracing_resets(module: cst.Module) -> list[cst.SimpleStatementLine]:
    """Statement lines (any depth) that call a tracing reset: set-up must come after them."""
    aliases: dict[str, str] = {}
    for node in Spelling(module).top_imports:
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = _dotted(alias.name)
                bound = _asname(alias)
                aliases[bound or full.split(".")[0]] = full if bound else full.split(".")[0]
        elif node.module is not None and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = _dotted(alias.name)
                aliases[_asname(alias) or name] = f"{_dotted(node.module)}.{name}"

    found: list[cst.SimpleStatementLine] = []

    class Finder(cst.CSTVisitor):
        line: cst.SimpleStatementLine | None = None

        def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
            self.line = node

        def leave_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
            self.line = None

        def visit_Call(self, node: cst.Call) -> None:
            name = _dotted(node.func)
            head, _, rest = name.partition(".")
            full = aliases.get(head, "") + (f".{rest}" if rest else "")
            line = self.line
            if line is not None and full in TRACING_RESETS and (not found or found[-1] is not line):
                found.append(line)

    module.visit(Finder())
    return found


def add_header(
    text: str, imports: Sequence[str], setup: Sequence[str], setup_imports: Sequence[str] = ()
) -> str:
    """Add missing imports into the import block, then set-up lines after it.

    `setup_imports` are needed by the set-up only: one anywhere at top level will do,
    since the set-up goes after the last top-level import of a name it uses.
    """
    imports = [*imports, *(i for i in setup_imports if i not in imports)]
    if not imports and not setup:
        return text
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return text  # the fix loop re-checks and refuses a broken result
    present = import_lines(module)
    anywhere = import_lines(module, everywhere=True)
    imports = [
        i
        for i in imports
        if i not in present and not (i in setup_imports and setup and i in anywhere)
    ]
    setup = [s for s in setup if not setup_present(module, s)]
    if not imports and not setup:
        return text
    newline = module.default_newline
    lines = split_lines(text)
    layout = Layout(module, lines)
    group = layout.target_group()
    at: dict[int, list[str]] = {}
    new_block = None
    for line in sorted(imports, key=_import_key):
        if group is not None:
            index = layout.import_position(group, line)
        else:
            index = new_block = layout.after_prelude
        at.setdefault(index, []).append(line + newline)
    setup_at = None
    again: dict[int, str] = {}  # set-up repeated inside blocks, after a reset there
    if setup:
        needed = {m.group(1) for s in setup for m in re.finditer(r"(?<![\w.])(\w+)\.", s)}
        setup_at = layout.setup_position(needed)
        for stmt in tracing_resets(module):
            end = layout.positions[stmt].end.line
            if any(stmt is top for top in module.body):
                setup_at = max(setup_at, end)
                continue
            following = next((line.strip() for line in lines[end:] if line.strip()), "")
            if following not in setup:
                line = lines[layout.positions[stmt].start.line - 1]
                again[end] = line[: len(line) - len(line.lstrip())]
        at.setdefault(setup_at, [])
        for index in again:
            at.setdefault(index, [])

    def blank(index: int) -> bool:
        return 0 <= index < len(lines) and not lines[index].strip()

    for index in sorted(at, reverse=True):
        if index >= len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline  # appending after a last line that has no newline
        chunk = list(at[index])
        after_blank = False
        if index == new_block:
            if index > 0 and layout.prelude_is_code and not blank(index - 1):
                chunk.insert(0, newline)
            after_blank = True
        if index in again:
            chunk += [again[index] + s + newline for s in setup]
        if index == setup_at:
            if chunk or not blank(index - 1):
                chunk.append(newline)
            chunk += [s + newline for s in setup]
            after_blank = True
        if after_blank and index < len(lines) and not blank(index):
            chunk.append(newline)
        lines[index:index] = chunk
    return "".join(lines)
