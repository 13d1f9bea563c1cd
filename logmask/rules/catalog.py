"""Every rule's documentation: what it flags, why, a leaking and a fixed example.

Plain data, kept apart from the rule visitors so that loading the catalog (for
`--select` validation, `logmask rules`, reports) never loads LibCST: a run
whose files need no parse starts in a fraction of the time. The same examples
drive each rule's tests and `logmask explain`.
"""

from __future__ import annotations

from dataclasses import dataclass

from logmask.rules.trackers import MLFLOW_SETUP


@dataclass(frozen=True, slots=True)
class RuleDoc:
    code: str
    name: str
    summary: str
    why: str
    leaking: str
    fixed: str
    fix_safety: str
    default: bool = True
    # Extra flag / no-flag snippets for the tests (the leaking/fixed examples are always used).
    flag: tuple[str, ...] = ()
    no_flag: tuple[str, ...] = ()


# ------------------------------------------------------------------ logged_values

UNSAFE_WHERE_DEFINED = (
    " Unsafe (`--unsafe-fixes`) when the value is written where a logged dict was built "
    'earlier (`d["email"] = e`), since its other uses change too.'
)

PII101 = RuleDoc(
    code="PII101",
    name="personal-name-logged",
    summary="A logged key, column, keyword or attribute name is personal.",
    why=(
        "Trackers show every logged key and value to everyone with access to the project. "
        "A key such as 'user_email' or 'customer_ssn' says the value is personal data; "
        "once it is logged it stays in the run history."
    ),
    leaking='import wandb\nwandb.log({"user_email": address})\n',
    fixed='import logmask\nimport wandb\nwandb.log({"user_email": logmask.mask(address)})\n',
    fix_safety="Safe: the value is wrapped in the masker; the key and the rest of the log stay."
    + UNSAFE_WHERE_DEFINED,
    flag=(
        'import mlflow\nmlflow.log_param("customer_ssn", ssn)\n',
        "import wandb\nwandb.config.phone = caller_phone\n",
        'import wandb\nrun = wandb.init()\nrun.summary["customer_name"] = top\n',
        'import mlflow\nmlflow.log_dict({"patient_name": name}, "p.json")\n',
        'import wandb\nd = {}\nd["home_address"] = a\nwandb.log(d)\n',
        'import wandb\nwandb.log({f"{prefix}_email": e})\n',
        'import wandb\nwandb.log({"user": {"email": e}})\n',
    ),
    no_flag=(
        'import wandb\nwandb.log({"num_users": 1000, "user_count": 12})\n',
        'import wandb\nwandb.log({"run_name": n, "model_id": m, "input_ids": i})\n',
        'import wandb\nwandb.log({"ip_adapter_scale": 0.6})\n',
        'import logmask\nimport wandb\nwandb.log({"email": logmask.mask(email)})\n',
        'import wandb\nwandb.log({"email_hash": h})\n',
        'import mlflow\nmlflow.log_metric("user_email_rate", 0.3)\n',
        'import wandb\nwandb.log({"user_id": 0})\n',
    ),
)

PII102 = RuleDoc(
    code="PII102",
    name="personal-value-logged",
    summary="A logged value is read from a personal variable, attribute or item.",
    why=(
        "The key may look harmless ('contact', 'caller'), but the value comes from "
        "`user.email` or `row['phone_number']`: the tracker stores the person's data."
    ),
    leaking='import wandb\nwandb.log({"contact": user.email})\n',
    fixed='import logmask\nimport wandb\nwandb.log({"contact": logmask.mask(user.email)})\n',
    fix_safety="Safe: the value is wrapped in the masker." + UNSAFE_WHERE_DEFINED,
    flag=(
        'import wandb\nwandb.log({"caller": row["phone_number"]})\n',
        'import mlflow\nmlflow.set_tag("requested_by", requester_email)\n',
        'import wandb\nwandb.log({"who": f"{user.email} ({n})"})\n',
        'import wandb\ne = customer.email.lower()\nwandb.log({"x": e})\n',
    ),
    no_flag=(
        'import wandb\nwandb.log({"contact": logmask.mask(user.email)})\n',
        'import wandb\nwandb.log({"acc": acc, "loss": loss})\n',
        'import wandb\nwandb.log({"name": model.name, "host": server.address})\n',
    ),
)

