"""How tabular data flows: constructors, readers and methods of DataFrames, as data.

The analysis consults these tables to keep a DataFrame's known columns,
its source and its masked columns up to date through a module.
"""

from __future__ import annotations

FRAME_LIBRARIES = ("pandas", "polars", "modin.pandas", "dask.dataframe", "cudf", "pyspark.pandas")

FRAME_CONSTRUCTORS = frozenset(
    {"DataFrame", "DataFrame.from_records", "DataFrame.from_dict", "json_normalize", "from_dicts"}
)
# Readers whose first argument (or `sql`/`path`/`table_name`) names the source.
READER_PREFIXES = ("read_", "scan_")
COMBINERS = frozenset({"concat", "merge"})
# Functions that return their frame argument re-encoded, one row per row (columns may grow).
FRAME_PASSTHROUGH = frozenset({"get_dummies"})

# Methods that keep the columns as they are (row selection, ordering, conversion).
SAME_COLUMNS = frozenset(
    {
        "copy",
        "head",
        "tail",
        "sample",
        "query",
        "reset_index",
        "set_index",
        "sort_values",
        "sort_index",
        "dropna",
        "fillna",
        "astype",
        "nlargest",
        "nsmallest",
        "drop_duplicates",
        "round",
        "to_pandas",
        "compute",
        "collect",
        "clone",
        "convert_dtypes",
        "infer_objects",
        "replace",
        "where",
        "mask",
        "interpolate",
        "explode",
        "reindex",
        "shuffle",
        "limit",
        "unique",
        "lazy",
        "to_csv",
        "to_json",
        "to_markdown",
        "to_string",
        "to_html",
        "to_numpy",
        "to_records",
        "values",
        "transpose",
        "T",
        "iloc",
        "loc",
        "rows",
    }
)
# Methods that select columns from their first argument / `items=` / `columns=`.
PROJECTIONS = frozenset({"filter", "select"})
DROPS = frozenset({"drop"})
RENAMES = frozenset({"rename"})
ASSIGNS = frozenset({"assign", "with_columns"})
UNIONS = frozenset({"merge", "join"})
# Methods whose result no longer holds one row per person.
AGGREGATES = frozenset(
    {
        "groupby",
        "agg",
        "aggregate",
        "describe",
        "mean",
        "sum",
        "count",
        "value_counts",
        "corr",
        "cov",
        "nunique",
        "median",
        "std",
        "var",
        "min",
        "max",
        "quantile",
        "size",
        "memory_usage",
        "info",
        "isna",
        "isnull",
        "notna",
        "shape",
        "dtypes",
        "columns",
        "index",
        "crosstab",
        "pivot_table",
        "hist",
        "plot",
    }
)

# Methods that apply a function to each element: masked when the function masks.
# DataFrame methods that write the frame to a file (`PII402` when that file is uploaded).
WRITERS = frozenset(
    {"to_csv", "to_parquet", "to_json", "to_excel", "to_feather", "to_pickle", "to_orc"}
)
ELEMENTWISE = frozenset({"map", "apply", "applymap", "transform", "pipe", "agg"})
# String methods that keep a value's meaning (and so its evidence).
STRING_KEEPERS = frozenset(
    {
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "title",
        "casefold",
        "capitalize",
        "encode",
        "decode",
        "format",
        "split",
        "get",
        "item",
        "tolist",
        "to_list",
    }
)


def frame_api(api: str) -> str | None:
    """The pandas-like name of a qualified API, or None: 'pandas.read_csv' -> 'read_csv'."""
    for lib in FRAME_LIBRARIES:
        if api.startswith(lib + "."):
            return api[len(lib) + 1 :]
    return None


def is_reader(name: str) -> bool:
    return name.startswith(READER_PREFIXES)
