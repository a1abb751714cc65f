"""Date/time format patterns: Joda (Trino's format_datetime/parse_datetime) and MySQL (Trino's
date_format/date_parse) translated to strftime/strptime patterns as DuckDB reads them."""

from __future__ import annotations

from localcloud.athena.errors import QueryFailed

# Joda letters -> strftime, by run length (the longest listed run wins).
_JODA = {
    "y": {4: "%Y", 2: "%y", 1: "%Y"},
    "Y": {4: "%Y", 2: "%y", 1: "%Y"},
    "M": {4: "%B", 3: "%b", 2: "%m", 1: "%-m"},
    "d": {2: "%d", 1: "%-d"},
    "H": {2: "%H", 1: "%-H"},
    "h": {2: "%I", 1: "%-I"},
    "m": {2: "%M", 1: "%-M"},
    "s": {2: "%S", 1: "%-S"},
    "S": {3: "%g", 6: "%f"},
    "a": {1: "%p"},
    "E": {4: "%A", 3: "%a", 1: "%a"},
    "D": {3: "%j"},
    "Z": {1: "%z"},
    "z": {1: "%Z"},
}

_MYSQL = {
    "a": "%a", "b": "%b", "c": "%-m", "d": "%d", "e": "%-d", "f": "%f", "H": "%H",
    "h": "%I", "I": "%I", "i": "%M", "j": "%j", "k": "%-H", "l": "%-I", "M": "%B",
    "m": "%m", "p": "%p", "r": "%I:%M:%S %p", "S": "%S", "s": "%S", "T": "%H:%M:%S",
    "W": "%A", "Y": "%Y", "y": "%y", "%": "%%",
}


def joda_to_strftime(pattern: str) -> str:
    """strftime pattern for a Joda pattern ('yyyy-MM-dd HH:mm:ss'); quotes are literals."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "'":
            end = pattern.find("'", i + 1)
            if end == -1:
                raise QueryFailed("INVALID_FUNCTION_ARGUMENT", f"Invalid format: '{pattern}'")
            literal = pattern[i + 1 : end] or "'"
            out.append(literal.replace("%", "%%"))
            i = end + 1
            continue
        if ch.isalpha():
            run = len(pattern) - i - len(pattern[i:].lstrip(ch))
            choices = _JODA.get(ch)
            if not choices:
                raise QueryFailed(
                    "NOT_SUPPORTED", f"Joda pattern letter '{ch}' in '{pattern}' is not "
                    "supported by the local Athena"
                )
            fitting = [n for n in choices if n <= run] or [min(choices)]
            code = choices[max(fitting)]
            if ch == "S" and run not in choices:
                raise QueryFailed(
                    "NOT_SUPPORTED", f"fraction pattern '{'S' * run}' (only SSS and SSSSSS) "
                    "is not supported by the local Athena"
                )
            out.append(code)
            i += run
            continue
        out.append("%%" if ch == "%" else ch)
        i += 1
    return "".join(out)


def mysql_to_strftime(pattern: str) -> str:
    """strftime pattern for a MySQL-style pattern ('%Y-%m-%d %H:%i:%s')."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "%" and i + 1 < len(pattern):
            spec = pattern[i + 1]
            if spec not in _MYSQL:
                raise QueryFailed(
                    "NOT_SUPPORTED", f"date_format specifier '%{spec}' is not supported by "
                    "the local Athena"
                )
            out.append(_MYSQL[spec])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)
