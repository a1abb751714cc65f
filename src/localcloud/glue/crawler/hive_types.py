"""Hive type inference as Glue's JSON and Parquet classifiers do it. Pure.

A type is a string for primitives (`int`, `bigint`, `double`, `string`, `boolean`, ...),
`("array", element)` or `("struct", [(name, type), ...])`; `render_type` spells it as Hive
does (`struct<a:int,b:array<string>>`). `None` means "only nulls seen so far".
"""

from __future__ import annotations

from typing import Any, Union

HiveType = Union[str, tuple, None]

_INT_MAX = 2**31 - 1
_NUMERIC_RANK = {"tinyint": 0, "smallint": 1, "int": 2, "bigint": 3, "float": 4, "double": 5}


def json_type(value: Any) -> HiveType:
    """The Hive type Glue's JSON classifier gives `value` (strings stay strings: Glue does not
    infer timestamps from JSON text)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int" if -_INT_MAX - 1 <= value <= _INT_MAX else "bigint"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        element: HiveType = None
        for item in value:
            element = merge_types(element, json_type(item))
        return ("array", element)
    if isinstance(value, dict):
        return ("struct", [(str(k), json_type(v)) for k, v in value.items()])
    return "string"


def merge_types(a: HiveType, b: HiveType) -> HiveType:
    """The type that holds values of both: numbers widen, structs union their fields, arrays
    merge elements, anything else incompatible becomes string."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    if isinstance(a, str) and isinstance(b, str):
        if a in _NUMERIC_RANK and b in _NUMERIC_RANK:
            return a if _NUMERIC_RANK[a] >= _NUMERIC_RANK[b] else b
        return "string"
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0]:
        if a[0] == "array":
            return ("array", merge_types(a[1], b[1]))
        if a[0] == "struct":
            return ("struct", merge_fields(a[1], b[1]))
        if a[0] == "map":
            return ("map", merge_types(a[1], b[1]), merge_types(a[2], b[2]))
    return "string"


def merge_fields(
    a: list[tuple[str, HiveType]], b: list[tuple[str, HiveType]]
) -> list[tuple[str, HiveType]]:
    """Fields of `a` in order (types merged with `b`'s), then `b`'s new fields in order.
    Names compare case-insensitively, as Hive's do."""
    merged = list(a)
    index = {name.lower(): i for i, (name, _t) in enumerate(merged)}
    for name, hive_type in b:
        i = index.get(name.lower())
        if i is None:
            index[name.lower()] = len(merged)
            merged.append((name, hive_type))
        else:
            merged[i] = (merged[i][0], merge_types(merged[i][1], hive_type))
    return merged


def render_type(hive_type: HiveType) -> str:
    """Hive's spelling; a type never seen with a value is `string`, as Glue reports it."""
    if hive_type is None:
        return "string"
    if isinstance(hive_type, str):
        return hive_type
    if hive_type[0] == "array":
        return f"array<{render_type(hive_type[1])}>"
    if hive_type[0] == "map":
        return f"map<{render_type(hive_type[1])},{render_type(hive_type[2])}>"
    fields = ",".join(f"{name}:{render_type(t)}" for name, t in hive_type[1])
    return f"struct<{fields}>"


def arrow_type(data_type: Any) -> HiveType:
    """The Hive type of a pyarrow type, as Glue reads Parquet footers."""
    import pyarrow as pa
    import pyarrow.types as t

    simple = [
        (t.is_boolean, "boolean"), (t.is_int8, "tinyint"), (t.is_int16, "smallint"),
        (t.is_int32, "int"), (t.is_int64, "bigint"), (t.is_uint8, "smallint"),
        (t.is_uint16, "int"), (t.is_uint32, "bigint"), (t.is_uint64, "bigint"),
        (t.is_float16, "float"), (t.is_float32, "float"), (t.is_float64, "double"),
        (t.is_string, "string"), (t.is_large_string, "string"), (t.is_binary, "binary"),
        (t.is_large_binary, "binary"), (t.is_timestamp, "timestamp"), (t.is_date, "date"),
    ]
    for check, name in simple:
        if check(data_type):
            return name
    if t.is_decimal(data_type):
        return f"decimal({data_type.precision},{data_type.scale})"
    if t.is_map(data_type):
        return ("map", arrow_type(data_type.key_type), arrow_type(data_type.item_type))
    if t.is_list(data_type) or t.is_large_list(data_type):
        return ("array", arrow_type(data_type.value_type))
    if t.is_struct(data_type):
        return ("struct", [(f.name, arrow_type(f.type)) for f in data_type])
    if isinstance(data_type, pa.DictionaryType):
        return arrow_type(data_type.value_type)
    return "string"


def parse_type(text: str) -> HiveType:
    """Read Hive's spelling back (for columns already in the catalog)."""
    parsed, rest = _parse(text.replace(" ", ""))
    if rest:
        raise ValueError(f"cannot parse Hive type {text!r}")
    return parsed


def _parse(text: str) -> tuple[HiveType, str]:
    if text.startswith("array<"):
        element, rest = _parse(text[6:])
        return ("array", element), _expect(rest, ">")
    if text.startswith("map<"):
        key, rest = _parse(text[4:])
        value, rest = _parse(_expect(rest, ","))
        return ("map", key, value), _expect(rest, ">")
    if text.startswith("struct<"):
        rest, fields = text[7:], []
        while not rest.startswith(">"):
            name, rest = rest.split(":", 1)
            field_type, rest = _parse(rest)
            fields.append((name, field_type))
            rest = rest[1:] if rest.startswith(",") else rest
        return ("struct", fields), rest[1:]
    end = len(text)
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch in ",>" and depth == 0:
            end = i
            break
    return text[:end], text[end:]


def _expect(text: str, prefix: str) -> str:
    if not text.startswith(prefix):
        raise ValueError(f"expected {prefix!r} in Hive type at {text!r}")
    return text[len(prefix):]
