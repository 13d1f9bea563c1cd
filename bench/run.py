"""Benchmark logmask against flake8, ruff and the bare LibCST parse. Not a test.

    python bench/run.py [--runs 3] [--corpus mlflow,transformers,project]

Builds a pinned corpus from the sdists of mlflow 3.18.0 and transformers
5.24.0 (`pip download --no-deps --no-binary :all:` into bench/corpus/, which
git ignores; only the package's .py files are kept; when a pinned version is
not on PyPI the nearest one is used and named), then times, several runs
each, printing medians of wall time and CPU time (user + sys of all
processes: the machine may be shared, and CPU time is what contention
inflates least):

- `logmask check --exit-zero` with a cold cache and with a warm cache (default jobs),
- `flake8` (its default plugins: logmask's own flake8 plugin is left out),
- `ruff check` with its default rules and with `--select ALL` (no cache, no config),
- a bare `libcst.parse_module` of the files that pass logmask's substring
  prefilter, and of those that also pass the `ast` candidate stage, on one
  process and on two,
- logmask on 10 files (the pre-commit case),
- `project`: a pre-commit run on 5 files of a generated 1,000-module project
  whose helpers live in other modules (module summaries cold and cached),

and the ratios logmask/flake8, logmask/ruff and logmask/parse-floor, cold and
warm, and the peak resident memory of each command (all its processes).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
PINNED = {"mlflow": "3.18.0", "transformers": "5.24.0"}
PY = sys.executable
RUFF = ("ruff", "check", "--isolated", "--no-cache", "--exit-zero", "-q")


# ------------------------------------------------------------------- corpus
def version_key(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:4])


def available_versions(name: str) -> list[str]:
    proc = subprocess.run(
        [PY, "-m", "pip", "index", "versions", name], capture_output=True, text=True
    )
    match = re.search(r"Available versions:\s*(.+)", proc.stdout)
    if not match:
        return []
    return [v.strip() for v in match.group(1).split(",") if re.fullmatch(r"[\d.]+", v.strip())]


def nearest(pinned: str, versions: list[str]) -> str | None:
    """The highest version at or below the pin, else the lowest above it."""
    below = [v for v in versions if version_key(v) <= version_key(pinned)]
    if below:
        return max(below, key=version_key)
    return min(versions, key=version_key) if versions else None


def download(name: str, version: str, into: Path) -> Path | None:
    into.mkdir(parents=True, exist_ok=True)
    for old in into.glob(f"{name}-{version}.*"):
        return old
    proc = subprocess.run(
        [
            PY,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "-q",
            "-d",
            str(into),
            f"{name}=={version}",
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return None
    found = sorted(into.glob(f"{name}-{version}.*"))
    return found[0] if found else None


def build_corpus(name: str) -> tuple[Path, str]:
    """bench/corpus/<name>-<version>/<name>/... with only the package's .py files."""
    pinned = PINNED[name]
    for existing in sorted(CORPUS.glob(f"{name}-*/{name}")):
        version = existing.parent.name.removeprefix(f"{name}-")
        if version != pinned:
            print(f"note: {name} {pinned} is not on PyPI; using {version}")
        return existing, version
    downloads = CORPUS / "downloads"
    version = pinned
    archive = download(name, version, downloads)
    if archive is None:
        choice = nearest(pinned, available_versions(name))
        if choice is None:
            sys.exit(f"cannot download an sdist of {name}")
        print(f"note: {name} {pinned} is not on PyPI; using the nearest, {choice}")
        version = choice
        archive = download(name, version, downloads)
        if archive is None:
            sys.exit(f"cannot download an sdist of {name} {version}")
    target = CORPUS / f"{name}-{version}"
    with tempfile.TemporaryDirectory(dir=CORPUS) as temp, tarfile.open(archive) as tar:
        tar.extractall(temp, filter="data")
        roots = [p.parent for p in Path(temp).glob(f"*/{name}/__init__.py")]
        roots += [p.parent for p in Path(temp).glob(f"*/src/{name}/__init__.py")]
        if not roots:
            sys.exit(f"{archive.name}: no {name}/ package inside")
        package = roots[0]
        for source in package.rglob("*.py"):
            dest = target / name / source.relative_to(package)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
    # Its own repository: the parent's .gitignore (which ignores bench/corpus/) must not
    # hide the files from logmask's and ruff's git-aware discovery.
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    return target / name, version


# ------------------------------------------------------------------ timing
def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        todo.extend(int(c) for c in children)
    return total


