"""Benchmark ``logmask.mask_dataframe`` on 1M rows x 3 personal columns.

Every value is distinct (the worst case: the cost follows the number of
distinct values, since each one is hashed once). Not a test; run it by hand::

    python bench/bench_mask_dataframe.py [rows]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# Run from a checkout without installing: make the repository importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(rows: int = 1_000_000) -> None:
    import numpy as np
    import pandas as pd

    import logmask

    os.environ.setdefault("LOGMASK_KEY", "bench-key")
    ids = np.arange(rows)
    df = pd.DataFrame(
        {
            "email": [f"user{i}@example{i % 97}.com" for i in ids],
            "phone": [f"+44 20 {i:08d}" for i in ids],
            "customer_id": ids,
            "amount": np.random.default_rng(0).random(rows),
        }
    )
    df.loc[::10, "email"] = None  # some missing values, as in real data
    columns = ["email", "phone", "customer_id"]
    distinct = sum(df[c].nunique() for c in columns)

    logmask.mask("warm-up")
    start = time.perf_counter()
    out = logmask.mask_dataframe(df, columns=columns)
    seconds = time.perf_counter() - start

    assert out["email"].isna().sum() == df["email"].isna().sum()
    assert out["amount"].equals(df["amount"])
    print(
        f"mask_dataframe: {rows:,} rows x {len(columns)} columns "
        f"({distinct:,} distinct values) in {seconds:.2f} s "
        f"({seconds / distinct * 1e6:.2f} us per distinct value); "
        f"pandas {pd.__version__}, {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
