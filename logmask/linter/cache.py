"""A cache of check results, so an unchanged file is never parsed twice.

An entry is keyed by everything the result of `Linter.check_source` depends
on: the file's bytes, its path (findings carry it; per-file-ignores match
it), the config, and the checker itself (logmask's version *and* a hash of
its source files, so an editable install never serves stale results, plus the
LibCST and Python versions). The one outside input is span-processor set-up
in *other* project files (PII301-303 are silent when an imported module
registers processors); the entry records the answers it got and is only
used while those answers are unchanged.

What is stored is the plain check (findings and errors), never a fixed file:
`--fix` and `--diff` use a hit without findings as it is, and re-parse a file
whose cached result has findings, because fixes need the syntax tree.

Safe under concurrent runs: each entry is written to a temporary file and
moved into place with `os.replace`, so a reader sees a whole entry or none;
an entry that cannot be read or decoded is a miss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from logmask import __version__
from logmask.findings import Edit, FileError, Finding, Fix
from logmask.linter.config import Config

FORMAT = 1
CACHE_DIR_NAME = ".logmask_cache"
ENV_DIR = "LOGMASK_CACHE_DIR"
ROOT_MARKERS = ("pyproject.toml", ".git")

# (module, level, answer) of each span-processor question the check asked.
Consulted = tuple[tuple[str, int, bool], ...]


@dataclasses.dataclass
class Entry:
    findings: list[Finding]
    errors: list[FileError]
    consulted: Consulted = ()


def cache_root(anchor: Path | None = None) -> Path:
    """`$LOGMASK_CACHE_DIR`, else `.logmask_cache` in the project root above `anchor`, else cwd."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    start = (anchor or Path.cwd()).absolute()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder / CACHE_DIR_NAME
    return Path.cwd() / CACHE_DIR_NAME


@lru_cache(maxsize=1)
def checker_fingerprint() -> str:
    """logmask's version and source files, LibCST's and Python's versions."""
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version_info[:2]}".encode())
    digest.update(libcst_version().encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".txt", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            with contextlib.suppress(OSError):
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def libcst_version() -> str:
    """LibCST's version, read without importing LibCST (a warm run never needs it)."""
    spec = importlib.util.find_spec("libcst")
    if spec is not None and spec.origin:
        with contextlib.suppress(OSError):
            return Path(spec.origin).with_name("_version.py").read_text()
    try:
        return metadata.version("libcst")
    except metadata.PackageNotFoundError:
        return "?"


def config_fingerprint(config: Config) -> str:
    """A stable text of every config field (mappings in a fixed order)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict) or hasattr(value, "items"):
            return sorted((str(k), plain(v)) for k, v in value.items())
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        if isinstance(value, str | int | float | bool) or value is None:
            return value
        return str(value)

    fields = {f.name: plain(getattr(config, f.name)) for f in dataclasses.fields(config)}
    return json.dumps(fields, sort_keys=True)


class ResultCache:
    def __init__(self, directory: Path, config: Config) -> None:
        self.directory = directory
        salt = f"{checker_fingerprint()}|{config_fingerprint(config)}"
        self.salt = hashlib.sha256(salt.encode()).hexdigest()
        self.entries = directory / "v1"
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, config: Config, anchor: Path | None = None) -> ResultCache | None:
        """The cache for this run, or None when its folder cannot be created."""
        directory = cache_root(anchor)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                _write_atomic(ignore, b"# Created by logmask; safe to delete.\n*\n")
                _write_atomic(
                    directory / "CACHEDIR.TAG",
                    b"Signature: 8a477f597d28d172789f06886806bc55\n"
                    b"# This file is a cache directory tag created by logmask.\n",
                )
        except OSError:
            return None
        return cls(directory, config)

    def key(self, path: str, data: bytes) -> str:
        digest = hashlib.sha256(self.salt.encode())
        digest.update(f"\0{path}\0{os.path.abspath(path)}\0".encode("utf-8", "surrogateescape"))
        digest.update(data)
        return digest.hexdigest()

    def _file(self, key: str) -> Path:
        return self.entries / key[:2] / key[2:]

    def get(self, key: str) -> Entry | None:
        try:
            raw = self._file(key).read_bytes()
            entry = decode_entry(json.loads(raw))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            entry = None  # missing, half-written by a crashed writer, or another format
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        path = self._file(key)
        data = json.dumps(encode_entry(entry), separators=(",", ":")).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, data)
        except OSError:
            pass  # a cache that cannot be written only costs time


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# ------------------------------------------------------------------ encoding
def encode_entry(entry: Entry) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "findings": [encode_finding(f) for f in entry.findings],
        "errors": [[e.path, e.message, e.code] for e in entry.errors],
        "consulted": [list(c) for c in entry.consulted],
    }


def decode_entry(raw: dict[str, Any]) -> Entry:
    if raw.get("format") != FORMAT:
        raise ValueError("another cache format")
    return Entry(
        findings=[decode_finding(f) for f in raw["findings"]],
        errors=[FileError(str(p), str(m), str(c)) for p, m, c in raw["errors"]],
        consulted=tuple((str(m), int(level), bool(a)) for m, level, a in raw["consulted"]),
    )


def encode_finding(finding: Finding) -> dict[str, Any]:
    out = {f.name: getattr(finding, f.name) for f in dataclasses.fields(finding)}
    if finding.fix is not None:
        fix = finding.fix
        out["fix"] = {
            "message": fix.message,
            "edits": [dataclasses.astuple(e) for e in fix.edits],
            "imports": list(fix.imports),
            "safe": fix.safe,
            "setup": list(fix.setup),
        }
    return out


def decode_finding(raw: dict[str, Any]) -> Finding:
    fix = raw.get("fix")
    statement_lines = raw.get("statement_lines")
    values = dict(raw)
    values["fix"] = (
        Fix(
            message=fix["message"],
            edits=tuple(Edit(*e) for e in fix["edits"]),
            imports=tuple(fix["imports"]),
            safe=bool(fix["safe"]),
            setup=tuple(fix["setup"]),
        )
        if fix is not None
        else None
    )
    values["statement_lines"] = tuple(statement_lines) if statement_lines else None
    values["origin"] = tuple(raw["origin"]) if raw.get("origin") else None
    return Finding(**values)


def findings_equal(a: Sequence[Finding], b: Sequence[Finding]) -> bool:
    """Equality including the fields `Finding.__eq__` leaves out (for tests)."""
    return [(f, f.statement_lines) for f in a] == [(f, f.statement_lines) for f in b]
