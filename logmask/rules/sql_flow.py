"""What SQL text reads: the columns of a simple SELECT and the rows a cursor then gives.

`cursor.execute("SELECT email FROM customers")` makes the cursor hold rows
of a personal table; `fetchall()` / `fetchone()` then give records / one row
of it, and `spark.sql(...)` a DataFrame. Readers (`pd.read_sql`) use
`select_columns` too.
"""

from __future__ import annotations

import re

import libcst as cst

from logmask.evidence.sources import personal_source
from logmask.rules.arguments import CallArguments
from logmask.rules.syntax import dotted
from logmask.rules.values import UNKNOWN, Scope, Value, constant_text

# Methods that run SQL on a connection, cursor or Spark session.
SQL_RUNNERS = frozenset({"execute", "sql"})
SQL_TEXT = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})
CURSOR_ROWS = frozenset({"fetchall", "fetchmany", "all", "mappings", "partitions"})
CURSOR_ROW = frozenset({"fetchone", "first", "one", "one_or_none"})
SELECT = re.compile(r"^\s*select\s+(?:distinct\s+)?(?P<columns>.+?)\s+from\s", re.I | re.S)


def select_columns(sql: str) -> list[str] | None:
    """The column names a simple `SELECT a, t.b AS c FROM ...` returns; None for `*` or no SQL."""
    match = SELECT.match(sql)
    if match is None:
        return None
    names = []
    for part in match.group("columns").split(","):
        part = part.strip()
        if "*" in part or "(" in part:
            return None
        alias = re.split(r"\s+as\s+|\s+", part, flags=re.I)[-1]
        names.append(alias.split(".")[-1].strip('"`[]'))
    return names or None


def run_sql(
    name: str, call: CallArguments, receiver_node: cst.BaseExpression, scope: Scope
) -> Value | None:
    """`cursor.execute(sql)`, `spark.sql(sql)`: rows of the tables the SQL reads."""
    text = constant_text(call.first(("sql", "query", "statement", "sqlQuery")))
    if not text:
        return None
    columns = select_columns(text)
    source = personal_source(text)
    if source is None and columns is None:
        return None
    rows = Value(
        kind="frame" if name == "sql" else "cursor",
        columns=tuple(columns or ()),
        open_columns=columns is None,
        source=source,
        origin=call.call,
    )
    receiver = dotted(receiver_node)
    if rows.kind == "cursor" and receiver and "." not in receiver:
        scope.bind(receiver, rows.with_(label=receiver))  # `cur.execute(q); cur.fetchall()`
    return rows


def cursor_method(cursor: Value, call: CallArguments, scope: Scope) -> Value:
    """`fetchall()` gives records, `fetchone()` one row, of what the cursor ran."""
    method = cursor.api or ""
    rows = cursor.with_(api=None, label=cursor.source)
    if method in CURSOR_ROWS:
        return rows.with_(kind="records")
    if method in CURSOR_ROW:
        return rows.with_(kind="mapping", owner=cursor.source)
    if method in SQL_RUNNERS:
        return run_sql(method, call, call.call.func, scope) or UNKNOWN
    return UNKNOWN
