"""Athena (Trino) query AST → DuckDB SQL with Trino's meaning.

sqlglot's Trino→DuckDB generator does most of the work; the rewrites here cover the places where
its output would silently mean something else (NOTES.md "Local Athena"), each with a test in
tests/unit/localcloud_athena/test_translate.py. What cannot be translated faithfully fails.
"""

from __future__ import annotations

from sqlglot import exp

from localcloud.athena.errors import QueryFailed, not_supported
from localcloud.athena.sql.patterns import joda_to_strftime, mysql_to_strftime

_VARCHAR_TYPES = {exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT, exp.DataType.Type.CHAR,
                  exp.DataType.Type.NVARCHAR, exp.DataType.Type.NCHAR}
_TIMESTAMP_TYPES = {exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ,
                    exp.DataType.Type.TIMESTAMPLTZ}


def to_duckdb(tree: exp.Expression) -> str:
    """DuckDB SQL for an Athena query AST (the tree is not modified)."""
    rewritten = tree.copy().transform(_rewrite, copy=False)
    return rewritten.sql(dialect="duckdb")


def _call(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _literal_text(node: exp.Expression, function: str) -> str:
    if not (isinstance(node, exp.Literal) and node.is_string):
        raise not_supported(f"A non-literal format pattern in {function}()")
    return node.this


def _rewrite(node: exp.Expression) -> exp.Expression:
    handler = _HANDLERS.get(type(node))
    return handler(node) if handler else node


def _cast(node: exp.Cast) -> exp.Expression:
    to = node.to
    if to.this in _VARCHAR_TYPES:
        # Trino's text for timestamps/doubles differs from DuckDB's.
        return _call("__t_varchar", node.this)
    if to.this in _TIMESTAMP_TYPES and to.expressions:
        # timestamp(p): DuckDB's TIMESTAMP(0) is TIMESTAMP_S; keep DuckDB's microseconds.
        node.set("to", exp.DataType(this=to.this))
    return node


def _data_type(node: exp.DataType) -> exp.DataType:
    if node.this in _TIMESTAMP_TYPES and node.expressions:
        return exp.DataType(this=node.this)
    return node


def _div(node: exp.Div) -> exp.Expression:
    # Integer division truncates (SET integer_division) and division by zero is an error.
    return _call("__t_div", node.this, node.expression)


def _contains_aggregate(node: exp.Expression) -> bool:
    """True when `node` itself computes an aggregate or window value (subqueries excluded:
    DuckDB binds them first, so their type is known)."""
    for found in node.find_all(exp.AggFunc, exp.Window):
        if found is node:
            return True
        parent, nested = found.parent, False
        while parent is not None and parent is not node:
            if isinstance(parent, (exp.Subquery, exp.Select)):
                nested = True
                break
            parent = parent.parent
        if not nested:
            return True
    return False


def _interval_arith(node: exp.Binary) -> exp.Expression:
    left, right = node.this, node.expression
    if not (isinstance(right, exp.Interval) or isinstance(left, exp.Interval)):
        return node
    if _contains_aggregate(left) or _contains_aggregate(right):
        raise not_supported(
            "Date/time arithmetic on an aggregate or window result (compute the aggregate in a "
            "subquery first)"
        )
    # date +/- interval is a date in Trino (a timestamp in DuckDB).
    return _call("__t_plus" if isinstance(node, exp.Add) else "__t_minus", left, right)


def _approx_distinct(args: list[exp.Expression]) -> exp.Expression:
    # Exact distinct count: within any error bound approx_distinct allows.
    return exp.Count(this=exp.Distinct(expressions=[args[0]]))


def _date_add(args: list[exp.Expression]) -> exp.Expression:
    if len(args) != 3:
        raise QueryFailed("FUNCTION_NOT_FOUND", "date_add takes (unit, value, timestamp)")
    if _contains_aggregate(args[2]):
        raise not_supported("date_add() on an aggregate or window result")
    return _call("__t_date_add", *args)


def _date_diff(args: list[exp.Expression]) -> exp.Expression:
    # Trino counts whole units elapsed (DuckDB's date_sub), not boundaries crossed (date_diff).
    return _call("date_sub", *args)


def _format_datetime(args: list[exp.Expression]) -> exp.Expression:
    pattern = joda_to_strftime(_literal_text(args[1], "format_datetime"))
    return _call("strftime", args[0], exp.Literal.string(pattern))


def _parse_datetime(args: list[exp.Expression]) -> exp.Expression:
    pattern = joda_to_strftime(_literal_text(args[1], "parse_datetime"))
    return _call("strptime", args[0], exp.Literal.string(pattern))


def _date_format(args: list[exp.Expression]) -> exp.Expression:
    pattern = mysql_to_strftime(_literal_text(args[1], "date_format"))
    return _call("strftime", args[0], exp.Literal.string(pattern))


def _date_parse(args: list[exp.Expression]) -> exp.Expression:
    pattern = mysql_to_strftime(_literal_text(args[1], "date_parse"))
    return exp.Cast(
        this=_call("strptime", args[0], exp.Literal.string(pattern)),
        to=exp.DataType.build("TIMESTAMP"),
    )


def _approx_percentile(args: list[exp.Expression]) -> exp.Expression:
    if len(args) != 2:
        raise not_supported("approx_percentile with weights or accuracy")
    # Exact quantile (a nearest-rank value of the input, as Trino's estimates are).
    return _call("quantile_disc", args[0], args[1])


def _typed(macro: str, function: str, checked: int):
    """A call to a typed-overload macro; refused when argument `checked` is an aggregate or
    window result, whose type DuckDB's overload choice cannot see."""

    def build(args: list[exp.Expression]) -> exp.Expression:
        if len(args) > checked and _contains_aggregate(args[checked]):
            raise not_supported(
                f"{function}() on an aggregate or window result (compute the aggregate in a "
                "subquery first)"
            )
        return _call(macro, *args)

    return build


def _refuse(function: str, advice: str):
    def build(args: list[exp.Expression]) -> exp.Expression:
        raise not_supported(f"{function}() ({advice})")

    return build


_CALLS = {
    "DATE_TRUNC": _typed("__t_date_trunc", "date_trunc", 1),
    "SEQUENCE": _typed("__t_sequence", "sequence", 0),
    "ARRAY_DISTINCT": lambda args: _call("__t_array_distinct", *args),
    "SLICE": lambda args: _call("__t_slice", *args),
    # Trino's format() takes Java format strings, close to printf (DuckDB's format is {}-style).
    "FORMAT": lambda args: _call("printf", *args),
    "TYPEOF": _refuse("typeof", "DuckDB's type names are not Trino's"),
    "APPROX_DISTINCT": _approx_distinct,
    "APPROX_PERCENTILE": _approx_percentile,
    "DATE_ADD": _date_add,
    "DATE_DIFF": _date_diff,
    "FORMAT_DATETIME": _format_datetime,
    "PARSE_DATETIME": _parse_datetime,
    "DATE_FORMAT": _date_format,
    "DATE_PARSE": _date_parse,
    "JSON_EXTRACT_SCALAR": lambda args: _call("__t_json_scalar", *args),
    "REGEXP_EXTRACT": lambda args: _call("__t_regexp_extract", *args),
    "FROM_ISO8601_TIMESTAMP": lambda args: _call("__t_from_iso8601_timestamp", *args),
    "FROM_ISO8601_DATE": lambda args: _call("__t_from_iso8601_date", *args),
}


def _anonymous(node: exp.Anonymous) -> exp.Expression:
    name = node.name.upper()
    handler = _CALLS.get(name)
    return handler(list(node.expressions)) if handler else node


def _reduce(node: exp.Reduce) -> exp.Expression:
    merge = node.args["merge"]
    reduced = _call("list_reduce", node.this, merge, node.args["initial"])
    finish = node.args.get("finish")
    if finish is None:
        return reduced
    params = [p.name for p in finish.expressions]
    if len(params) != 1:
        raise not_supported("reduce() with an output function of more than one argument")
    param = params[0]
    body = finish.this.copy()

    def substitute(n: exp.Expression) -> exp.Expression:
        if isinstance(n, (exp.Identifier, exp.Column)) and n.name == param and not (
            isinstance(n, exp.Column) and n.table
        ):
            return exp.paren(reduced.copy())
        return n

    return body.transform(substitute)


def _unnest(node: exp.Unnest) -> exp.Expression:
    if len(node.expressions) <= 1:
        return node
    if node.args.get("offset"):
        raise not_supported("UNNEST of several arrays WITH ORDINALITY")
    alias = node.args.get("alias")
    columns = [c.name for c in alias.columns] if alias else []
    if len(columns) != len(node.expressions):
        raise not_supported("UNNEST of several arrays without one column alias per array")
    # Trino zips the arrays, padding the shorter ones with NULL; DuckDB's unnest() calls in one
    # SELECT do exactly that.
    pairs = zip(node.expressions, columns, strict=True)
    select = exp.select(*[exp.alias_(_call("unnest", e), c) for e, c in pairs])
    return exp.Subquery(this=select, alias=exp.TableAlias(this=alias.this.copy()))


def _at_time_zone(node: exp.AtTimeZone) -> exp.Expression:
    # Trino converts the instant into the zone; DuckDB reinterprets a timestamp as local time
    # there, and DuckDB values carry no zone to print.
    raise not_supported("AT TIME ZONE")


_HANDLERS = {
    exp.AtTimeZone: _at_time_zone,
    exp.Cast: _cast,
    exp.TryCast: _cast,
    exp.DataType: _data_type,
    exp.Div: _div,
    exp.Add: _interval_arith,
    exp.Sub: _interval_arith,
    exp.Anonymous: _anonymous,
    exp.Reduce: _reduce,
    exp.Unnest: _unnest,
}
