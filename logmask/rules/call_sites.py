"""Where a function's arguments come from: text its author wrote, or dataset rows.

A traced function that its module only ever calls with literals (a demo
notebook's `extract_person("My name is Ada ...")`), or with items of a
literal task list or of a loaded dataset (an evaluation loop), records no
user's message. The caller judges this only for modules no other project file
imports: elsewhere, callers this module cannot see may pass users' text.

A literal that holds personal data (an e-mail address, a card number) is
personal data wherever it was written, so it does not count as authored.
Conservative by construction: a name bound anywhere in the module by anything
but an authored value (a parameter, `input()`, a request field, an import) is
not authored, and a function referenced other than by a call (a callback, a
route) has call sites nobody sees.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from logmask.evidence.enduser import DATASET_LOADERS, DATASET_WORDS
from logmask.evidence.tokens import tokenize
from logmask.evidence.values import strongest_value

__all__ = ["CallSites"]

# Calls whose result is authored when their arguments are (iteration and string helpers).
PASS_THROUGH = frozenset(
    {"enumerate", "zip", "list", "tuple", "sorted", "reversed", "range", "str", "dict", "dedent"}
)
STRING_METHODS = frozenset({"format", "join", "strip", "lower", "upper", "replace", "split"})
MAX_DEPTH = 8


class CallSites:
    """The calls, bindings and references of one module, to judge a parameter's sources."""

    def __init__(self, module: cst.Module) -> None:
        collector = _Collector()
        module.visit(collector)
        self.calls = collector.calls
        self.bindings = collector.bindings
        self.references = collector.references
        self.scope: int | None = None  # the function the call being judged is in

    def authored_only(self, function: cst.FunctionDef, parameter: str) -> bool:
        """Is `parameter` given authored or dataset values at every call of `function`?"""
        name = function.name.value
        if self.references.get(name, 0):
            return False  # passed around (a callback, a handler): unseen callers
        params = [*function.params.posonly_params, *function.params.params]
        positions = [p.name.value for p in params]
        method = bool(positions) and positions[0] in ("self", "cls")
        kwonly = {p.name.value for p in function.params.kwonly_params}
        if parameter not in positions and parameter not in kwonly:
            return False
        calls = self.calls.get(name, [])
        if not calls:
            return False
        for call, via_attribute, scope in calls:
            self.scope = scope
            index = positions.index(parameter) if parameter in positions else -1
            if method and via_attribute:
                index -= 1
            argument = _argument(call, parameter, index)
            if argument is None or not self.authored(argument, 0, frozenset()):
                return False
        return True

    def authored(
        self,
        node: cst.BaseExpression,
        depth: int,
        seen: frozenset[str],
        path: tuple[int | None, ...] = (),
    ) -> bool:
        """Written in the code (a literal, a literal list's item) or read from a dataset.

        `path` selects a part of `node`: None an item of it, an int that element of it
        (`for name, prompt, fn in [("a", "...", step)]` binds `prompt` to part (None, 1)).
        """
        if depth > MAX_DEPTH:
            return False
        deeper = depth + 1
        if path:
            return self.authored_part(node, depth, seen, path)
        part = _part(node)
        if part is not None:
            return self.authored(part[0], deeper, seen, part[1])
        if isinstance(node, cst.SimpleString):
            return not _personal(node)
        if isinstance(node, cst.Integer | cst.Float | cst.Imaginary):
            return True
        if isinstance(node, cst.ConcatenatedString):
            return self.authored(node.left, deeper, seen) and self.authored(
                node.right, deeper, seen
            )
        if isinstance(node, cst.FormattedString):
            return all(
                self.authored(part.expression, deeper, seen)
                for part in node.parts
                if isinstance(part, cst.FormattedStringExpression)
            )
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            return all(self.authored(e.value, deeper, seen) for e in node.elements)
        if isinstance(node, cst.Dict):
            return all(
                isinstance(e, cst.DictElement) and self.authored(e.value, deeper, seen)
                for e in node.elements
            )
        if isinstance(node, cst.BinaryOperation):
            return self.authored(node.left, deeper, seen) and self.authored(
                node.right, deeper, seen
            )
        if isinstance(node, cst.Subscript | cst.Attribute):
            return self.dataset(node, deeper, seen) or self.authored(node.value, deeper, seen)
        if isinstance(node, cst.Call):
            return self.authored_call(node, deeper, seen)
        if isinstance(node, cst.Name):
            if node.value in ("True", "False", "None") or self.dataset(node, deeper, seen):
                return True
            return self.bound_authored(node.value, deeper, seen)
        return False

    def authored_part(
        self,
        node: cst.BaseExpression,
        depth: int,
        seen: frozenset[str],
        path: tuple[int | None, ...],
    ) -> bool:
        step, rest = path[0], path[1:]
        deeper = depth + 1
        if isinstance(node, cst.Name) and not self.dataset(node, deeper, seen):
            return self.bound_authored(node.value, deeper, seen, path)
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            elements = [e.value for e in node.elements]
            if step is None:
                return all(self.authored(e, deeper, seen, rest) for e in elements)
            if not isinstance(node, cst.Set) and 0 <= step < len(elements):
                return self.authored(elements[step], deeper, seen, rest)
        if isinstance(node, cst.Call) and step is None and rest and isinstance(rest[0], int):
            # `enumerate(items)`: (index, item); `zip(a, b)`: (item of a, item of b).
            tail = _name(node.func)
            args = [a.value for a in node.args if a.keyword is None and not a.star]
            if tail == "enumerate" and args:
                return rest[0] == 0 or self.authored(args[0], deeper, seen, (None, *rest[1:]))
            if tail == "zip" and rest[0] < len(args):
                return self.authored(args[rest[0]], deeper, seen, (None, *rest[1:]))
        return self.authored(node, deeper, seen)  # the whole is authored: so is each part

    def authored_call(self, node: cst.Call, depth: int, seen: frozenset[str]) -> bool:
        func = node.func
        tail = func.attr.value if isinstance(func, cst.Attribute) else _name(func)
        if self.dataset(node, depth, seen):
            return True
        arguments = all(self.authored(a.value, depth, seen) for a in node.args)
        if isinstance(func, cst.Attribute) and tail in STRING_METHODS:
            return arguments and self.authored(func.value, depth, seen)
        return tail in PASS_THROUGH and bool(node.args) and arguments

    def bound_authored(
        self, name: str, depth: int, seen: frozenset[str], path: tuple[int | None, ...] = ()
    ) -> bool:
        if name in seen:
            return True  # `x = x + "..."`: the other bindings decide
        # Python's rule: local when the function binds it anywhere, else the module's.
        bindings = self.bindings.get((self.scope, name)) or self.bindings.get((None, name))
        if not bindings:
            return False
        inner = seen | {name}
        return all(
            value is not None and self.authored(value, depth, inner, path) for value in bindings
        )

    def dataset(self, node: cst.BaseExpression, depth: int, seen: frozenset[str]) -> bool:
        """A dataset, a row of one, or a field of a row (`row["question"]`, `ds.rows`)."""
        if depth > MAX_DEPTH:
            return False
        if isinstance(node, cst.Name):
            # Named as data (`rows`, `eval_dataset`) and bound only to values, never to a
            # parameter, an import or `input()`.
            bindings = self.bindings.get((self.scope, node.value)) or self.bindings.get(
                (None, node.value), []
            )
            return (
                bool(set(tokenize(node.value)) & DATASET_WORDS)
                and bool(bindings)
                and all(value is not None and not _reads_input(value) for value in bindings)
            )
        if isinstance(node, cst.Subscript | cst.Attribute):
            if isinstance(node, cst.Attribute) and node.attr.value == "rows":
                return True
            return self.dataset(node.value, depth + 1, seen)
        if isinstance(node, cst.Call):
            func = node.func
            dotted = _dotted(func)
            if dotted is not None and dotted.rsplit(".", 1)[-1] in DATASET_LOADERS:
                return True
            if isinstance(func, cst.Attribute):
                return self.dataset(func.value, depth + 1, seen)
        return False


