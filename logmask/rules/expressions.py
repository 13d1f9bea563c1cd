"""The expression evaluator: the abstract `Value` of an expression, and binding names to it.

Names, attributes, subscripts, literals, f-strings, dicts, lists and
comprehensions are evaluated here; calls go to the call handling
(`calls.py`, reached through the `CallEvaluator` protocol because each needs
the other), tabular operations to `TabularFlow`. Evaluating never reports:
findings come only from calls and assignments that reach sinks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import libcst as cst

from logmask.rules import frames
from logmask.rules.maskers import is_masker
from logmask.rules.project_names import ProjectNames
from logmask.rules.summaries import ClassSummary, ProjectName
from logmask.rules.syntax import dotted, last_name, string_value
from logmask.rules.tabular_flow import TabularFlow
from logmask.rules.values import (
    MASKED,
    METHOD_KINDS,
    UNKNOWN,
    Entry,
    Scope,
    Value,
    join_all,
    mapping_of,
    merge_params,
)
from logmask.rules.walk import Walk

DICT_METHODS = frozenset(
    {"get", "items", "keys", "values", "update", "copy", "pop", "setdefault", "to_dict"}
)
# A scikit-learn Bunch (`fetch_openml(...)`) holds its DataFrame in `.frame` / `.data`.
BUNCH_FRAMES = frozenset({"frame", "data"})


class CallEvaluator(Protocol):
    """The call handling, as the evaluator sees it."""

    def eval_call(self, node: cst.Call, scope: Scope) -> Value: ...


class Expressions:
    """Evaluates expressions in a scope; `calls` is connected by the analysis that owns both."""

    calls: CallEvaluator

    def __init__(self, walk: Walk, names: ProjectNames) -> None:
        self.walk = walk
        self.ctx = walk.ctx  # what `TabularFlow` reads of its host
        self.names = names
        self.tables = TabularFlow(self)

    def eval(self, node: cst.CSTNode, scope: Scope) -> Value:
        if isinstance(node, cst.Name):
            return self.eval_name(node, scope)
        if isinstance(node, cst.Attribute):
            return self.eval_attribute(node, scope)
        if isinstance(node, cst.Call):
            return self.calls.eval_call(node, scope)
        if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
            text = string_value(node)
            return Value(kind="literal", text=text) if text is not None else UNKNOWN
        if isinstance(node, cst.Integer | cst.Float | cst.Imaginary):
            return Value(kind="literal", numeric=True)
        if isinstance(node, cst.FormattedString):
            return self.eval_fstring(node, scope)
        if isinstance(node, cst.Dict):
            return self.eval_dict(node, scope)
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            return self.eval_list(node, scope)
        if isinstance(node, cst.Subscript):
            return self.eval_subscript(node, scope)
        if isinstance(node, cst.ListComp | cst.GeneratorExp | cst.SetComp):
            return self.eval_comprehension(node, node.elt, scope)
        if isinstance(node, cst.DictComp):
            return self.eval_comprehension(node, node.value, scope, dict_keys=node.key)
        if isinstance(node, cst.BinaryOperation):
            left, right = self.eval(node.left, scope), self.eval(node.right, scope)
            if isinstance(node.operator, cst.Add | cst.Modulo):
                if left.kind == "literal" and left.text is not None:
                    return Value(kind="fstring", items=(left, right), params=right.params)
                return left if left.name else right if right.name else UNKNOWN
            return UNKNOWN
        if isinstance(node, cst.BooleanOperation):
            return either(self.eval(node.left, scope), self.eval(node.right, scope))
        if isinstance(node, cst.IfExp):
            self.eval(node.test, scope)
            return either(self.eval(node.body, scope), self.eval(node.orelse, scope))
        if isinstance(node, cst.NamedExpr):
            value = self.eval(node.value, scope)
            self.bind_target(node.target, value, scope)
            return value
        if isinstance(node, cst.Await):
            return self.eval(node.expression, scope)
        if isinstance(node, cst.Lambda):
            inner = Scope(parent=scope)
            for param in node.params.params:
                inner.bind(param.name.value, UNKNOWN)
            body = self.eval(node.body, inner)
            return MASKED if body.masked else UNKNOWN
        # Anything else: look inside for tracker calls, know nothing about the result.
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.eval(child, scope)
        return UNKNOWN

    def eval_args(self, args: Sequence[cst.Arg], scope: Scope) -> list[Value]:
        return [self.eval(arg.value, scope) for arg in args]

    def eval_name(self, node: cst.Name, scope: Scope) -> Value:
        found = scope.lookup(node.value)
        if found is not None:
            if found.kind == "function" and isinstance(found.ref, ProjectName):
                return self.names.resolve(found.ref)
            return found
        if node.value in ("True", "False", "None"):
            return Value(kind="literal", numeric=True)
        return Value(name=node.value, label=node.value)

    def eval_attribute(self, node: cst.Attribute, scope: Scope) -> Value:
        return self.attribute(self.eval(node.value, scope), node.attr.value, node.value)

    def attribute(self, base: Value, attr: str, base_node: cst.BaseExpression | None) -> Value:
        """`base.attr` (also `getattr(base, "attr")`)."""
        base_text = dotted(base_node) if base_node is not None else None
        text = f"{base_text}.{attr}" if base_text else None
        if base.kind in ("api", "tracker") and base.api:
            api = f"{base.api}.{attr}"
            kind = self.walk.trackers.attribute_type(self.walk.trackers.canonical(api))
            if kind:
                return Value(kind="tracker", api=kind, label=text)
            return Value(kind="api", api=api, label=text)
        if base.kind == "cursor":
            return base.with_(api=attr)  # `cur.fetchall` of a cursor that ran personal SQL
        if base.kind == "module" and isinstance(base.ref, ProjectName):
            return self.names.module_attribute(base.ref, attr)
        if base.kind == "instance" and isinstance(base.ref, ClassSummary):
            cls = base.ref
            if attr in cls.methods:
                return Value(kind="method", api=attr, ref=cls.methods[attr])
            if attr in cls.attrs:
                return cls.attrs[attr]
            return Value(name=attr, owner=base.label, label=text)
        if base.kind in ("self", "instance") and base.label:
            return self.own_attribute(base.label, attr, text)
        if base.kind == "frame":
            if attr in frames.AGGREGATES:
                return UNKNOWN
            if attr in BUNCH_FRAMES and base.source:
                return base  # `fetch_openml("adult").frame`: the loader's rows
            if attr in base.columns:
                return Value(
                    name=attr,
                    owner=base.label,
                    masked=attr in base.masked_columns or base.masked,
                    params=base.params,
                )
            return base.with_(api=attr, kind="frame_method")
        if base.kind == "mapping" and base.entries is None and attr not in DICT_METHODS:
            # a row: `row.email` of `for row in users.itertuples()`
            return Value(name=attr, owner=base.owner or base.label, params=base.params)
        if base.kind in ("records", "mapping", "table", "dataset", "list"):
            return base.with_(api=attr, kind=METHOD_KINDS[base.kind])
        if base.masked:
            return MASKED
        owner = base.name or base.label or base_text
        return Value(name=attr, owner=owner, params=base.params, label=text, origin=base.origin)

    def own_attribute(self, class_name: str, attr: str, text: str | None) -> Value:
        """`self.attr` of a class of this module: set in a method, a method, or a base's."""
        known = self.walk.definitions.class_attrs.get(class_name, {}).get(attr)
        if known is not None:
            return known
        if (class_name, attr) in self.walk.definitions.methods:
            return Value(kind="method", api=attr, label=class_name)
        for parent in self.walk.definitions.class_bases.get(class_name, ()):
            # `self.logger` in a LightningModule: an attribute the base class provides.
            kind = self.walk.trackers.attribute_type(f"{parent}.{attr}")
            if kind:
                return Value(kind="tracker", api=kind, label=text)
        return Value(name=attr, owner=class_name, label=f"self.{attr}")

    def eval_fstring(self, node: cst.FormattedString, scope: Scope) -> Value:
        parts: list[Value] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(Value(kind="literal", text=part.value))
            elif isinstance(part, cst.FormattedStringExpression):
                parts.append(self.eval(part.expression, scope))
        return Value(kind="fstring", items=tuple(parts), params=merge_params(*parts))

    def eval_dict(self, node: cst.Dict, scope: Scope) -> Value:
        entries: list[Entry] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self.eval(element.key, scope)
                value = self.eval(element.value, scope)
                entries.append(Entry(key.text, element.key, value, element.value, key))
            elif isinstance(element, cst.StarredDictElement):
                inner = self.eval(element.value, scope)
                if inner.kind == "mapping" and inner.entries is not None:
                    entries.extend(inner.entries)
        return mapping_of(entries)

    def eval_list(self, node: cst.List | cst.Tuple | cst.Set, scope: Scope) -> Value:
        values = [self.eval(el.value, scope) for el in node.elements]
        if values and all(v.kind == "mapping" and v.entries is not None for v in values):
            keys: list[str] = []
            for v in values:
                for e in v.entries or ():
                    if e.key is not None and e.key not in keys:
                        keys.append(e.key)
            masked = all(v.masked for v in values)
            return Value(kind="records", columns=tuple(keys), masked=masked, origin=node)
        if values and all(v.kind in ("frame", "dataset") for v in values):
            return Value(kind="frames", items=tuple(values))
        return Value(kind="list", items=tuple(values), params=merge_params(*values))

    def eval_subscript(self, node: cst.Subscript, scope: Scope) -> Value:
        base = self.eval(node.value, scope)
        if base.kind == "frame_method" and base.api in ("loc", "iloc"):
            base = base.with_(kind="frame", api=None)
            return self.tables.index_frame(base, node, scope, loc=True)
        if base.kind == "frame":
            return self.tables.index_frame(base, node, scope, loc=False)
        key, _ = self.subscript_key(node, scope)
        for element in node.slice:
            if isinstance(element.slice, cst.Slice):
                return base if base.kind in ("records", "list") else UNKNOWN
        if base.kind == "records":
            return Value(kind="mapping", columns=base.columns, masked=base.masked, entries=None)
        if base.kind == "mapping" and base.entries is not None and key.text is not None:
            for entry in reversed(base.entries):
                if entry.key == key.text:
                    return entry.value
        if base.kind == "table":
            return UNKNOWN
        if base.masked:
            return MASKED
        if key.text is not None:
            row_owner = base.owner if base.kind == "mapping" else None
            owner = row_owner or base.name or base.label or dotted(node.value)
            return Value(name=key.text, owner=owner, params=base.params, label=dotted(node.value))
        return Value(params=base.params) if base.params else UNKNOWN

    def subscript_key(self, node: cst.Subscript, scope: Scope) -> tuple[Value, cst.CSTNode | None]:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return UNKNOWN, None
        key_node = node.slice[0].slice.value
        return self.eval(key_node, scope), key_node

    def item(self, base: Value, key: str, base_node: cst.BaseExpression | None) -> Value:
        """`base[key]`, `base.get(key)`, `itemgetter(key)(base)`: one item read by its key."""
        if base.kind == "frame":
            return self.tables.column(base, key)
        if base.kind == "mapping" and base.entries is not None:
            for entry in reversed(base.entries):
                if entry.key == key:
                    return entry.value
        if base.masked:
            return MASKED
        if base.kind == "table":
            return UNKNOWN
        row_owner = base.owner if base.kind == "mapping" else None
        base_text = dotted(base_node) if base_node is not None else None
        owner = row_owner or base.name or base.label or base_text
        return Value(name=key, owner=owner, params=base.params, label=base_text)

    def eval_comprehension(
        self,
        node: cst.BaseComp,
        element: cst.BaseExpression,
        scope: Scope,
        dict_keys: cst.BaseExpression | None = None,
    ) -> Value:
        inner = Scope(parent=scope)
        source: Value = UNKNOWN
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            iterable = self.eval(comp.iter, inner)
            if source is UNKNOWN:
                source = iterable
            self.bind_loop_target(comp.target, iterable, inner)
            for cond in comp.ifs:
                self.eval(cond.test, inner)
            comp = comp.inner_for_in
        value = self.eval(element, inner)
        if dict_keys is not None:
            self.eval(dict_keys, inner)
            if value.masked:
                return Value(kind="mapping", masked=True, entries=None)
            return UNKNOWN
        if value.masked:
            return Value(kind="records" if source.kind == "records" else "list", masked=True)
        if value.kind == "mapping" and value.entries is not None:
            keys = tuple(e.key for e in value.entries if e.key is not None)
            return Value(kind="records", columns=keys)
        if value.kind == "mapping" and source.kind == "records":
            return source
        if value.name or value.params:
            return Value(kind="list", items=(value,), params=value.params)
        return UNKNOWN

    def annotation_value(self, node: cst.BaseExpression, scope: Scope) -> Value:
        """What an annotation says a name holds: a record's fields, or a tracker object."""
        if isinstance(node, cst.SimpleString):
            return UNKNOWN
        if isinstance(node, cst.Name) and node.value in self.walk.definitions.class_fields:
            return Value(kind="mapping", columns=self.walk.definitions.class_fields[node.value])
        value = self.eval(node, scope)
        if value.kind == "api" and value.api:
            kind = self.walk.trackers.object_type(value.api)
            if kind:
                return Value(kind="tracker", api=kind)
        if isinstance(value.ref, ClassSummary) and value.ref.fields:
            return Value(kind="mapping", columns=value.ref.fields)
        return UNKNOWN

    def is_masker_ref(self, node: cst.CSTNode, scope: Scope) -> bool:
        """`logmask.mask`, `hash_email`, `lambda v: mask(v)` passed as a function."""
        if isinstance(node, cst.Lambda):
            return self.eval(node.body, Scope(parent=scope)).masked
        name = last_name(node)
        if name is None:
            return False
        value = self.eval(node, scope)
        return is_masker(name, value.api if value.kind == "api" else None, self.ctx.options)

    # ----------------------------------------------------------------- binding
    def bind_target(self, target: cst.CSTNode, value: Value, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            label = value.label if value.kind == "tracker" else target.value
            if value.kind == "unknown" and value.name is None:
                # `user_id = session_lookup(token)`: what it holds is what it is called
                value = value.with_(name=target.value)
            scope.bind(target.value, value.with_(label=label))
        elif isinstance(target, cst.Tuple | cst.List):
            items = value.items if value.kind == "list" else ()
            same = len(items) == len(target.elements)
            for index, element in enumerate(target.elements):
                if isinstance(element, cst.StarredElement):
                    same = False
                part = items[index] if same else UNKNOWN
                self.bind_target(element.value, part, scope)

    def bind_loop_target(self, target: cst.CSTNode, iterable: Value, scope: Scope) -> None:
        """`for i, row in df.iterrows()` binds `row` to a row of `df`; other loops, elements."""
        if iterable.kind == "rows":
            row = Value(kind="mapping", columns=iterable.columns, owner=iterable.label)
            if isinstance(target, cst.Tuple | cst.List) and len(target.elements) == 2:
                self.bind_target(target.elements[0].value, UNKNOWN, scope)
                target = target.elements[1].value
            self.bind_target(target, row, scope)
            return
        self.bind_target(target, element_of(iterable), scope)


def either(first: Value, second: Value) -> Value:
    """`a or b`, `a if c else b`: the side that says more; masked only if both are."""
    if first.masked and second.masked:
        return MASKED
    for value in (first, second):
        if value.kind not in ("unknown", "literal", "masked") or value.name:
            return value
    return UNKNOWN


def element_of(iterable: Value) -> Value:
    """One element of what a loop or comprehension iterates over (a row keeps its owner)."""
    if iterable.kind in ("records", "frame"):
        return Value(
            kind="mapping",
            columns=iterable.columns,
            masked=iterable.masked,
            owner=iterable.label or iterable.source,
        )
    if iterable.masked:
        return MASKED
    trackers = iterable.items and all(v.kind in ("api", "tracker") for v in iterable.items)
    if iterable.kind == "list" and trackers:
        return join_all(list(iterable.items))  # `for backend in (wandb, mlflow)`
    if iterable.kind == "list" and len(iterable.items) == 1 and iterable.items[0].name:
        return iterable.items[0]  # `[r["user_id"] for r in rows]`: each is a user id
    return Value(params=iterable.params) if iterable.params else UNKNOWN
