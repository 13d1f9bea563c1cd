"""Fixes never break working code: where masking must not be offered, and where it must.

Each row is a snippet, the rule code expected on its last line, and the fix
expected on that finding: "safe", "unsafe", or None (reported, no fix). The
"must not fire" rows come from fixes that changed behaviour on real
repositories; the "fires" rows beside them keep the rules from going quiet.
A code of None means nothing is reported at all.
"""

from __future__ import annotations

import textwrap

import pytest

from logmask.linter.config import Config
from logmask.linter.engine import Linter

DEFAULT = Config()
LOW = Config(min_confidence="low")

# (id, source, config, expected code, expected fix)
CASES = [
    # --- a constant string is not masked unless a recognizer says it is personal ---
    (
        "constant under a personal key",
        'import wandb\nwandb.log({"full_name": "Jane Doe"})\n',
        DEFAULT,
        "PII101",
        None,
    ),
    (
        "constant followed through a variable",
        'import wandb\nOWNER = "name1"\nwandb.config.update({"owner_name": OWNER})\n',
        LOW,
        "PII101",
        None,
    ),
    (
        "a test's run name",
        'import wandb\nrun = wandb.init()\nrun.name = "name1"\n',
        LOW,
        "PII101",
        None,
    ),
    (
        "fires: a recognised e-mail literal",
        'import wandb\nwandb.log({"owner_email": "jane.doe@corp.de"})\n',
        DEFAULT,
        "PII101",
        "safe",
    ),
    (
        "fires: a variable under a personal key",
        'import wandb\nwandb.log({"full_name": full_name})\n',
        DEFAULT,
        "PII101",
        "safe",
    ),
    # --- paths, HTML documents and media file names are not personal values ---
    (
        "report file named after a person",
        'import wandb\nwandb.log({"report": wandb.Html(f"{profile_full_name}.html")})\n',
        DEFAULT,
        None,
        None,
    ),
    (
        "media file path in a folder",
        'import wandb\nwandb.log({"p": wandb.Image(img, caption=f"out/{user_name}.png")})\n',
        DEFAULT,
        None,
        None,
    ),
    (
        "path under a neutral key",
        'import mlflow\nmlflow.log_param("report", f"reports/{customer_name}")\n',
        DEFAULT,
        None,
        None,
    ),
    (
        "HTML document with a personal field is reported, not masked",
        'import wandb\nwandb.log({"card": wandb.Html(f"<p>{customer_email}</p>")})\n',
        DEFAULT,
        "PII102",
        None,
    ),
    (
        "fires: a sentence, not a path",
        'import wandb\nwandb.alert(title="t", text=f"Call {customer_name} today.")\n',
        DEFAULT,
        "PII102",
        "safe",
    ),
    (
        "fires: an e-mail address built in an f-string",
        'import wandb\nwandb.log({"contact": f"{user_name}@corp.de"})\n',
        DEFAULT,
        "PII102",
        "safe",
    ),
    (
        "fires: a caption",
        'import wandb\nwandb.log({"p": wandb.Image(img, caption=customer_name)})\n',
        DEFAULT,
        "PII102",
        "safe",
    ),
    # --- a value also logged in clear by the same call: a join key ---
    (
        "name beside id",
        'import wandb\nwandb.log({"customer_name": customer_name, "key": customer_name})\n',
        DEFAULT,
        "PII101",
        None,
    ),
    (
        "init name beside id",
        'import wandb\nrun = wandb.init(project="p", id=customer_name, name=customer_name)\n',
        DEFAULT,
        "PII102",
        None,
    ),
    (
        "fires: the same value used by another call on the line",
        'import wandb\nwandb.log({"user_email": e}); print(e)\n',
        DEFAULT,
        "PII101",
        "safe",
    ),
    (
        "a caption beside the same value in clear",
        'import wandb\nwandb.log({"p": wandb.Image(i, caption=full_name), "n": full_name})\n',
        DEFAULT,
        "PII102",
        None,
    ),
    (
        "fires: two different values",
        'import wandb\nwandb.log({"customer_name": customer_name, "key": customer_id})\n',
        DEFAULT,
        "PII101",
        "safe",
    ),
    # --- the low tier: bare name and id of runs, artifacts, models ---
    (
        "artifact name and run id",
        'import wandb\nwandb.log({"name": artifact.name, "id": run.id})\n',
        LOW,
        "PII101",
        None,
    ),
    (
        "profiled function name",
        'import mlflow\nmlflow.log_param("name", fn.__name__)\n',
        LOW,
        "PII101",
        None,
    ),
    (
        "bare name is out of default output",
        'import wandb\nwandb.log({"name": model.name})\n',
        DEFAULT,
        None,
        None,
    ),
]


def last_line_findings(source: str, config: Config) -> list[tuple[str, str | None]]:
    source = textwrap.dedent(source)
    result = Linter(config).check_source(source.encode(), "case.py")
    assert not result.errors, result.errors
    last = source.count("\n")
    return [
        (f.code, None if f.fix is None else ("safe" if f.fix.safe else "unsafe"))
        for f in result.findings
        if f.line == last
    ]


@pytest.mark.parametrize(
    ("source", "config", "code", "fix"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_fix_fires_only_where_it_keeps_behaviour(
    source: str, config: Config, code: str | None, fix: str | None
) -> None:
    found = last_line_findings(source, config)
    if code is None:
        assert found == []
    else:
        assert found[0] == (code, fix), found
        assert all(f == fix for _, f in found), found


# (id, source, confidence reported at --min-confidence low; None: not reported at all)
TABLES = [
    (
        "bare name column",
        'import wandb\nwandb.log({"t": wandb.Table(columns=["name", "score"])})\n',
        "low",
    ),
    (
        "email column",
        'import wandb\nwandb.log({"t": wandb.Table(columns=["email", "score"])})\n',
        "high",
    ),
    (
        "bare id column of a frame",
        'import wandb\nimport pandas as pd\ndf = pd.DataFrame({"id": ids, "image": imgs})\n'
        'wandb.log({"t": wandb.Table(dataframe=df)})\n',
        "low",
    ),
    (
        "email column of a frame",
        'import wandb\nimport pandas as pd\ndf = pd.DataFrame({"email": e, "image": imgs})\n'
        'wandb.log({"t": wandb.Table(dataframe=df)})\n',
        "high",
    ),
    (
        "no personal column",
        'import wandb\nwandb.log({"t": wandb.Table(columns=["loss", "step"])})\n',
        None,
    ),
]


@pytest.mark.parametrize(("source", "shown"), [c[1:] for c in TABLES], ids=[c[0] for c in TABLES])
def test_reported_confidence_is_the_filtered_confidence(source: str, shown: str | None) -> None:
    """A finding shown as "medium" appears at the default threshold; "low" only with low."""
    low = Linter(LOW).check_source(source.encode(), "t.py").findings
    default = Linter(DEFAULT).check_source(source.encode(), "t.py").findings
    assert [f.confidence for f in low] == ([shown] if shown else [])
    assert len(default) == (1 if shown in ("medium", "high") else 0)
    assert all((f.fix is None) == (f.confidence == "low") for f in low if "DataFrame" in source)
