"""One row per kind of fix: the source before, the source after, and that it runs.

Every row is checked four ways:

- `--fix` (or `--fix --unsafe-fixes` for unsafe rows) turns BEFORE into AFTER
  exactly, and an unsafe row is left alone without the flag;
- the fixed source has no finding that still has a fix, and fixing it again
  changes nothing;
- with `inputs`, BEFORE and AFTER run against recording stand-ins for wandb and
  mlflow (tests/fixes/fakes.py): the personal values reach the tracker before
  (so the row can fail) and none does after; pseudonyms or markers do.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from logmask.findings import applicable
from logmask.linter.config import Config
from logmask.linter.engine import Linter
from logmask.linter.runner import fix_loop
from logmask.rules import RULES
from tests.fixes.fakes import run_snippet

EMAIL = "ann.lee@corp.example"
EMAIL2 = "bob.ray@corp.example"
PHONE = "+44 20 7946 0958"
NAME = "Ann Lee"


@dataclass
class Case:
    id: str
    before: str
    after: str
    unsafe: bool = False
    # Globals the snippet reads; every string in them is personal. None: not run.
    inputs: dict[str, Any] | None = None
    secrets: tuple[str, ...] = ()  # more personal values (literals in the code, files)
    files: dict[str, str] = field(default_factory=dict)  # written to the working folder
    config: Config | None = None
    marker: str = "pii_"  # what a masked value looks like in the log


CASES = [
    # ---------------------------------------------------------------- values
    Case(
        "dict-value",
        """
        import wandb
        wandb.log({"user_email": address, "loss": 0.1})
        """,
        """
        import logmask
        import wandb
        wandb.log({"user_email": logmask.mask(address), "loss": 0.1})
        """,
        inputs={"address": EMAIL},
    ),
    Case(
        "nested-dict",
        """
        import wandb
        wandb.log({"user": {"email": e, "plan": "pro"}})
        """,
        """
        import logmask
        import wandb
        wandb.log({"user": {"email": logmask.mask(e), "plan": "pro"}})
        """,
        inputs={"e": EMAIL},
    ),
    Case(
        "f-string-value",
        """
        import wandb
        wandb.log({"who": f"{user.email} ({n})"})
        """,
        """
        import logmask
        import wandb
        wandb.log({"who": logmask.mask(f"{user.email} ({n})")})
        """,
        inputs={"user": SimpleNamespace(email=EMAIL), "n": 3},
    ),
    Case(
        "f-string-key",
        """
        import wandb
        wandb.log({f"{prefix}_email": e})
        """,
        """
        import logmask
        import wandb
        wandb.log({f"{prefix}_email": logmask.mask(e)})
        """,
        inputs={"prefix": 1, "e": EMAIL},
    ),
    Case(
        "attribute-value",
        """
        import wandb
        wandb.log({"contact": user.email})
        """,
        """
        import logmask
        import wandb
        wandb.log({"contact": logmask.mask(user.email)})
        """,
        inputs={"user": SimpleNamespace(email=EMAIL)},
    ),
    Case(
        "literal-redacted",
        """
        import wandb
        wandb.log({"note": "reach me at jane.doe@example.org"})
        """,
        """
        import logmask
        import wandb
        wandb.log({"note": logmask.redact_text("reach me at jane.doe@example.org")})
        """,
        inputs={},
        secrets=("jane.doe@example.org",),
        marker="<EMAIL>",
    ),
    Case(
        "end-user-text-redacted",
        """
        import wandb
        def handle(request):
            question = request["messages"][-1]["content"]
            wandb.log({"question": question})
        handle(payload)
        """,
        """
        import logmask
        import wandb
        def handle(request):
            question = request["messages"][-1]["content"]
            wandb.log({"question": logmask.redact_text(question)})
        handle(payload)
        """,
        inputs={"payload": {"messages": [{"content": f"mail {EMAIL} or call {PHONE}"}]}},
        secrets=(EMAIL, PHONE),
        marker="<EMAIL>",
    ),
    Case(
        "config-attribute",
        """
        import wandb
        wandb.config.phone = caller_phone
        """,
        """
        import logmask
        import wandb
        wandb.config.phone = logmask.mask(caller_phone)
        """,
        inputs={"caller_phone": PHONE},
    ),
    Case(
        "config-update",
        """
        import wandb
        wandb.config.update({"phone": caller_phone})
        """,
        """
        import logmask
        import wandb
        wandb.config.update({"phone": logmask.mask(caller_phone)})
        """,
        inputs={"caller_phone": PHONE},
    ),
    Case(
        "init-config",
        """
        import wandb
        run = wandb.init(config={"customer_email": e})
        """,
        """
        import logmask
        import wandb
        run = wandb.init(config={"customer_email": logmask.mask(e)})
        """,
        inputs={"e": EMAIL},
    ),
    Case(
        "summary-item",
        """
        import wandb
        run = wandb.init()
        run.summary["customer_name"] = top
        """,
        """
        import logmask
        import wandb
        run = wandb.init()
        run.summary["customer_name"] = logmask.mask(top)
        """,
        inputs={"top": NAME},
    ),
    Case(
        "summary-bare-tuple",
        """
        import wandb
        run = wandb.init()
        run.summary["customer_name"] = first, last
        """,
        """
        import logmask
        import wandb
        run = wandb.init()
        run.summary["customer_name"] = logmask.mask((first, last))
        """,
        inputs={"first": "Annabel", "last": "Leeford"},
    ),
    Case(
        "parenthesized-value-keeps-its-comment-once",
        """
        import wandb
        wandb.log({
            "user_email": (
                address  # from the CRM
            ),
            "phone": (p := caller_phone),
        })
        """,
        """
        import logmask
        import wandb
        wandb.log({
            "user_email": logmask.mask((
                address  # from the CRM
            )),
            "phone": logmask.mask((p := caller_phone)),
        })
        """,
        inputs={"address": EMAIL, "caller_phone": PHONE},
    ),
    Case(
        "yield-value-keeps-its-parentheses",
        """
        import wandb
        def feed():
            wandb.log({"user_email": (yield)})
        """,
        """
        import logmask
        import wandb
        def feed():
            wandb.log({"user_email": logmask.mask((yield))})
        """,
    ),
    Case(
        "dict-built-earlier-is-unsafe",
        """
        import wandb
        d = {}
        d["home_address"] = a
        wandb.log(d)
        """,
        """
        import logmask
        import wandb
        d = {}
        d["home_address"] = logmask.mask(a)
        wandb.log(d)
        """,
        unsafe=True,
        inputs={"a": "221B Baker Street"},
    ),
    Case(
        "mlflow-param",
        """
        import mlflow
        mlflow.log_param("customer_ssn", ssn)
        """,
        """
        import logmask
        import mlflow
        mlflow.log_param("customer_ssn", logmask.mask(ssn))
        """,
        inputs={"ssn": "078-05-1120"},
    ),
    Case(
        "mlflow-params-dict",
        """
        import mlflow
        mlflow.log_params({"customer_email": e, "lr": 0.1})
        """,
        """
        import logmask
        import mlflow
        mlflow.log_params({"customer_email": logmask.mask(e), "lr": 0.1})
        """,
        inputs={"e": EMAIL},
    ),
    Case(
        "mlflow-tag-from-personal-variable",
        """
        import mlflow
        mlflow.set_tag("requested_by", requester_email)
        """,
        """
        import logmask
        import mlflow
        mlflow.set_tag("requested_by", logmask.mask(requester_email))
        """,
        inputs={"requester_email": EMAIL},
    ),
    Case(
        "mlflow-log-dict",
        """
        import mlflow
        mlflow.log_dict({"patient_name": name}, "p.json")
        """,
        """
        import logmask
        import mlflow
        mlflow.log_dict({"patient_name": logmask.mask(name)}, "p.json")
        """,
        inputs={"name": NAME},
    ),
    Case(
        "span-set-attribute",
        """
        import mlflow
        span = mlflow.get_current_active_span()
        span.set_attribute("customer_email", e)
        """,
        """
        import logmask
        import mlflow
        span = mlflow.get_current_active_span()
        span.set_attribute("customer_email", logmask.mask(e))
        """,
        inputs={"e": EMAIL},
    ),
    # ---------------------------------------------------------------- tables
    Case(
        "table-dataframe",
        """
        import pandas as pd
        import wandb
        customers = pd.DataFrame({"email": emails, "spend": spend})
        wandb.log({"customers": wandb.Table(dataframe=customers)})
        """,
        """
        import logmask
        import pandas as pd
        import wandb
        customers = pd.DataFrame({"email": emails, "spend": spend})
        wandb.log({"customers": wandb.Table(dataframe=logmask.mask_dataframe(customers, columns=["email"]))})
        """,  # noqa: E501
        inputs={"emails": [EMAIL, EMAIL2], "spend": [1, 2]},
    ),
    Case(
        "table-list-rows",
        """
        import wandb
        wandb.log({"t": wandb.Table(columns=["user_name", "score"], data=rows)})
        """,
        """
        import logmask
        import wandb
        wandb.log({"t": wandb.Table(columns=["user_name", "score"], data=logmask.mask_records(rows, keys=["user_name"], columns=["user_name", "score"]))})
        """,  # noqa: E501
        inputs={"rows": [[NAME, 1], ["Bob Ray", 2]]},
    ),
    Case(
        "table-list-rows-positional",
        """
        import wandb
        cols = ["user_name", "score"]
        wandb.log({"t": wandb.Table(cols, rows)})
        """,
        """
        import logmask
        import wandb
        cols = ["user_name", "score"]
        wandb.log({"t": wandb.Table(cols, logmask.mask_records(rows, keys=["user_name"], columns=cols))})
        """,  # noqa: E501
        inputs={"rows": [(NAME, 1)]},
    ),
    Case(
        "table-dict-rows",
        """
        import wandb
        rows = [{"email": e, "v": 1} for e in emails]
        wandb.log({"t": wandb.Table(data=rows)})
        """,
        """
        import logmask
        import wandb
        rows = [{"email": e, "v": 1} for e in emails]
        wandb.log({"t": wandb.Table(data=logmask.mask_records(rows, keys=["email"]))})
        """,
        inputs={"emails": [EMAIL, EMAIL2]},
    ),
    Case(
        "table-variable-add-data",
        """
        import wandb
        table = wandb.Table(columns=["customer_email", "score"])
        for e in emails:
            table.add_data(e, 1)
        wandb.log({"t": table})
        """,
        """
        import logmask
        import wandb
        table = wandb.Table(columns=["customer_email", "score"])
        for e in emails:
            table.add_data(e, 1)
        wandb.log({"t": logmask.mask_dataframe(table, columns=["customer_email"])})
        """,
        inputs={"emails": [EMAIL, EMAIL2]},
    ),
    Case(
        "records-list",
        """
        import wandb
        rows = [{"email": e} for e in emails]
        wandb.log({"rows": rows})
        """,
        """
        import logmask
        import wandb
        rows = [{"email": e} for e in emails]
        wandb.log({"rows": logmask.mask_records(rows, keys=["email"])})
        """,
        inputs={"emails": [EMAIL, EMAIL2]},
    ),
    Case(
        "mlflow-log-table-frame",
        """
        import pandas as pd
        import mlflow
        df = pd.DataFrame({"ssn": ssns, "y": [0, 1]})
        mlflow.log_table(df, "d.json")
        """,
        """
        import pandas as pd
        import mlflow
        import logmask
        df = pd.DataFrame({"ssn": ssns, "y": [0, 1]})
        mlflow.log_table(logmask.mask_dataframe(df, columns=["ssn"]), "d.json")
        """,
        inputs={"ssns": ["078-05-1120", "219-09-9999"]},
    ),
    Case(
        "mlflow-log-table-column-dict",
        """
        import mlflow
        mlflow.log_table({"email": emails, "score": s}, artifact_file="s.json")
        """,
        """
        import logmask
        import mlflow
        mlflow.log_table(logmask.mask_dataframe({"email": emails, "score": s}, columns=["email"]), artifact_file="s.json")
        """,  # noqa: E501
        inputs={"emails": [EMAIL, EMAIL2], "s": [1, 2]},
    ),
    Case(
        "personal-source-frame",
        """
        import mlflow
        import pandas as pd
        patients = pd.read_csv("patients.csv")
        mlflow.log_table(patients, artifact_file="patients.json")
        """,
        """
        import logmask
        import mlflow
        import pandas as pd
        patients = pd.read_csv("patients.csv")
        mlflow.log_table(logmask.mask_dataframe(patients), artifact_file="patients.json")
        """,
        inputs={},
        files={"patients.csv": f"full_name,email,age\n{NAME},{EMAIL},41\n"},
        secrets=(NAME, EMAIL),
    ),
    Case(
        "log-input-from-pandas",
        """
        import mlflow
        import pandas as pd
        df = pd.read_csv("customers.csv")
        mlflow.log_input(mlflow.data.from_pandas(df, name="c"), context="training")
        """,
        """
        import logmask
        import mlflow
        import pandas as pd
        df = pd.read_csv("customers.csv")
        mlflow.log_input(mlflow.data.from_pandas(logmask.mask_dataframe(df), name="c"), context="training")
        """,  # noqa: E501
        inputs={},
        files={"customers.csv": f"email,plan\n{EMAIL},pro\n{EMAIL2},free\n"},
        secrets=(EMAIL, EMAIL2),
    ),
    Case(
        "log-model-input-example-is-unsafe",
        """
        import mlflow
        import pandas as pd
        df = pd.DataFrame({"email": emails, "x": [1, 2]})
        mlflow.sklearn.log_model(None, name="m", input_example=df)
        """,
        """
        import logmask
        import mlflow
        import pandas as pd
        df = pd.DataFrame({"email": emails, "x": [1, 2]})
        mlflow.sklearn.log_model(None, name="m", input_example=logmask.mask_dataframe(df, columns=["email"]))
        """,  # noqa: E501
        unsafe=True,
        inputs={"emails": [EMAIL, EMAIL2]},
    ),
    Case(
        "evaluate-data-is-unsafe",
        """
        import mlflow
        import pandas as pd
        df = pd.DataFrame({"email": emails, "y": [1, 0]})
        mlflow.evaluate(None, data=df, targets="y")
        """,
        """
        import logmask
        import mlflow
        import pandas as pd
        df = pd.DataFrame({"email": emails, "y": [1, 0]})
        mlflow.evaluate(None, data=logmask.mask_dataframe(df, columns=["email"]), targets="y")
        """,
        unsafe=True,
        inputs={"emails": [EMAIL, EMAIL2]},
    ),
    Case(
        "free-text-table",
        """
        import wandb
        wandb.log({"t": wandb.Table(columns=["review", "stars"], data=rows)})
        """,
        """
        import logmask
        import wandb
        wandb.log({"t": wandb.Table(columns=["review", "stars"], data=logmask.mask_records(rows, text_keys=["review"], columns=["review", "stars"]))})
        """,  # noqa: E501
        inputs={"rows": [[f"great, mail me at {EMAIL}", 5]]},
        secrets=(EMAIL,),
        config=Config(select=("PII203",)),
        marker="<EMAIL>",
    ),
    # --------------------------------------------------------------- tracing
    Case(
        "traced-personal-parameter",
        """
        import mlflow


        @mlflow.trace
        def lookup(customer_email: str):
            return 1
        """,
        """
        import logmask
        import mlflow

        mlflow.tracing.configure(span_processors=[logmask.redact_span])


        @mlflow.trace
        def lookup(customer_email: str):
            return 1
        """,
        unsafe=True,
    ),
    Case(
        "traced-free-text-and-autolog-share-one-setup",
        """
        import mlflow

        mlflow.langchain.autolog()


        @mlflow.trace
        def predict(text: str):
            return text
        """,
        """
        import logmask
        import mlflow

        mlflow.tracing.configure(span_processors=[logmask.redact_span])

        mlflow.langchain.autolog()


        @mlflow.trace
        def predict(text: str):
            return text
        """,
        unsafe=True,
    ),
    # -------------------------------------------------------- import spelling
    Case(
        "reuses-import-logmask-as",
        """
        import logmask as lm
        import wandb
        wandb.log({"user_email": address})
        """,
        """
        import logmask as lm
        import wandb
        wandb.log({"user_email": lm.mask(address)})
        """,
        inputs={"address": EMAIL},
    ),
    Case(
        "reuses-from-logmask-import-mask",
        """
        from logmask import mask
        import wandb
        wandb.log({"user_email": address})
        """,
        """
        from logmask import mask
        import wandb
        wandb.log({"user_email": mask(address)})
        """,
        inputs={"address": EMAIL},
    ),
    Case(
        "shadowed-mask-gets-the-module-import",
        """
        from logmask import mask
        import wandb

        def step(x, address):
            mask = x > 0
            wandb.log({"user_email": address, "m": mask})

        step(1, address)
        """,
        """
        from logmask import mask
        import logmask
        import wandb

        def step(x, address):
            mask = x > 0
            wandb.log({"user_email": logmask.mask(address), "m": mask})

        step(1, address)
        """,
        inputs={"address": EMAIL},
    ),
    Case(
        "configured-masker",
        """
        import wandb
        wandb.log({"user_email": address})
        """,
        """
        import wandb
        from myproject.privacy import scrub
        wandb.log({"user_email": scrub(address)})
        """,
        config=Config(masker="myproject.privacy.scrub"),
    ),
    Case(
        "configured-masker-name-taken",
        """
        import wandb
        scrub = 0.5
        wandb.log({"user_email": address, "scrub": scrub})
        """,
        """
        import myproject.privacy
        import wandb
        scrub = 0.5
        wandb.log({"user_email": myproject.privacy.scrub(address), "scrub": scrub})
        """,
        config=Config(masker="myproject.privacy.scrub"),
    ),
    # --------------------------------------------------------------- no fix
    Case(
        "anonymous-run-has-no-fix",
        """
        import wandb
        run = wandb.init(project="demo", anonymous="allow")
        run.log({"preds": wandb.Table(dataframe=preds)})
        """,
        """
        import wandb
        run = wandb.init(project="demo", anonymous="allow")
        run.log({"preds": wandb.Table(dataframe=preds)})
        """,
        unsafe=True,
    ),
    Case(
        "uploaded-file-has-no-fix",
        """
        import wandb
        wandb.save("outputs/customers_export.csv")
        """,
        """
        import wandb
        wandb.save("outputs/customers_export.csv")
        """,
        unsafe=True,
    ),
    # ---------------------------------------------------------------- suppressions (PII001)
    Case(
        "unused-noqa-codes",
        """
        import wandb
        wandb.log({"user_email": logmask_free, "loss": 0.1})  # noqa: PII101, PII201
        wandb.log({"loss": 0.2})  # keep this  # noqa: PII102
        """,
        """
        import wandb
        wandb.log({"user_email": logmask_free, "loss": 0.1})  # noqa: PII101
        wandb.log({"loss": 0.2})  # keep this
        """,
    ),
]


def source(text: str) -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode()


def config_of(case: Case) -> Config:
    return case.config or Config(select=("ALL",))


def fixed(data: bytes, config: Config, unsafe: bool) -> tuple[bytes, Linter, Any]:
    linter = Linter(config)
    result = linter.check_source(data, "snippet.py")
    assert not result.errors, result.errors
    checked = fix_loop(linter, result, unsafe)
    return checked.fixed or data, linter, checked


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fix_turns_before_into_after(case: Case) -> None:
    after, _, _ = fixed(source(case.before), config_of(case), unsafe=case.unsafe)
    assert after.decode() == source(case.after).decode()


@pytest.mark.parametrize("case", [c for c in CASES if c.unsafe], ids=lambda c: c.id)
def test_unsafe_fix_needs_the_flag(case: Case) -> None:
    before = source(case.before)
    after, _, _ = fixed(before, config_of(case), unsafe=False)
    assert after == before


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixed_source_converges(case: Case) -> None:
    after = source(case.after)
    linter = Linter(config_of(case))
    result = linter.check_source(after, "snippet.py")
    assert not result.errors
    assert applicable(result.findings, unsafe=True) == []
    again, _, _ = fixed(after, config_of(case), unsafe=True)
    assert again == after


RUN = [c for c in CASES if c.inputs is not None]


def personal_values(obj: Any) -> list[str]:
    """The strings among the inputs (values only: keys and attribute names are code)."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, SimpleNamespace):
        obj = vars(obj)
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, list | tuple):
        return [s for item in obj for s in personal_values(item)]
    return []


