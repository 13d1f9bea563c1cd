"""Check one source: prefilter, candidate stage, then the LibCST pass (`libcst_pass`).

The engine never prints and never exits; the CLI, the flake8 plugin and the
tests all call `Linter.check_source` / `Linter.check_file`.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from logmask.evidence.names import NameClassifier
from logmask.findings import FileError
from logmask.linter.config import Config
from logmask.linter.deep import run_deep
from logmask.linter.prefilter import CandidateFilter
from logmask.linter.processors import ProcessorIndex
from logmask.linter.project import FileProject, ProjectIndex
from logmask.linter.results import FileResult
from logmask.linter.slicing import slice_for_findings, touches
from logmask.linter.source import UnreadableFile, check_text, read_source
from logmask.rules.trackers import TrackerModel, user_rows

if TYPE_CHECKING:
    from logmask.rules.summaries import ModuleSummary

__all__ = ["FileResult", "Linter"]


class Linter:
    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.sinks = TrackerModel(
            user_rows(self.config.sinks, self.config.objects, self.config.trackers)
        )
        self.classifier = NameClassifier(
            extra={**self.sinks.personal_keys, **self.config.personal_names},
            allow=self.config.allowed_names,
        )
        self.processors = ProcessorIndex()

    @cached_property
    def module_markers(self) -> tuple[bytes, ...]:
        """The tracker modules' names, less those spelling another (`langchain_community`)."""
        names = {m.encode() for m in self.sinks.modules}
        return tuple(sorted(n for n in names if not any(o != n and o in n for o in names)))

    def may_log(self, data: bytes) -> bool:
        """The prefilter: a file that names no tracker module cannot call one."""
        return any(marker in data for marker in self.module_markers)

    def may_bind(self, data: bytes) -> bool:
        """Bytes only: could the file bind a tracker itself (False is proof)?"""
        return self.may_log(data) and self.candidates.may_bind_tracker(data)

    def may_use(self, data: bytes) -> bool:
        """Bytes only: could the file bind a tracker, or read one as a name?"""
        return self.may_log(data) and self.candidates.may_use_tracker(data)

    @cached_property
    def project(self) -> ProjectIndex:
        """The other modules of the project (whole-program data flow)."""
        root = self.config.root or Path.cwd()
        return ProjectIndex(
            summarise=self.summarise,
            may_log=lambda data, tree: (
                self.may_log(data) and self.candidates.binds_tracker(data, tree)
            ),
            src=tuple((root / folder).resolve() for folder in self.config.src),
            libraries=self.sinks.modules | {"logmask"},
            reaches_sink=lambda api: self.candidates.reaches_sink(api),
            may_bind=self.may_bind,
            parse=lambda data: self.candidates.parse(data),
            touches=lambda node, bound: touches(
                node, bound, self.candidates.tracker_use, self.candidates.tracker_type
            ),
        )

    def summarise(self, data: bytes, path: str, project: FileProject) -> ModuleSummary:
        """A project module's summary; one LibCST cannot take safely summarises to nothing."""
        if self.candidates.screen(data).problem is not None:
            from logmask.rules.summaries import ModuleSummary

            return ModuleSummary(path)
        from logmask.linter.libcst_pass import summarise  # LibCST loads on first use

        return run_deep(lambda: summarise(self, data, path, project))

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
        from logmask.linter.exports import check_export, is_export

        if is_export(path, data):
            return check_export(self, data, path)
        return self.check_python(data, path)

    def check_python(self, data: bytes, path: str) -> FileResult:
        result = self.unparsed(data, path)
        if result.errors:
            return result
        # A file that neither binds nor reads a tracker (bytes) and imports nothing
        # reaching one is never parsed: a tracker named in prose or strings cannot log.
        uses = self.may_use(data)
        if not uses and not self.project.reaches_tracker(path, data):
            return result
        return run_deep(lambda: self._parse_and_check(data, path, result, uses))

    def _parse_and_check(
        self, data: bytes, path: str, result: FileResult, uses: bool
    ) -> FileResult:
        """The `ast` screen, then LibCST (on a deep stack: see `logmask.linter.deep`).

        A file that binds no tracker is still checked when it imports a project
        name that reaches one (`uses` is False only when that was established).
        """
        screen = self.candidates.screen(data)
        if screen.problem is not None:
            result.errors.append(FileError(result.path, screen.problem))
            return result
        if not screen.needs_libcst and uses and not self.project.reaches_tracker(path, data):
            return result
        from logmask.linter.libcst_pass import check_module  # LibCST loads on first use

        sliced = self.sliced(data, path) if screen.syntax_error is None else None
        check_module(self, data, result, screen.syntax_error, sliced)
        return result

    def sliced(self, data: bytes, path: str) -> bytes | None:
        """The module with only the units that can take part in a finding (`slicing`)."""
        candidates = self.candidates
        if not self.config.slicing or candidates.imports_dynamically(data):
            return None  # a tracker bound by a call: no import statement says which names hold it
        try:
            tree = candidates.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        bound: dict[str, tuple[str, ...] | None] = {**candidates.tracker_bindings(tree)}
        reaching = self.project.reaching_imports(path, data)
        if reaching:
            bound.update(dict.fromkeys(self.project.reaching_bindings(tree, reaching)))
        return slice_for_findings(
            data, tree, bound, candidates.tracker_use, candidates.tracker_type
        )

    def unparsed(self, data: bytes, path: str) -> FileResult:
        """A source that is not parsed: only binary or undecodable text is reported."""
        result = FileResult(path, source=data)
        try:
            check_text(data)
        except UnreadableFile as err:
            result.errors.append(FileError(path, str(err)))
        return result
