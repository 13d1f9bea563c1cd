"""Fixes on real files: where imports go, bytes kept, files never broken, the CLI contract."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import logmask.linter.fixes as fixes_module
from logmask.linter.config import Config
from logmask.linter.engine import Linter
from logmask.linter.fixes import Applied
from logmask.linter.runner import fix_loop
from logmask.linter.text import split_lines, unified_diff
from tests.inprocess import invoke

LEAK = 'wandb.log({"user_email": address})\n'
FIXED = 'wandb.log({"user_email": logmask.mask(address)})\n'


def fix_text(before: str, unsafe: bool = True) -> str:
    data = textwrap.dedent(before).lstrip("\n").encode()
    linter = Linter(Config(select=("ALL",)))
    checked = fix_loop(linter, linter.check_source(data, "x.py"), unsafe)
    return (checked.fixed or data).decode()


def cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> tuple[int, str, str]:
    proc = invoke(*args, stdin=stdin, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


# ---------------------------------------------------------------- import placement

IMPORTS = [
    (
        "sorted-group",
        """
        import mlflow
        import wandb
        wandb.log({"user_email": address})
        """,
        """
        import logmask
        import mlflow
        import wandb
        wandb.log({"user_email": logmask.mask(address)})
        """,
    ),
    (
        "after-docstring-and-future-in-the-tracker-group",
        '''
        """Train the churn model."""

        from __future__ import annotations

        import os
        import sys

        import pandas as pd
        import wandb

        from churn import features

        wandb.log({"user_email": address})
        ''',
        '''
        """Train the churn model."""

        from __future__ import annotations

        import os
        import sys

        import logmask
        import pandas as pd
        import wandb

        from churn import features

        wandb.log({"user_email": logmask.mask(address)})
        ''',
    ),
    (
        "unsorted-group-appends",
        """
        import wandb
        import argparse
        wandb.log({"user_email": address})
        """,
        """
        import wandb
        import argparse
        import logmask
        wandb.log({"user_email": logmask.mask(address)})
        """,
    ),
    (
        "straight-before-from",
        """
        import wandb
        from wandb import Table
        wandb.log({"user_email": address})
        """,
        """
        import logmask
        import wandb
        from wandb import Table
        wandb.log({"user_email": logmask.mask(address)})
        """,
    ),
    (
        "comment-above-next-import-stays-with-it",
        """
        import json
        # tracking
        import wandb
        wandb.log({"user_email": address})
        """,
        """
        import json
        import logmask
        # tracking
        import wandb
        wandb.log({"user_email": logmask.mask(address)})
        """,
    ),
    (
        "already-imported-not-again",
        """
        import wandb

        import logmask
        wandb.log({"user_email": address})
        """,
        """
        import wandb

        import logmask
        wandb.log({"user_email": logmask.mask(address)})
        """,
    ),
    (
        "an-import-after-the-use-does-not-count",
        """
        import wandb
        wandb.log({"user_email": address})
        import logmask
        """,
        """
        import logmask
        import wandb
        wandb.log({"user_email": logmask.mask(address)})
        import logmask
        """,
    ),
    (
        "an-alias-after-the-use-is-not-reused",
        """
        import wandb
        wandb.log({"user_email": address})
        import logmask as lm
        """,
        """
        import logmask
        import wandb
        wandb.log({"user_email": logmask.mask(address)})
        import logmask as lm
        """,
    ),
    (
        "two-fixes-one-import",
        """
        import wandb
        wandb.log({"user_email": address})
        wandb.log({"phone": caller_phone})
        """,
        """
        import logmask
        import wandb
        wandb.log({"user_email": logmask.mask(address)})
        wandb.log({"phone": logmask.mask(caller_phone)})
        """,
    ),
    (
        "setup-after-a-later-import-of-mlflow",
        """
        import os
        os.environ["MLFLOW_TRACKING_URI"] = "sqlite:///m.db"
        import mlflow

        @mlflow.trace
        def f(customer_email):
            return 1
        """,
        """
        import logmask
        import os
        os.environ["MLFLOW_TRACKING_URI"] = "sqlite:///m.db"
        import mlflow

        mlflow.tracing.configure(span_processors=[logmask.redact_span])

        @mlflow.trace
        def f(customer_email):
            return 1
        """,
    ),
    (
        # MLflow 3: set_tracking_uri() resets the tracing config, span processors included.
        "setup-after-a-tracking-uri-reset",
        """
        import sys

        import mlflow

        mlflow.set_tracking_uri(sys.argv[1])
        mlflow.set_experiment("demo")


        @mlflow.trace
        def lookup(customer_email):
            return 1
        """,
        """
        import sys

        import logmask
        import mlflow

        mlflow.set_tracking_uri(sys.argv[1])

        mlflow.tracing.configure(span_processors=[logmask.redact_span])

        mlflow.set_experiment("demo")


        @mlflow.trace
        def lookup(customer_email):
            return 1
        """,
    ),
    (
        "setup-repeated-after-a-reset-inside-a-function",
        """
        import mlflow as mf


        @mf.trace
        def lookup(customer_email):
            return 1


        def main(uri):
            with mf.start_run():
                mf.set_tracking_uri(uri)
                lookup("x")
        """,
        """
        import logmask
        import mlflow as mf
        import mlflow

        mlflow.tracing.configure(span_processors=[logmask.redact_span])


        @mf.trace
        def lookup(customer_email):
            return 1


        def main(uri):
            with mf.start_run():
                mf.set_tracking_uri(uri)
                mlflow.tracing.configure(span_processors=[logmask.redact_span])
                lookup("x")
        """,
    ),
    (
        "setup-imports-mlflow-when-missing",
        """
        from mlflow import trace

        @trace
        def f(customer_email):
            return 1
        """,
        """
        import logmask
        import mlflow
        from mlflow import trace

        mlflow.tracing.configure(span_processors=[logmask.redact_span])

        @trace
        def f(customer_email):
            return 1
        """,
    ),
    (
        "type-checking-block-is-part-of-the-imports",
        """
        import mlflow
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import pandas
        mlflow.log_param("customer_ssn", ssn)
        """,
        """
        import logmask
        import mlflow
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import pandas
        mlflow.log_param("customer_ssn", logmask.mask(ssn))
        """,
    ),
]


@pytest.mark.parametrize(("before", "after"), [c[1:] for c in IMPORTS], ids=[c[0] for c in IMPORTS])
def test_import_placement(before: str, after: str) -> None:
    assert fix_text(before) == textwrap.dedent(after).lstrip("\n")


def test_module_without_imports_gets_a_block_after_docstring_and_comments() -> None:
    # The setup-only case exercises a module whose only "import" is inside a try block.
    before = (
        "#!/usr/bin/env python\n"
        "# -*- coding: utf-8 -*-\n"
        '"""Serve."""\n'
        "try:\n"
        "    import mlflow\n"
        "except ImportError:\n"
        "    raise\n"
        "\n"
        "mlflow.langchain.autolog()\n"
    )
    after = (
        "#!/usr/bin/env python\n"
        "# -*- coding: utf-8 -*-\n"
        '"""Serve."""\n'
        "\n"
        "import logmask\n"
        "\n"
        "try:\n"
        "    import mlflow\n"
        "except ImportError:\n"
        "    raise\n"
        "\n"
        "mlflow.tracing.configure(span_processors=[logmask.redact_span])\n"
        "\n"
        "mlflow.langchain.autolog()\n"
    )
    assert fix_text(before) == after


def test_shebang_and_cookie_stay_first_without_docstring() -> None:
    before = (
        "#!/usr/bin/env python\n"
        "# -*- coding: utf-8 -*-\n"
        "try:\n"
        "    import mlflow\n"
        "except ImportError:\n"
        "    raise\n"
        "mlflow.langchain.autolog()\n"
    )
    after = fix_text(before)
    assert after.startswith("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport logmask\n")


# ---------------------------------------------------------------------- bytes kept


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        (
            "crlf",
            b"import wandb\r\n\r\n# keep\r\n" + LEAK.replace("\n", "\r\n").encode(),
            b"import logmask\r\nimport wandb\r\n\r\n# keep\r\n"
            + FIXED.replace("\n", "\r\n").encode(),
        ),
        (
            "crlf-setup",
            b"import mlflow\r\n\r\n\r\n@mlflow.trace\r\ndef f(customer_email):\r\n    return 1\r\n",
            b"import logmask\r\nimport mlflow\r\n\r\n"
            b"mlflow.tracing.configure(span_processors=[logmask.redact_span])\r\n\r\n\r\n"
            b"@mlflow.trace\r\ndef f(customer_email):\r\n    return 1\r\n",
        ),
        (
            "bom",
            b"\xef\xbb\xbfimport wandb\n" + LEAK.encode(),
            b"\xef\xbb\xbfimport logmask\nimport wandb\n" + FIXED.encode(),
        ),
        (
            "latin-1-cookie",
            '# -*- coding: latin-1 -*-\n"""Caf\xe9 \xab clients \xbb."""\nimport wandb\n'
            'wandb.log({"r\xe9sum\xe9": 1, "user_email": address})  # \xe9\n'.encode("latin-1"),
            '# -*- coding: latin-1 -*-\n"""Caf\xe9 \xab clients \xbb."""\nimport logmask\n'
            'import wandb\nwandb.log({"r\xe9sum\xe9": 1, "user_email": logmask.mask(address)})'
            "  # \xe9\n".encode("latin-1"),
        ),
        (
            "latin-1-nel-byte-is-not-a-line-break",
            '# coding: latin-1\nimport wandb\nx = "\x85"\n'.encode("latin-1") + LEAK.encode(),
            '# coding: latin-1\nimport logmask\nimport wandb\nx = "\x85"\n'.encode("latin-1")
            + FIXED.encode(),
        ),
        (
            "form-feed-and-u2028-are-not-line-breaks",
            'import wandb\n\x0c\nx = "a\u2028b\u2029c"\n'.encode() + LEAK.encode(),
            'import logmask\nimport wandb\n\x0c\nx = "a\u2028b\u2029c"\n'.encode() + FIXED.encode(),
        ),
        (
            "tabs-and-comments",
            b'import wandb\n\nif True:\n\twandb.log({"user_email":  address})  # why\n',
            b"import logmask\nimport wandb\n\nif True:\n"
            b'\twandb.log({"user_email":  logmask.mask(address)})  # why\n',
        ),
        (
            "no-final-newline-stays-so",
            b"import wandb\n" + LEAK.rstrip("\n").encode(),
            b"import logmask\nimport wandb\n" + FIXED.rstrip("\n").encode(),
        ),
    ],
)
def test_bytes_are_kept(tmp_path: Path, name: str, before: bytes, after: bytes) -> None:
    path = tmp_path / "train.py"
    path.write_bytes(before)
    code, _, _ = cli("check", "--fix", "--unsafe-fixes", "--no-cache", str(path))
    assert path.read_bytes() == after
    assert code == 0


def test_split_lines_breaks_only_where_python_does() -> None:
    assert split_lines("a\r\nb\rc\nd\x0ce\u2028f\x85g") == [
        "a\r\n",
        "b\r",
        "c\n",
        "d\x0ce\u2028f\x85g",
    ]
    assert split_lines("") == []


# ------------------------------------------------------------ never broken, converges


def test_syntax_error_file_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    data = b"import wandb\nwandb.log({'user_email': address}\n"
    path.write_bytes(data)
    code, _out, err = cli("check", "--fix", "--no-cache", str(path))
    assert code == 2 and "syntax error" in err
    assert path.read_bytes() == data
    assert not list(tmp_path.glob(".broken.py.*"))  # no temp file left behind


def test_a_pass_that_would_break_the_file_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"import wandb\n" + LEAK.encode()
    linter = Linter(Config())
    result = linter.check_source(data, "x.py")
    # LibCST parses this, CPython refuses it: the fix loop must notice.
    broken = data + b"def _f():\n    nonlocal _zz\n"
    monkeypatch.setattr(fixes_module, "apply_all", lambda *a: Applied(broken, 1))
    assert fix_loop(linter, result, False).fixed is None
    monkeypatch.setattr(fixes_module, "apply_all", lambda *a: Applied(b"x = (\n", 1))
    assert fix_loop(linter, result, False).fixed is None


def test_a_crash_in_a_fix_is_a_reported_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> Applied:
        raise RuntimeError("boom")

    linter = Linter(Config())
    result = linter.check_source(b"import wandb\n" + LEAK.encode(), "x.py")
    monkeypatch.setattr(fixes_module, "apply_all", boom)
    checked = fix_loop(linter, result, False)
    assert checked.fixed is None
    assert [e.code for e in checked.result.errors] == ["PII901"]
    assert checked.result.findings  # the finding is still reported


def test_fix_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(
        "import pandas as pd\nimport wandb\nimport mlflow\n\n"
        'df = pd.DataFrame({"email": emails})\n'
        'wandb.log({"user_email": address, "t": wandb.Table(dataframe=df)})\n'
        'wandb.log({"u": {"email": e, "name": n}})\n'
        "@mlflow.trace\ndef f(customer_email):\n    return 1\n"
    )
    assert cli("check", "--fix", "--unsafe-fixes", str(path))[0] == 0
    once = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    code, _out, err = cli("check", "--fix", "--unsafe-fixes", str(path))
    assert code == 0 and "Fixed" not in err
    assert path.read_bytes() == once and path.stat().st_mtime_ns == mtime
    assert cli("check", str(path))[0] == 0


def test_atomic_write_keeps_mode_and_follows_links(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text("import wandb\n" + LEAK)
    real.chmod(0o751)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    assert cli("check", "--fix", str(link))[0] == 0
    assert link.is_symlink()
    assert real.read_text() == "import logmask\nimport wandb\n" + FIXED
    assert stat.S_IMODE(real.stat().st_mode) == 0o751
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real.py"]


# -------------------------------------------------------------------- CLI contract


def test_diff_writes_nothing_and_prints_a_unified_diff(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text("import wandb\n" + LEAK)
    code, out, _ = cli("check", "--diff", str(path))
    assert path.read_text() == "import wandb\n" + LEAK
    assert code == 1  # the findings are still in the file
    assert out == (
        f"--- a/{path}\n+++ b/{path}\n@@ -1,2 +1,3 @@\n+import logmask\n import wandb\n"
        f"-{LEAK}+{FIXED}"
    )


def test_diff_marks_a_missing_final_newline() -> None:
    diff = unified_diff("x.py", b"a = 1\nb = 2", b"a = 1\nb = 3")
    assert diff.endswith(
        "-b = 2\n\\ No newline at end of file\n+b = 3\n\\ No newline at end of file\n"
    )


def test_diff_json_reports_the_findings_before_fixing(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text("import wandb\n" + LEAK)
    code, _out, _ = cli("check", "--diff", "--format", "json", "--output-file", "r.json", str(path))
    assert code == 1
    assert '"PII101"' in (Path.cwd() / "r.json").read_text()
    (Path.cwd() / "r.json").unlink()


@pytest.mark.parametrize(
    ("source", "flags", "exit_code", "remaining"),
    [
        ("import wandb\n" + LEAK, (), 0, []),
        # Unsafe fixes wait for the flag: the finding stays and the exit code says so.
        ("import mlflow\n@mlflow.trace\ndef f(customer_email):\n    pass\n", (), 1, ["PII301"]),
        (
            "import mlflow\n@mlflow.trace\ndef f(customer_email):\n    pass\n",
            ("--unsafe-fixes",),
            0,
            [],
        ),
        # No automatic fix for PII401/PII402: fixed what could be, the rest remains.
        (
            'import wandb\nrun = wandb.init(anonymous="allow")\n'
            'run.log({"t": wandb.Table(dataframe=d), "user_email": e})\n'
            'wandb.save("customers_export.csv")\n',
            ("--unsafe-fixes",),
            1,
            ["PII401", "PII402"],
        ),
    ],
)
def test_exit_code_after_fix(
    tmp_path: Path, source: str, flags: tuple[str, ...], exit_code: int, remaining: list[str]
) -> None:
    path = tmp_path / "train.py"
    path.write_text(source)
    code, out, _ = cli("check", "--fix", *flags, "--format", "json", str(path))
    assert code == exit_code
    findings = json.loads(out)
    assert sorted(f["code"] for f in findings) == remaining
    for finding in findings:  # what remains has no fix these flags would apply
        assert finding["fix"] is None or (
            finding["fix"]["applicability"] == "unsafe" and "--unsafe-fixes" not in flags
        )


def test_text_report_counts_only_fixes_that_would_apply(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text("import mlflow\n@mlflow.trace\ndef f(customer_email):\n    pass\n")
    assert "fixable" not in cli("check", str(path))[1]
    assert "[*] 1 fixable" in cli("check", "--unsafe-fixes", str(path))[1]


def test_stdin_fix_writes_the_fixed_source_to_stdout() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "logmask", "check", "--fix", "-", "--stdin-filename", "x.py"],
        input=("import wandb\n" + LEAK).encode(),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert proc.stdout.decode() == "import logmask\nimport wandb\n" + FIXED
    assert b"Found 1 finding (1 fixed, 0 remaining)." in proc.stderr


def test_stdin_fix_writes_unfixable_source_unchanged_and_reports_on_stderr() -> None:
    source = b'import wandb\nwandb.save("customers_export.csv")\n'
    code, out, err = cli("check", "--fix", "-", "--stdin-filename", "x.py", stdin=source)
    assert code == 1
    assert out.encode() == source
    assert "PII402" in err


def test_stdin_diff_prints_a_diff_and_no_source() -> None:
    code, out, _ = cli(
        "check", "--diff", "-", "--stdin-filename", "x.py", stdin=("import wandb\n" + LEAK).encode()
    )
    assert code == 1
    assert out.startswith("--- a/x.py\n+++ b/x.py\n")
