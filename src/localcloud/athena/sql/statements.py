"""Which family a statement belongs to, from its leading keywords (Hive DDL and utility
statements are not Trino syntax, so they are recognised before any parser sees them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Kind:
    family: str  # module of localcloud.athena.sql handling it
    statement_type: str  # DDL | DML | UTILITY
    substatement_type: str


_RULES = [
    (r"(WITH|SELECT|VALUES|TABLE)\b|\(", Kind("query", "DML", "SELECT")),
    (r"CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?[\w.`\"]+\s*(WITH\s*\(.*?\)\s*)?AS\b",
     Kind("write", "DDL", "CREATE_TABLE_AS_SELECT")),
    (r"CREATE\s+(EXTERNAL\s+)?TABLE\b", Kind("ddl", "DDL", "CREATE_TABLE")),
    (r"CREATE\s+(DATABASE|SCHEMA)\b", Kind("ddl", "DDL", "CREATE_DATABASE")),
    (r"DROP\s+TABLE\b", Kind("ddl", "DDL", "DROP_TABLE")),
    (r"DROP\s+(DATABASE|SCHEMA)\b", Kind("ddl", "DDL", "DROP_DATABASE")),
    (r"MSCK\s+REPAIR\s+TABLE\b", Kind("ddl", "DDL", "MSCK_REPAIR_TABLE")),
    (r"ALTER\s+TABLE\s+\S+\s+ADD\b", Kind("ddl", "DDL", "ALTER_TABLE_ADD_PARTITION")),
    (r"ALTER\s+TABLE\s+\S+\s+DROP\b", Kind("ddl", "DDL", "ALTER_TABLE_DROP_PARTITION")),
    (r"INSERT\s+INTO\b", Kind("write", "DML", "INSERT")),
    (r"UNLOAD\b", Kind("write", "DML", "UNLOAD")),
    (r"SHOW\s+TABLES\b", Kind("show", "UTILITY", "SHOW_TABLES")),
    (r"SHOW\s+(DATABASES|SCHEMAS)\b", Kind("show", "UTILITY", "SHOW_DATABASES")),
    (r"SHOW\s+PARTITIONS\b", Kind("show", "UTILITY", "SHOW_PARTITIONS")),
    (r"SHOW\s+COLUMNS\b", Kind("show", "UTILITY", "SHOW_COLUMNS")),
    (r"SHOW\s+CREATE\s+TABLE\b", Kind("show", "UTILITY", "SHOW_CREATE_TABLE")),
    (r"(DESCRIBE|DESC)\b", Kind("show", "UTILITY", "DESCRIBE")),
]


def strip_comments(sql: str) -> str:
    return _COMMENTS.sub(" ", sql)


def classify(sql: str) -> Kind | None:
    """The statement's family, or None for anything we do not run."""
    text = strip_comments(sql).strip().rstrip(";").strip()
    for pattern, kind in _RULES:
        if re.match(pattern, text, re.IGNORECASE | re.DOTALL):
            return kind
    return None
