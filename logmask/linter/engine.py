"""Check one source: prefilter, parse, analyse, locate, suppress.

The engine never prints and never exits; the CLI, the flake8 plugin and the
tests all call `Linter.check_source` / `Linter.check_file`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from logmask.evidence.names import NameClassifier
from logmask.findings import Edit, FileError, Finding, Fix
from logmask.linter.config import Config
from logmask.linter.noqa import noqa_map, suppressed
from logmask.linter.prefilter import CandidateFilter
from logmask.linter.processors import ProcessorIndex
from logmask.linter.source import UnreadableFile, check_text, read_source
from logmask.rules import RULES, new_rules
from logmask.rules.analysis import ModuleAnalysis
from logmask.rules.base import Options, RawFinding, Rule, RuleContext, homonym_senses
from logmask.rules.sinks import PERSONAL_KEYS, SinkTable


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    source: bytes | None = None
    module: cst.Module | None = None


class GuardedRule(Rule):
    """Runs a rule family's hooks; an exception disables that family for this file only."""

    def __init__(self, rule: Rule, on_error: Callable[[Rule, BaseException], None]) -> None:
        self.rule = rule
        self.docs = rule.docs
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

    def on_function(self, node, decorators, ctx):  # type: ignore[no-untyped-def]
        self._call("on_function", node, decorators, ctx)

    def on_module_end(self, ctx):  # type: ignore[no-untyped-def]
        self._call("on_module_end", ctx)


class Linter:
    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.sinks = SinkTable(self.config.sinks, self.config.objects)
        self.classifier = NameClassifier(
            extra={**PERSONAL_KEYS, **self.config.personal_names},
            allow=self.config.allowed_names,
        )
        self.processors = ProcessorIndex()

    @cached_property
    def module_markers(self) -> tuple[bytes, ...]:
        return tuple(sorted(m.encode() for m in self.sinks.modules))

    def may_log(self, data: bytes) -> bool:
        """The prefilter: a file that names no tracker module cannot call one."""
        return any(marker in data for marker in self.module_markers)

    @cached_property
    def candidates(self) -> CandidateFilter:
        """The `ast` candidate stage: skips LibCST for files whose imports reach no sink."""
        return CandidateFilter(self.sinks, self.config.sinks)

    def check_file(self, path: str) -> FileResult:
        try:
            data = read_source(path)
        except UnreadableFile as err:
            return FileResult(path, errors=[FileError(path, str(err))])
        return self.check_source(data, path)

    def check_source(self, data: bytes, path: str) -> FileResult:
        if path.endswith(".ipynb"):
            from logmask.linter.notebook import check_notebook

            return check_notebook(self, data, path)
        return self.check_python(data, path)

    def check_python(self, data: bytes, path: str) -> FileResult:
        result = FileResult(path, source=data)
        try:
            check_text(data)
        except UnreadableFile as err:
            result.errors.append(FileError(path, str(err)))
            return result
        if not self.may_log(data) or not self.candidates.needs_libcst(data):
            return result
        try:
            module = cst.parse_module(data)
        except cst.ParserSyntaxError as err:
            message = str(err).strip().splitlines()[0] if str(err).strip() else "syntax error"
            result.errors.append(
                FileError(
                    path, f"syntax error at line {err.raw_line}:{err.raw_column + 1}: {message}"
                )
            )
            return result
        except UnicodeDecodeError:
            result.errors.append(
                FileError(path, "not valid UTF-8 and no coding cookie declares its encoding")
            )
            return result
        except (LookupError, SyntaxError, ValueError) as err:
            result.errors.append(FileError(path, f"cannot decode: {err}"))
            return result
        except RecursionError:
            result.errors.append(FileError(path, "too deeply nested to parse"))
            return result
        result.module = module
        raw = self.analyse(module, path, result, homonym_senses(data))
        if raw:
            result.findings = self.locate(module, raw, path)
        return result

    def analyse(
        self, module: cst.Module, path: str, result: FileResult, senses: frozenset[str]
    ) -> list[RawFinding]:
        def failed(rule: Rule, err: BaseException) -> None:
            where = "".join(traceback.format_exception_only(type(err), err)).strip()
            codes = ", ".join(doc.code for doc in rule.docs)
            result.errors.append(
                FileError(path, f"internal error in rules {codes}: {where}", code="PII901")
            )

        options = Options(
            span_processors_registered=self.config.span_processors_registered,
            masker=self.config.masker,
            min_confidence=self.config.min_confidence,
            maskers=self.config.maskers,
        )
        ctx = RuleContext(
            classifier=self.classifier,
            options=options,
            enabled=lambda code: self.config.enabled(code, path),
            module_registers_processors=lambda name, level: self.processors.registers(
                path, name, level
            ),
            homonyms=senses,
        )
        rules = [GuardedRule(rule, failed) for rule in new_rules()]
        analysis = ModuleAnalysis(module, ctx, rules, self.sinks)
        try:
            analysis.run()
        except RecursionError:
            result.errors.append(FileError(path, "too deeply nested to analyse", code="PII901"))
        except Exception as err:
            where = "".join(traceback.format_exception_only(type(err), err)).strip()
            result.errors.append(FileError(path, f"internal error: {where}", code="PII901"))
        if ctx.internal_errors:
            result.errors.append(
                FileError(path, f"internal error: {ctx.internal_errors[0]}", code="PII901")
            )
        return ctx.findings

    def locate(self, module: cst.Module, raw: list[RawFinding], path: str) -> list[Finding]:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        lines = module.code.splitlines()
        noqa = noqa_map(lines)
        out: dict[tuple[str, int, int], Finding] = {}
        for finding in raw:
            where = positions.get(finding.node)
            if where is None:
                continue
            statement_lines = self.statement_lines(finding.statement, positions)
            check_lines = {where.start.line, *statement_lines}
            if suppressed(finding.code, sorted(check_lines), noqa):
                continue
            fix = self.make_fix(module, finding, positions)
            origin = positions.get(finding.origin) if finding.origin is not None else None
            shown = (
                f" (line {origin.start.line})"
                if origin and origin.start.line != where.start.line
                else ""
            )
            message = finding.message.replace("{origin}", shown)
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
                statement_lines=statement_lines or None,
            )
        return sorted(out.values(), key=lambda f: f.sort_key)

    @staticmethod
    def statement_lines(
        statement: cst.CSTNode | None, positions: dict[cst.CSTNode, CodeRange]
    ) -> tuple[int, int] | tuple[()]:
        if not isinstance(statement, cst.SimpleStatementLine):
            return ()
        where = positions.get(statement)
        if where is None:
            return ()
        return (where.start.line, where.end.line)

    @staticmethod
    def make_fix(
        module: cst.Module, finding: RawFinding, positions: dict[cst.CSTNode, CodeRange]
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


def default_linter_for(path: Path) -> Linter:
    from logmask.linter.config import find_pyproject, load_config

    return Linter(load_config(find_pyproject(path)))