def _argument(call: cst.Call, parameter: str, index: int) -> cst.BaseExpression | None:
    """The expression passed for `parameter`; an authored default when it is not passed."""
    position = 0
    for arg in call.args:
        if arg.star:
            return None  # `f(*items)`: which is which is not known
        if arg.keyword is not None:
            if arg.keyword.value == parameter:
                return arg.value
            continue
        if position == index:
            return arg.value
        position += 1
    return cst.SimpleString('""')  # the default: written in the code


def _personal(node: cst.SimpleString) -> bool:
    """A literal holding an e-mail address or a card number is personal data, written or not."""
    try:
        text = node.evaluated_value
    except (ValueError, SyntaxError):
        return True
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return strongest_value(text) is not None


def _reads_input(node: cst.BaseExpression) -> bool:
    """`input()`, `st.text_input(...)`, `st.chat_input()`: what a user types."""
    return isinstance(node, cst.Call) and "input" in tokenize(_dotted(node.func) or "input")


def _name(node: cst.BaseExpression) -> str | None:
    return node.value if isinstance(node, cst.Name) else None


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr.value}" if owner else node.attr.value
    return None


class _Collector(cst.CSTVisitor):
    """Calls by callee name, name bindings (None: not an authored value) and other references."""

    def __init__(self) -> None:
        self.calls: dict[str, list[tuple[cst.Call, bool, int | None]]] = {}
        # (id of the enclosing function or None for the module, name) -> bound values
        self.bindings: dict[tuple[int | None, str], list[cst.BaseExpression | None]] = {}
        self._functions: list[int] = []
        self.references: dict[str, int] = {}
        self._callees: set[int] = set()
        self._defined: set[int] = set()

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.bindings.setdefault((self.scope, target.value), []).append(value)
        elif isinstance(target, cst.Tuple | cst.List):
            for index, element in enumerate(target.elements):
                # Unpacking: each name is bound to its element of the value.
                self.bind(element.value, _part_of(value, index) if value is not None else None)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, value)

    @property
    def scope(self) -> int | None:
        return self._functions[-1] if self._functions else None

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name):
            self.calls.setdefault(func.value, []).append((node, False, self.scope))
            self._callees.add(id(func))
        elif isinstance(func, cst.Attribute):
            self.calls.setdefault(func.attr.value, []).append((node, True, self.scope))
            self._callees.add(id(func))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._defined.add(id(node.name))
        # The name is bound in the enclosing scope; parameters and body in its own.
        self.bindings.setdefault((self.scope, node.name.value), []).append(None)
        self._functions.append(id(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._functions.append(id(node))

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._functions.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._defined.add(id(node.name))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._callees and id(node) not in self._defined:
            self.references[node.value] = self.references.get(node.value, 0) + 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if id(node) not in self._callees:
            self.references[node.attr.value] = self.references.get(node.attr.value, 0) + 1
        self._defined.add(id(node.attr))  # `x.name` is not the name `name`

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.bind(target.target, node.value)
            self._defined.update(_names_in(target.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.bind(node.target, node.value)
        self._defined.update(_names_in(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.bind(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.bind(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self.bind(node.target, _item_of(node.iter))
        self._defined.update(_names_in(node.target))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.bind(node.target, _item_of(node.iter))
        self._defined.update(_names_in(node.target))

    def visit_Param(self, node: cst.Param) -> None:
        self.bind(node.name, None)
        self._defined.add(id(node.name))

    def visit_AsName(self, node: cst.AsName) -> None:
        self.bind(node.name, None)
        self._defined.update(_names_in(node.name))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> bool:
        if node.asname is None:
            bound = (_dotted(node.name) or "").split(".")[0]
            self.bindings.setdefault((self.scope, bound), []).append(None)
        return False

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self.bind(item.name, None)


# The index that stands for "an item of" in the parts built below.
ITEM = "__item__"


def _item_of(iterable: cst.BaseExpression) -> cst.BaseExpression:
    """An item of `iterable` (`iterable[__item__]`)."""
    return cst.Subscript(value=iterable, slice=[cst.SubscriptElement(cst.Index(cst.Name(ITEM)))])


def _part_of(value: cst.BaseExpression, index: int) -> cst.BaseExpression:
    """Element `index` of `value` (`value[index]`)."""
    return cst.Subscript(
        value=value, slice=[cst.SubscriptElement(cst.Index(cst.Integer(str(index))))]
    )


def _part(node: cst.BaseExpression) -> tuple[cst.BaseExpression, tuple[int | None, ...]] | None:
    """`x[__item__][1]` -> (x, (None, 1)); None unless every step is an item or a literal index."""
    steps: list[int | None] = []
    while isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if not isinstance(index, cst.Index):
            return None
        if isinstance(index.value, cst.Name) and index.value.value == ITEM:
            steps.append(None)
        elif isinstance(index.value, cst.Integer) and index.value.value.isdigit():
            steps.append(int(index.value.value))
        else:
            return None
        node = node.value
    return (node, tuple(reversed(steps))) if steps else None


def _names_in(target: cst.BaseExpression) -> Sequence[int]:
    if isinstance(target, cst.Name):
        return [id(target)]
    if isinstance(target, cst.Tuple | cst.List):
        return [i for e in target.elements for i in _names_in(e.value)]
    if isinstance(target, cst.StarredElement):
        return _names_in(target.value)
    return []
