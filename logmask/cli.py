"""`logmask check | rules | explain | baseline | clean`: the command-line front door.

Exit codes (the ruff contract): 0 clean, 1 findings remain (also after
`--fix`; with `--exit-non-zero-on-fix` also when files were fixed), 2 a usage,
config or internal error, or a file that could not be checked.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from logmask import __version__
from logmask.findings import FileError, Finding, applicable
from logmask.linter import baseline as baselines
from logmask.linter.config import (
    Config,
    ConfigError,
    describe_settings,
    find_config,
    load_config,
    split_codes,
)
from logmask.linter.parallel import DEFAULT_TIMEOUT
from logmask.linter.report import (
    Summary,
    plural,
    printable,
    render_concise,
    render_fixes,
    render_github,
    render_json,
    render_json_lines,
    render_statistics,
)
from logmask.linter.runner import Checked, FixMode, check_paths, check_stdin
from logmask.linter.text import unified_diff
from logmask.rules import RULES, RuleDoc

if TYPE_CHECKING:
    import libcst as cst

# `text` is the old name of `concise`; `full` and `concise` are for people, the rest for tools.
FORMATS = ("full", "concise", "json", "json-lines", "junit", "gitlab", "github", "sarif", "text")
HUMAN_FORMATS = frozenset({"full", "concise", "text"})


def fail(message: str) -> NoReturn:
    click.echo(f"logmask: error: {printable(message)}", err=True)
    sys.exit(2)


def load(config_file: str | None, anchor: Path) -> Config:
    path = Path(config_file) if config_file else find_config(anchor)
    return load_config(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="logmask")
def main() -> None:
    """Find personal data logged to experiment trackers (W&B, MLflow) and mask it."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default=None,
    envvar="LOGMASK_OUTPUT_FORMAT",
    help="Output format (default: full on a terminal, concise when piped; `text` = concise).",
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
@click.option("--show-fixes", is_flag=True, help="List the fixes --fix applied, per file and rule.")
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="Exit 1 when --fix changed a file, even if no finding remains (for CI).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Add `# noqa: CODE` to every reported line (keeping existing codes); exit 0.",
)
@click.option("--ignore-noqa", is_flag=True, help="Report findings that `# noqa` suppresses.")
@click.option(
    "--stdin-filename",
    default=None,
    help="Read the source from stdin and report it under this name (path '-' or no path).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="A pyproject.toml, logmask.toml or .logmask.toml to read instead of the nearest one.",
)
@click.option(
    "--min-confidence",
    type=click.Choice(["high", "medium", "low"]),
    default=None,
    help="Report findings of at least this confidence (default: medium).",
)
@click.option(
    "--statistics", is_flag=True, help="Print counts per rule instead of findings (json too)."
)
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
    "--diff-against",
    "diff_against",
    metavar="REF",
    default=None,
    help="Report only findings on lines changed since this git ref (e.g. origin/main).",
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
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=None,
    envvar="LOGMASK_CACHE_DIR",
    help="The cache folder (default: .logmask_cache at the project root).",
)
@click.option(
    "--show-settings", is_flag=True, help="Print the resolved settings and where they came from."
)
@click.option("--show-files", is_flag=True, help="Print the files that would be checked.")
@click.option("-v", "--verbose", is_flag=True, help="Say which config is used, files and time.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only (no summary, no progress).")
@click.option("-s", "--silent", is_flag=True, help="Print nothing; the exit code says the result.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds a worker may spend on one file before it is reported and skipped.",
)
def check(
    paths: tuple[str, ...],
    output_format: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fix: bool,
    show_diff: bool,
    unsafe_fixes: bool,
    show_fixes: bool,
    exit_non_zero_on_fix: bool,
    exit_zero: bool,
    add_noqa: bool,
    ignore_noqa: bool,
    stdin_filename: str | None,
    config_file: str | None,
    min_confidence: str | None,
    statistics: bool,
    output_file: str | None,
    baseline_file: str | None,
    write_baseline: str | None,
    diff_against: str | None,
    force_exclude: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: str | None,
    show_settings: bool,
    show_files: bool,
    verbose: bool,
    quiet: bool,
    silent: bool,
    timeout: float,
) -> None:
    """Check PATHS (default: the current folder) for personal data sent to trackers."""
    started = time.monotonic()
    # As in ruff, `--stdin-filename` without paths reads stdin.
    paths = paths or (("-",) if stdin_filename else (".",))
    anchor = Path(stdin_filename) if stdin_filename and "-" in paths else Path(paths[0])
    try:
        config = load(config_file, anchor)
    except ConfigError as err:
        fail(str(err))
    config = config.with_overrides(
        select=split_codes(select) or None,
        extend_select=(*config.extend_select, *split_codes(extend_select)),
        ignore=(*config.ignore, *split_codes(ignore)),
        min_confidence=min_confidence,
        ignore_noqa=ignore_noqa or None,
    )
    for code in (*(config.select or ()), *config.extend_select, *config.ignore):
        if code != "ALL" and not any(c.startswith(code) for c in RULES):
            fail(f"unknown rule code or prefix {code!r}")
    output_format = resolve_format(output_format, config, output_file)
    check_conflicts(write_baseline, baseline_file, fix, show_diff, add_noqa, paths)
    for target, option in ((output_file, "--output-file"), (write_baseline, "--write-baseline")):
        if target and not Path(os.path.abspath(target)).parent.is_dir():
            fail(f"{option} {target}: folder {Path(os.path.abspath(target)).parent} does not exist")
    if cache_dir:
        os.environ["LOGMASK_CACHE_DIR"] = os.path.abspath(cache_dir)
    if verbose:
        source = config.source or "none (defaults)"
        click.echo(f"logmask: config: {source}", err=True)
    if show_settings:
        click.echo(describe_settings(config, anchor, cli_keys(select, extend_select, ignore)))
        return
    if show_files:
        from logmask.linter.files import discover

        others = [p for p in paths if p != "-" and not (force_exclude and config.is_excluded(p))]
        for name in discover(others, config):
            click.echo(printable(name))
        return
    known = load_baseline(baseline_file)
    changes = load_changes(diff_against, anchor)

    mode = FixMode(compute=fix or show_diff, write=fix and not show_diff, unsafe=unsafe_fixes)
    findings: list[Finding] = []
    errors: list[FileError] = []
    diffs: list[str] = []
    fixed_count = 0
    fixed_by_file: dict[str, Counter[str]] = {}
    checked: list[Checked] = []
    stdin_item: Checked | None = None
    data = b""
    if "-" in paths:
        data = sys.stdin.buffer.read()
        stdin_item = check_stdin(data, stdin_filename or "-", config, mode, jobs, timeout)
        checked.append(stdin_item)
    # `--fix` on stdin prints the source (fixed or not) to stdout, like ruff; the report
    # then goes to stderr so the two never mix.
    source_out = stdin_item is not None and fix and not show_diff
    others = [p for p in paths if p != "-" and not (force_exclude and config.is_excluded(p))]
    if others:
        human = output_format in HUMAN_FORMATS and not statistics
        people = human and not (quiet or silent)
        checked += run_checks(others, config, mode, jobs, not no_cache, people, timeout)
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
        if item.before is not None:
            gone = Counter(f.code for f in item.before) - Counter(f.code for f in result.findings)
            fixed_by_file[result.path] = gone
        encoding = result.module.encoding if result.module is not None else "utf-8"
        if show_diff:
            diffs.append(unified_diff(result.path, item.original, item.fixed, encoding))

    findings.sort(key=lambda f: f.sort_key)
    if changes is not None:
        from logmask.linter.gitdiff import on_changed_lines

        findings = on_changed_lines(findings, changes)
    held_back: int | None = None
    if write_baseline:
        try:
            baselines.write(findings, write_baseline)
        except OSError as err:
            fail(f"cannot write baseline {write_baseline}: {err.strerror or err}")
        if not silent:
            count = len(findings)
            click.echo(
                f"logmask: recorded {count} finding{plural(count)} in {write_baseline}",
                err=True,
            )
        findings, output_format = [], "none"  # recorded, not reported
    elif known is not None:
        total = len(findings)
        findings = baselines.new_findings(findings, known, baseline_file or "")
        held_back = total - len(findings)
    if add_noqa:  # after the baseline: accepted findings need no directive
        from logmask.linter.noqa import add_noqa_to_files

        added, skipped = add_noqa_to_files(findings, errors)
        for path in skipped:
            click.echo(f"logmask: {printable(path)}: noqa is not added to notebooks", err=True)
        if not silent:
            click.echo(f"Added {added} noqa directive{plural(added)}.", err=True)
        exit_after_errors(errors)
        sys.exit(0)
    if show_diff:
        click.echo("".join(diffs), nl=False)
        if output_format in HUMAN_FORMATS and not output_file:
            output_format = "none"
    if silent:
        output_format = "none"
    if show_fixes and fix and not silent and output_format in HUMAN_FORMATS:
        click.echo(render_fixes(fixed_by_file), nl=False, err=source_out)
    summary = None
    if not quiet:
        hidden = 0 if unsafe_fixes else sum(1 for f in findings if f.fix and not f.fix.safe)
        summary = Summary(
            remaining=len(findings),
            fixable=len(applicable(findings, unsafe_fixes)),
            hidden=hidden,
            fixed=fixed_count if fix and not show_diff else None,
            held_back=held_back,
            errors=len(errors),
        )
    sources = {item.result.path: item.result.source for item in checked}
    modules = {item.result.path: item.result.module for item in checked}
    report(
        findings,
        errors,
        output_format,
        statistics,
        output_file,
        modules,
        summary,
        source_out,
        sources,
        unsafe_fixes,
    )
    if verbose:
        elapsed = time.monotonic() - started
        click.echo(f"logmask: {len(checked)} files checked in {elapsed:.2f}s", err=True)
    exit_after_errors(errors)
    if exit_zero:
        sys.exit(0)
    wrote = fix and not show_diff and fixed_count > 0
    sys.exit(1 if findings or (exit_non_zero_on_fix and wrote) else 0)


