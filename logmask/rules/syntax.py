"""Small helpers for reading LibCST nodes: dotted names, string constants, statement bodies."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst


def string_value(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.SimpleString):
        text = node.value
        quote = text[-1:]
        # Most literals are plain: read them directly; `evaluated_value` compiles each one.
        if text[:1] == quote and "\\" not in text and "\r" not in text and len(text) >= 2:
            end = 3 if text.startswith(quote * 3) and len(text) >= 6 else 1
            return text[end:-end]
        try:
            value = node.evaluated_value
        except Exception:
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def dotted(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def last_name(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def body_of(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """The statements of a compound statement (a one-line suite as one statement line)."""
    body = getattr(node, "body", None)
    if isinstance(body, cst.IndentedBlock):
        return body.body
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    return ()
