"""The configuration: `.logmask.toml`, `logmask.toml` or `[tool.logmask]` in
`pyproject.toml`, the nearest one found upwards (as ruff finds `ruff.toml`),
validated once.

Unknown keys and wrong types are errors that name the key (with its line and a
did-you-mean): a typo in a linter's config must not silently turn a rule off.
Keys are a table (`KEYS`: key -> kind) so new keys are one line each.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import os
import posixpath
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from logmask.findings import Confidence
from logmask.rules import RULES
from logmask.rules.sinks import parse_signature
from logmask.rules.trackers import parse_tracker_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]


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
    output_format: str | None = None
    src: tuple[str, ...] = ()  # folders that hold top-level packages (`src` layout)
    root: Path | None = None  # the folder of the config file it came from
    source: Path | None = None  # the config file itself (None: defaults)
    ignore_noqa: bool = False  # `--ignore-noqa`: report suppressed findings too (CLI only)
    slicing: bool = True  # check a slice of each module first (`linter.slicing`); tests turn it off

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
        """gitignore-style patterns (as ruff's `exclude`), relative to the config's folder.

        `scratch` matches a file or folder of that name anywhere, `src/gen` (or
        `./src/gen`, `/src/gen`) that folder under the root, `gen_*.py` any such file.
        """
        spec = exclude_spec((*self.exclude, *self.extend_exclude))
        if spec is None:
            return False
        rel = posixpath.normpath(self.relative(path))
        return spec.match_file(rel.lstrip("/"))

    def with_overrides(self, **changes: Any) -> Config:
        from dataclasses import replace

        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _pattern(raw: str) -> str:
    """`./src/gen` is `src/gen` to users of ruff; gitignore anchors it with a leading `/`."""
    pattern = raw.strip()
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return "/" + pattern if "/" in pattern.rstrip("/") and not pattern.startswith("/") else pattern


_SPECS: dict[tuple[str, ...], pathspec.GitIgnoreSpec | None] = {}


def exclude_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec | None:
    if patterns not in _SPECS:
        lines = [_pattern(p) for p in patterns if p.strip()]
        _SPECS[patterns] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
    return _SPECS[patterns]


def relative_path(path: str, root: Path | None) -> str:
    """`path` relative to `root` with forward slashes (as given when it lies outside)."""
    if root is not None:
        try:
            return Path(path).resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return Path(path).as_posix()


# key -> kind (the validator in `KINDS`); add a key here and a field to `Config`.
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
    "output-format": "string",
    "src": "strings",
}
# Keys whose string value is one of a fixed set.
CHOICES: dict[str, tuple[str, ...]] = {
    "min-confidence": ("high", "medium", "low"),
    "output-format": (
        "full",
        "concise",
        "json",
        "json-lines",
        "junit",
        "gitlab",
        "github",
        "sarif",
    ),
}
# Config files in the order they win within one folder (ruff: .ruff.toml, ruff.toml, pyproject).
CONFIG_NAMES = (".logmask.toml", "logmask.toml", "pyproject.toml")
MAX_CONFIG_BYTES = 10 * 1024 * 1024


def find_config(start: Path) -> Path | None:
    """The nearest config from `start` upwards: `.logmask.toml`, `logmask.toml`, or a
    `pyproject.toml` with a [tool.logmask] table (one without it is passed over)."""
    here = Path(os.path.abspath(start))  # not resolve(): a link loop must not raise
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or _has_logmask_table(candidate):
                return candidate
    return None


find_pyproject = find_config  # the name the flake8 plugin and older callers use


def _has_logmask_table(path: Path) -> bool:
    """Ours, or broken in a way `load_config` must report (not UTF-8, bad TOML naming us)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return True  # TOML is UTF-8: an error for any tool reading it
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "tool.logmask" in text
    tool = parsed.get("tool")
    return "logmask" in tool if isinstance(tool, dict) else "tool" in parsed


def read_regular_file(path: Path, what: str, limit: int = MAX_CONFIG_BYTES) -> bytes:
    """The bytes of a regular file; a FIFO, device or huge file is refused, never read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} not found") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read {what}: {err.strerror or err}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{path}: {what} is not a regular file")
    if info.st_size > limit:
        raise ConfigError(f"{path}: {what} is larger than {limit // (1024 * 1024)} MB")
    try:
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read {what}: {err.strerror or err}") from None


TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    data = read_regular_file(path, "config")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{path}: config is not UTF-8 (TOML files must be; byte {err.start})"
        ) from None
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = TOML_POSITION.search(message)
        if match:
            line, column = match.group(1), match.group(2)
            message = message[: match.start()]
        elif message.endswith("(at end of document)"):
            lines = text.split("\n")
            line, column = str(len(lines)), str(len(lines[-1]) + 1)
            message = message.removesuffix("(at end of document)").strip() + " at end of file"
        else:
            raise ConfigError(f"{path}: invalid TOML: {message}") from None
        raise ConfigError(f"{path}:{line}:{column}: invalid TOML: {message}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    if path.name == "pyproject.toml":
        tool = parsed.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: 'tool' must be a table")
        table = tool.get("logmask", {})
        where = "[tool.logmask]"
    else:
        table = parsed
        where = "the top level"
        if isinstance(parsed.get("tool"), dict) and "logmask" in parsed["tool"]:
            table = parsed["tool"]["logmask"]
            where = "[tool.logmask]"
    if isinstance(table, list):
        raise ConfigError(
            f"{path}: {where} must be a table ([tool.logmask]), not an array of tables"
        )
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where} must be a table, not {type(table).__name__}")
    return parse_config(table, path, text)


def key_line(text: str | None, key: str) -> int | None:
    """The line a key is written on (first match), for error messages."""
    if not text:
        return None
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


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


def parse_config(table: Mapping[str, object], where: Path, text: str | None = None) -> Config:
    for key in table:
        if key not in KEYS:
            line = key_line(text, key)
            at = f"{where}:{line}" if line else f"{where}"
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            known = ", ".join(sorted(KEYS))
            raise ConfigError(f"{at}: unknown key [tool.logmask] {key!r}{hint} (known: {known})")
    values: dict[str, Any] = {"root": where.parent, "source": where}
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
    for key, choices in CHOICES.items():
        value = values.get(key.replace("-", "_"))
        if value is not None and value not in choices:
            *head, last = choices
            raise ConfigError(f"{where}: [tool.logmask] {key} must be {', '.join(head)} or {last}")
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


def describe_settings(config: Config, anchor: Path, from_cli: set[str]) -> str:
    """Every setting with its value and origin: the config file, the command line or default."""
    defaults = Config()
    lines = [
        f"Resolved settings for: {os.path.abspath(anchor)}",
        f"Settings path: {config.source or 'none (defaults)'}",
        "",
    ]
    for key in KEYS:
        attr = key.replace("-", "_")
        value = getattr(config, attr)
        if key in from_cli:
            origin = "command line"
        elif value != getattr(defaults, attr):
            origin = str(config.source) if config.source else "command line"
        else:
            origin = "default"
        shown = json.dumps(plain(value))
        lines.append(f"{key} = {shown}  # {origin}")
    if config.ignore_noqa:
        lines.append("ignore-noqa = true  # command line")
    lines.append("")
    enabled = [code for code in sorted(RULES) if config.enabled(code)]
    lines.append(f"# enabled rules: {', '.join(enabled) or 'none'}")
    return "\n".join(lines)


def plain(value: object) -> object:
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def split_codes(values: Iterable[str]) -> tuple[str, ...]:
    """CLI `--select A,B --select C` -> ('A', 'B', 'C')."""
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)
