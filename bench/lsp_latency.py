"""How long after a change `logmask server` publishes diagnostics. Not a test.

    python bench/lsp_latency.py [--lines 100,1000,5000] [--changes 15] [--debounce-ms 25]

Starts the real server over stdio (`python -m logmask server`) with pygls'
client, opens a synthetic training script of each size (functions that log
metrics to W&B, every tenth one also a personal key, and a DataFrame read
from a customers file), then edits one line at a time -- alternately adding
and removing a leak near the end of the file, so each change has a
different expected result -- and measures the wall time from sending
`textDocument/didChange` to receiving the `publishDiagnostics` for that
version (the server's debounce included). Prints the median, the 90th
percentile and the maximum per size, and the CPU time of one engine check of
the same text in this process, for comparison (the machine may be shared).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def script(lines: int) -> str:
    """A training script of exactly `lines` lines."""
    head = [
        '"""Synthetic training script."""',
        "import pandas as pd",
        "import wandb",
        "",
        'run = wandb.init(project="churn")',
        'customers = pd.read_csv("customers.csv")',
        'run.log({"sample": wandb.Table(dataframe=customers.head())})',
        "",
    ]
    body: list[str] = []
    step = 0
    while len(head) + len(body) + 6 + 3 <= lines:
        leak = f'    run.log({{"user_email": user.email, "step": {step}}})'
        body += [
            "",
            f"def train_step_{step}(batch, user, model):",
            f"    loss = model(batch.inputs).loss * {step + 1}",
            f'    run.log({{"loss": loss, "lr": 1e-3, "step": {step}}})',
            leak if step % 10 == 0 else f"    accuracy = batch.correct / {step + 1}",
            "    return loss",
        ]
        step += 1
    tail = ["", "def last_step(phone):", "    pass"]  # the line each change rewrites
    out = head + body
    out += ["pass"] * (lines - len(out) - len(tail))
    return "\n".join(out + tail) + "\n"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(lines: int, changes: int, debounce_ms: int) -> tuple[list[float], list[float]]:
    client = LanguageClient("lsp-latency", "1")
    published: dict[int | None, asyncio.Event] = {}
    counts: dict[int | None, int] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        counts[params.version] = len(params.diagnostics)
        published.setdefault(params.version, asyncio.Event()).set()

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        pass

    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    await client.start_io(sys.executable, "-m", "logmask", "server", env=env)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"debounceMs": debounce_ms},
        )
    )
    client.initialized(types.InitializedParams())
    folder = Path(tempfile.mkdtemp(prefix="lsp-latency-"))
    uri = (folder / f"train_{lines}.py").as_uri()
    text = script(lines)
    published[1] = asyncio.Event()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text))
    )
    await asyncio.wait_for(published[1].wait(), 120)
    base = counts[1]
    last = len(text.splitlines()) - 1
    timings, cpu = [], []
    pid = client._server.pid if client._server is not None else 0
    for change in range(changes):
        version = change + 2
        leaking = change % 2 == 0
        line = '    run.log({"customer_phone": phone})' if leaking else "    pass"
        published[version] = asyncio.Event()
        start, start_cpu = time.perf_counter(), cpu_seconds(pid)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [
                    types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(last, 0), types.Position(last + 1, 0)),
                        text=line + "\n",
                    )
                ],
            )
        )
        await asyncio.wait_for(published[version].wait(), 120)
        timings.append(time.perf_counter() - start)
        cpu.append(cpu_seconds(pid) - start_cpu)
        expected = base + (1 if leaking else 0)
        if counts[version] != expected:
            raise SystemExit(f"{lines} lines: {counts[version]} diagnostics, expected {expected}")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return timings, cpu


def engine_cpu(lines: int) -> float:
    sys.path.insert(0, str(REPO))
    from logmask.linter.engine import Linter

    linter = Linter()
    data = script(lines).encode()
    linter.check_source(data, "train.py")
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        linter.check_source(data, "train.py")
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="100,1000,5000")
    parser.add_argument("--changes", type=int, default=15)
    parser.add_argument("--debounce-ms", type=int, default=25)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"{'lines':>6} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}"
        f" {'server CPU ms':>14} {'engine CPU ms':>14}"
    )
    for lines in (int(n) for n in args.lines.split(",")):
        timings, cpu = asyncio.run(measure(lines, args.changes, args.debounce_ms))
        timings.sort()
        p90 = timings[min(len(timings) - 1, int(0.9 * len(timings)))]
        print(
            f"{lines:>6} {statistics.median(timings) * 1000:>10.0f} {p90 * 1000:>8.0f}"
            f" {timings[-1] * 1000:>8.0f} {statistics.median(cpu) * 1000:>14.0f}"
            f" {engine_cpu(lines) * 1000:>14.0f}"
        )


if __name__ == "__main__":
    main()
