"""`[tool.logmask]`: every key reaches the rules (end to end through the CLI, in-process), and a bad
key or type is an exit-2 error that names it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from logmask.linter.config import Config, ConfigError, find_pyproject, load_config, parse_config
from tests.inprocess import invoke

LEAKS = """\
import wandb

wandb.log({"user_email": e})
wandb.log({"reviews": wandb.Table(columns=["review", "score"], data=rows)})
wandb.log({"note": "write to jane.doe@example.org"})
wandb.log({"user_id": uid})
"""
# (line, code) of LEAKS under the default config
DEFAULT = [(3, "PII101"), (5, "PII103"), (6, "PII101")]


def project(tmp_path: Path, config: str, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'demo'\n\n[tool.logmask]\n" + textwrap.dedent(config), encoding="utf-8"
    )
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return tmp_path


def found(folder: Path, *args: str) -> list[tuple[str, int, str]]:
    proc = invoke("check", "--format", "json", *args, cwd=folder)
    assert proc.returncode in (0, 1), proc.stderr
    return [(Path(f["path"]).as_posix(), f["line"], f["code"]) for f in json.loads(proc.stdout)]


def lines(path: str, pairs: list[tuple[int, str]]) -> list[tuple[str, int, str]]:
    return [(path, line, code) for line, code in pairs]


# key, config text, files, expected findings of `logmask check .`
CASES = [
    ("none", "", {"a.py": LEAKS}, lines("a.py", DEFAULT)),
    ("select", 'select = ["PII103"]', {"a.py": LEAKS}, [("a.py", 5, "PII103")]),
    (
        "select ALL",
        'select = ["ALL"]',
        {"a.py": LEAKS},
        lines("a.py", [(3, "PII101"), (4, "PII203"), (5, "PII103"), (6, "PII101")]),
    ),
    ("ignore", 'ignore = ["PII1"]', {"a.py": LEAKS}, []),
    (
        "ignore one",
        'ignore = ["PII103"]',
        {"a.py": LEAKS},
        lines("a.py", [(3, "PII101"), (6, "PII101")]),
    ),
    (
        "extend-select",
        'extend-select = ["PII203"]',
        {"a.py": LEAKS},
        lines("a.py", [(3, "PII101"), (4, "PII203"), (5, "PII103"), (6, "PII101")]),
    ),
    (
        "exclude",
        'exclude = ["scratch"]',
        {"a.py": LEAKS, "scratch/b.py": LEAKS},
        lines("a.py", DEFAULT),
    ),
    (
        "extend-exclude",
        'extend-exclude = ["gen_*.py"]',
        {"a.py": LEAKS, "src/gen_x.py": LEAKS},
        lines("a.py", DEFAULT),
    ),
    (
        "per-file-ignores",
        'per-file-ignores = { "tests/*" = ["PII101"] }',
        {"a.py": LEAKS, "tests/t.py": LEAKS},
        [*lines("a.py", DEFAULT), ("tests/t.py", 5, "PII103")],
    ),
    (
        "personal-names",
        'personal-names = { badge_no = "identity.id" }',
        {"a.py": 'import wandb\nwandb.log({"badge_no": b, "step": 1})\n'},
        [("a.py", 2, "PII101")],
    ),
    (
        "allowed-names",
        'allowed-names = ["user_email"]',
        {"a.py": LEAKS},
        lines("a.py", [(5, "PII103"), (6, "PII101")]),
    ),
    (
        "min-confidence",
        'min-confidence = "high"',
        {"a.py": LEAKS},
        [("a.py", 3, "PII101")],
    ),
    (
        "span-processors-registered",
        "span-processors-registered = true",
        {"a.py": "import mlflow\n\n@mlflow.trace\ndef f(customer_email):\n    return 1\n"},
        [],
    ),
    (
        "maskers",
        'maskers = ["myproj.privacy.tokenise_person"]',
        {
            "a.py": "import wandb\nfrom myproj.privacy import tokenise_person\n"
            'wandb.log({"user_email": tokenise_person(e)})\n'
        },
        [],
    ),
    (
        "sinks and objects",
        '[tool.logmask.sinks]\n"dvclive.Live.log_params" = "params:mapping"\n'
        '[tool.logmask.objects]\n"dvclive.Live" = "dvclive.Live"\n',
        {"a.py": 'from dvclive import Live\nlive = Live()\nlive.log_params({"user_email": e})\n'},
        [("a.py", 3, "PII101")],
    ),
]


@pytest.mark.parametrize(("key", "config", "files", "expected"), CASES, ids=[c[0] for c in CASES])
def test_key_reaches_the_rules(
    tmp_path: Path, key: str, config: str, files: dict[str, str], expected: list
) -> None:
    folder = project(tmp_path, config, files)
    assert sorted(found(folder, ".")) == sorted(expected)


def test_keys_without_config_differ(tmp_path: Path) -> None:
    """Each case above changes the outcome: without the key the findings are different."""
    for key, _, files, expected in CASES[1:]:
        folder = tmp_path / key.replace(" ", "_")
        folder.mkdir()
        project(folder, "", files)
        assert sorted(found(folder, ".")) != sorted(expected), key


def test_masker_is_used_by_fixes(tmp_path: Path) -> None:
    folder = project(
        tmp_path,
        'masker = "myproj.privacy.pseudonymise"',
        {"a.py": 'import wandb\nwandb.log({"user_email": e})\n'},
    )
    assert invoke("check", "--fix", "a.py", cwd=folder).returncode == 0
    text = (folder / "a.py").read_text()
    assert "from myproj.privacy import pseudonymise" in text
    assert 'wandb.log({"user_email": pseudonymise(e)})' in text


def test_respect_gitignore_in_a_repository(tmp_path: Path) -> None:
    import subprocess

    folder = project(tmp_path, "", {"a.py": LEAKS, "generated/b.py": LEAKS})
    (folder / ".gitignore").write_text("generated/\n")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    assert {p for p, _, _ in found(folder, ".")} == {"a.py"}
    (folder / "pyproject.toml").write_text(
        (folder / "pyproject.toml").read_text() + "respect-gitignore = false\n"
    )
    assert {p for p, _, _ in found(folder, ".")} == {"a.py", "generated/b.py"}


def test_config_option_reads_another_file(tmp_path: Path) -> None:
    folder = project(tmp_path, 'ignore = ["PII103"]', {"a.py": LEAKS})
    (folder / "strict.toml").write_text('select = ["PII103"]\n')
    (folder / "tool.toml").write_text('[tool.logmask]\nselect = ["PII101"]\n')
    assert found(folder, "--config", "strict.toml", "a.py") == [("a.py", 5, "PII103")]
    assert [c for _, _, c in found(folder, "--config", "tool.toml", "a.py")] == ["PII101"] * 2


def test_nearest_pyproject_wins(tmp_path: Path) -> None:
    project(tmp_path, 'ignore = ["PII103"]', {"sub/a.py": LEAKS})
    (tmp_path / "sub" / "pyproject.toml").write_text('[tool.logmask]\nselect = ["PII103"]\n')
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no table
    (tmp_path / "other" / "b.py").write_text(LEAKS)
    assert found(tmp_path / "sub", "a.py") == [("a.py", 5, "PII103")]
    assert [c for _, _, c in found(tmp_path / "other", "b.py")] == ["PII101", "PII101"]
    assert find_pyproject(tmp_path / "other" / "b.py") == tmp_path / "pyproject.toml"


BAD = [
    ("selct = ['PII1']", "unknown key [tool.logmask] 'selct'"),
    ("select = 'PII1'", "select must be a list of strings"),
    ("select = ['XYZ1']", "select: 'XYZ1' is not a rule code"),
    ("ignore = ['PII999']", "ignore: no rule matches 'PII999'"),
    ("extend-select = [1]", "extend-select must be a list of strings"),
    ("exclude = 'build'", "exclude must be a list of strings"),
    ("extend-exclude = [true]", "extend-exclude must be a list of strings"),
    ("per-file-ignores = ['x']", "per-file-ignores must be a table"),
    ("per-file-ignores = { 'a.py' = 'PII1' }", "per-file-ignores.a.py must be a list"),
    ("per-file-ignores = { 'a.py' = ['E501'] }", "'E501' is not a rule code"),
    ("personal-names = ['badge']", "personal-names must be a table"),
    ("personal-names = { badge = 1 }", "personal-names.badge must be a string"),
    ("allowed-names = 'x'", "allowed-names must be a list of strings"),
    ("sinks = { 'comet_ml.log' = 'x:blob' }", "unknown shape 'blob'"),
    ("sinks = { 'log' = 'x:value' }", "sinks: 'log' is not an API"),
    ("objects = { 'comet_ml.Experiment' = 'not a type' }", "is not a tracker type"),
    ("objects = { 'comet_ml.Experiment' = 3 }", "objects.comet_ml.Experiment must be a string"),
    ("masker = 'mask'", "masker must be a dotted path"),
    ("masker = 1", "masker must be a string"),
    ("maskers = ['scrub']", "maskers: 'scrub' is not a function"),
    ("span-processors-registered = 'yes'", "span-processors-registered must be true or false"),
    ("min-confidence = 'certain'", "min-confidence must be high, medium or low"),
    ("respect-gitignore = 1", "respect-gitignore must be true or false"),
    ("select = [", "invalid TOML"),
]


@pytest.mark.parametrize(("config", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_config_is_exit_2_naming_the_key(tmp_path: Path, config: str, message: str) -> None:
    folder = project(tmp_path, config + "\n", {"a.py": LEAKS})
    proc = invoke("check", "a.py", cwd=folder)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("config", "message"), BAD[:-1], ids=[b[0] for b in BAD[:-1]])
def test_parse_config_names_the_key(config: str, message: str) -> None:
    import tomllib

    with pytest.raises(ConfigError, match=None) as caught:
        parse_config(tomllib.loads(config), Path("pyproject.toml"))
    assert message in str(caught.value)


def test_defaults_and_all_keys_parse(tmp_path: Path) -> None:
    import tomllib

    text = textwrap.dedent(
        """\
        select = ["PII"]
        extend-select = ["PII203"]
        ignore = ["PII402"]
        exclude = ["notebooks/scratch"]
        extend-exclude = ["gen"]
        per-file-ignores = { "tests/*" = ["PII1"] }
        personal-names = { badge_no = "identity.id" }
        allowed-names = ["contact_name"]
        masker = "myproject.privacy.mask"
        maskers = ["myproject.privacy.scrub"]
        span-processors-registered = true
        min-confidence = "high"
        respect-gitignore = false
        [sinks]
        "comet_ml.Experiment.log_parameters" = "parameters:mapping"
        [objects]
        "comet_ml.start" = "comet_ml.Experiment"
        """
    )
    config = parse_config(tomllib.loads(text), tmp_path / "pyproject.toml")
    assert config.root == tmp_path
    assert config.enabled("PII203") and not config.enabled("PII402")
    assert not config.enabled("PII101", str(tmp_path / "tests" / "t.py"))
    assert config.is_excluded(str(tmp_path / "notebooks" / "scratch" / "x.py"))
    assert load_config(None) == Config()
