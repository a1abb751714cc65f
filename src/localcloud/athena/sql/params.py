"""ExecutionParameters: bind `?` placeholders to literal values, outside strings and comments."""

from __future__ import annotations

import re

from localcloud.athena.errors import QueryFailed

_LITERAL = re.compile(
    r"""^\s*(?:
        [-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?        # number
      | '(?:[^']|'')*'                             # string
      | (?:DATE|TIMESTAMP|TIME|DECIMAL|X)\s*'(?:[^']|'')*'   # typed literal
      | TRUE | FALSE | NULL
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def bind_parameters(sql: str, parameters: list[str]) -> str:
    """`sql` with its `?` placeholders replaced by `parameters` (each an SQL literal)."""
    for value in parameters:
        if not _LITERAL.match(value):
            raise QueryFailed(
                "INVALID_PARAMETER_USAGE",
                f"Execution parameter {value!r} is not a literal (a number, 'string', "
                "TRUE/FALSE/NULL, or DATE/TIMESTAMP '...')",
            )
    positions = placeholder_positions(sql)
    if len(positions) != len(parameters):
        raise QueryFailed(
            "INVALID_PARAMETER_USAGE",
            f"Incorrect number of parameters: expected {len(positions)} but found "
            f"{len(parameters)}",
        )
    out, last = [], 0
    for pos, value in zip(positions, parameters, strict=False):
        out.append(sql[last:pos])
        out.append(value.strip())
        last = pos + 1
    out.append(sql[last:])
    return "".join(out)


def placeholder_positions(sql: str) -> list[int]:
    positions, i, n = [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"', "`"):
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:
                        end += 2
                        continue
                    break
                end += 1
            i = end + 1
        elif sql.startswith("--", i):
            newline = sql.find("\n", i)
            i = n if newline == -1 else newline + 1
        elif sql.startswith("/*", i):
            close = sql.find("*/", i + 2)
            i = n if close == -1 else close + 2
        else:
            if ch == "?":
                positions.append(i)
            i += 1
    return positions
