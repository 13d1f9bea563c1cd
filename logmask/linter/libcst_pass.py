"""The LibCST pass over one module: parse, run the rule families, place the findings.

Loaded with the first file that reaches it (`Linter.check_python`): a run whose
files all stop at the prefilter or the `ast` candidate stage -- most pre-commit
runs, every warm-cache run -- never imports LibCST or the rules.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

import libcst as cst
from libcst.metadata import CodeRange

from logmask.findings import Edit, FileError, Finding, Fix
from logmask.linter.noqa import UNUSED_NOQA, Directives
from logmask.linter.positions import positions_of
from logmask.linter.redaction import redact_display
from logmask.linter.results import FileResult
from logmask.rules import RULES, new_rules
from logmask.rules.analysis import ModuleAnalysis
from logmask.rules.base import Options, RawFinding, Rule, RuleContext, homonym_senses
from logmask.rules.summaries import ModuleSummary, Project

if TYPE_CHECKING:
    from logmask.evidence.names import NameClassifier
    from logmask.linter.config import Config
    from logmask.linter.processors import ProcessorIndex
    from logmask.linter.project import ProjectIndex
    from logmask.rules.trackers import TrackerModel


class Linter(Protocol):
    """What the pass needs of the engine's `Linter` (the engine imports this module, not back)."""

    config: Config
    classifier: NameClassifier
    sinks: TrackerModel
    processors: ProcessorIndex

    @property
    def project(self) -> ProjectIndex: ...


class GuardedRule(Rule):
    """Runs a rule family's hooks; an exception disables that family for this file only."""

    def __init__(self, rule: Rule, on_error: Callable[[Rule, BaseException], None]) -> None:
        self.rule = rule
        self.docs = rule.docs  # type: ignore[misc]  # the wrapped family's codes, per instance
        self.on_error = on_error
        self.failed = False

    def _call(self, hook: str, *args: object) -> object:
        if self.failed:
            return False
        try:
            return getattr(self.rule, hook)(*args)
        except Exception as err:  # a bug in one rule must not hide the others' findings
            self.failed = True
            self.on_error(self.rule, err)
            return False

    def on_item(self, item, ctx):  # type: ignore[no-untyped-def]
        return bool(self._call("on_item", item, ctx))

    def on_call(self, api, call, args, ctx):  # type: ignore[no-untyped-def]
        self._call("on_call", api, call, args, ctx)

    def on_function(self, function, ctx):  # type: ignore[no-untyped-def]
        self._call("on_function", function, ctx)

    def on_module_end(self, ctx):  # type: ignore[no-untyped-def]
        self._call("on_module_end", ctx)


def check_module(
    linter: Linter,
    data: bytes,
    result: FileResult,
    syntax_error: str | None = None,
    sliced: bytes | None = None,
) -> None:
    """Parse `data` and add its tree, findings and errors to `result`.

    `syntax_error` is CPython's account of the file when it refused it: LibCST
    still tries (the syntax may be newer than this Python), and if it fails
    too, CPython's reason and line are the clearer message. With `sliced`
    (`logmask.linter.slicing`), the slice is checked first and the file is
    done if the slice is clean; else the whole file is checked.
    """
    if sliced is not None and clean_slice(linter, data, sliced, result.path):
        return
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as err:
        message = str(err).strip().splitlines()[0] if str(err).strip() else "syntax error"
        problem = (
            syntax_error or f"syntax error at line {err.raw_line}:{err.raw_column + 1}: {message}"
        )
    except UnicodeDecodeError as err:
        problem = undecodable(err)
    except (LookupError, SyntaxError, ValueError) as err:
        problem = f"cannot decode: {err}"
    except RecursionError:
        problem = "too complex to check: nested too deeply for the parser"
    except MemoryError:
        problem = "out of memory while parsing"
    else:
        result.module = module
        raw = analyse(linter, module, result, homonym_senses(data))
        if raw or linter.config.enabled(UNUSED_NOQA, result.path):
            result.findings = locate(module, raw, result.path, linter, fixable(module, data))
        return
    result.errors.append(FileError(result.path, problem))