PII103 = RuleDoc(
    code="PII103",
    name="personal-literal-logged",
    summary="A logged string literal holds a personal value (e-mail, card, IBAN, SSN, phone, IP).",
    why=(
        "Values are recognised with validation (Luhn, mod-97, SSN ranges, public IPs), so a "
        "hit is a real-looking personal value written into code and shipped with every run."
    ),
    leaking='import wandb\nwandb.log({"note": "reach me at jane.doe@example.org"})\n',
    fixed=(
        "import logmask\nimport wandb\n"
        'wandb.log({"note": logmask.redact_text("reach me at jane.doe@example.org")})\n'
    ),
    fix_safety="Safe: the literal is passed through `logmask.redact_text` at run time."
    + UNSAFE_WHERE_DEFINED,
    flag=(
        'import mlflow\nmlflow.set_tag("card", "4539 1488 0343 6467")\n',
        'import wandb\nwandb.init(notes="call +44 20 7946 0958")\n',
    ),
    no_flag=(
        'import wandb\nwandb.log({"host": "127.0.0.1", "docs": "https://docs.example.com/x"})\n',
        'import wandb\nwandb.log({"pip_version": "24.0", "version": "10.7.31.9"})\n',
        'import wandb\nwandb.log({"ts": "1667470478", "loss": "0.2371151234"})\n',
    ),
)


# ------------------------------------------------------------------ logged_tables

UNSAFE_BEYOND_LOG = (
    " Unsafe (`--unsafe-fixes`) where the data is used beyond the log: "
    "`log_model(input_example=...)` infers the model signature from it, "
    "`mlflow.evaluate(data=...)` scores the model on it."
)

PII201 = RuleDoc(
    code="PII201",
    name="personal-table-logged",
    summary="A DataFrame, column dict, records list or wandb.Table with personal columns is "
    "logged unmasked.",
    why=(
        "A logged table is shown row by row in the tracker's UI and kept as an artifact. "
        "Columns such as 'email', 'full_name' or 'customer_id' put every person in the table "
        "in front of everyone who can open the run."
    ),
    leaking=(
        "import pandas as pd\nimport wandb\n"
        'customers = pd.DataFrame({"email": emails, "spend": spend})\n'
        'wandb.log({"customers": wandb.Table(dataframe=customers)})\n'
    ),
    fixed=(
        "import logmask\nimport pandas as pd\nimport wandb\n"
        'customers = pd.DataFrame({"email": emails, "spend": spend})\n'
        'wandb.log({"customers": wandb.Table(dataframe=logmask.mask_dataframe(customers, '
        'columns=["email"]))})\n'
    ),
    fix_safety="Safe: the logged data is wrapped in `mask_dataframe`/`mask_records` naming the "
    "personal columns (list rows of a `wandb.Table` also get their `columns`); the original "
    "stays unmasked for the rest of the program and no column is dropped." + UNSAFE_BEYOND_LOG,
    flag=(
        'import wandb\nwandb.log({"t": wandb.Table(columns=["user_name", "score"], data=rows)})\n',
        'import mlflow\nmlflow.log_table({"email": emails, "score": s}, artifact_file="s.json")\n',
        'import wandb\nrows = [{"email": "a", "v": 1}]\nwandb.log({"t": wandb.Table(data=rows)})\n',
        "import pandas as pd\nimport wandb\n"
        'df = pd.DataFrame(rows, columns=["id", "phone"])\ncopy = df.copy()\n'
        'wandb.log({"df": copy})\n',
        "import pandas as pd\nimport mlflow\n"
        'df = pd.read_csv("x.csv", usecols=["ssn", "y"])\nmlflow.log_table(df, "d.json")\n',
    ),
    no_flag=(
        "import pandas as pd\nimport wandb\n"
        'df = pd.DataFrame({"email": e, "spend": s})\n'
        'wandb.log({"t": wandb.Table(dataframe=df[["spend"]])})\n',
        "import pandas as pd\nimport wandb\n"
        'df = pd.DataFrame({"email": e, "spend": s})\n'
        'wandb.log({"t": wandb.Table(dataframe=df.drop(columns=["email"]))})\n',
        'import wandb\nwandb.log({"t": wandb.Table(columns=["epoch", "loss"], data=h)})\n',
        "import logmask\nimport wandb\n"
        'rows = [{"email": "a"}]\nwandb.log({"t": wandb.Table(data=logmask.mask_records(rows))})\n',
    ),
)