class PeakRss:
    """Samples a process tree's resident memory until the process exits (0 without /proc).

    The memory test in tests/robustness uses it too.
    """

    def __init__(self, process: subprocess.Popen, interval: float = 0.01) -> None:
        self.process = process
        self.interval = interval
        self.peak_kb = 0
        self.sampler: threading.Thread | None = None
        if Path("/proc/self/task").exists():
            self.sampler = threading.Thread(target=self._sample)
            self.sampler.start()

    def _sample(self) -> None:
        while self.process.poll() is None:
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.process.pid))
            time.sleep(self.interval)

    def megabytes(self) -> float:
        """The peak, once the process has exited."""
        if self.sampler is not None:
            self.sampler.join()
        return self.peak_kb / 1024


@dataclass
class Timing:
    label: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_mb: float = 0.0

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def timed(label: str, command: list[str], runs: int, cwd: Path, before=None, env=None) -> Timing:
    """Median wall and CPU time of `command`; peak RSS over it and its children."""
    timing = Timing(label)
    for _ in range(runs):
        if before is not None:
            before()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        memory = PeakRss(process)
        _, err = process.communicate()
        wall = time.perf_counter() - start
        peak_mb = memory.megabytes()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if process.returncode not in (0, 1):
            sys.exit(f"{label}: exit {process.returncode}\n{err.decode()[-2000:]}")
        timing.walls.append(wall)
        timing.cpus.append(after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime)
        timing.rss_mb = max(timing.rss_mb, peak_mb)
    return timing


PLAIN_FLAKE8 = """
import sys
from flake8.plugins import finder
found = finder._find_importlib_plugins
finder._find_importlib_plugins = lambda: (p for p in found() if p.package != "logmask")
from flake8.main.cli import main
sys.exit(main())
"""

PARSE_FLOOR = """
import gc, multiprocessing, sys
from pathlib import Path
import libcst
from logmask.linter.config import Config
from logmask.linter.engine import Linter

def parse(path):
    try:
        libcst.parse_module(Path(path).read_bytes())
    except Exception:
        pass

stage, jobs, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
linter = Linter(Config())
files = []
for path in sorted(Path(root).rglob("*.py")):
    data = path.read_bytes()
    if linter.may_log(data) and (stage == "prefilter" or linter.candidates.needs_libcst(data)):
        files.append(str(path))
if jobs == 1:
    for f in files:
        parse(f)
else:
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(parse, files, chunksize=4)
print(len(files))
"""


def count_files(root: Path) -> tuple[int, int, int, int]:
    sys.path.insert(0, str(HERE.parent))
    from logmask.linter.config import Config
    from logmask.linter.engine import Linter

    linter = Linter(Config())
    total = prefiltered = candidates = lines = 0
    for path in root.rglob("*.py"):
        data = path.read_bytes()
        total += 1
        lines += data.count(b"\n")
        if linter.may_log(data):
            prefiltered += 1
            candidates += linter.candidates.needs_libcst(data)
    return total, lines, prefiltered, candidates


def bench(name: str, root: Path, version: str, runs: int) -> None:
    total, lines, prefiltered, candidates = count_files(root)
    print(
        f"\n## {name} {version}: {total} files, {lines:,} lines; {prefiltered} pass the "
        f"substring prefilter, {candidates} the ast candidate stage"
    )
    cwd = root.parent
    cache = Path(tempfile.mkdtemp(prefix="logmask-bench-cache-"))
    env = {**os.environ, "LOGMASK_CACHE_DIR": str(cache)}
    logmask = [PY, "-m", "logmask", "check", "--exit-zero", root.name]

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    rows = [
        timed("logmask, cold cache", logmask, runs, cwd, before=clear, env=env),
        timed("logmask, warm cache", logmask, runs, cwd, env=env),
        timed("logmask --jobs 1, cold", [*logmask, "--jobs", "1"], runs, cwd, clear, env),
        timed("flake8", [PY, "-c", PLAIN_FLAKE8, "--exit-zero", root.name], runs, cwd),
        timed(
            "ruff check",
            [*RUFF, root.name],
            runs,
            cwd,
        ),
        timed(
            "ruff check --select ALL",
            [*RUFF, "--select", "ALL", root.name],
            runs,
            cwd,
        ),
    ]
    for stage in ("prefilter", "candidates"):
        for jobs in (1, 2):
            rows.append(
                timed(
                    f"libcst parse, {stage} files, {jobs} proc",
                    [PY, "-c", PARSE_FLOOR, stage, str(jobs), root.name],
                    runs,
                    cwd,
                )
            )
    ten = sorted(
        str(p.relative_to(cwd))
        for p in root.rglob("*.py")
        if b"import mlflow" in p.read_bytes() or b"import wandb" in p.read_bytes()
    )[:10]
    if len(ten) == 10:
        rows.append(timed("logmask, 10 files, cold", [*logmask[:-1], *ten], runs, cwd, clear, env))
        rows.append(timed("logmask, 10 files, warm", [*logmask[:-1], *ten], runs, cwd, env=env))
    shutil.rmtree(cache, ignore_errors=True)

    print(f"\n| command | wall s (median of {runs}) | CPU s | peak RSS MB |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row.label} | {row.wall:.2f} | {row.cpu:.2f} | {row.rss_mb:.0f} |")
    by = {row.label: row for row in rows}
    cold, warm = by["logmask, cold cache"], by["logmask, warm cache"]
    print("\n| ratio (wall) | cold | warm |")
    print("| --- | ---: | ---: |")
    for other in (
        "flake8",
        "ruff check",
        "ruff check --select ALL",
        "libcst parse, prefilter files, 2 proc",
        "libcst parse, candidates files, 2 proc",
        "libcst parse, prefilter files, 1 proc",
    ):
        base = by[other].wall
        print(f"| logmask / {other} | {cold.wall / base:.2f} | {warm.wall / base:.2f} |")
    print(f"| warm / cold | {warm.wall / cold.wall:.2f} | |")


