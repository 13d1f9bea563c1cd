"""PII101-PII103: a logged key, value or literal is personal."""

from __future__ import annotations

from dataclasses import replace

from logmask.evidence.names import NameEvidence
from logmask.evidence.values import find_values, redact_for_display, strongest_value
from logmask.findings import Confidence
from logmask.rules.base import NodeFix, Rule, RuleContext
from logmask.rules.catalog import PII101, PII102, PII103
from logmask.rules.fixes import (
    RENDERED_SOURCES,
    inside,
    logged_elsewhere,
    looks_like_path,
    wrap_template,
)
from logmask.rules.items import LoggedItem
from logmask.rules.values import Value


class LoggedValues(Rule):
    """Keys, values and literals of logged items: the first of PII101, PII102, PII103."""

    docs = (PII101, PII102, PII103)

    def on_item(self, item: LoggedItem, ctx: RuleContext) -> bool:
        if item.shape in ("table", "path", "mapping"):
            return False
        value = item.value
        if value.is_tabular or value.media or value.masked:
            return False
        if item.shape == "item" and item.key is not None and not value.numeric:
            evidence = ctx.classify(item.key, owner=item.owner_key)
            if evidence is not None and value.kind == "literal" and value.text is not None:
                evidence = fixture_downgrade(evidence, value.text)
            if evidence is not None and ctx.confident(evidence.confidence):
                node = item.key_node or item.anchor
                if node is not None:
                    return ctx.report(
                        "PII101",
                        node,
                        f"{item.where} logs key '{item.key}' ({describe(evidence)}) unmasked",
                        evidence.confidence,
                        wrap_fix(item, ctx, "mask", evidence.confidence),
                    )
        keyed = item.key is None and item.key_value is not None and item.key_node is not None
        if keyed and self.check_key_expression(item, ctx):
            return True
        found = self.value_evidence(value, ctx)
        if found is not None and item.anchor is not None:
            name, evidence = found
            return ctx.report(
                "PII102",
                item.anchor,
                f"{item.where} logs a value read from '{name}' ({describe(evidence)}) unmasked",
                evidence.confidence,
                wrap_fix(item, ctx, "mask", evidence.confidence),
            )
        return self.check_literal(item, value, ctx)

    def check_key_expression(self, item: LoggedItem, ctx: RuleContext) -> bool:
        """An f-string key: its text says what is logged, its fields may embed personal data."""
        key = item.key_value
        if key is None or key.kind != "fstring" or item.key_node is None:
            return False
        text = "_".join(p.text for p in key.items if p.text)
        evidence = ctx.classify(text) if text.strip("_ ") else None
        if evidence is not None and ctx.confident(evidence.confidence) and item.shape == "item":
            return ctx.report(
                "PII101",
                item.key_node,
                f"{item.where} logs a key built as '{text.strip('_')}' ({describe(evidence)}) "
                "unmasked",
                evidence.confidence,
                wrap_fix(item, ctx, "mask", evidence.confidence),
            )
        found = self.value_evidence(key, ctx)
        if found is not None:
            name, evidence = found
            return ctx.report(
                "PII102",
                item.key_node,
                f"{item.where} builds a logged key from '{name}' ({describe(evidence)})",
                evidence.confidence,
            )
        return False

    def value_evidence(self, value: Value, ctx: RuleContext) -> tuple[str, NameEvidence] | None:
        if value.masked or looks_like_path(value):
            return None
        if value.kind in ("fstring", "list"):
            for part in value.items:
                found = self.value_evidence(part, ctx)
                if found is not None:
                    return found
            return None
        if value.name and value.kind == "unknown":
            evidence = ctx.classify(value.name, owner=value.owner)
            if evidence is not None and ctx.confident(evidence.confidence):
                shown = f"{value.owner}.{value.name}" if value.owner else value.name
                return shown, evidence
        return None

    def check_literal(self, item: LoggedItem, value: Value, ctx: RuleContext) -> bool:
        texts = [value.text] if value.text else []
        if value.kind in ("fstring", "list"):
            texts += [p.text for p in value.items if p.text]
        for text in texts:
            hit = strongest_value(text)
            if hit is None or not ctx.confident(hit.confidence) or item.anchor is None:
                continue
            return ctx.report(
                "PII103",
                item.anchor,
                f"{item.where} logs a string literal holding {hit.label} "
                f"({redact_for_display(text, hit)})",
                hit.confidence,
                wrap_fix(item, ctx, "redact_text", hit.confidence),
            )
        return False


ONE_LEVEL_LOWER: dict[Confidence, Confidence] = {"high": "medium", "medium": "low", "low": "low"}


def fixture_downgrade(evidence: NameEvidence, text: str) -> NameEvidence:
    """A literal typed into the code under a personal key is mostly demo data ("C-10001").

    Unless the literal itself looks personal (an e-mail address, a phone number ...),
    the key's evidence drops one level.
    """
    if find_values(text):
        return evidence
    return replace(evidence, confidence=ONE_LEVEL_LOWER[evidence.confidence])


def describe(evidence: NameEvidence) -> str:
    return f"{evidence.term}, {evidence.category}"


def wrap_fix(
    item: LoggedItem, ctx: RuleContext, helper: str, confidence: Confidence
) -> NodeFix | None:
    """Wrap the logged value in the masker (or `redact_text` for literals).

    Safe when the value is written in the logging statement itself; unsafe when
    it is where a logged dict was built earlier, since other uses of that value
    then change too (see `logmask.rules.fixes`). None when masking would break
    working code (`keeps_behaviour`).
    """
    node = item.value_node
    if node is None or not keeps_behaviour(item, ctx, helper, confidence):
        return None
    call, imports = ctx.options.masker_call(helper)
    local = inside(ctx.statement, node)
    message = f"Wrap the value in {call}()"
    if not local:
        message += " where it is defined (other uses of it change too)"
    elif item.via:
        message += f" where it is passed to {item.via[0]}() (which may use it beyond the log)"
    return NodeFix(
        message=message,
        replacements=((node, wrap_template(call, node)),),
        imports=imports,
        safe=local and not item.via,
    )


def keeps_behaviour(
    item: LoggedItem, ctx: RuleContext, helper: str, confidence: Confidence
) -> bool:
    """Would a maintainer accept masking this value? Not when it breaks what works:

    - the evidence is the low tier (a bare `name` or `id`, often of a run, an
      artifact or a model);
    - a constant string no value recognizer calls personal (`run.name = "name1"`);
    - a path (`f"{name}.html"`) or the document of an HTML panel;
    - a value the same call also logs in clear (a join key).
    """
    value = item.value
    if confidence == "low" or item.sink in RENDERED_SOURCES or looks_like_path(value):
        return False
    if helper == "mask" and value.kind == "literal" and not find_values(value.text or ""):
        return False
    return item.value_node is None or not logged_elsewhere(ctx.statement, item.value_node)