def run_checks(
    paths: list[str],
    config: Config,
    mode: FixMode,
    jobs: int | None,
    cache: bool,
    people: bool,
    timeout: float,
) -> list[Checked]:
    """Check the files; a progress line on stderr when `people` watch a terminal."""
    from logmask.linter import progress as progress_line

    progress = progress_line.Progress() if progress_line.wanted(sys.stderr, people) else None
    try:
        return list(
            check_paths(
                paths, config, mode, jobs=jobs, cache=cache, timeout=timeout, progress=progress
            )
        )
    finally:
        if progress is not None:
            progress.close()


def exit_after_errors(errors: Sequence[FileError]) -> None:
    for error in errors:
        click.echo(f"logmask: error: {printable(error.path)}: {printable(error.message)}", err=True)
    if errors:
        sys.exit(2)


def resolve_format(chosen: str | None, config: Config, output_file: str | None) -> str:
    """The option, else the config's `output-format`, else full on a terminal, else concise."""
    name = chosen or config.output_format
    if name is None:
        name = "full" if not output_file and sys.stdout.isatty() else "concise"
    return "concise" if name == "text" else name


def check_conflicts(
    write_baseline: str | None,
    baseline_file: str | None,
    fix: bool,
    show_diff: bool,
    add_noqa: bool,
    paths: Sequence[str],
) -> None:
    if write_baseline and (baseline_file or fix or show_diff):
        fail("--write-baseline cannot be combined with --baseline, --fix or --diff")
    if add_noqa and (fix or show_diff or write_baseline):
        fail("--add-noqa cannot be combined with --fix, --diff or --write-baseline")
    if add_noqa and "-" in paths:
        fail("--add-noqa needs files, not stdin")


