"""Real code, the process pool and the result cache give exactly the sequential results."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from logmask.findings import Finding
from logmask.linter import parallel
from logmask.linter.cache import ResultCache, decode_finding, encode_finding, findings_equal
from logmask.linter.config import Config
from logmask.linter.redaction import shown_fix
from logmask.linter.runner import Checked, FixMode, check_paths

CONFIG = Config(select=("ALL",))


def summary(checked: list[Checked]) -> list[tuple[str, list[tuple[Finding, object]], list]]:
    """The results as reported (the cache keeps fixes as reports show them: redacted)."""
    return [
        (
            c.result.path,
            [(shown(f), f.statement_lines) for f in c.result.findings],
            c.result.errors,
        )
        for c in checked
    ]


def shown(finding: Finding) -> Finding:
    if finding.fix is None:
        return finding
    return dataclasses.replace(finding, fix=shown_fix(finding.fix))


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("LOGMASK_CACHE_DIR", str(folder))
    return folder


@pytest.mark.slow
def test_real_code_has_no_internal_error(smoke_corpus: tuple[Path, list[Path]]) -> None:
    root, _ = smoke_corpus
    checked = list(check_paths([str(root)], CONFIG, jobs=2))
    errors = [e for c in checked for e in c.result.errors]
    assert errors == []  # installed wandb and mlflow all parse, and no rule fails on them
    assert sum(len(c.result.findings) for c in checked) > 20


@pytest.mark.slow
def test_pool_and_cache_give_the_sequential_results(
    smoke_corpus: tuple[Path, list[Path]], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = smoke_corpus
    sequential = summary(list(check_paths([str(root)], CONFIG, jobs=1)))
    pooled = summary(list(check_paths([str(root)], CONFIG, jobs=2)))
    assert pooled == sequential
    cold = summary(list(check_paths([str(root)], CONFIG, jobs=2, cache=True)))
    assert cold == sequential
    assert any(cache_dir.rglob("*")), "nothing was cached"

    def no_parsing(*args: object) -> None:
        raise AssertionError("a warm run parsed a file")

    monkeypatch.setattr(parallel, "check_recorded", no_parsing)
    warm = summary(list(check_paths([str(root)], CONFIG, jobs=2, cache=True)))
    assert warm == sequential


def test_one_worker_for_a_handful_of_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pre-commit hook's handful of files costs one worker; `jobs=1` none."""
    started: list[int] = []
    real = parallel.Pool.start

    def counting(self: parallel.Pool) -> parallel.Worker:
        started.append(len(self.workers) + 1)  # the workers running with this one
        return real(self)

    monkeypatch.setattr(parallel.Pool, "start", counting)
    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    for i in range(parallel.MIN_POOL_FILES):
        (tmp_path / f"f{i}.py").write_text(f"import wandb\nwandb.log({{'email_{i}': e}})\n")
    (tmp_path / "quiet.py").write_text("x = 1\n")  # names no tracker: never pending
    alone = list(check_paths([str(tmp_path)], CONFIG, jobs=1))
    assert started == []
    few = list(check_paths([str(tmp_path)], CONFIG, jobs=2))
    assert started == [1]  # 8 files: one worker
    (tmp_path / "one_more.py").write_text("import wandb\nwandb.log({'email': e})\n")
    started.clear()
    more = list(check_paths([str(tmp_path)], CONFIG, jobs=8))  # capped at the 2 cores
    assert started == [1, 2]  # 9 files: a second worker, capped at the 2 cores
    assert summary(alone) == summary(few)
    assert len(more) == len(few) + 1
    assert [c.result.path for c in more] == sorted(c.result.path for c in more)


@pytest.mark.slow
def test_findings_survive_the_cache_encoding(smoke_corpus: tuple[Path, list[Path]]) -> None:
    root, _ = smoke_corpus
    findings = [f for c in check_paths([str(root / "leaks")], CONFIG) for f in c.result.findings]
    assert any(f.fix is not None for f in findings)
    decoded = [decode_finding(json.loads(json.dumps(encode_finding(f)))) for f in findings]
    assert findings_equal(decoded, [shown(f) for f in findings])  # fixes kept as reports show them


