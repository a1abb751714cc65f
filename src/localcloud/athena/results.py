"""Query results as Athena presents them: value text, ColumnInfo, and the result files
(`<id>.csv` for queries, `<id>.txt` for DDL/utility statements, plus `<id>.csv.metadata`)."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

from localcloud.athena.sql.macros import double_text
from localcloud.athena.types import athena_column_type


def value_text(value: Any, duck_type: str = "") -> str | None:
    """The text Athena shows for one value (None for SQL NULL)."""
    if value is None:
        return None
    return _text(value, duck_type.upper())


def _text(value: Any, duck_type: str) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float_text(value, duck_type == "FLOAT")
    if isinstance(value, list):
        return "[" + ", ".join(_text(v, "") for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(k, '')}={_text(v, '')}" for k, v in value.items()) + "}"
    for kind, render in _RENDERERS:
        if isinstance(value, kind):
            return render(value)
    return str(value)


_RENDERERS: list[tuple[type | tuple[type, ...], Any]] = []


def _float_text(value: float, single: bool) -> str:
    """Java's Double.toString / Float.toString, as Athena prints approximate numbers."""
    if single:
        import numpy

        value = float(repr(numpy.float32(value)))
    if math.isnan(value) or math.isinf(value) or value == 0:
        return {"0E0": "0.0", "-0E0": "-0.0"}.get(double_text(value), double_text(value))
    if 1e-3 <= abs(value) < 1e7:
        return repr(value)
    return double_text(value)


def _timestamp_text(value: dt.datetime) -> str:
    text = value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if value.tzinfo is not None:
        offset = value.utcoffset()
        text = value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.") + (
            f"{value.microsecond // 1000:03d}"
        )
        if offset is not None:
            text += " UTC"
    return text


def _interval_text(value: dt.timedelta) -> str:
    sign = "-" if value < dt.timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return (
        f"{sign}{value.days} {hours:02d}:{minutes:02d}:{seconds:02d}."
        f"{value.microseconds // 1000:03d}"
    )


def column_info(names: list[str], duck_types: list[str]) -> list[dict]:
    """ResultSetMetadata.ColumnInfo for result columns."""
    infos = []
    for name, duck_type in zip(names, duck_types, strict=False):
        type_name, precision, scale = athena_column_type(duck_type)
        infos.append({
            "CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": name,
            "Label": name, "Type": type_name, "Precision": precision, "Scale": scale,
            "Nullable": "UNKNOWN", "CaseSensitive": type_name == "varchar",
        })
    return infos


def text_column_info(names: list[str]) -> list[dict]:
    return column_info(names, ["VARCHAR"] * len(names))


def csv_bytes(names: list[str], rows: list[list[str | None]]) -> bytes:
    """Athena's CSV: a header, every value double-quoted, NULL as an empty unquoted field."""
    lines = [",".join(_quoted(n) for n in names)]
    lines += [",".join("" if v is None else _quoted(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def txt_bytes(rows: list[list[str | None]]) -> bytes:
    """Athena's DDL/utility result: tab-separated, no header."""
    if not rows:
        return b""
    return ("\n".join("\t".join(v or "" for v in row) for row in rows) + "\n").encode()


def metadata_bytes(infos: list[dict]) -> bytes:
    """`<id>.csv.metadata`. Athena's own file is a binary serialisation that no client reads;
    ours holds the same ColumnInfo as JSON (docs/decisions/071-result-files.md)."""
    return json.dumps({"ColumnInfo": infos}, indent=1).encode()


def parse_csv(body: bytes) -> tuple[list[str], list[list[str | None]]]:
    """Header and rows of an Athena CSV, telling NULL (empty) from '' (quoted empty)."""
    text = body.decode()
    rows: list[list[str | None]] = []
    row: list[str | None] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == '"':
            j, parts = i + 1, []
            while True:
                k = text.index('"', j)
                parts.append(text[j:k])
                if k + 1 < n and text[k + 1] == '"':
                    parts.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            row.append("".join(parts))
        else:
            row.append(None)
        if i >= n or text[i] == "\n":
            rows.append(row)
            row = []
        i += 1
    header = [h or "" for h in rows[0]] if rows else []
    return header, rows[1:]


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


_RENDERERS += [
    (int, str),
    (Decimal, lambda v: format(v, "f")),
    (dt.datetime, _timestamp_text),
    (dt.date, lambda v: v.isoformat()),
    (dt.time, lambda v: v.strftime("%H:%M:%S.") + f"{v.microsecond // 1000:03d}"),
    (dt.timedelta, _interval_text),
    ((bytes, bytearray, memoryview), lambda v: " ".join(f"{b:02x}" for b in bytes(v))),
]
