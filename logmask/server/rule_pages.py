"""The page a diagnostic's code links to (`codeDescription`): the rule's documentation.

logmask has no documentation site of its own, and the server never sends
anything anywhere, so by default each rule's page is what `logmask explain
CODE` prints, written once as Markdown to a folder of the temp directory
and linked as a `file:` URI (editors open it in a tab). A team with its own
docs sets the `ruleDocsUrl` initialization option instead.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from logmask import __version__
from logmask.rules import RULES, RuleDoc


def markdown(doc: RuleDoc) -> str:
    default = "on by default" if doc.default else "off by default (opt in with `select`)"
    return (
        f"# {doc.code} {doc.name}\n\n{default}\n\n## What it does\n\n{doc.summary}\n\n"
        f"## Why is this bad?\n\n{doc.why}\n\n## Example\n\n```python\n{doc.leaking}```\n\n"
        f"## Use instead\n\n```python\n{doc.fixed}```\n\n## Fix safety\n\n{doc.fix_safety}\n"
    )


class RulePages:
    """Links to rule pages; the local pages are written on first use."""

    def __init__(self, url_template: str | None = None, folder: Path | None = None) -> None:
        self.template = url_template
        self.folder = folder or Path(tempfile.gettempdir()) / f"logmask-{__version__}-rules"
        self._written = False
        self._lock = threading.Lock()

    def href(self, code: str) -> str | None:
        doc = RULES.get(code)
        if doc is None:
            return None
        if self.template is not None:
            return self.template.replace("{code}", code).replace("{name}", doc.name)
        if not self._write():
            return None
        return (self.folder / f"{code}.md").as_uri()

    def _write(self) -> bool:
        with self._lock:
            if self._written:
                return True
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                for code, doc in RULES.items():
                    target = self.folder / f"{code}.md"
                    text = markdown(doc)
                    if not target.is_file() or target.read_text(encoding="utf-8") != text:
                        temp = target.with_suffix(f".{os.getpid()}.tmp")
                        temp.write_text(text, encoding="utf-8")
                        os.replace(temp, target)
            except OSError:
                return False  # no link rather than no diagnostics
            self._written = True
            return True
