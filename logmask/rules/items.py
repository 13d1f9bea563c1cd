"""What reaches a tracker: one logged item per key, argument or table."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from logmask.rules.values import Value


@dataclass(eq=False, slots=True)
class LoggedItem:
    """One thing a sink receives: a key and its value, a table, a text, or a path.

    `shape` is the sink table's shape of the argument it came from
    ("item" for key/value pairs and mapping entries, "metric" for metric keys).
    """

    sink: str
    shape: str
    value: Value
    value_node: cst.CSTNode | None
    key: str | None = None
    key_node: cst.CSTNode | None = None
    key_value: Value | None = None
    owner_key: str | None = None
    via: tuple[str, ...] = ()

    @property
    def anchor(self) -> cst.CSTNode | None:
        """The node a finding about this item points at."""
        return self.value_node or self.key_node

    @property
    def where(self) -> str:
        text = self.sink
        if self.via:
            text += " via " + " -> ".join(f"{name}()" for name in self.via)
        return text
