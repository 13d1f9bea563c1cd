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
"""

from __future__ import annotations

import json

import libcst as cst

_EMPTY = cst.Module(body=())

# Sinks whose data is used beyond the log (last part of the API name).
DATA_USED_BEYOND_LOG = frozenset({"log_model", "evaluate"})


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
