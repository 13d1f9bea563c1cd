"""Old-Mac "\\r" line endings: fixed byte for byte, or not announced as fixable."""

from __future__ import annotations

import pytest

from logmask.findings import applicable
from logmask.linter.engine import Linter
from logmask.linter.runner import FixMode, check_one

LEAK = 'import wandb\nx = 1\nwandb.log({"user_email": e})\n'
FIXED = 'import logmask\nimport wandb\nx = 1\nwandb.log({"user_email": logmask.mask(e)})\n'


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("last", [True, False], ids=["last newline", "no last newline"])
def test_each_line_ending_is_fixed_in_its_own_style(newline: str, last: bool) -> None:
    source, expected = (text.replace("\n", newline) for text in (LEAK, FIXED))
    if not last:
        source, expected = source.removesuffix(newline), expected.removesuffix(newline)
    linter = Linter()
    result = linter.check_source(source.encode(), "old_mac.py")
    assert [f.code for f in result.findings] == ["PII101"]
    assert applicable(result.findings, unsafe=False)
    checked = check_one(linter, result, FixMode(compute=True))
    assert checked.fixed == expected.encode()
    assert checked.applied == 1 and checked.result.findings == []


@pytest.mark.parametrize(
    "source",
    [
        'import wandb\nx = 1\rwandb.log({"user_email": e})\n',  # mixed endings
        'import wandb\r\nx = 1\rwandb.log({"user_email": e})\r',
        'import wandb\rwandb.log({"user_email": e})\r\r',
    ],
)
def test_what_is_announced_as_fixable_is_fixed(source: str) -> None:
    linter = Linter()
    result = linter.check_source(source.encode(), "mixed.py")
    assert result.findings
    fixable = applicable(result.findings, unsafe=False)
    checked = check_one(linter, result, FixMode(compute=True))
    if fixable:
        assert checked.fixed is not None and checked.result.findings == []
        compile(checked.fixed, "mixed.py", "exec")
    else:
        assert checked.fixed is None
