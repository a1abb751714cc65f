"""DuckDB errors rewritten as the errors Athena (Trino) reports for the same mistake."""

from __future__ import annotations

import re

from localcloud.athena.errors import SYSTEM, QueryFailed

_OUR_PREFIX = re.compile(r"([A-Z_]{4,}): (.*)", re.DOTALL)


def position_of(sql: str, word: str) -> str:
    """`line:column` of the first whole-word occurrence of `word` in `sql` (1:1 if absent)."""
    m = re.search(r"(?<![\w.])" + re.escape(word) + r"(?!\w)", sql, re.IGNORECASE)
    if not m:
        m = re.search(re.escape(word), sql, re.IGNORECASE)
    if not m:
        return "1:1"
    before = sql[: m.start()]
    line = before.count("\n") + 1
    column = m.start() - (before.rfind("\n") + 1) + 1
    return f"{line}:{column}"


def athena_error(error: Exception, sql: str) -> QueryFailed:
    """The Athena-shaped failure for a DuckDB exception raised while running `sql`."""
    text = str(error)
    kind = type(error).__name__
    body = text.split(":", 1)[1].strip() if ":" in text else text
    body = body.split("\n\nLINE")[0].split("\nLINE")[0].strip()
    ours = _OUR_PREFIX.match(body)
    if ours and ours.group(1) in ("DIVISION_BY_ZERO", "INVALID_FUNCTION_ARGUMENT"):
        return QueryFailed(ours.group(1), ours.group(2).strip())
    m = re.search(r'Referenced column "([^"]+)" not found', body) or re.search(
        r'column "?([^" ]+)"? (?:does not exist|not found)', body
    )
    if m:
        name = m.group(1)
        return QueryFailed(
            "COLUMN_NOT_FOUND", f"line {position_of(sql, name)}: Column '{name}' cannot be "
            "resolved or requester is not authorized to access requested resources"
        )
    m = re.search(r"(?:Scalar|Aggregate|Table) Function with name (\w+) does not exist", body)
    if m:
        name = m.group(1)
        return QueryFailed(
            "FUNCTION_NOT_FOUND", f"line {position_of(sql, name)}: Function '{name}' not registered"
        )
    m = re.search(r"No function matches the given name and argument types '(\w+)\((.*?)\)'", body)
    if m:
        name = m.group(1)
        return QueryFailed(
            "FUNCTION_NOT_FOUND", f"line {position_of(sql, name)}: Unexpected parameters "
            f"({m.group(2).lower()}) for function {name}"
        )
    m = re.search(r'Ambiguous reference to column name "([^"]+)"', body)
    if m:
        return QueryFailed(
            "AMBIGUOUS_NAME", f"line {position_of(sql, m.group(1))}: Column '{m.group(1)}' is "
            "ambiguous"
        )
    if kind == "ConversionException" or "Could not convert" in body:
        m = re.search(r"Could not convert string '([^']*)' to (\w+)", body)
        if m:
            return QueryFailed(
                "INVALID_CAST_ARGUMENT", f"Cannot cast '{m.group(1)}' to {m.group(2).lower()}"
            )
        return QueryFailed("INVALID_CAST_ARGUMENT", body)
    if kind == "BinderException" and ("Cannot compare" in body or "cannot be" in body.lower()):
        return QueryFailed("TYPE_MISMATCH", f"line 1:1: {body}")
    if kind == "OutOfRangeException":
        return QueryFailed("NUMERIC_VALUE_OUT_OF_RANGE", body)
    if kind in ("BinderException", "CatalogException", "ParserException"):
        return QueryFailed("SYNTAX_ERROR", f"line 1:1: {body}")
    if kind == "InvalidInputException":
        return QueryFailed("HIVE_BAD_DATA" if "JSON" in body or "CSV" in body else
                           "INVALID_FUNCTION_ARGUMENT", body)
    return QueryFailed("GENERIC_INTERNAL_ERROR", f"{kind}: {body}", category=SYSTEM)
