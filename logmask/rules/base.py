"""Rule metadata and the context rules report through.

A rule family is a small class with hooks that the module analysis calls:
`on_item` for every logged item, `on_call` for every resolved tracker call,
`on_function` for every function definition, `on_module_end` once. What the
analysis learns reaches rules through these events, never by writing into
the context. Each rule
documents itself (what, why, a leaking example, the fixed example); the same
examples drive its tests and `logmask explain`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from logmask.findings import CONFIDENCE_RANK, Confidence

# Terms that mean something else in a module about a topic (see `homonym_senses`).
HOMONYM_TERMS = {"phone": "speech", "phones": "speech"}
SENSE_MARKERS = {
    "speech": (
        b"phoneme",
        b"g2p",
        b"phone2id",
        b"id2phone",
        b"phone_ids",
        b"MelSpectrogram",
        b"mel_spectrogram",
        b"melspectrogram",
        b"librosa",
        b"torchaudio",
        b"espnet",
    )
}


def homonym_senses(source: bytes) -> frozenset[str]:
    """Topics a module is about, from words only such modules use (speech: phonemes, mels)."""
    return frozenset(
        sense for sense, marks in SENSE_MARKERS.items() if any(m in source for m in marks)
    )


if TYPE_CHECKING:
    from logmask.evidence.names import NameClassifier, NameEvidence
    from logmask.rules.catalog import RuleDoc
    from logmask.rules.items import LoggedItem
    from logmask.rules.trackers import TrackerModel
    from logmask.rules.values import Value


@dataclass(frozen=True, slots=True)
class NodeFix:
    """A fix expressed on nodes; the engine turns it into positional edits."""

    message: str
    replacements: tuple[tuple[cst.CSTNode, str], ...] = ()
    # Insert this text as a new statement after the module's imports.
    module_setup: str | None = None
    imports: tuple[str, ...] = ()
    safe: bool = True


@dataclass(eq=False, slots=True)
class RawFinding:
    code: str
    node: cst.CSTNode
    message: str
    confidence: Confidence
    statement: cst.CSTNode | None = None
    fix: NodeFix | None = None
    # Where the evidence came from; "{origin}" in the message becomes " (line N)".
    origin: cst.CSTNode | None = None


@dataclass(slots=True)
class Options:
    """Rule options from config (already validated by the engine)."""

    span_processors_registered: bool = False
    masker: str = "logmask.mask"
    min_confidence: Confidence = "medium"
    maskers: tuple[str, ...] = ()

    def masker_call(self, helper: str) -> tuple[str, tuple[str, ...]]:
        """The call text for a masking helper and the import it needs.

        `mask` honours the configured masker; the other helpers are logmask's own.
        """
        if helper == "mask" and self.masker != "logmask.mask":
            module, _, name = self.masker.rpartition(".")
            return name, (f"from {module} import {name}",)
        return f"logmask.{helper}", ("import logmask",)


@dataclass(eq=False)
class RuleContext:
    classifier: NameClassifier
    options: Options
    enabled: Callable[[str], bool]
    # Does the project module with this dotted name (relative to the file) register
    # redaction (span processors, ...)? Supplied by the engine, which may read files;
    # rules never do.
    module_registers_processors: Callable[[str, int], bool] = lambda name, level: False
    # Does a project module this file imports (transitively) import one of these libraries?
    project_imports_library: Callable[[frozenset[str]], bool] = lambda libraries: False
    # Is this module imported only by evaluation harnesses (calls of these evaluation APIs)?
    evaluation_only: Callable[[frozenset[str]], bool] = lambda evaluations: False
    # Does another project file import this one (its callers are then not all seen)?
    imported_in_project: Callable[[], bool] = lambda: True
    findings: list[RawFinding] = field(default_factory=list)
    statement: cst.CSTNode | None = None
    suppressed_functions: set[str] = field(default_factory=set)
    imports: list[tuple[str, int]] = field(default_factory=list)
    # Modules the file imports, `from a import b` as `a.b` (auto-patching depends on them).
    imported_modules: set[str] = field(default_factory=set)
    internal_errors: list[str] = field(default_factory=list)
    # Trackers this module registers redaction for (last word wins: a reset removes one).
    redacted_trackers: set[str] = field(default_factory=set)
    # The tracker model of the run (set by the module analysis).
    trackers: TrackerModel | None = None
    # Module-wide senses that change what a word means ("speech": phone is a phoneme).
    homonyms: frozenset[str] = frozenset()

    def classify(self, name: str, owner: str | None = None) -> NameEvidence | None:
        """The classifier's verdict, corrected by what the module is about."""
        evidence = self.classifier.classify(name, owner=owner)
        if evidence is None:
            return None
        sense = HOMONYM_TERMS.get(evidence.term)
        if sense is not None and sense in self.homonyms:
            return None
        return evidence

    current_function: str | None = None
    # The function being analysed and the module (for rules that follow values themselves).
    current_function_node: cst.FunctionDef | None = None
    module: cst.Module | None = None

    def redaction_registered(self, tracker: str) -> bool:
        """Config says so, this module registers it for `tracker`, or a project module it
        imports registers redaction."""
        if self.options.span_processors_registered or tracker in self.redacted_trackers:
            return True
        self.options.span_processors_registered = any(
            self.module_registers_processors(module, level) for module, level in self.imports
        )
        return self.options.span_processors_registered

    def imports_any(self, prefixes: frozenset[str]) -> bool:
        """Does the file import one of these modules (or a submodule of one)?"""
        return any(
            name in prefixes or any(name.startswith(p + ".") for p in prefixes)
            for name in self.imported_modules
        )

    def confident(self, confidence: Confidence) -> bool:
        return CONFIDENCE_RANK[confidence] >= CONFIDENCE_RANK[self.options.min_confidence]

    def report(
        self,
        code: str,
        node: cst.CSTNode,
        message: str,
        confidence: Confidence,
        fix: NodeFix | None = None,
        origin: cst.CSTNode | None = None,
    ) -> bool:
        """Record a finding; False when the rule is off, too unsure, or inside a redactor."""
        if not self.enabled(code) or not self.confident(confidence):
            return False
        if self.current_function and self.current_function in self.suppressed_functions:
            return False
        self.findings.append(
            RawFinding(code, node, message, confidence, self.statement, fix, origin)
        )
        return True


@dataclass(frozen=True, slots=True)
class DefinedFunction:
    """A function definition as rules hear of it (`Rule.on_function`).

    `decorators` are the decorators' APIs as the analysis resolved them;
    `record_params` maps each parameter annotated with a record type of the
    project (TypedDict, dataclass, pydantic, NamedTuple) to that record's
    fields, so a traced `def answer(customer: Customer)` shows what it records.
    """

    node: cst.FunctionDef
    decorators: tuple[str, ...] = ()
    record_params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class Rule:
    """A rule family: one or more codes that share a hook."""

    docs: ClassVar[tuple[RuleDoc, ...]] = ()

    def on_item(self, item: LoggedItem, ctx: RuleContext) -> bool:
        return False

    def on_call(self, api: str, call: cst.Call, args: list[Value], ctx: RuleContext) -> None:
        return None

    def on_function(self, function: DefinedFunction, ctx: RuleContext) -> None:
        return None

    def on_module_end(self, ctx: RuleContext) -> None:
        """Once, after the walk: the context then points at no statement or function."""
        return None
