"""Small lexical helpers for Hive-syntax statements: names, string literals, balanced lists."""

from __future__ import annotations

import re

from localcloud.athena.errors import QueryFailed

NAME = r"(?:`[^`]+`|\"[^\"]+\"|[\w$]+)"
QUALIFIED = rf"{NAME}(?:\s*\.\s*{NAME}){{0,2}}"
STRING = r"'(?:[^']|'')*'"


def unquote_name(text: str) -> str:
    text = text.strip()
    if text[:1] in ("`", '"') and text[-1:] == text[:1]:
        return text[1:-1]
    return text


def unquote_string(text: str) -> str:
    text = text.strip()
    if not (text.startswith("'") and text.endswith("'")):
        raise QueryFailed("SYNTAX_ERROR", f"line 1:1: expected a string literal, got {text!r}")
    return text[1:-1].replace("''", "'").replace("\\'", "'")


def split_name(text: str, default_database: str | None) -> tuple[str, str]:
    """(database, table) of `db.t`, `awsdatacatalog.db.t` or `t` (lower-cased)."""
    parts = [unquote_name(p) for p in re.findall(NAME, text)]
    if len(parts) == 3:
        if parts[0].lower() != "awsdatacatalog":
            raise QueryFailed("CATALOG_NOT_FOUND", f"Catalog '{parts[0]}' does not exist")
        parts = parts[1:]
    if len(parts) == 2:
        return parts[0].lower(), parts[1].lower()
    if not default_database:
        raise QueryFailed(
            "SYNTAX_ERROR", f"line 1:1: Schema must be specified when session schema is not set "
            f"(table '{parts[0]}')"
        )
    return default_database.lower(), parts[0].lower()


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside (), <> and quotes."""
    parts, depth, start, quote = [], 0, 0, None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"', "`"):
            quote = ch
        elif ch in "(<":
            depth += 1
        elif ch in ")>":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def balanced(text: str, start: int) -> tuple[str, int]:
    """The text inside the parentheses opening at `start`, and the index after the ')'."""
    if text[start] != "(":
        raise QueryFailed("SYNTAX_ERROR", f"line 1:{start + 1}: expected '('")
    depth, quote = 0, None
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in ("'", '"', "`"):
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
    raise QueryFailed("SYNTAX_ERROR", "line 1:1: unbalanced parentheses")


def parse_properties(text: str) -> dict[str, str]:
    """('k'='v', 'k2'='v2') contents → dict."""
    props = {}
    for item in split_top_level(text):
        m = re.fullmatch(rf"\s*({STRING}|{NAME})\s*=\s*({STRING}|[\w.-]+)\s*", item, re.DOTALL)
        if not m:
            raise QueryFailed("SYNTAX_ERROR", f"line 1:1: cannot read property {item!r}")
        key = m.group(1)
        key = unquote_string(key) if key.startswith("'") else unquote_name(key)
        value = m.group(2)
        props[key] = unquote_string(value) if value.startswith("'") else value
    return props
