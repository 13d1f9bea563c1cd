"""Every rule documents itself, and its documented examples are its tests.

The leaking example must be reported with the rule's code, the fixed example
must not be, and so on for each extra flag / no-flag snippet (Fixit-style:
docs and tests cannot drift apart).
"""

from __future__ import annotations

import pytest

from logmask.rules import RULES, new_rules
from logmask.rules.catalog import ENGINE_RULES
from tests.conftest import check

FLAG = [(doc.code, src) for doc in RULES.values() for src in (doc.leaking, *doc.flag)]
NO_FLAG = [(doc.code, src) for doc in RULES.values() for src in (doc.fixed, *doc.no_flag)]


@pytest.mark.parametrize(("code", "source"), FLAG)
def test_documented_leak_is_reported(code: str, source: str) -> None:
    assert code in {f.code for f in check(source)}, source


@pytest.mark.parametrize(("code", "source"), NO_FLAG)
def test_documented_clean_code_is_quiet(code: str, source: str) -> None:
    assert code not in {f.code for f in check(source)}, source


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_is_documented(code: str) -> None:
    doc = RULES[code]
    assert doc.name and doc.summary and doc.why and doc.fix_safety
    assert doc.leaking != doc.fixed
    assert doc.name == doc.name.lower() and " " not in doc.name


def test_catalog_and_rule_families_agree() -> None:
    """The catalog (loaded without LibCST) lists exactly the codes the families report."""
    families = [doc.code for rule in new_rules() for doc in rule.docs]
    engine = [doc.code for doc in ENGINE_RULES]
    assert families == [code for code in RULES if code not in engine]