def clean_slice(linter: Linter, data: bytes, sliced: bytes, path: str) -> bool:
    """Does the slice parse and check without a finding or an error?

    With no finding there is nothing for a noqa comment to suppress; only the
    unused-noqa rule (PII001), when enabled, needs the whole file's comments.
    """
    if linter.config.enabled(UNUSED_NOQA, path) and b"noqa" in data.lower():
        return False
    try:
        module = cst.parse_module(sliced)
    except Exception:  # whatever the slice does wrong, the whole file is checked
        return False
    scratch = FileResult(path)
    raw = analyse(linter, module, scratch, homonym_senses(data))
    return not raw and not scratch.errors


def undecodable(err: UnicodeDecodeError) -> str:
    """Why the bytes are not text: no cookie and not UTF-8, or not what the cookie says."""
    if err.encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        return "not valid UTF-8 and no coding cookie declares its encoding"
    return f"not valid {err.encoding} text, the encoding its coding cookie declares"


def analyse(
    linter: Linter, module: cst.Module, result: FileResult, senses: frozenset[str]
) -> list[RawFinding]:
    """Run every rule family over the module; a failing family costs only its own findings."""
    path = result.path

    def failed(rule: Rule, err: BaseException) -> None:
        where = "".join(traceback.format_exception_only(type(err), err)).strip()
        codes = ", ".join(doc.code for doc in rule.docs)
        result.errors.append(
            FileError(path, f"internal error in rules {codes}: {where}", code="PII901")
        )

    options = Options(
        span_processors_registered=linter.config.span_processors_registered,
        masker=linter.config.masker,
        min_confidence=linter.config.min_confidence,
        maskers=linter.config.maskers,
    )
    ctx = RuleContext(
        classifier=linter.classifier,
        options=options,
        enabled=lambda code: linter.config.enabled(code, path),
        module_registers_processors=lambda name, level: linter.processors.registers(
            path, name, level
        ),
        homonyms=senses,
    )
    project = linter.project.for_file(path)
    ctx.project_imports_library = lambda libraries: linter.project.imports_library(
        project.path, ctx.imports, libraries
    )
    ctx.evaluation_only = lambda evaluations: linter.project.evaluation_only(
        project.path, evaluations
    )
    ctx.imported_in_project = lambda: linter.project.imported(project.path)
    rules = [GuardedRule(rule, failed) for rule in new_rules()]
    analysis = ModuleAnalysis(module, ctx, rules, linter.sinks, project)
    try:
        analysis.run()
    except RecursionError:
        result.errors.append(
            FileError(
                path, "too complex to check: nested too deeply for the analysis", code="PII901"
            )
        )
    except Exception as err:
        where = "".join(traceback.format_exception_only(type(err), err)).strip()
        result.errors.append(FileError(path, f"internal error: {where}", code="PII901"))
    if ctx.internal_errors:
        result.errors.append(
            FileError(path, f"internal error: {ctx.internal_errors[0]}", code="PII901")
        )
    return ctx.findings


