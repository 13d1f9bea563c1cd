"""`import logmask` goes into users' training code: it must not pull in heavy modules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CODE = """
import sys
import logmask
logmask.mask("x")
assert "libcst" not in sys.modules and "click" not in sys.modules and "pandas" not in sys.modules
logmask.mask_records([{"email": "ann@corp.de", "user": {"name": "Ann"}}])
logmask.mask_dataframe({"email": ["ann@corp.de", None]})
logmask.redact_text("write to ann@gmail.com")
logmask.redact_text([{"role": "user", "content": "I am Ann, see you at 10:30"}])
logmask.redact_span, logmask.LogmaskWarning, logmask.__version__
heavy = {"libcst", "click", "pandas", "mlflow", "wandb"} & set(sys.modules)
assert not heavy, heavy
# the validating libraries load only when a text has a candidate for them
assert "phonenumbers" not in sys.modules and "stdnum" not in sys.modules
assert logmask.redact_text("call +44 20 7946 0958, BSN 111222333") == "call <PHONE>, BSN <BSN>"
assert "phonenumbers" in sys.modules and "stdnum" in sys.modules
print("ok")
"""


def test_import_and_helpers_stay_light() -> None:
    env = dict(os.environ, LOGMASK_KEY="k", PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", CODE],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_public_api() -> None:
    import logmask

    assert logmask.__version__ == "0.1.0"
    for name in ("mask", "mask_dataframe", "mask_records", "redact_text", "redact_span"):
        assert callable(getattr(logmask, name)), name
        assert name in dir(logmask)
    try:
        logmask.no_such_helper  # noqa: B018
    except AttributeError as exc:
        assert "no_such_helper" in str(exc)
    else:
        raise AssertionError("unknown attributes must raise AttributeError")
