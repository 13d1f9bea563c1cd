"""`[tool.logmask]` in the nearest pyproject.toml, validated once.

Unknown keys and wrong types are errors that name the key: a typo in a
linter's config must not silently turn a rule off.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logmask.findings import CONFIDENCE_RANK, Confidence
from logmask.rules import RULES
from logmask.rules.sinks import parse_signature
from logmask.rules.trackers import parse_tracker_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigError(Exception):
    """The configuration is invalid; the message names the key."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    personal_names: Mapping[str, str] = field(default_factory=dict)
    allowed_names: tuple[str, ...] = ()
    sinks: Mapping[str, str] = field(default_factory=dict)
    objects: Mapping[str, str] = field(default_factory=dict)
    trackers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # name -> row
    masker: str = "logmask.mask"
    maskers: tuple[str, ...] = ()
    span_processors_registered: bool = False
    min_confidence: Confidence = "medium"
    respect_gitignore: bool = True
    src: tuple[str, ...] = ()  # folders that hold top-level packages (`src` layout)
    root: Path | None = None  # the folder of the pyproject.toml it came from

    def enabled(self, code: str, path: str | None = None) -> bool:
        """ruff-style selection: the most specific matching prefix decides, ignore wins ties."""
        doc = RULES.get(code)
        default = doc.default if doc is not None else True
        best_len, decision = -1, False
        selected = self.select
        if selected is None:
            if default:
                best_len, decision = 0, True
            selected = ()
        ignores = list(self.ignore)
        if path is not None:
            ignores += self.file_ignores(path)
        for prefix in (*selected, *self.extend_select):
            length = self.match(prefix, code, default)
            if length > best_len:
                best_len, decision = length, True
        for prefix in ignores:
            length = self.match(prefix, code, True)
            if length >= best_len and length >= 0:
                best_len, decision = length, False
        return decision

    @staticmethod
    def match(prefix: str, code: str, default: bool) -> int:
        """How specifically `prefix` names `code` (-1: not at all). Opt-in rules need their code."""
        if prefix == "ALL":
            return 0
        if not code.startswith(prefix):
            return -1
        if not default and prefix != code:
            return -1
        return len(prefix)

    def file_ignores(self, path: str) -> list[str]:
        out: list[str] = []
        rel = self.relative(path)
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(Path(rel).name, pattern):
                out.extend(codes)
        return out

    def relative(self, path: str) -> str:
        return relative_path(path, self.root)

    def is_excluded(self, path: str) -> bool:
        """A pattern matches the path, one of its folders (`notebooks/scratch`), or a name."""
        patterns = (*self.exclude, *self.extend_exclude)
        if not patterns:
            return False
        parts = Path(self.relative(path)).parts
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        for pattern in patterns:
            pattern = pattern.rstrip("/")
            if any(fnmatch.fnmatch(p, pattern) for p in (*prefixes, *parts)):
                return True
        return False

    def with_overrides(self, **changes: Any) -> Config:
        from dataclasses import replace

        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def relative_path(path: str, root: Path | None) -> str:
    """`path` relative to `root` with forward slashes (as given when it lies outside)."""
    if root is not None:
        try:
            return Path(path).resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return Path(path).as_posix()


