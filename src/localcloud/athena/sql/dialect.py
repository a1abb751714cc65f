"""Parsing Athena DML (Trino syntax) with sqlglot, keeping the functions whose meaning we
translate ourselves as plain calls (sqlglot's own rewrites of them are lossy)."""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.dialects.trino import Trino
from sqlglot.errors import ParseError, TokenError

from localcloud.athena.errors import QueryFailed

# Functions parsed as anonymous calls: translate.py gives each its Trino meaning.
_KEPT_AS_CALLS = (
    "DATE_FORMAT", "DATE_PARSE", "FORMAT_DATETIME", "PARSE_DATETIME", "DATE_ADD", "DATE_DIFF",
    "JSON_EXTRACT_SCALAR", "REGEXP_EXTRACT", "FROM_ISO8601_TIMESTAMP", "FROM_ISO8601_DATE",
    "APPROX_DISTINCT", "APPROX_PERCENTILE", "DATE_TRUNC", "SEQUENCE", "ARRAY_DISTINCT", "SLICE",
    "TYPEOF", "FORMAT",
)


def _anonymous(name: str):
    return lambda args: exp.Anonymous(this=name, expressions=args)


class AthenaTrino(Trino):
    """Trino as Athena engine 3 speaks it."""

    class Parser(Trino.Parser):
        FUNCTIONS = {
            **Trino.Parser.FUNCTIONS,
            **{name: _anonymous(name) for name in _KEPT_AS_CALLS},
        }


def parse_query(sql: str) -> exp.Expression:
    """Parse one Trino statement; syntax errors as Athena reports them (with line:column)."""
    try:
        statements = [s for s in AthenaTrino().parse(sql) if s is not None]
    except ParseError as error:
        info = error.errors[0] if error.errors else {}
        line, col = info.get("line", 1), info.get("col", 1)
        near = (info.get("highlight") or "").strip()
        detail = (info.get("description") or str(error)).split(". Line")[0]
        detail = re.sub(r"<Token[^>]*>", "end of input", detail)
        hint = f"mismatched input '{near}'. " if near else ""
        raise QueryFailed("SYNTAX_ERROR", f"line {line}:{col}: {hint}{detail}") from None
    except TokenError as error:
        raise QueryFailed("SYNTAX_ERROR", f"line 1:1: {error}") from None
    if len(statements) != 1:
        raise QueryFailed(
            "SYNTAX_ERROR", "line 1:1: Only one sql statement is allowed. Got: "
            f"{len(statements)}"
        )
    statement = statements[0]
    if isinstance(statement, exp.Command):
        word = sql.strip().split()[0] if sql.strip() else ""
        raise QueryFailed("SYNTAX_ERROR", f"line 1:1: mismatched input '{word}'")
    return statement