def test_corrupt_entries_are_ignored_and_rewritten(tmp_path: Path, cache_dir: Path) -> None:
    (tmp_path / "a.py").write_text("import wandb\nwandb.log({'user_email': e})\n")
    first = summary(list(check_paths([str(tmp_path / "a.py")], CONFIG, cache=True)))
    entries = [p for p in (cache_dir / "v1").rglob("*") if p.is_file()]
    assert len(entries) == 1
    for garbage in (b"", b"{not json", b'{"format": 1}', b'{"format": 99, "findings": []}'):
        entries[0].write_bytes(garbage)
        again = summary(list(check_paths([str(tmp_path / "a.py")], CONFIG, cache=True)))
        assert again == first
        assert json.loads(entries[0].read_bytes())["format"] == 1


def test_key_covers_content_config_and_path(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, CONFIG)
    other = ResultCache(tmp_path, Config(select=("PII1",)))
    keys = {
        cache.key("a.py", b"x"),
        cache.key("a.py", b"y"),
        cache.key("b.py", b"x"),
        other.key("a.py", b"x"),
    }
    assert len(keys) == 4
    assert cache.key("a.py", b"x") == ResultCache(tmp_path, CONFIG).key("a.py", b"x")


def test_span_processor_setup_in_another_file_invalidates(tmp_path: Path, cache_dir: Path) -> None:
    """PII301 depends on whether an imported project module registers span processors."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "tracing_setup.py").write_text("import mlflow\n")
    agent = tmp_path / "agent.py"
    agent.write_text(
        "import mlflow\nimport tracing_setup\n\n@mlflow.trace\ndef f(customer_email):\n    pass\n"
    )

    def codes() -> list[str]:
        checked = check_paths([str(agent)], CONFIG, cache=True)
        return [f.code for c in checked for f in c.result.findings]

    assert codes() == ["PII301"]
    assert codes() == ["PII301"]  # from the cache
    (tmp_path / "tracing_setup.py").write_text(
        "import logmask\nimport mlflow\n"
        "mlflow.tracing.configure(span_processors=[logmask.redact_span])\n"
    )
    assert codes() == []


def test_fix_and_diff_with_a_warm_cache(tmp_path: Path, cache_dir: Path) -> None:
    source = "import wandb\nwandb.log({'user_email': e})\n"
    for name in ("cached.py", "fresh.py"):
        (tmp_path / name).write_text(source)
    list(check_paths([str(tmp_path / "cached.py")], CONFIG, cache=True))  # warm it
    mode = FixMode(compute=True)
    cached = list(check_paths([str(tmp_path / "cached.py")], CONFIG, mode, cache=True))
    fresh = list(check_paths([str(tmp_path / "fresh.py")], CONFIG, mode))
    assert cached[0].fixed is not None
    assert cached[0].fixed == fresh[0].fixed
    assert cached[0].applied == fresh[0].applied


@pytest.mark.slow
def test_concurrent_runs_share_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(30):
        (src / f"m{i}.py").write_text(f"import mlflow\nmlflow.log_param('user_email_{i}', v)\n")
    command = [sys.executable, "-m", "logmask", "check", "--format", "json", "--jobs", "1", "src"]
    env = {**os.environ, "LOGMASK_CACHE_DIR": str(cache_dir)}
    runs = [
        subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1]
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0])) == 30
    assert not list((cache_dir / "v1").rglob(".tmp-*"))


def test_out_of_memory_is_one_error_line_and_never_cached(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from logmask.linter.engine import Linter

    (tmp_path / "a.py").write_text("import wandb\nwandb.log({'user_email': e})\n")

    def exhausted(self: Linter, data: bytes, path: str) -> None:
        raise MemoryError

    with monkeypatch.context() as patch:
        patch.setattr(Linter, "check_source", exhausted)
        checked = list(check_paths([str(tmp_path / "a.py")], CONFIG, cache=True))
    assert [e.message for e in checked[0].result.errors] == ["out of memory while checking"]
    assert not [p for p in (cache_dir / "v1").rglob("*") if p.is_file()]
    again = list(check_paths([str(tmp_path / "a.py")], CONFIG, cache=True))
    assert [f.code for f in again[0].result.findings] == ["PII101"]
