"""End to end with the real weave package: leaking ops, fixed by the CLI, record nothing personal.

weave 0.54's wheel does not ship the local SQLite trace server its own test
suite uses (`weave.trace_server.sqlite_trace_server` lives only in weave's
repository), so weave's real client (`WeaveClient`: op wrapping, input
binding, postprocessing, call batching, code capture) is pointed at an
in-process recording server instead, and every request it receives is read
back. `weave.init` is kept, with only its network set-up replaced by that
client. Each script runs once as written (the personal values must reach the
server, or this test proves nothing), is fixed with the CLI, and runs again.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from tests.e2e.support import (
    CUSTOMERS,
    NEEDLES,
    environment,
    fix_with_cli,
    leaks,
    needs,
    run,
    write_project,
)

pytestmark = needs("weave")

# Runs a script with weave's client recording into memory; writes every request as JSON.
RECORDER = textwrap.dedent(
    """\
    import json
    import runpy
    import sys
    from types import SimpleNamespace

    from weave.trace import weave_client, weave_init
    from weave.trace.context import weave_client_context

    requests = []


    class RecordingServer:
        \"\"\"The trace server calls WeaveClient makes for ops, answered in memory.\"\"\"

        call_processor = None
        feedback_processor = None

        def get_feedback_processor(self):
            return None

        def get_call_processor(self):
            return None

        def __getattr__(self, name):
            def record(req=None, *args, **kwargs):
                requests.append({"method": name, "req": req})
                if name == "call_start":
                    return SimpleNamespace(id=req.start.id, trace_id=req.start.trace_id)
                return SimpleNamespace(digest="0" * 43)

            return record


    def connect(project, postprocess_inputs=None, postprocess_output=None, **kwargs):
        client = weave_client.WeaveClient(
            "logmask",
            project,
            RecordingServer(),
            ensure_project_exists=False,
            postprocess_inputs=postprocess_inputs,
            postprocess_output=postprocess_output,
        )
        weave_client_context.set_weave_client_global(client)
        return client


    weave_init.init_weave = connect  # what weave.init calls after reading its arguments
    if "--no-init" in sys.argv:
        connect("ops")
        sys.argv.remove("--no-init")
    script, out = sys.argv[1], sys.argv[2]
    sys.argv = [script, *sys.argv[3:]]
    runpy.run_path(script, run_name="__main__")
    weave_client_context.require_weave_client().flush()
    with open(out, "w", encoding="utf-8") as f:
        json.dump(requests, f, default=lambda o: getattr(o, "model_dump", lambda: repr(o))())
    """
)

OPS = textwrap.dedent(
    """\
    import json
    import sys

    import weave


    @weave.op
    def lookup_customer(customer_email: str, customer_name: str, spend: int) -> dict:
        return {"tier": "gold" if spend > 100 else "silver", "sent_to": customer_email}


    @weave.op()
    def answer(question: str) -> str:
        return "We will answer: " + question


    customers = json.load(open(sys.argv[1], encoding="utf-8"))
    for c in customers:
        lookup_customer(c["email"], c["name"], c["spend"])
        answer(f"My mail is {c['email']}, please call back")
    """
)

HELPDESK = textwrap.dedent(
    """\
    import json
    import sys

    import weave
    from openai import OpenAI

    weave.init("helpdesk")


    @weave.op
    def file_ticket(ticket: int, body: str) -> str:
        return f"Ticket {ticket}: {body}"


    customers = json.load(open(sys.argv[1], encoding="utf-8"))
    for number, c in enumerate(customers):
        file_ticket(number, f"refund for {c['email']}")
    """
)


def record(script: Path, inputs: Path, out: Path, *flags: str) -> list[dict[str, object]]:
    out.parent.mkdir(exist_ok=True)
    recorder = script.parent / "recorder.py"
    recorder.write_text(RECORDER, encoding="utf-8")
    args = [sys.executable, str(recorder), *flags, str(script), str(out), str(inputs)]
    run(args, script.parent, environment(WEAVE_DISABLED="false"), timeout=120)
    return json.loads(out.read_text(encoding="utf-8"))


def recorded_inputs(requests: list[dict[str, object]]) -> list[dict[str, object]]:
    """The inputs of every call the server received (a call start, or a complete call)."""
    text = json.dumps(requests)
    assert '"inputs"' in text, "the server received no calls"
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "op_name" in node and "inputs" in node:
                found.append(node["inputs"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(requests)
    return found


@pytest.mark.slow
def test_weave_ops_record_no_personal_data_after_fix(tmp_path: Path) -> None:
    script, inputs = write_project(tmp_path, "ops.py", OPS)
    before = record(script, inputs, tmp_path / "before" / "requests.json", "--no-init")
    assert set(leaks([tmp_path / "before"])) == set(NEEDLES)
    assert len(recorded_inputs(before)) == 2 * len(CUSTOMERS)

    report = fix_with_cli(script)
    fixed = script.read_text(encoding="utf-8")
    assert fixed.count("postprocess_inputs=logmask.redact_inputs") == 2
    assert "All checks passed." in report

    after = record(script, inputs, tmp_path / "after" / "requests.json", "--no-init")
    assert leaks([tmp_path / "after"]) == {}
    calls = recorded_inputs(after)
    assert len(calls) == 2 * len(CUSTOMERS)  # the ops still run and are still traced
    assert {c["spend"] for c in calls if "spend" in c} == {c["spend"] for c in CUSTOMERS}
    assert any("<EMAIL>" in str(c.get("question")) for c in calls)


@pytest.mark.slow
def test_weave_init_with_an_llm_client_records_no_personal_data_after_fix(
    tmp_path: Path,
) -> None:
    script, inputs = write_project(tmp_path, "helpdesk.py", HELPDESK)
    stub = script.parent / "openai"  # an LLM client for the import; weave patches nothing here
    stub.mkdir()
    (stub / "__init__.py").write_text("class OpenAI:\n    pass\n", encoding="utf-8")
    emails = [c["email"] for c in CUSTOMERS]

    record(script, inputs, tmp_path / "before" / "requests.json")
    assert set(leaks([tmp_path / "before"], emails)) == set(emails)

    fix_with_cli(script)
    assert "weave.init(\n" not in script.read_text(encoding="utf-8")
    assert "postprocess_inputs=logmask.redact_inputs" in script.read_text(encoding="utf-8")

    after = record(script, inputs, tmp_path / "after" / "requests.json")
    assert leaks([tmp_path / "after"], emails) == {}
    bodies = [c.get("body") for c in recorded_inputs(after)]
    assert bodies == ["refund for <EMAIL>"] * len(CUSTOMERS)
