"""`logmask check | rules | explain`: the command-line front door.

Exit codes (the ruff contract): 0 clean, 1 findings remain (also after
`--fix`), 2 a usage, config or internal error, or a file that could not be
checked.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from logmask import __version__
from logmask.findings import FileError, Finding, applicable
from logmask.linter import baseline as baselines
from logmask.linter.config import Config, ConfigError, find_pyproject, load_config, split_codes
from logmask.linter.report import render_github, render_json, render_statistics, render_text
from logmask.linter.runner import Checked, FixMode, check_paths, check_stdin
from logmask.linter.text import unified_diff, write_atomic
from logmask.rules import RULES

if TYPE_CHECKING:
    import libcst as cst

FORMATS = ("text", "json", "github", "sarif")


def load(config_file: str | None, anchor: Path) -> Config:
    path = Path(config_file) if config_file else find_pyproject(anchor)
    return load_config(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="logmask")
def main() -> None:
    """Find personal data logged to experiment trackers (W&B, MLflow) and mask it."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--select", multiple=True, help="Codes or prefixes to enable (ALL for every rule).")
@click.option("--extend-select", multiple=True, help="Codes or prefixes to enable on top.")
@click.option("--ignore", multiple=True, help="Codes or prefixes to disable.")
@click.option("--fix", is_flag=True, help="Apply fixes (insert masking) and report what remains.")
@click.option(
    "--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; change no file."
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Also apply fixes marked unsafe (module set-up such as span processors).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option(
    "--stdin-filename",
    default=None,
    help="The file name to report for source read from stdin (path '-').",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="A pyproject.toml or logmask.toml to read instead of the nearest one.",
)
@click.option(
    "--min-confidence",
    type=click.Choice(["high", "medium", "low"]),
    default=None,
    help="Report findings of at least this confidence (default: medium).",
)
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of findings.")
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to this file.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Report only findings this baseline file does not record (it is never rewritten).",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="Record the current findings in this baseline file and exit 0.",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply the config's exclude to files named on the command line (for pre-commit).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to check with (default: all available cores; 1: no pool).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write .logmask_cache/.")
def check(
    paths: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fix: bool,
    show_diff: bool,
    unsafe_fixes: bool,
    exit_zero: bool,
    stdin_filename: str | None,
    config_file: str | None,
    min_confidence: str | None,
    statistics: bool,
    output_file: str | None,
    baseline_file: str | None,
    write_baseline: str | None,
    force_exclude: bool,
    jobs: int | None,
    no_cache: bool,
) -> None:
    """Check PATHS (default: the current folder) for personal data sent to trackers."""
    paths = paths or (".",)
    anchor = Path(stdin_filename) if stdin_filename and "-" in paths else Path(paths[0])
    try:
        config = load(config_file, anchor)
    except ConfigError as err:
        click.echo(f"logmask: error: {err}", err=True)
        sys.exit(2)
    config = config.with_overrides(
        select=split_codes(select) or None,
        extend_select=(*config.extend_select, *split_codes(extend_select)),
        ignore=(*config.ignore, *split_codes(ignore)),
        min_confidence=min_confidence,
    )
    for code in (*(config.select or ()), *config.extend_select, *config.ignore):
        if code != "ALL" and not any(c.startswith(code) for c in RULES):
            click.echo(f"logmask: error: unknown rule code or prefix {code!r}", err=True)
            sys.exit(2)
    known = load_baseline(baseline_file, write_baseline, fix or show_diff)

    mode = FixMode(compute=fix or show_diff, write=fix and not show_diff, unsafe=unsafe_fixes)
    findings: list[Finding] = []
    errors: list[FileError] = []
    diffs: list[str] = []
    fixed_count = 0
    checked: list[Checked] = []
    stdin_item: Checked | None = None
    if "-" in paths:
        data = sys.stdin.buffer.read()
        stdin_item = check_stdin(data, stdin_filename or "-", config, mode)
        checked.append(stdin_item)
    # `--fix` on stdin prints the source (fixed or not) to stdout, like ruff; the report
    # then goes to stderr so the two never mix.
    source_out = stdin_item is not None and fix and not show_diff
    others = [p for p in paths if p != "-" and not (force_exclude and config.is_excluded(p))]
    if others:
        checked.extend(check_paths(others, config, mode, jobs=jobs, cache=not no_cache))
    for item in checked:
        result = item.result
        # `--diff` changes nothing: the findings of the files as they are stand.
        findings += item.before if show_diff and item.before is not None else result.findings
        errors += result.errors
        if item is stdin_item and source_out:
            sys.stdout.buffer.write(item.fixed if item.fixed is not None else data)
            sys.stdout.buffer.flush()
        if item.fixed is None or item.original is None:
            continue
        fixed_count += item.applied
        encoding = result.module.encoding if result.module is not None else "utf-8"
        if show_diff:
            diffs.append(unified_diff(result.path, item.original, item.fixed, encoding))
        elif item is not stdin_item:
            try:
                write_atomic(result.path, item.fixed)
            except OSError as err:
                errors.append(FileError(result.path, f"cannot write fixes: {err}"))

    findings.sort(key=lambda f: f.sort_key)
    if write_baseline:
        baselines.write(findings, write_baseline)
        click.echo(f"logmask: recorded {len(findings)} findings in {write_baseline}", err=True)
        findings, output_format = [], "none"  # recorded, not reported
    elif known is not None:
        findings = baselines.new_findings(findings, known, baseline_file or "")
    if show_diff:
        click.echo("".join(diffs), nl=False)
        if output_format == "text" and not output_file:
            output_format = "none"
    modules = {item.result.path: item.result.module for item in checked}
    fixable = len(applicable(findings, unsafe_fixes))
    report(findings, errors, output_format, statistics, output_file, modules, fixable, source_out)
    if fix and fixed_count and output_format == "text":
        click.echo(f"Fixed {fixed_count} finding{'s' if fixed_count != 1 else ''}.", err=True)
    for error in errors:
        click.echo(f"logmask: error: {error.path}: {error.message}", err=True)
    if errors:
        sys.exit(2)
    sys.exit(1 if findings and not exit_zero else 0)