# ------------------------------------------------------- pre-commit on a project
MODULE = """\
import pandas as pd
{imports}


def load_{i}(path=\"data/part_{i}.csv\"):
    frame = pd.read_csv(path)
    return frame.drop(columns=[\"id\"])


def features_{i}(frame, scale=1.0):
    out = {{\"rows\": len(frame), \"scale\": scale}}
    for column in frame.columns:
        out[column] = frame[column].mean() * scale
    return out


class Step{i}:
    def __init__(self, name):
        self.name = name
        self.history = []

    def run(self, frame):
        result = features_{i}(frame)
        self.history.append(result)
        return {calls}
"""
TRACKING = """\
import wandb


def log_table(name, frame):
    wandb.log({name: wandb.Table(dataframe=frame)})


def log_metrics(metrics, step=None):
    wandb.log(metrics, step=step)
"""
SCRIPT = """\
import pandas as pd
from proj.tracking import log_metrics, log_table
from proj.{package}.mod_{a} import Step{a}, load_{a}
from proj.{package}.mod_{b} import features_{b}

frame = load_{a}()
log_metrics(features_{b}(frame))
log_table("customers", pd.read_csv("data/customers.csv"))
Step{a}("x").run(frame)
"""


def synthetic_project(root: Path, modules: int = 1000) -> list[str]:
    """A 1,000-module project (20 packages, each module importing two others) and 5 scripts."""
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\n')
    (root / "proj").mkdir()
    (root / "proj" / "__init__.py").write_text("")
    (root / "proj" / "tracking.py").write_text(TRACKING)
    per = modules // 20
    for index in range(modules):
        package = root / "proj" / f"pkg_{index // per}"
        package.mkdir(exist_ok=True)
        (package / "__init__.py").write_text("")
        others = [(index * 7 + 3) % modules, (index * 13 + 5) % modules]
        imports = "\n".join(f"from proj.pkg_{o // per}.mod_{o} import features_{o}" for o in others)
        calls = " + ".join(f"[features_{o}(frame)]" for o in others)
        (package / f"mod_{index}.py").write_text(
            MODULE.format(i=index, imports=imports, calls=calls)
        )
    scripts = []
    for number in range(5):
        a, b = number * 97, number * 97 + 1
        path = root / f"train_{number}.py"
        path.write_text(SCRIPT.format(package=f"pkg_{a // per}", a=a, b=b))
        scripts.append(path.name)
    return scripts


def bench_pre_commit(runs: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="logmask-bench-project-"))
    scripts = synthetic_project(root)
    cache = root / ".logmask_cache"
    command = [PY, "-m", "logmask", "check", "--exit-zero", *scripts]

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    cold = timed("pre-commit, 5 files of 1,000, cold", command, runs, root, before=clear)
    warm = timed("pre-commit, 5 files of 1,000, warm", command, runs, root)
    print("\n## pre-commit: 5 files of a 1,000-module project (helpers in other modules)")
    print(f"\n| command | wall s (median of {runs}) | CPU s | peak RSS MB |")
    print("| --- | ---: | ---: | ---: |")
    for row in (cold, warm):
        print(f"| {row.label} | {row.wall:.2f} | {row.cpu:.2f} | {row.rss_mb:.0f} |")
    shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", default="mlflow,transformers,project")
    args = parser.parse_args()
    CORPUS.mkdir(parents=True, exist_ok=True)
    print(f"# logmask bench: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name in args.corpus.split(","):
        if name == "project":
            bench_pre_commit(args.runs)
            continue
        root, version = build_corpus(name)
        bench(name, root, version, args.runs)
    print(f"\nload average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