def load_baseline(baseline_file: str | None) -> frozenset[str] | None:
    """The fingerprints of `--baseline` (exit 2 on a bad file)."""
    if not baseline_file:
        return None
    try:
        return baselines.load(baseline_file)
    except baselines.BaselineError as err:
        fail(str(err))


def load_changes(ref: str | None, anchor: Path) -> dict[str, set[int] | None] | None:
    if ref is None:
        return None
    from logmask.linter.gitdiff import DiffError, changed_lines

    try:
        return changed_lines(ref, anchor)
    except DiffError as err:
        fail(f"--diff-against {ref}: {err}")


def report(
    findings: list[Finding],
    errors: list[FileError],
    output_format: str,
    statistics: bool,
    output_file: str | None,
    modules: dict[str, cst.Module | None] | None = None,
    summary: Summary | None = None,
    to_stderr: bool = False,
    sources: dict[str, bytes | None] | None = None,
    unsafe_fixes: bool = False,
) -> None:
    if output_format == "none":
        return
    if statistics:
        text = render_statistics(findings, output_format, unsafe_fixes)
    elif output_format == "json":
        text = render_json(findings)
    elif output_format == "json-lines":
        text = render_json_lines(findings)
    elif output_format == "sarif":
        from logmask.linter.sarif import render_sarif

        text = render_sarif(findings, errors, modules)
    elif output_format == "junit":
        from logmask.linter.junit import render_junit

        text = render_junit(findings, errors)
    elif output_format == "gitlab":
        from logmask.linter.gitlab import render_gitlab

        text = render_gitlab(findings, errors)
    elif output_format == "github":
        text = render_github(findings, errors)
    elif output_format == "full":
        from logmask.linter import terminal

        if not output_file:
            stream = sys.stderr if to_stderr else sys.stdout
            terminal.render_full(
                terminal.console_for(stream), findings, summary, sources or {}, unsafe_fixes
            )
            return
        text = terminal.full_text(findings, summary, sources or {}, unsafe_fixes)
    else:
        text = render_concise(findings, summary, unsafe_fixes)
    if output_file:
        try:
            Path(output_file).write_text(text, encoding="utf-8")
        except OSError as err:
            fail(f"cannot write {output_file}: {err.strerror or err}")
    else:
        click.echo(text, nl=False, err=to_stderr)


def cli_keys(
    select: Sequence[str], extend_select: Sequence[str], ignore: Sequence[str]
) -> set[str]:
    """Settings the command line set (for `--show-settings`)."""
    return {
        key
        for key, given in (("select", select), ("extend-select", extend_select), ("ignore", ignore))
        if given
    }


