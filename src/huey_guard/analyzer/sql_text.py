"""Reading the SQL text given to execute(): one-row queries, nullable aggregates, tables used."""

from __future__ import annotations

import ast
import re

from huey_guard.analyzer.facts import Val

# SQL whose result always has a row: an aggregate without GROUP BY, or INSERT/UPDATE RETURNING.
_AGGREGATE_SQL = re.compile(
    r"^\s*select\b(?:(?!\bfrom\b).)*?\b(count|sum|max|min|avg|total|group_concat|string_agg|version|now|current_\w+)"
    r"\s*\(",
    re.IGNORECASE | re.DOTALL,
)


_RETURNING_SQL = re.compile(r"^\s*(insert|update)\b.*\breturning\b", re.IGNORECASE | re.DOTALL)


_GROUP_BY = re.compile(r"\bgroup\s+by\b", re.IGNORECASE)


# ...and whose single value is NULL on no input rows: SELECT SUM(x) FROM t WHERE ...
_NULLABLE_AGGREGATE = re.compile(
    r"^\s*select\s+(sum|max|min|avg)\s*\([^()]*\)\s*(as\s+\w+\s*)?from\b",
    re.IGNORECASE | re.DOTALL,
)


_WRITE_SQL = re.compile(
    r"^\s*(?:insert(?:\s+or\s+\w+)?|replace|upsert|merge)\s+into\s+[\"`\[]?(\w+)",
    re.IGNORECASE,
)


_SELECT_FROM = re.compile(r"^\s*select\b.*?\bfrom\s+[\"`\[]?(\w+)", re.IGNORECASE | re.DOTALL)


def written_table(call: ast.Call) -> str | None:
    """``execute("insert into counter ... on conflict ...")``: the table it writes."""
    sql = _execute_sql(call)
    found = _WRITE_SQL.search(sql) if sql is not None else None
    return found.group(1).lower() if found else None


def selected_table(call: ast.Call) -> str | None:
    sql = _execute_sql(call)
    found = _SELECT_FROM.search(sql) if sql is not None else None
    return found.group(1).lower() if found else None


def one_row_sql(call: ast.Call) -> bool:
    """``cursor.execute("select count(*) ...")``: fetchone() after it always has a row."""
    sql = _execute_sql(call)
    if sql is None:
        return False
    if _RETURNING_SQL.search(sql):
        return True
    return _AGGREGATE_SQL.search(sql) is not None and _GROUP_BY.search(sql) is None


def nullable_aggregate_sql(call: ast.Call) -> bool:
    sql = _execute_sql(call)
    return sql is not None and one_row_sql(call) and _NULLABLE_AGGREGATE.search(sql) is not None


def _execute_sql(call: ast.Call) -> str | None:
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in ("execute", "execute_sql"):
        return None
    return _sql_text(call.args[0]) if call.args else None


def _sql_text(node: ast.expr) -> str | None:
    """The literal part of a query: "..." , "...".format(...), "..." % (...), f"..."."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _one_row(receiver: ast.expr, recv: Val) -> str | None:
    """ "one": fetchone() has a row; "null": ...whose single aggregate value may be NULL."""
    if recv.tag in ("sql-one", "sql-null"):
        return "null" if recv.tag == "sql-null" else "one"
    if isinstance(receiver, ast.Call) and one_row_sql(receiver):
        return "null" if nullable_aggregate_sql(receiver) else "one"
    return None
