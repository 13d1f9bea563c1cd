"""What the server is configured by: the client's initialization options and `[tool.logmask]`.

Initialization options are the editor's say (fix safety, the reporting
threshold); the project's say is the nearest `pyproject.toml` with a
`[tool.logmask]` table, read once and kept with its engine (sink table,
name classifier, processor index) until that file changes. A change is
noticed from the client's file events, from a saved `pyproject.toml`, and,
for clients that send neither, from the file's modification time.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from logmask.findings import CONFIDENCE_RANK, Confidence
from logmask.linter.config import ConfigError, find_pyproject, load_config
from logmask.linter.engine import Linter
from logmask.linter.processors import ProcessorIndex

DEFAULT_DEBOUNCE_MS = 25


class SettingsError(ValueError):
    """An initialization option has the wrong type or value; the message names it."""


@dataclass(frozen=True)
class Settings:
    """The client's initialization options (camelCase keys, as LSP clients write them)."""

    unsafe_fixes: bool = False  # "Fix all" also applies unsafe fixes, like --unsafe-fixes
    min_confidence: Confidence | None = None  # overrides [tool.logmask] min-confidence
    debounce_ms: int = DEFAULT_DEBOUNCE_MS  # wait after a change before checking
    rule_docs_url: str | None = None  # "https://.../{code}"; default: local rule pages

    @classmethod
    def from_options(cls, options: object) -> Settings:
        if options is None:
            return cls()
        if not isinstance(options, Mapping):
            raise SettingsError("initializationOptions must be an object")
        known = {"unsafeFixes", "minConfidence", "debounceMs", "ruleDocsUrl"}
        unknown = sorted(set(options) - known)
        if unknown:
            raise SettingsError(
                f"unknown initialization option {unknown[0]!r} (known: {', '.join(sorted(known))})"
            )
        unsafe = options.get("unsafeFixes", False)
        if not isinstance(unsafe, bool):
            raise SettingsError("unsafeFixes must be true or false")
        confidence = options.get("minConfidence")
        if confidence is not None and confidence not in CONFIDENCE_RANK:
            raise SettingsError("minConfidence must be 'high', 'medium' or 'low'")
        debounce = options.get("debounceMs", DEFAULT_DEBOUNCE_MS)
        if isinstance(debounce, bool) or not isinstance(debounce, int) or debounce < 0:
            raise SettingsError("debounceMs must be a whole number of milliseconds >= 0")
        url = options.get("ruleDocsUrl")
        if url is not None and (not isinstance(url, str) or "{code}" not in url):
            raise SettingsError("ruleDocsUrl must be a string containing '{code}'")
        return cls(unsafe, confidence, debounce, url)


@dataclass(frozen=True)
class Project:
    """One configuration with its engine, or the error that kept it from loading."""

    linter: Linter | None
    error: str | None = None
    pyproject: Path | None = None


class Projects:
    """Engines by `pyproject.toml`, reloaded when it changes. Thread-safe."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._found: dict[Path, Path | None] = {}  # folder -> its nearest config file
        self._loaded: dict[Path | None, tuple[int | None, Project]] = {}

    def for_path(self, path: Path) -> Project:
        folder = path.parent
        with self._lock:
            if folder not in self._found:
                self._found[folder] = find_pyproject(folder)
            pyproject = self._found[folder]
            stamp = _mtime(pyproject)
            cached = self._loaded.get(pyproject)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            project = self._load(pyproject)
            self._loaded[pyproject] = (stamp, project)
            return project

    def _load(self, pyproject: Path | None) -> Project:
        try:
            config = load_config(pyproject)
        except ConfigError as err:
            return Project(None, str(err), pyproject)
        if self.settings.min_confidence is not None:
            config = config.with_overrides(min_confidence=self.settings.min_confidence)
        return Project(Linter(config), None, pyproject)

    def forget(self) -> None:
        """Look the config files up and read them again (a pyproject.toml changed)."""
        with self._lock:
            self._found.clear()
            self._loaded.clear()

    def saved(self) -> None:
        """A file was saved: a new pyproject.toml may now be nearer, and the module
        summaries (which imported modules register span processors) may be stale."""
        with self._lock:
            self._found.clear()
            for _, project in self._loaded.values():
                if project.linter is not None:
                    project.linter.processors = ProcessorIndex()


def _mtime(path: Path | None) -> int | None:
    if path is None:
        return None
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def describe(settings: Settings) -> dict[str, Any]:
    """The settings as the log shows them at start-up."""
    return {
        "unsafeFixes": settings.unsafe_fixes,
        "minConfidence": settings.min_confidence,
        "debounceMs": settings.debounce_ms,
        "ruleDocsUrl": settings.rule_docs_url,
    }