@pytest.mark.parametrize("case", RUN, ids=[c.id for c in RUN])
def test_fixed_code_runs_and_logs_nothing_personal(
    case: Case, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("LOGMASK_KEY", "test-key")
    monkeypatch.chdir(tmp_path)
    for name, text in case.files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert case.inputs is not None
    secrets = {s for s in personal_values(case.inputs) if len(s) > 4} | set(case.secrets)
    assert secrets, "a runnable case needs personal values"

    logged = run_snippet(source(case.before).decode(), case.inputs, monkeypatch).text()
    assert any(s in logged for s in secrets), "the unfixed code should leak"

    logged = run_snippet(source(case.after).decode(), case.inputs, monkeypatch).text()
    assert not [s for s in secrets if s in logged], logged
    assert case.marker in logged


def test_tracing_fix_registers_redact_span(monkeypatch: pytest.MonkeyPatch) -> None:
    import logmask

    case = next(c for c in CASES if c.id == "traced-personal-parameter")
    rec = run_snippet(source(case.after).decode(), {}, monkeypatch)
    configure = [c for c in rec.calls if c[0] == "tracing.configure"]
    assert configure == [("tracing.configure", (), {"span_processors": [logmask.redact_span]})]
    assert rec.names().index("tracing.configure") < rec.names().index("trace")


def test_every_fix_kind_in_the_rules_has_a_row() -> None:
    """Each rule with a fix is covered by a row, and documented fixes match the real ones."""
    fixable = {code for code, doc in RULES.items() if not doc.fix_safety.startswith("No ")}
    covered = set()
    for case in CASES:
        linter = Linter(config_of(case))
        result = linter.check_source(source(case.before), "snippet.py")
        covered |= {f.code for f in result.findings if f.fix is not None}
    assert fixable <= covered


@pytest.mark.parametrize("code", sorted(RULES))
def test_documented_fixed_example_is_what_fix_does(code: str) -> None:
    doc = RULES[code]
    config = Config(select=(code,))
    before = doc.leaking.encode()
    after, _, _ = fixed(before, config, unsafe=True)
    if doc.fix_safety.startswith("No "):
        assert after == before
    else:
        assert after.decode() == doc.fixed
