"""DuckDB errors rewritten as the errors Athena (Trino) reports for the same mistake."""

from __future__ import annotations

import re
from collections.abc import Callable

from localcloud.athena.errors import SYSTEM, QueryFailed

_OUR_PREFIX = re.compile(r"(DIVISION_BY_ZERO|INVALID_FUNCTION_ARGUMENT): (.*)", re.DOTALL)


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


Rule = Callable[[re.Match, str], QueryFailed]

# (pattern over DuckDB's message, Athena's error for it); the first match wins.
_RULES: list[tuple[re.Pattern, Rule]] = [
    (_OUR_PREFIX, lambda m, sql: QueryFailed(m.group(1), m.group(2).strip())),
    (re.compile(r'Referenced column "([^"]+)" not found|column "?([^" ]+)"? (?:does not exist'
                r'|not found)'),
     lambda m, sql: QueryFailed(
         "COLUMN_NOT_FOUND",
         f"line {position_of(sql, m.group(1) or m.group(2))}: Column "
         f"'{m.group(1) or m.group(2)}' cannot be resolved or requester is not authorized to "
         "access requested resources")),
    (re.compile(r"(?:Scalar|Aggregate|Table) Function with name (\w+) does not exist"),
     lambda m, sql: QueryFailed(
         "FUNCTION_NOT_FOUND", f"line {position_of(sql, m.group(1))}: Function "
         f"'{m.group(1)}' not registered")),
    (re.compile(r"No function matches the given name and argument types '(\w+)\((.*?)\)'"),
     lambda m, sql: QueryFailed(
         "FUNCTION_NOT_FOUND", f"line {position_of(sql, m.group(1))}: Unexpected parameters "
         f"({m.group(2).lower()}) for function {m.group(1)}")),
    (re.compile(r'Ambiguous reference to column name "([^"]+)"'),
     lambda m, sql: QueryFailed(
         "AMBIGUOUS_NAME", f"line {position_of(sql, m.group(1))}: Column '{m.group(1)}' is "
         "ambiguous")),
    (re.compile(r"Could not convert string '([^']*)' to (\w+)"),
     lambda m, sql: QueryFailed(
         "INVALID_CAST_ARGUMENT", f"Cannot cast '{m.group(1)}' to {m.group(2).lower()}")),
    (re.compile(r'Malformed JSON in file "([^"]+)"'),
     lambda m, sql: QueryFailed(
         "HIVE_CURSOR_ERROR", f"Row is not a valid JSON Object (file {m.group(1)}): "
         f"{m.string}")),
    (re.compile(r"Cannot compare|cannot be (?:cast|compared)|Cannot mix", re.IGNORECASE),
     lambda m, sql: QueryFailed("TYPE_MISMATCH", f"line 1:1: {m.string}")),
]

# By exception class, when no message rule matched.
_BY_KIND = {
    "ConversionException": "INVALID_CAST_ARGUMENT",
    "OutOfRangeException": "NUMERIC_VALUE_OUT_OF_RANGE",
    "BinderException": "SYNTAX_ERROR",
    "CatalogException": "SYNTAX_ERROR",
    "ParserException": "SYNTAX_ERROR",
    "InvalidInputException": "INVALID_FUNCTION_ARGUMENT",
}


def athena_error(error: Exception, sql: str) -> QueryFailed:
    """The Athena-shaped failure for a DuckDB exception raised while running `sql`."""
    text = str(error)
    kind = type(error).__name__
    body = text.split(":", 1)[1].strip() if ":" in text else text
    body = body.split("\n\nLINE")[0].split("\nLINE")[0].strip()
    for pattern, build in _RULES:
        m = pattern.search(body)
        if m:
            return build(m, sql)
    error_type = _BY_KIND.get(kind)
    if error_type == "SYNTAX_ERROR":
        return QueryFailed(error_type, f"line 1:1: {body}")
    if error_type:
        return QueryFailed(error_type, body)
    return QueryFailed("GENERIC_INTERNAL_ERROR", f"{kind}: {body}", category=SYSTEM)
