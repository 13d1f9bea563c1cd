"""Reading one argument of a call by path: a keyword, then dict keys or keyword arguments.

The tracker model names redaction settings this way (`("settings", "redact_pii")`
reads `weave.init(p, settings={"redact_pii": True})`).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from logmask.rules.syntax import string_value


def redaction_argument(call: cst.Call, path: Sequence[str]) -> cst.BaseExpression | None:
    """The expression at `path` in a call: a keyword, then dict keys or keyword arguments."""
    node: cst.BaseExpression = call
    for name in path:
        found: cst.BaseExpression | None = None
        if isinstance(node, cst.Call):
            keywords = (a for a in node.args if a.keyword and a.keyword.value == name)
            found = next((a.value for a in keywords), None)
        elif isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement) and string_value(element.key) == name:
                    found = element.value
        else:
            return node  # a variable or call result: not known to be unset
        if found is None:
            return None
        node = found
    return node


def is_set(node: cst.BaseExpression) -> bool:
    """Not a literal False, None, 0, empty string or empty list/tuple/dict."""
    if isinstance(node, cst.Name):
        return node.value not in ("False", "None")
    if isinstance(node, cst.Integer):
        return node.value != "0"
    if isinstance(node, cst.List | cst.Tuple | cst.Dict | cst.Set):
        return bool(node.elements)
    if isinstance(node, cst.SimpleString):
        return string_value(node) not in ("", None)
    return True
