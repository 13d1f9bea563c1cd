"""What a leak is: the rule catalog, the sink table, the data-flow analysis and the rule families.

Rules never import the engine (`logmask.linter`); they report `RawFinding`s
through a `RuleContext` and the engine turns them into `Finding`s. Importing
this package loads only the catalog; the families (and LibCST) load with the
first module that needs parsing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from logmask.rules.catalog import RULES, RuleDoc

if TYPE_CHECKING:
    from logmask.rules.base import Rule

__all__ = ["RULES", "RuleDoc", "new_rules"]


def new_rules() -> list[Rule]:
    """Fresh rule instances for one module (families keep per-module state)."""
    from logmask.rules.end_user_text import EndUserText
    from logmask.rules.logged_tables import LoggedTables
    from logmask.rules.logged_values import LoggedValues
    from logmask.rules.runs_and_uploads import RunsAndUploads
    from logmask.rules.tracing import Tracing

    return [LoggedValues(), EndUserText(), LoggedTables(), Tracing(), RunsAndUploads()]