F = TypeVar("F", bound=Callable[..., Any])


def text_or_json(help: str | None = None) -> Callable[[F], F]:
    """The `--output-format text|json` option of the commands that list things."""
    return click.option(
        "--output-format",
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help,
    )


# ------------------------------------------------------------------ rules / explain


def fix_availability(doc: RuleDoc) -> str:
    """`safe`, `unsafe` or `none`: what `--fix` can do for the rule, as a value."""
    word = doc.fix_safety.split(":")[0].strip().lower()
    return word if word in ("safe", "unsafe") else "none"


def rule_dict(doc: RuleDoc) -> dict[str, object]:
    from logmask.linter.report import rule_url

    return {
        "code": doc.code,
        "name": doc.name,
        "summary": doc.summary,
        "default": doc.default,
        "fix": fix_availability(doc),
        "fix_safety": doc.fix_safety,
        "url": rule_url(doc.code),
    }


@main.command("rules")
@text_or_json("text: a table; json: a list of {code, name, summary, default, fix, ...}.")
def list_rules(output_format: str) -> None:
    """List the rules: code, name, default on/off, fix."""
    if output_format == "json":
        import json

        docs = [rule_dict(RULES[code]) for code in sorted(RULES)]
        click.echo(json.dumps(docs, indent=2))
        return
    click.echo(f"{'code':<8}{'default':<9}{'fix':<9}name: summary")
    for code, doc in sorted(RULES.items()):
        state = "on" if doc.default else "off"
        click.echo(f"{code:<8}{state:<9}{fix_availability(doc):<9}{doc.name}: {doc.summary}")


def find_rule(name: str) -> RuleDoc | None:
    """A rule by code (`pii101`) or by name (`personal-name-logged`)."""
    doc = RULES.get(name.upper())
    if doc is not None:
        return doc
    wanted = name.strip().lower().replace("_", "-")
    return next((d for d in RULES.values() if d.name == wanted), None)


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print a rule's documentation with its examples (RULE: a code or a name)."""
    doc = find_rule(rule)
    if doc is None:
        import difflib

        names = [*RULES, *(d.name for d in RULES.values())]
        close = difflib.get_close_matches(rule, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        fail(f"unknown rule {rule!r}{hint} (see `logmask rules`)")
    default = "on by default" if doc.default else "off by default (opt in with --select)"
    click.echo(f"{doc.code} {doc.name} ({default})\n")
    click.echo(f"What it does\n    {doc.summary}\n")
    click.echo(f"Why is this bad?\n    {doc.why}\n")
    click.echo("Example\n" + _indent(doc.leaking))
    click.echo("Use instead\n" + _indent(doc.fixed))
    click.echo(f"Fix safety\n    {doc.fix_safety}")


def _indent(code: str) -> str:
    return "".join(f"    {line}\n" for line in code.rstrip("\n").splitlines())


# ------------------------------------------------------------------ baseline / clean


@main.command("baseline")
@click.argument("file", default="logmask-baseline.json", type=click.Path(dir_okay=False))
@click.option("--list", "list_entries", is_flag=True, help="List what the baseline accepts.")
@text_or_json()
def baseline_command(file: str, list_entries: bool, output_format: str) -> None:
    """Review a baseline FILE: the findings it accepts (path, line hint, code, rule, message).

    Write one with `logmask check --write-baseline FILE`; `--list` is the default action.
    """
    try:
        entries = baselines.read_entries(file)
    except baselines.BaselineError as err:
        fail(str(err))
    if output_format == "json":
        import json

        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    click.echo(baselines.render_list(entries), nl=False)
    count = len(entries)
    click.echo(f"{count} finding{plural(count)} accepted by {file}.", err=True)


@main.command()
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    default=None,
    envvar="LOGMASK_CACHE_DIR",
    help="The cache folder to remove (default: .logmask_cache at the project root).",
)
def clean(cache_dir: str | None) -> None:
    """Remove the cache (only a folder logmask created: it holds logmask's CACHEDIR.TAG)."""
    from logmask.linter.cache import CACHE_DIR_NAME, cache_root

    folder = Path(cache_dir) if cache_dir else cache_root(Path.cwd())
    if not folder.exists():
        click.echo(f"No cache at {printable(str(folder))}.")
        return
    tag = folder / "CACHEDIR.TAG"
    ours = tag.is_file() and b"logmask" in tag.read_bytes()[:4096]
    if not ours and folder.name != CACHE_DIR_NAME:
        fail(f"{folder} does not look like a logmask cache (no CACHEDIR.TAG); not removed")
    try:
        shutil.rmtree(folder)
    except OSError as err:
        fail(f"cannot remove {folder}: {err.strerror or err}")
    click.echo(f"Removed cache at {printable(str(folder))}.")


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
