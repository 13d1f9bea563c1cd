"""What a leak is: the sink table, the data-flow analysis and the rule families.

Rules never import the engine (`logmask.linter`); they report `RawFinding`s
through a `RuleContext` and the engine turns them into `Finding`s.
"""

from __future__ import annotations

from logmask.rules.base import Rule, RuleDoc
from logmask.rules.logged_tables import LoggedTables
from logmask.rules.logged_values import LoggedValues
from logmask.rules.runs_and_uploads import RunsAndUploads
from logmask.rules.tracing import Tracing

FAMILIES: tuple[type[Rule], ...] = (LoggedValues, LoggedTables, Tracing, RunsAndUploads)
RULES: dict[str, RuleDoc] = {doc.code: doc for family in FAMILIES for doc in family.docs}


def new_rules() -> list[Rule]:
    """Fresh rule instances for one module (families keep per-module state)."""
    return [family() for family in FAMILIES]
