"""The README's editor section: its snippets parse and its options are the server's options."""

from __future__ import annotations

import json
import re
import sys

import pytest

from logmask.server.settings import Settings, SettingsError
from tests.server.support import REPO

tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")

README = (REPO / "README.md").read_text(encoding="utf-8")
START = README.index("### Editors: the language server\n")
SECTION = README[START : README.index("\n## ", START)]
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", SECTION, re.DOTALL)


def test_documented_options_are_the_accepted_ones() -> None:
    documented = re.findall(r"^\| `(\w+)` \|", SECTION, re.MULTILINE)
    assert documented == ["unsafeFixes", "minConfidence", "debounceMs", "ruleDocsUrl"]
    Settings.from_options(
        {"unsafeFixes": True, "minConfidence": "low", "debounceMs": 0, "ruleDocsUrl": "x/{code}"}
    )
    try:
        Settings.from_options({"unknownOption": 1})
    except SettingsError as err:
        assert all(name in str(err) for name in documented)
    else:
        raise AssertionError("an unknown option is refused")


def test_snippets_start_the_server_with_valid_options() -> None:
    languages = [lang for lang, _ in BLOCKS]
    assert languages == ["sh", "json", "lua", "toml", "json"]
    for lang, body in BLOCKS:
        if lang == "json":
            text = json.dumps(json.loads(body))
            assert '"server"' in text
        elif lang == "toml":
            helix = tomllib.loads(body)["language-server"]["logmask"]
            assert [helix["command"], *helix["args"]] == ["logmask", "server"]
            Settings.from_options(helix["config"])
        elif lang == "lua":
            assert 'cmd = { "logmask", "server" }' in body
    vscode = json.loads(BLOCKS[1][1])
    Settings.from_options(vscode["glspc.server.initializationOptions"])
    zed = json.loads(BLOCKS[4][1])["lsp"]["logmask"]
    Settings.from_options(zed["initialization_options"])