PII202 = RuleDoc(
    code="PII202",
    name="personal-source-logged",
    summary="Data read from a personal-looking source is logged unmasked.",
    why=(
        "`read_csv('customers.csv')` or `SELECT * FROM users` returns rows about people. "
        "Even when the columns are unknown to the linter, logging the frame as it is puts "
        "those rows in the tracker."
    ),
    leaking=(
        "import mlflow\nimport pandas as pd\n"
        'patients = pd.read_csv("data/patients.csv")\n'
        'mlflow.log_table(patients, artifact_file="patients.json")\n'
    ),
    fixed=(
        "import logmask\nimport mlflow\nimport pandas as pd\n"
        'patients = pd.read_csv("data/patients.csv")\n'
        'mlflow.log_table(logmask.mask_dataframe(patients), artifact_file="patients.json")\n'
    ),
    fix_safety="Safe: `mask_dataframe` picks the personal columns at run time, on a copy."
    + UNSAFE_BEYOND_LOG,
    flag=(
        'import pandas as pd\nimport wandb\nu = pd.read_sql("SELECT * FROM users", con)\n'
        'wandb.log({"u": wandb.Table(dataframe=u.head(10))})\n',
    ),
    no_flag=(
        'import pandas as pd\nimport wandb\nu = pd.read_csv("data/train.csv")\n'
        'wandb.log({"u": wandb.Table(dataframe=u)})\n',
        'import pandas as pd\nimport wandb\nu = pd.read_csv("users.csv")\n'
        'wandb.log({"u": wandb.Table(dataframe=u[["plan", "tenure"]])})\n',
    ),
)

PII203 = RuleDoc(
    code="PII203",
    name="free-text-table-logged",
    summary="A logged table has free-text columns (message, review, prompt, transcript).",
    why=(
        "What people write contains names, e-mail addresses and phone numbers. A table of "
        "reviews or chat messages logged as it is ships them too. Off by default: enable it "
        "with `--select PII203` where tables of user text are logged."
    ),
    leaking=(
        'import wandb\nwandb.log({"t": wandb.Table(columns=["review", "stars"], data=rows)})\n'
    ),
    fixed=(
        "import logmask\nimport wandb\n"
        'wandb.log({"t": wandb.Table(columns=["review", "stars"], '
        'data=logmask.mask_records(rows, text_keys=["review"], columns=["review", "stars"]))})\n'
    ),
    fix_safety="Safe: the text columns go through `redact_text` at run time, on a copy."
    + UNSAFE_BEYOND_LOG,
    default=False,
    no_flag=('import wandb\nwandb.log({"t": wandb.Table(columns=["epoch", "loss"], data=h)})\n',),
)


# ------------------------------------------------------------------ tracing

REDACTION_SETUP = MLFLOW_SETUP.code

PII301 = RuleDoc(
    code="PII301",
    name="traced-personal-parameters",
    summary="An @mlflow.trace / @weave.op function takes personal parameters and nothing "
    "redacts them.",
    why=(
        "`@mlflow.trace` records every argument of the call as the span's inputs. A parameter "
        "called `customer_email` or `user_id` sends that person's data to the trace store "
        "on every call, unless a span processor redacts it first."
    ),
    leaking=("import mlflow\n\n\n@mlflow.trace\ndef lookup(customer_email: str):\n    return 1\n"),
    fixed=(
        "import logmask\nimport mlflow\n\n"
        f"{REDACTION_SETUP}\n\n\n@mlflow.trace\ndef lookup(customer_email: str):\n    return 1\n"
    ),
    fix_safety="Unsafe: it adds process-wide tracing set-up to the module (`--unsafe-fixes`).",
    flag=(
        "import mlflow\n\n@mlflow.trace(name='x')\ndef f(user_id, query):\n    pass\n",
        "import weave\n\n@weave.op\ndef lookup(customer_email: str):\n    return 1\n",
    ),
    no_flag=(
        "import mlflow\n\n@mlflow.trace\ndef add(a: int, b: int):\n    return a + b\n",
        "import weave\n\n@weave.op(postprocess_inputs=scrub)\ndef f(customer_email):\n    pass\n",
        "import mlflow\n\ndef lookup(customer_email):\n    pass\n",
        "import mlflow\nimport logmask\n"
        f"{REDACTION_SETUP}\n\n@mlflow.trace\ndef f(customer_email):\n    pass\n",
    ),
)

