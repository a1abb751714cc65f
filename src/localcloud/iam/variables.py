"""Policy variables (`${aws:username}`) in Resource and condition values (pure).

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
- `${key}` is replaced by the request's value of a single-valued context key; a multivalued or
  absent key leaves the variable unresolved, and an unresolved variable makes the statement
  not apply ("might cause the entire statement to be invalid").
- `${key, 'default'}` gives a default (`''` inside the quotes is one quote).
- `${*}`, `${?}`, `${$}` stand for a literal `*`, `?`, `$`.
- Only Version 2012-10-17 substitutes; in 2008-10-17 the text is literal (the caller decides).

A resolved value is a tuple of (character, is_wildcard) tokens, so that a literal `*` from an
escape or from a substituted value never acts as a wildcard.
"""

from __future__ import annotations

import logging
import re

from localcloud.iam.context import RequestContext

_logger = logging.getLogger(__name__)

Tokens = tuple[tuple[str, bool], ...]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_NAME_AND_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$")
_ESCAPES = ("*", "?", "$")


def pattern_tokens(text: str) -> Tokens:
    """`text` with `*` and `?` as wildcards, no variables."""
    return tuple((c, c in "*?") for c in text)


def literal_tokens(text: str) -> Tokens:
    return tuple((c, False) for c in text)


def variables_in(text: str) -> list[str]:
    """The context keys that `text` reads as policy variables (escapes excluded)."""
    out = []
    for match in _VARIABLE.finditer(text):
        inner = match.group(1).strip()
        if inner in _ESCAPES:
            continue
        parsed = _NAME_AND_DEFAULT.match(inner)
        out.append(parsed.group(1) if parsed else inner)
    return out


def resolve(text: str, context: RequestContext, substitute: bool = True) -> Tokens | None:
    """The tokens of `text` with its variables replaced; None when one cannot be resolved."""
    if not substitute:
        return pattern_tokens(text)
    tokens: list[tuple[str, bool]] = []
    pos = 0
    for match in _VARIABLE.finditer(text):
        tokens.extend(pattern_tokens(text[pos : match.start()]))
        pos = match.end()
        inner = match.group(1).strip()
        if inner in _ESCAPES:
            tokens.append((inner, False))
            continue
        parsed = _NAME_AND_DEFAULT.match(inner)
        if not parsed:
            return None
        value = context.single(parsed.group(1))
        if value is None:
            if parsed.group(2) is None:
                return None
            value = parsed.group(2).replace("''", "'")
        tokens.extend(literal_tokens(value))
    tokens.extend(pattern_tokens(text[pos:]))
    return tuple(tokens)


def tokens_text(tokens: Tokens) -> str:
    """The characters of `tokens`, wildcards as their plain characters."""
    return "".join(c for c, _ in tokens)
