"""DuckDB macros and functions that give Trino's semantics where DuckDB's differ.

Typed macro overloads pick the Trino behaviour from the argument's type at bind time, so the
translator needs no type inference: `CAST(x AS varchar)` becomes `__t_varchar(x)`, which formats
a TIMESTAMP as Trino does and leaves other types to DuckDB's cast.
"""

from __future__ import annotations

import math
from decimal import Decimal

# Each statement is run once per connection.
MACROS = [
    # CAST(x AS varchar): Trino prints timestamp(3) with milliseconds, the zone name for
    # timestamp with time zone, and doubles in scientific notation (SQL standard). Every branch
    # is VARCHAR, so one CASE on typeof() serves all types (typed overloads would misfire on
    # aggregate arguments, whose type is unknown when the macro is chosen).
    """CREATE MACRO __t_varchar(a) AS CASE
         WHEN a IS NULL THEN NULL
         WHEN typeof(a) IN ('TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS') THEN
           strftime(CAST(CAST(a AS VARCHAR) AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%g')
         WHEN typeof(a) = 'TIMESTAMP WITH TIME ZONE' THEN
           strftime(CAST(CAST(a AS VARCHAR) AS TIMESTAMPTZ), '%Y-%m-%d %H:%M:%S.%g') || ' UTC'
         WHEN typeof(a) IN ('DOUBLE', 'FLOAT') THEN
           __t_double_text(CAST(CAST(a AS VARCHAR) AS DOUBLE))
         ELSE CAST(a AS VARCHAR) END""",
    # date +/- interval stays a date in Trino (DuckDB makes it a timestamp).
    """CREATE MACRO __t_plus(a DATE, b INTERVAL) AS CAST(a + b AS DATE),
       (a INTERVAL, b DATE) AS CAST(b + a AS DATE), (a, b) AS a + b""",
    """CREATE MACRO __t_minus(a DATE, b INTERVAL) AS CAST(a - b AS DATE), (a, b) AS a - b""",
    # date_add(unit, n, x): the type of x is kept.
    """CREATE MACRO __t_date_add_ts(u, n, x) AS CASE lower(u)
         WHEN 'millisecond' THEN x + to_milliseconds(n) WHEN 'second' THEN x + to_seconds(n)
         WHEN 'minute' THEN x + to_minutes(n) WHEN 'hour' THEN x + to_hours(n)
         WHEN 'day' THEN x + to_days(CAST(n AS INTEGER))
         WHEN 'week' THEN x + to_days(CAST(7 * n AS INTEGER))
         WHEN 'month' THEN x + to_months(CAST(n AS INTEGER))
         WHEN 'quarter' THEN x + to_months(CAST(3 * n AS INTEGER))
         WHEN 'year' THEN x + to_years(CAST(n AS INTEGER))
         ELSE error('INVALID_FUNCTION_ARGUMENT: ''' || u || ''' is not a valid Timestamp field')
         END""",
    """CREATE MACRO __t_date_add(u, n, x DATE) AS CAST(__t_date_add_ts(u, n, x) AS DATE),
       (u, n, x) AS __t_date_add_ts(u, n, x)""",
    # json_extract_scalar: NULL for objects, arrays and invalid JSON (DuckDB gives their text).
    """CREATE MACRO __t_json_scalar(j, p) AS CASE
         WHEN j IS NULL OR NOT json_valid(j) THEN NULL
         WHEN json_type(j, p) IN ('OBJECT', 'ARRAY') THEN NULL
         ELSE json_extract_string(j, p) END""",
    # regexp_extract: NULL when nothing matches (DuckDB gives '').
    """CREATE MACRO __t_regexp_extract(s, p) AS
         CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p) END,
       (s, p, g) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END""",
    # Trino's division by zero is an error, DuckDB's is NULL.
    """CREATE MACRO __t_div(a, b) AS CASE WHEN b = 0 AND typeof(b) NOT IN ('DOUBLE', 'FLOAT')
         THEN error('DIVISION_BY_ZERO: Division by zero') ELSE a / b END""",
    # date_trunc and sequence keep DATE for dates (DuckDB returns timestamps).
    """CREATE MACRO __t_date_trunc(u, x DATE) AS CAST(date_trunc(u, x) AS DATE),
       (u, x) AS date_trunc(u, x)""",
    """CREATE MACRO __t_sequence(a DATE, b DATE) AS
         list_transform(generate_series(a, b, INTERVAL 1 DAY), lambda x: CAST(x AS DATE)),
       (a DATE, b DATE, s INTERVAL) AS
         list_transform(generate_series(a, b, s), lambda x: CAST(x AS DATE)),
       (a, b) AS generate_series(a, b), (a, b, s) AS generate_series(a, b, s)""",
    # array_distinct keeps the first occurrence of each value, in order, and one NULL.
    """CREATE MACRO __t_array_distinct(a) AS list_filter(a, lambda x, i:
         CASE WHEN x IS NULL THEN len(list_filter(a[1:i - 1], lambda y: y IS NULL)) = 0
              ELSE NOT coalesce(list_contains(a[1:i - 1], x), false) END)""",
    # slice(array, start, length); a negative start counts from the end.
    """CREATE MACRO __t_slice(a, s, n) AS CASE
         WHEN s = 0 THEN error('INVALID_FUNCTION_ARGUMENT: SQL array indices start at 1')
         WHEN s < 0 THEN list_slice(a, len(a) + s + 1, len(a) + s + n)
         ELSE list_slice(a, s, s + n - 1) END""",
    "CREATE MACRO __t_from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)",
    "CREATE MACRO __t_from_iso8601_date(s) AS CAST(s AS DATE)",
]


def double_text(value: float | None) -> str | None:
    """Trino's CAST(double AS varchar): '1.5E0', '1.0E-4', '0E0', 'NaN', 'Infinity'."""
    if value is None:
        return None
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0E0" if math.copysign(1, value) < 0 else "0E0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    exp10 = exponent + len(text) - 1
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{exp10}"


def install_functions(con) -> None:
    """Define the Python functions and macros on a DuckDB connection."""
    from duckdb import sqltypes

    con.create_function(
        "__t_double_text", double_text, [sqltypes.DOUBLE], sqltypes.VARCHAR,
        null_handling="special", side_effects=False,
    )
    for statement in MACROS:
        con.execute(statement)
