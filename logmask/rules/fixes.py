"""Small helpers the rules' fix builders share: templates, literals, safety.

A fix is "safe" (applied by `--fix`) when it only changes what is logged. It
is unsafe (needs `--unsafe-fixes`) when the edit can change what the program
does beyond the log:

- the wrapped value is written outside the logging statement (a dict built
  earlier, `d["email"] = e`): every other use of that value changes too;
- the logged data is also used for something else (the `input_example` of
  `log_model` infers the model signature; `mlflow.evaluate` scores the model
  on its data);
- module set-up (span processors) changes process-wide tracing.

Some values get no fix at all, since masking them breaks working code (see
`keeps_behaviour`): a constant no recognizer calls personal (a test asserts
`run.name == "name1"`), a path or an HTML document (a pseudonym replaces the
file or the report), and a value the same call also logs in clear (a join key:
`name=job_id` beside `id=job_id`).
"""

from __future__ import annotations

import json
import re

import libcst as cst

from logmask.rules.values import Value

_EMPTY = cst.Module(body=())

# Sinks whose data is used beyond the log (last part of the API name).
DATA_USED_BEYOND_LOG = frozenset({"log_model", "evaluate"})
# Sinks whose text is a whole document or a file to read: a pseudonym would replace it.
RENDERED_SOURCES = frozenset({"wandb.Html"})
# The end of a file name: an extension after a formatted field (`f"{name}.html"`).
_EXTENSION = re.compile(r"^[^\s@]*\.[A-Za-z][A-Za-z0-9]{0,4}$")


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def wrap_template(call: str, node: cst.CSTNode) -> str:
    """`call({})`, with parentheses kept for a bare tuple (`x = a, b` must mask one value)."""
    if isinstance(node, cst.Tuple) and not node.lpar:
        return f"{call}(({{}}))"
    return f"{call}({{}})"


def literal(label: object) -> str:
    """A column name as Python source, double-quoted like black/ruff format."""
    if isinstance(label, str):
        return json.dumps(label, ensure_ascii=False)
    return repr(label)


def literal_list(labels: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(literal(label) for label in labels) + "]"


def inside(root: cst.CSTNode | None, node: cst.CSTNode) -> bool:
    """Is `node` part of `root` (the logging statement)? No statement known: assume so.

    The node ids of the last statement asked about are kept: a statement with
    many findings is walked once, not once per finding.
    """
    if root is None:
        return True
    global _LAST
    if _LAST is None or _LAST[0] is not root:
        ids: set[int] = set()

        class Collect(cst.CSTVisitor):
            def on_visit(self, visited: cst.CSTNode) -> bool:
                ids.add(id(visited))
                return True

        root.visit(Collect())
        _LAST = (root, frozenset(ids))
    return id(node) in _LAST[1]


_LAST: tuple[cst.CSTNode, frozenset[int]] | None = None


def sink_uses_data(sink: str) -> bool:
    return sink.rsplit(".", 1)[-1] in DATA_USED_BEYOND_LOG


def looks_like_path(value: Value) -> bool:
    """An f-string that builds a file path (`f"{out}/{name}.html"`): a path, not a person.

    Its text parts hold no space, `@` or markup (`<p>`), and it has a separator or
    ends in a file extension.
    """
    if value.kind != "fstring":
        return False
    texts = [part.text for part in value.items if part.text is not None]
    if not texts or any(char in t for t in texts for char in " @<>"):
        return False
    last = value.items[-1].text if value.items else None
    return any("/" in t or "\\" in t for t in texts) or bool(last and _EXTENSION.match(last))


def logged_elsewhere(statement: cst.CSTNode | None, node: cst.CSTNode) -> bool:
    """Does the call that logs `node` log the same expression again (an argument, a dict value)?

    Masking one copy of a value that is logged in clear beside it protects
    nothing and breaks the join between them. The call is the outermost one of
    the statement around `node` (`wandb.log({... wandb.Image(...)})`).
    """
    if statement is None:
        return False
    scope = outermost_call(statement, node) or statement
    text = code_of(node)
    found = False

    class Find(cst.CSTVisitor):
        def visit_Arg(self, arg: cst.Arg) -> None:
            self.compare(arg.value)

        def visit_DictElement(self, element: cst.DictElement) -> None:
            self.compare(element.value)

        def compare(self, other: cst.BaseExpression) -> None:
            nonlocal found
            if other is not node and not found and code_of(other) == text:
                found = True

    scope.visit(Find())
    return found


def outermost_call(root: cst.CSTNode, node: cst.CSTNode) -> cst.Call | None:
    """The outermost call inside `root` that contains `node`."""
    calls: list[cst.Call] = []
    found: list[cst.Call] = []

    class Walk(cst.CSTVisitor):
        def on_visit(self, visited: cst.CSTNode) -> bool:
            if found:
                return False
            if visited is node:
                if calls:
                    found.append(calls[0])
                return False
            if isinstance(visited, cst.Call):
                calls.append(visited)
            return True

        def on_leave(self, original: cst.CSTNode) -> None:
            if calls and original is calls[-1]:
                calls.pop()

    root.visit(Walk())
    return found[0] if found else None
