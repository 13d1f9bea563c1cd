"""End to end with the real MLflow and a local sqlite store: fixed by the CLI, nothing leaks.

The script logs a personal parameter, a customers table and a trace of a
function taking `customer_email`, after `mlflow.set_tracking_uri` (which in
MLflow 3 resets the tracing configuration: the fix must register the span
processor after it). It runs once as written (the values must reach the store),
is fixed with `logmask check --fix --unsafe-fixes`, and runs twice more. What
MLflow stored is read back through its own client (params, artifacts, traces)
and as raw bytes (the sqlite file, the artifact folder).
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from tests.e2e.support import (
    CUSTOMERS,
    KEY,
    Timer,
    environment,
    fix_with_cli,
    leaks,
    needs,
    run_all,
    write_project,
)

pytestmark = needs("mlflow")

SCRIPT = textwrap.dedent(
    """\
    import json
    import sys

    import mlflow
    import pandas as pd

    mlflow.set_tracking_uri(sys.argv[2])
    mlflow.set_experiment("logmask-e2e")


    @mlflow.trace
    def lookup(customer_email: str) -> int:
        return len(customer_email)


    rows = json.load(open(sys.argv[1], encoding="utf-8"))
    customers = pd.DataFrame(
        [[r["name"], r["email"], r["spend"]] for r in rows],
        columns=["customer_name", "email", "spend"],
    )
    with mlflow.start_run() as active:
        mlflow.log_params({"owner_email": rows[0]["email"], "lr": 0.01})
        mlflow.log_table(customers, artifact_file="customers.json")
        lookup(rows[0]["email"])
    print(active.info.run_id)
    """
)


def empty_store(folder: Path) -> Path:
    """A migrated, empty sqlite store to copy (migrating one takes seconds)."""
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    path = folder / "empty.db"
    SqlAlchemyStore(f"sqlite:///{path}", (folder / "unused").as_uri()).engine.dispose()
    return path


def run_scripts(
    script: Path, inputs: Path, folders: list[Path], store: Path
) -> list[tuple[str, str]]:
    """Run the script once in each folder (its artifact root, with a copy of the store),
    at the same time; the tracking URI and run id of each run."""
    commands = []
    for folder in folders:
        folder.mkdir()
        shutil.copyfile(store, folder / "mlflow.db")
        uri = f"sqlite:///{folder / 'mlflow.db'}"
        env = environment(MLFLOW_ENABLE_ASYNC_TRACE_LOGGING="false")
        commands.append(([sys.executable, str(script), str(inputs), uri], folder, env))
    outputs = run_all(commands)
    return [
        (f"sqlite:///{folder / 'mlflow.db'}", out.strip().splitlines()[-1])
        for folder, out in zip(folders, outputs, strict=True)
    ]


def stored(uri: str, run_id: str, download: Path) -> dict[str, object]:
    """What the tracking store holds for the run, read with MLflow's own client.

    The client, not the fluent API: `mlflow.set_tracking_uri` would change this
    test process's global tracking URI (and its environment) for later tests.
    """
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    found = client.get_run(run_id)
    path = client.download_artifacts(run_id, "customers.json", str(download))
    table = json.loads(Path(path).read_text(encoding="utf-8"))
    traces = client.search_traces(locations=[found.info.experiment_id], include_spans=True)
    spans = [span for trace in traces for span in trace.data.spans]
    full = [client.get_trace(trace.info.trace_id, display=False) for trace in traces]
    return {
        "params": dict(found.data.params),
        "table": table,
        "inputs": [span.inputs for span in spans],
        "previews": [trace.info.request_preview for trace in full],
    }


@pytest.mark.slow
def test_mlflow_sqlite_store_holds_no_personal_data_after_fix(tmp_path: Path) -> None:
    import logmask

    timer = Timer()
    script, inputs = write_project(tmp_path, "serve.py", SCRIPT)
    email = CUSTOMERS[0]["email"]

    store = empty_store(script.parent)
    timer.mark("empty store")
    ((uri, run_id),) = run_scripts(script, inputs, [tmp_path / "before"], store)
    timer.mark("leaking run")
    before = stored(uri, run_id, tmp_path / "dl-before")
    assert before["params"]["owner_email"] == email
    assert before["inputs"] == [{"customer_email": email}]
    assert email in json.dumps(before["table"])
    leaked = leaks([tmp_path / "before"])
    assert {c["email"] for c in CUSTOMERS} <= set(leaked), leaked
    assert any(p.endswith("mlflow.db") for p in leaked[email])

    report = fix_with_cli(script)
    timer.mark("fix")
    assert "All checks passed." in report
    fixed = script.read_text(encoding="utf-8")
    uri_line = fixed.index("mlflow.set_tracking_uri(")
    assert fixed.index("mlflow.tracing.configure(span_processors=[logmask.redact_span])") > uri_line

    masked = {v: logmask.mask(v, key=KEY) for c in CUSTOMERS for v in (c["name"], c["email"])}
    runs = run_scripts(script, inputs, [tmp_path / "after1", tmp_path / "after2"], store)
    timer.mark("two fixed runs")
    results = [stored(uri, run_id, tmp_path / f"dl-{i}") for i, (uri, run_id) in enumerate(runs)]
    assert leaks([tmp_path / "after1", tmp_path / "after2"]) == {}
    assert leaks([tmp_path / "dl-0", tmp_path / "dl-1"]) == {}
    for after in results:
        assert after["params"] == {"owner_email": masked[email], "lr": "0.01"}
        assert after["inputs"] == [{"customer_email": masked[email]}]
        assert all(masked[email] in (preview or "") for preview in after["previews"])
        assert after["previews"]
        rows = after["table"]["data"]
        assert rows == [[masked[c["name"]], masked[c["email"]], c["spend"]] for c in CUSTOMERS]
    assert results[0] == results[1]  # same input, same pseudonyms, two runs
    print(f"mlflow e2e: {timer}")