KEYS = {
    "select": "codes",
    "extend-select": "codes",
    "ignore": "codes",
    "exclude": "strings",
    "extend-exclude": "strings",
    "per-file-ignores": "table of codes",
    "personal-names": "table of strings",
    "allowed-names": "strings",
    "sinks": "table of strings",
    "objects": "table of strings",
    "trackers": "table of tracker rows",
    "masker": "string",
    "maskers": "strings",
    "span-processors-registered": "bool",
    "min-confidence": "string",
    "respect-gitignore": "bool",
    "src": "strings",
}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.logmask] table, from `start` upwards."""
    here = Path(os.path.abspath(start))  # not resolve(): a link loop must not raise
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
                data = tomllib.loads(text)
            except (OSError, UnicodeDecodeError):
                continue
            except tomllib.TOMLDecodeError:
                if "tool.logmask" in text:
                    return candidate  # broken, but ours: load_config says what is wrong
                continue
            if "logmask" in data.get("tool", {}):
                return candidate
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read config: {err}") from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from err
    table = data.get("tool", {}).get("logmask", {}) if path.name == "pyproject.toml" else data
    if "tool" in table and "logmask" in table.get("tool", {}):
        table = table["tool"]["logmask"]
    return parse_config(table, path)


def _codes(key: str, value: object, where: Path) -> tuple[str, ...]:
    items = _strings(key, value, where)
    for code in items:
        if code != "ALL" and not ((code.startswith("PII") and code[3:].isdigit()) or code == "PII"):
            raise ConfigError(f"{where}: [tool.logmask] {key}: {code!r} is not a rule code")
        if code != "ALL" and not any(rule.startswith(code) for rule in RULES):
            raise ConfigError(f"{where}: [tool.logmask] {key}: no rule matches {code!r}")
    return items


DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_*][\w]*)+$")


def _dotted(key: str, name: str, where: Path, what: str) -> None:
    if not DOTTED.match(name):
        raise ConfigError(
            f"{where}: [tool.logmask] {key}: {name!r} is not {what} (a dotted name such as "
            "'comet_ml.Experiment.log_parameters')"
        )


def _strings(key: str, value: object, where: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: [tool.logmask] {key} must be a list of strings")
    return tuple(value)


def _table(key: str, value: object, where: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [tool.logmask] {key} must be a table")
    return value


def parse_config(table: Mapping[str, object], where: Path) -> Config:
    for key in table:
        if key not in KEYS:
            known = ", ".join(sorted(KEYS))
            raise ConfigError(f"{where}: unknown key [tool.logmask] {key!r} (known: {known})")
    values: dict[str, Any] = {"root": where.parent}
    for key, value in table.items():
        kind = KEYS[key]
        attr = key.replace("-", "_")
        if kind == "codes":
            values[attr] = _codes(key, value, where)
        elif kind == "strings":
            values[attr] = _strings(key, value, where)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: [tool.logmask] {key} must be true or false")
            values[attr] = value
        elif kind == "string":
            if not isinstance(value, str):
                raise ConfigError(f"{where}: [tool.logmask] {key} must be a string")
            values[attr] = value
        elif kind == "table of codes":
            values[attr] = {
                str(k): _codes(f"{key}.{k}", v, where) for k, v in _table(key, value, where).items()
            }
        elif kind == "table of tracker rows":
            for name, row in _table(key, value, where).items():
                try:
                    parse_tracker_table(name, row)
                except ValueError as err:
                    raise ConfigError(f"{where}: [tool.logmask] {err}") from err
            values[attr] = dict(value)  # type: ignore[call-overload]
        elif kind == "table of strings":
            entries = _table(key, value, where)
            for k, v in entries.items():
                if not isinstance(v, str):
                    raise ConfigError(f"{where}: [tool.logmask] {key}.{k} must be a string")
            values[attr] = dict(entries)
    if "min_confidence" in values and values["min_confidence"] not in CONFIDENCE_RANK:
        raise ConfigError(f"{where}: [tool.logmask] min-confidence must be high, medium or low")
    if "masker" in values and "." not in values["masker"]:
        raise ConfigError(
            f"{where}: [tool.logmask] masker must be a dotted path such as 'pkg.privacy.mask'"
        )
    for api, kind in values.get("objects", {}).items():
        _dotted("objects", api, where, "a call or class")
        _dotted(f"objects.{api}", kind, where, "a tracker type")
    for name in values.get("maskers", ()):
        _dotted("maskers", name, where, "a function")
    for api, signature in values.get("sinks", {}).items():
        _dotted("sinks", api, where, "an API")
        try:
            parse_signature(api, signature)
        except ValueError as err:
            raise ConfigError(f"{where}: [tool.logmask] sinks: {err}") from err
    return Config(**values)


def split_codes(values: Iterable[str]) -> tuple[str, ...]:
    """CLI `--select A,B --select C` -> ('A', 'B', 'C')."""
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)
