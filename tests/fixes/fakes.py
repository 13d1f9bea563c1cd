"""Recording stand-ins for wandb and mlflow, so fixed snippets can run in-process.

They keep what each call was given; `Recorded.text()` flattens it (DataFrames,
Tables, datasets, nested containers) so a test can grep for personal values.
The real trackers are exercised end to end in tests/e2e/.
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest


class Recorded:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, name: str) -> Callable[..., None]:
        def record(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, args, kwargs))

        return record

    def names(self) -> list[str]:
        return [name for name, _, _ in self.calls]

    def text(self) -> str:
        return "\n".join(leaves(self.calls))


def leaves(obj: Any) -> Iterator[str]:
    """Every scalar an object holds, as text (what a tracker would store)."""
    import pandas as pd

    if isinstance(obj, pd.DataFrame):
        yield from (str(c) for c in obj.columns)
        yield from leaves(obj.to_numpy().tolist())
    elif isinstance(obj, FakeTable):
        yield from leaves(obj.columns)
        yield from leaves(obj.data)
    elif isinstance(obj, FakeDataset):
        yield from leaves(obj.df)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield str(key)
            yield from leaves(value)
    elif isinstance(obj, list | tuple | set):
        for value in obj:
            yield from leaves(value)
    elif callable(obj):
        yield getattr(obj, "__qualname__", repr(obj))
    else:
        yield str(obj)


class FakeTable:
    """`wandb.Table` as far as logging and `logmask.mask_dataframe` care."""

    def __init__(
        self,
        columns: list[Any] | None = None,
        data: Any = None,
        rows: Any = None,
        dataframe: Any = None,
        allow_mixed_types: bool = False,
        log_mode: str = "IMMUTABLE",
        **_: Any,
    ) -> None:
        import pandas as pd

        self.log_mode = log_mode
        frame = dataframe if dataframe is not None else data
        if isinstance(frame, pd.DataFrame):
            self.columns = [str(c) for c in frame.columns]
            self.data = frame.to_numpy().tolist()
            return
        data = data if data is not None else rows
        assert data is None or isinstance(data, list), "wandb.Table data must be a list"
        self.columns = list(columns) if columns is not None else ["Input", "Output", "Expected"]
        self.data = [list(row) if isinstance(row, list | tuple) else row for row in data or []]

    def add_data(self, *row: Any) -> None:
        self.data.append(list(row))


FakeTable.__module__ = "wandb.sdk.data_types.table"  # what logmask.mask_dataframe checks


class FakeDataset:
    def __init__(self, df: Any, **kwargs: Any) -> None:
        self.df = df
        self.kwargs = kwargs


class _Store:
    """`wandb.config` / `run.summary`: attribute and item assignment, `update`."""

    def __init__(self, rec: Recorded, name: str) -> None:
        object.__setattr__(self, "_rec", rec)
        object.__setattr__(self, "_name", name)

    def __setattr__(self, key: str, value: Any) -> None:
        self._rec(f"{self._name}.{key}")(value)

    def __setitem__(self, key: str, value: Any) -> None:
        self._rec(f"{self._name}[{key}]")(value)

    def update(self, values: dict[str, Any], **kwargs: Any) -> None:
        self._rec(f"{self._name}.update")(values)


def fake_wandb(rec: Recorded) -> types.ModuleType:
    wandb = types.ModuleType("wandb")
    run = types.SimpleNamespace(
        log=rec("run.log"),
        summary=_Store(rec, "run.summary"),
        config=_Store(rec, "run.config"),
        finish=lambda: None,
    )

    def init(**kwargs: Any) -> types.SimpleNamespace:
        rec("init")(**kwargs)
        return run

    wandb.init = init  # type: ignore[attr-defined]
    wandb.log = rec("log")  # type: ignore[attr-defined]
    wandb.config = _Store(rec, "config")  # type: ignore[attr-defined]
    wandb.summary = _Store(rec, "summary")  # type: ignore[attr-defined]
    wandb.Table = FakeTable  # type: ignore[attr-defined]
    wandb.save = rec("save")  # type: ignore[attr-defined]
    return wandb


def fake_mlflow(rec: Recorded) -> types.ModuleType:
    mlflow = types.ModuleType("mlflow")
    for name in (
        "log_param",
        "log_params",
        "log_metric",
        "set_tag",
        "set_tags",
        "log_dict",
        "log_table",
        "log_input",
        "evaluate",
    ):
        setattr(mlflow, name, rec(name))
    mlflow.data = types.SimpleNamespace(from_pandas=FakeDataset)  # type: ignore[attr-defined]
    mlflow.sklearn = types.SimpleNamespace(log_model=rec("sklearn.log_model"))  # type: ignore[attr-defined]
    mlflow.langchain = types.SimpleNamespace(autolog=rec("langchain.autolog"))  # type: ignore[attr-defined]
    mlflow.tracing = types.SimpleNamespace(configure=rec("tracing.configure"))  # type: ignore[attr-defined]
    span = types.SimpleNamespace(set_attribute=rec("span.set_attribute"))
    mlflow.get_current_active_span = lambda: span  # type: ignore[attr-defined]

    def trace(func: Callable[..., Any] | None = None, **_: Any) -> Any:
        def wrap(f: Callable[..., Any]) -> Callable[..., Any]:
            rec("trace")(f.__name__)
            return f

        return wrap(func) if func is not None else wrap

    mlflow.trace = trace  # type: ignore[attr-defined]

    @contextlib.contextmanager
    def start_run(**kwargs: Any) -> Iterator[None]:
        rec("start_run")(**kwargs)
        yield

    mlflow.start_run = start_run  # type: ignore[attr-defined]
    return mlflow


def run_snippet(source: str, inputs: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Recorded:
    """Run `source` with fake trackers and `inputs` as globals; what was logged."""
    rec = Recorded()
    monkeypatch.setitem(sys.modules, "wandb", fake_wandb(rec))
    monkeypatch.setitem(sys.modules, "mlflow", fake_mlflow(rec))
    namespace: dict[str, Any] = {"__name__": "snippet", **inputs}
    exec(compile(source, "snippet.py", "exec"), namespace)
    return rec