PII302 = RuleDoc(
    code="PII302",
    name="traced-free-text",
    summary="An @mlflow.trace / @weave.op function takes end-user free text and nothing "
    "redacts it.",
    why=(
        "Prompts, messages and questions are written by people and carry their names, "
        "addresses and numbers. A traced function records them verbatim."
    ),
    leaking="import mlflow\n\n\n@mlflow.trace\ndef predict(text: str):\n    return text\n",
    fixed=(
        "import logmask\nimport mlflow\n\n"
        f"{REDACTION_SETUP}\n\n\n@mlflow.trace\ndef predict(text: str):\n    return text\n"
    ),
    fix_safety="Unsafe: it adds process-wide tracing set-up to the module.",
    no_flag=("import mlflow\n\n@mlflow.trace\ndef score(logits, threshold=0.5):\n    pass\n",),
)

PII303 = RuleDoc(
    code="PII303",
    name="autolog-without-redaction",
    summary="GenAI autologging or auto-patching records prompts and nothing redacts them.",
    why=(
        "`mlflow.openai.autolog()`, `mlflow.langchain.autolog()` and the other GenAI flavors "
        "trace every prompt and completion, including what end users typed."
    ),
    leaking="import mlflow\n\nmlflow.langchain.autolog()\n",
    fixed=f"import logmask\nimport mlflow\n\n{REDACTION_SETUP}\n\nmlflow.langchain.autolog()\n",
    fix_safety="Unsafe: it adds process-wide tracing set-up to the module.",
    flag=("import weave\nfrom openai import OpenAI\n\nweave.init('support-bot')\n",),
    no_flag=(
        "import mlflow\n\nmlflow.sklearn.autolog()\n",
        "import weave\n\nweave.init('support-bot')\n",
        "import weave\nfrom openai import OpenAI\n\n"
        "weave.init('support-bot', settings={'redact_pii': True})\n",
    ),
)


# ------------------------------------------------------------------ runs_and_uploads

PII401 = RuleDoc(
    code="PII401",
    name="anonymous-run-with-data",
    summary="wandb.init(anonymous='allow'/'must') in a module that logs tables, DataFrames or "
    "media.",
    why=(
        "An anonymous run is visible to anyone who has its link. Metrics are fine there; "
        "tables, DataFrames and media may hold personal data and become public."
    ),
    leaking=(
        "import wandb\n"
        'run = wandb.init(project="demo", anonymous="allow")\n'
        'run.log({"preds": wandb.Table(dataframe=preds)})\n'
    ),
    fixed=(
        "import wandb\n"
        'run = wandb.init(project="demo", anonymous="never")\n'
        'run.log({"preds": wandb.Table(dataframe=preds)})\n'
    ),
    fix_safety="No automatic fix: the message suggests anonymous='never'.",
    no_flag=('import wandb\nrun = wandb.init(anonymous="allow")\nrun.log({"acc": 0.9})\n',),
)

PII402 = RuleDoc(
    code="PII402",
    name="personal-file-uploaded",
    summary="wandb.save, Artifact.add_file or log_artifact uploads a file whose name suggests "
    "personal data.",
    why=(
        "Uploaded files are stored as they are; the linter cannot mask their content. A file "
        "called 'customers_export.csv' most likely holds people's records."
    ),
    leaking='import wandb\nwandb.save("outputs/customers_export.csv")\n',
    fixed='import wandb\nwandb.save("outputs/customers_export_masked.csv")  # masked copy\n',
    fix_safety="No automatic fix: mask the file's content before uploading it.",
    flag=('import mlflow\nmlflow.log_artifact("exports/patient_records.csv")\n',),
    no_flag=(
        'import mlflow\nmlflow.log_artifact("reports/confusion_matrix.png")\n',
        'import wandb\nart = wandb.Artifact("d", type="dataset")\n'
        'art.add_file("data/cifar10_train.npz")\n',
    ),
)


RULES: dict[str, RuleDoc] = {
    doc.code: doc
    for doc in (
        PII101,
        PII102,
        PII103,
        PII201,
        PII202,
        PII203,
        PII301,
        PII302,
        PII303,
        PII401,
        PII402,
    )
}
