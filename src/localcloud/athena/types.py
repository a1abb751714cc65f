"""Type names in the three vocabularies Athena touches: Hive (Glue catalog), DuckDB, Athena.

Parsing Hive type strings (`array<struct<a:int>>`), turning them into DuckDB types for reads and
casts, and naming DuckDB result types as Athena's ColumnInfo does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SIMPLE_HIVE_TO_DUCK = {
    "string": "VARCHAR", "varchar": "VARCHAR", "char": "VARCHAR",
    "tinyint": "TINYINT", "smallint": "SMALLINT", "int": "INTEGER", "integer": "INTEGER",
    "bigint": "BIGINT", "float": "FLOAT", "real": "FLOAT", "double": "DOUBLE",
    "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP", "binary": "BLOB",
}

# Athena's ColumnInfo: (type name, precision) per DuckDB base type.
_DUCK_TO_ATHENA = {
    "VARCHAR": ("varchar", 2147483647), "BIGINT": ("bigint", 19), "HUGEINT": ("bigint", 19),
    "UBIGINT": ("bigint", 19), "INTEGER": ("integer", 10), "UINTEGER": ("bigint", 19),
    "SMALLINT": ("smallint", 5), "USMALLINT": ("integer", 10), "TINYINT": ("tinyint", 3),
    "UTINYINT": ("smallint", 5), "DOUBLE": ("double", 17), "FLOAT": ("real", 17),
    "BOOLEAN": ("boolean", 0), "DATE": ("date", 0), "TIMESTAMP": ("timestamp", 3),
    "TIMESTAMP_MS": ("timestamp", 3), "TIMESTAMP_NS": ("timestamp", 3),
    "TIMESTAMP_S": ("timestamp", 3),
    "TIMESTAMP WITH TIME ZONE": ("timestamp with time zone", 3), "BLOB": ("varbinary", 0),
    "INTERVAL": ("interval day to second", 0), "JSON": ("json", 0), "UUID": ("uuid", 0),
    "TIME": ("time", 3), "\"NULL\"": ("unknown", 0), "NULL": ("unknown", 0),
}


class TypeError_(ValueError):
    """A type string we cannot read (names the offending text)."""


@dataclass
class HiveType:
    """A parsed Hive type: `name` plus parameters or children."""

    name: str
    params: tuple[int, ...] = ()
    children: list[HiveType] = field(default_factory=list)
    field_names: list[str] = field(default_factory=list)

    def duckdb(self) -> str:
        """The DuckDB type that holds values of this Hive type."""
        if self.name in _SIMPLE_HIVE_TO_DUCK:
            return _SIMPLE_HIVE_TO_DUCK[self.name]
        if self.name == "decimal":
            precision, scale = (self.params + (10, 0))[:2] if self.params else (10, 0)
            if len(self.params) == 1:
                precision, scale = self.params[0], 0
            return f"DECIMAL({precision},{scale})"
        if self.name == "array":
            return f"{self.children[0].duckdb()}[]"
        if self.name == "map":
            return f"MAP({self.children[0].duckdb()}, {self.children[1].duckdb()})"
        if self.name == "struct":
            inner = ", ".join(
                f'"{n}" {c.duckdb()}' for n, c in zip(self.field_names, self.children, strict=False)
            )
            return f"STRUCT({inner})"
        raise TypeError_(f"Hive type {self.name!r} is not supported by the local Athena")

    def hive(self) -> str:
        """The canonical Hive spelling (as Glue stores it)."""
        if self.params:
            return f"{self.name}({','.join(map(str, self.params))})"
        if self.name == "array":
            return f"array<{self.children[0].hive()}>"
        if self.name == "map":
            return f"map<{self.children[0].hive()},{self.children[1].hive()}>"
        if self.name == "struct":
            pairs = zip(self.field_names, self.children, strict=True)
            inner = ",".join(f"{n}:{c.hive()}" for n, c in pairs)
            return f"struct<{inner}>"
        return self.name


_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_ ]*?(?=\s*[<>(),:]|\s*$)|[<>(),:]|\d+)")


def parse_hive_type(text: str) -> HiveType:
    """Parse a Hive type string such as `map<string,array<struct<a:int,b:string>>>`."""
    tokens = [t.strip() for t in _TOKEN.findall(text.strip()) if t.strip()]
    if not tokens:
        raise TypeError_(f"empty type string {text!r}")
    parsed, pos = _parse(tokens, 0, text)
    if pos != len(tokens):
        raise TypeError_(f"cannot read type {text!r} (trailing {' '.join(tokens[pos:])!r})")
    return parsed


def _parse(tokens: list[str], pos: int, text: str) -> tuple[HiveType, int]:
    name = tokens[pos].lower()
    pos += 1
    if name in ("array", "map", "struct"):
        return _parse_nested(name, tokens, pos, text)
    if name not in _SIMPLE_HIVE_TO_DUCK and name != "decimal":
        raise TypeError_(f"Hive type {name!r} (in {text!r}) is not supported by the local Athena")
    params: list[int] = []
    if pos < len(tokens) and tokens[pos] == "(":
        pos += 1
        while tokens[pos] != ")":
            if tokens[pos] != ",":
                params.append(int(tokens[pos]))
            pos += 1
        pos += 1
    if name in ("varchar", "char"):
        params = []  # lengths do not change how values are read
    return HiveType(name, tuple(params)), pos


def _parse_nested(name: str, tokens: list[str], pos: int, text: str) -> tuple[HiveType, int]:
    if pos >= len(tokens) or tokens[pos] != "<":
        raise TypeError_(f"type {text!r}: {name} needs <...>")
    pos += 1
    result = HiveType(name)
    while True:
        if name == "struct":
            result.field_names.append(tokens[pos])
            if tokens[pos + 1] != ":":
                raise TypeError_(f"type {text!r}: struct fields are name:type")
            pos += 2
        child, pos = _parse(tokens, pos, text)
        result.children.append(child)
        if tokens[pos] == ">":
            return result, pos + 1
        if tokens[pos] != ",":
            raise TypeError_(f"type {text!r}: expected ',' or '>' at {tokens[pos]!r}")
        pos += 1


def hive_to_duckdb(text: str) -> str:
    return parse_hive_type(text).duckdb()


def athena_column_type(duck_type: str) -> tuple[str, int, int]:
    """(Athena type name, precision, scale) of a DuckDB result column type."""
    upper = duck_type.upper()
    if upper.endswith("[]") or upper.startswith("LIST") or re.match(r".*\[\d+\]$", upper):
        return "array", 0, 0
    if upper.startswith("MAP("):
        return "map", 0, 0
    if upper.startswith("STRUCT(") or upper.startswith("UNION("):
        return "row", 0, 0
    m = re.match(r"DECIMAL\((\d+),\s*(\d+)\)", upper)
    if m:
        return "decimal", int(m[1]), int(m[2])
    if upper.startswith("ENUM"):
        return "varchar", 2147483647, 0
    name, precision = _DUCK_TO_ATHENA.get(upper, ("varchar", 2147483647))
    return name, precision, 0


def duckdb_to_hive(duck_type: str) -> str:
    """The Hive type Glue stores for a column DuckDB produced (CTAS, UNLOAD)."""
    upper = duck_type.upper().strip()
    if upper.endswith("[]"):
        return f"array<{duckdb_to_hive(upper[:-2])}>"
    if upper.startswith("MAP("):
        key, value = _split_top(upper[4:-1])
        return f"map<{duckdb_to_hive(key)},{duckdb_to_hive(value)}>"
    if upper.startswith("STRUCT("):
        parts = []
        for item in _split_top(duck_type.strip()[7:-1]):
            fname, ftype = item.strip().split(" ", 1)
            parts.append(f"{fname.strip(chr(34)).lower()}:{duckdb_to_hive(ftype)}")
        return f"struct<{','.join(parts)}>"
    m = re.match(r"DECIMAL\((\d+),\s*(\d+)\)", upper)
    if m:
        return f"decimal({m[1]},{m[2]})"
    mapping = {
        "VARCHAR": "string", "BIGINT": "bigint", "HUGEINT": "bigint", "INTEGER": "int",
        "SMALLINT": "smallint", "TINYINT": "tinyint", "DOUBLE": "double", "FLOAT": "float",
        "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp", "BLOB": "binary",
        "TIMESTAMP WITH TIME ZONE": "timestamp", "UBIGINT": "bigint", "UINTEGER": "bigint",
        "\"NULL\"": "string", "NULL": "string", "JSON": "string",
    }
    if upper not in mapping:
        raise TypeError_(f"a column of type {duck_type} cannot be stored in a table")
    return mapping[upper]


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]
