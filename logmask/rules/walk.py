"""One walk of a module: what every part of the analysis works with, and where it is.

The parts (statements, expressions, calls, sink dispatch) share the rules
and their context, the tracker model and the pre-pass's definitions, and
read where the walk is: which function a sink's parameters belong to,
whether to report, through which project functions a value came. Only the
statement walker moves it (entering functions and classes, the quiet first
round over a class's methods) and the call handling extends `via`. One
object passed to each part explicitly, instead of attributes of one large class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from logmask.rules.base import Rule, RuleContext
from logmask.rules.definitions import Definitions, FunctionInfo
from logmask.rules.trackers import TrackerModel


@dataclass(eq=False, slots=True)
class Walk:
    ctx: RuleContext
    rules: Sequence[Rule]
    trackers: TrackerModel
    definitions: Definitions
    function: FunctionInfo | None = None  # the function being analysed (None: module level)
    class_name: str | None = None  # the class whose body or method is being analysed
    quiet: bool = False  # a first round that only learns: no rule hears of it
    via: tuple[str, ...] = ()  # project functions a logged value passed through, outermost first