def report(
    findings: list[Finding],
    errors: list[FileError],
    output_format: str,
    statistics: bool,
    output_file: str | None,
    modules: dict[str, cst.Module | None] | None = None,
    fixable: int | None = None,
    to_stderr: bool = False,
) -> None:
    if output_format == "none":
        return
    if statistics:
        text = render_statistics(findings)
    elif output_format == "json":
        text = render_json(findings)
    elif output_format == "sarif":
        from logmask.linter.sarif import render_sarif

        text = render_sarif(findings, errors, modules)
    elif output_format == "github":
        text = render_github(findings, errors)
    else:
        if fixable is None:
            fixable = sum(1 for f in findings if f.fix is not None)
        text = render_text(findings, errors, fixable)
    if output_file:
        Path(output_file).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False, err=to_stderr)


def load_baseline(
    baseline_file: str | None, write_baseline: str | None, fixing: bool
) -> frozenset[str] | None:
    """The fingerprints of `--baseline` (exit 2 on a bad file or a conflicting option)."""
    if write_baseline and (baseline_file or fixing):
        click.echo(
            "logmask: error: --write-baseline cannot be combined with --baseline, --fix or --diff",
            err=True,
        )
        sys.exit(2)
    if not baseline_file:
        return None
    try:
        return baselines.load(baseline_file)
    except baselines.BaselineError as err:
        click.echo(f"logmask: error: {err}", err=True)
        sys.exit(2)


@main.command("rules")
def list_rules() -> None:
    """List the rules: code, name, default on/off, fix."""
    click.echo(f"{'code':<8}{'default':<9}{'fix':<9}name: summary")
    for code, doc in sorted(RULES.items()):
        state = "on" if doc.default else "off"
        fix = doc.fix_safety.split(":")[0].strip().lower()
        fix = fix if fix in ("safe", "unsafe") else "none"
        click.echo(f"{code:<8}{state:<9}{fix:<9}{doc.name}: {doc.summary}")


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print a rule's documentation with its examples."""
    doc = RULES.get(code.upper())
    if doc is None:
        click.echo(f"logmask: error: unknown rule {code!r}; see `logmask rules`", err=True)
        sys.exit(2)
    default = "on by default" if doc.default else "off by default (opt in with --select)"
    click.echo(f"{doc.code} {doc.name} ({default})\n")
    click.echo(f"What it does\n    {doc.summary}\n")
    click.echo(f"Why is this bad?\n    {doc.why}\n")
    click.echo("Example\n" + _indent(doc.leaking))
    click.echo("Use instead\n" + _indent(doc.fixed))
    click.echo(f"Fix safety\n    {doc.fix_safety}")


def _indent(code: str) -> str:
    return "".join(f"    {line}\n" for line in code.rstrip("\n").splitlines())


@main.command()
def server() -> None:
    """Run the language server on stdin/stdout (needs `pip install "logmask[server]"`)."""
    try:
        from logmask.server.app import main as serve
    except ImportError as err:
        click.echo(f'logmask: error: {err} (pip install "logmask[server]")', err=True)
        sys.exit(2)
    serve()


if __name__ == "__main__":  # pragma: no cover
    main()
