"""The README's examples work: tracker configs, the config example, hook and CI snippets."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import tomllib

from logmask.linter.config import parse_config
from tests.inprocess import invoke
from tests.integrations.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)
MARK = re.compile(r"#\s*(PII\d{3})\s*$")


def section(title: str, text: str = README, level: str = "##") -> str:
    start = text.index(f"{level} {title}\n")
    end = re.compile(rf"^#{{1,{len(level)}}} ", re.MULTILINE).search(text, start + 1)
    return text[start : end.start() if end else len(text)]


def blocks(text: str, language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(text) if lang == language]


def trackers() -> dict[str, tuple[str, str]]:
    part = section("Other trackers", level="###")
    out = {}
    for match in re.finditer(r"^#### (\S+)\n", part, re.MULTILINE):
        body = section(match.group(1), part, level="####")
        (toml,), (python,) = blocks(body, "toml"), blocks(body, "python")
        out[match.group(1)] = (toml, python)
    return out


TRACKERS = trackers()


def test_every_tracker_is_documented() -> None:
    assert set(TRACKERS) == {
        "comet_ml",
        "neptune",
        "clearml",
        "tensorboard",
        "dvclive",
        "aim",
        "langfuse",
    }


@pytest.mark.parametrize("tracker", sorted(TRACKERS))
def test_tracker_example_is_flagged(tmp_path: Path, tracker: str) -> None:
    toml, python = TRACKERS[tracker]
    expected = [
        (number, match.group(1))
        for number, line in enumerate(python.splitlines(), 1)
        if (match := MARK.search(line))
    ]
    assert expected, "each example marks what is reported"
    (tmp_path / "train.py").write_text(python, encoding="utf-8")
    proc = invoke("check", "--format", "json", "train.py", cwd=tmp_path)
    assert json.loads(proc.stdout) == [], "without the config the tracker is unknown"
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    proc = invoke("check", "--format", "json", "train.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert [(f["line"], f["code"]) for f in json.loads(proc.stdout)] == expected


def test_all_tracker_configs_combine(tmp_path: Path) -> None:
    """The tables can live together in one pyproject.toml."""
    sinks: dict[str, str] = {}
    objects: dict[str, str] = {}
    for toml, _ in TRACKERS.values():
        data = tomllib.loads(toml)["tool"]["logmask"]
        sinks.update(data.get("sinks", {}))
        objects.update(data.get("objects", {}))
    config = parse_config({"sinks": sinks, "objects": objects}, tmp_path / "pyproject.toml")
    assert len(config.sinks) == len(sinks) >= 20


def test_configuration_example_parses(tmp_path: Path) -> None:
    (example,) = blocks(section("Configuration").split("### Other trackers")[0], "toml")
    table = tomllib.loads(example)["tool"]["logmask"]
    config = parse_config(table, tmp_path / "pyproject.toml")
    assert config.masker == "myproject.privacy.mask"
    assert set(table) == set(__import__("logmask.linter.config").linter.config.KEYS) - {
        "sinks",
        "objects",
        "trackers",
    }


def test_pre_commit_snippet_names_the_hooks() -> None:
    from pre_commit.clientlib import load_manifest

    snippet = next(b for b in blocks(section("pre-commit", level="###"), "yaml") if "repos:" in b)
    ids = set(re.findall(r"id:\s*([\w-]+)", snippet))
    manifest = {hook["id"] for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert ids and ids <= manifest


def test_github_actions_example_uses_real_options() -> None:
    workflow = "\n".join(blocks(section("CI: GitHub Actions and SARIF", level="###"), "yaml"))
    commands = re.findall(r"run: (logmask check .*)", workflow)
    assert any("--format github" in c for c in commands)
    assert any("--format sarif" in c for c in commands)
    help_text = invoke("check", "--help").stdout
    for command in commands:
        for option in re.findall(r"(--[\w-]+)", command):
            assert option in help_text, option


def test_documented_options_exist() -> None:
    help_text = invoke("check", "--help").stdout
    table = section("Checking")
    for option in set(re.findall(r"`(--[\w-]+)", table)):
        assert option in help_text, option


def test_flake8_section_mentions_the_select() -> None:
    assert "flake8 --select PII" in textwrap.dedent(section("flake8", level="###"))


def test_quick_start_shows_the_real_default_output() -> None:
    """The `full` report in the README is what `logmask check examples/` prints on a terminal."""
    part = section("Quick start")
    (shown,) = blocks(part, "text")
    proc = invoke("check", "--output-format", "full", "--no-cache", "examples/", cwd=REPO)
    assert proc.returncode == 1
    assert proc.stdout == shown


def test_concise_example_lines_are_real() -> None:
    (example,) = blocks(section("Checking"), "text")
    proc = invoke("check", "--output-format", "concise", "--no-cache", "examples/", cwd=REPO)
    for line in example.splitlines():
        if line != "...":
            assert line in proc.stdout.splitlines(), line


def test_every_check_option_is_documented() -> None:
    help_text = invoke("check", "--help").stdout
    documented = set(re.findall(r"`(--[\w-]+)", section("Checking")))
    for option in set(re.findall(r"(?<![\w-])(--[a-z][\w-]+)", help_text)) - {"--help"}:
        assert option in documented, option


def test_subcommands_in_the_readme_exist() -> None:
    commands = set(re.findall(r"^logmask (\w+)", "\n".join(blocks(README, "sh")), re.MULTILINE))
    assert {"check", "rules", "explain", "baseline", "clean"} <= commands
    for command in commands:
        assert invoke(command, "--help").returncode == 0, command


def test_gitlab_example_uses_real_options() -> None:
    (ci,) = blocks(section("CI: GitLab Code Quality and JUnit", level="###"), "yaml")
    help_text = invoke("check", "--help").stdout
    for command in re.findall(r"- (logmask check .*)", ci):
        for option in re.findall(r"(--[\w-]+)", command):
            assert option in help_text, option
    assert "codequality: gl-code-quality.json" in ci and "junit: logmask-junit.xml" in ci