def fixable(module: cst.Module, data: bytes) -> bool:
    """Can fixes be applied at LibCST's positions (does its code round-trip the file)?

    Otherwise findings carry no fix, so nothing is announced as fixable that
    `--fix` would leave alone.
    """
    from logmask.linter.fixes import round_trips
    from logmask.linter.text import decode

    try:
        text, _ = decode(data, module.encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return round_trips(module.code, text)


def summarise(linter: Linter, data: bytes, path: str, project: Project) -> ModuleSummary:
    """What another module of the project does with data, seen from its importers.

    The same analysis and rule families as a check (a finding inside the
    module is not passed on to its callers), with the findings dropped.
    """
    try:
        module = cst.parse_module(data)
    except Exception:  # a module that does not parse summarises to nothing known
        return ModuleSummary(path)
    ctx = RuleContext(
        classifier=linter.classifier,
        options=Options(
            span_processors_registered=True,  # tracing findings are never passed on
            masker=linter.config.masker,
            min_confidence=linter.config.min_confidence,
            maskers=linter.config.maskers,
        ),
        enabled=lambda code: linter.config.enabled(code, path),
        homonyms=homonym_senses(data),
    )
    rules = [GuardedRule(rule, lambda rule, err: None) for rule in new_rules()]
    analysis = ModuleAnalysis(module, ctx, rules, linter.sinks, project)
    try:
        analysis.run()
        return analysis.summary(path)
    except (RecursionError, Exception):
        return ModuleSummary(path)


def locate(
    module: cst.Module,
    raw: list[RawFinding],
    path: str,
    linter: Linter | None = None,
    with_fixes: bool = True,
) -> list[Finding]:
    """Positions, noqa and fixes for the raw findings (the position pass runs only here)."""
    wanted: list[cst.CSTNode | None] = []
    for finding in raw:
        wanted += (finding.node, finding.statement, finding.origin)
        if finding.fix is not None:
            wanted += (node for node, _ in finding.fix.replacements)
    positions, code = positions_of(module, [node for node in wanted if node is not None])
    config = linter.config if linter is not None else None
    honour_noqa = config is None or not config.ignore_noqa
    noqa = Directives.read(code)
    out: dict[tuple[str, int, int], Finding] = {}
    for finding in raw:
        where = positions.get(finding.node)
        if where is None:
            continue
        lines_of_statement = statement_lines(finding.statement, positions)
        check_lines = {where.start.line, *lines_of_statement}
        if honour_noqa and noqa.suppresses(finding.code, check_lines):
            continue
        fix = make_fix(module, finding, positions) if with_fixes else None
        origin = positions.get(finding.origin) if finding.origin is not None else None
        shown = (
            f" (line {origin.start.line})"
            if origin and origin.start.line != where.start.line
            else ""
        )
        message = redact_display(finding.message.replace("{origin}", shown))
        key = (finding.code, where.start.line, where.start.column)
        if key in out:
            continue
        out[key] = Finding(
            code=finding.code,
            rule=RULES[finding.code].name,
            path=path,
            line=where.start.line,
            column=where.start.column + 1,
            end_line=where.end.line,
            end_column=where.end.column + 1,
            message=message,
            confidence=finding.confidence,
            fix=fix,
            statement_lines=lines_of_statement or None,
            origin=(
                (origin.start.line, origin.start.column + 1, origin.end.line, origin.end.column + 1)
                if origin
                else None
            ),
        )
    found = list(out.values())
    if config is not None and honour_noqa and config.enabled(UNUSED_NOQA, path):
        enabled = [code for code in RULES if config.enabled(code, path)]
        found += noqa.unused(path, enabled)
    return sorted(found, key=lambda f: f.sort_key)


def statement_lines(
    statement: cst.CSTNode | None, positions: Mapping[cst.CSTNode, CodeRange]
) -> tuple[int, int] | tuple[()]:
    if not isinstance(statement, cst.SimpleStatementLine):
        return ()
    where = positions.get(statement)
    if where is None:
        return ()
    return (where.start.line, where.end.line)


def make_fix(
    module: cst.Module, finding: RawFinding, positions: Mapping[cst.CSTNode, CodeRange]
) -> Fix | None:
    spec = finding.fix
    if spec is None:
        return None
    edits = []
    for node, template in spec.replacements:
        where = positions.get(node)
        if where is None:
            return None
        code = module.code_for_node(node)
        edits.append(
            Edit(
                where.start.line,
                where.start.column + 1,
                where.end.line,
                where.end.column + 1,
                template.replace("{}", code, 1),
            )
        )
    setup = (spec.module_setup,) if spec.module_setup else ()
    return Fix(spec.message, tuple(edits), spec.imports, spec.safe, setup)
