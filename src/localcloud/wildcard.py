"""Star wildcards as AWS services read them: EventBridge `wildcard` patterns and Step Functions
`StringMatches` share one syntax ('*' matches any run of characters, '\\*' is a literal star)."""

from __future__ import annotations

import logging
import re

_logger = logging.getLogger(__name__)


def compile_wildcard(pattern: str) -> re.Pattern:
    """The whole-string regex for `pattern`: '*' matches any run of characters (newlines too);
    '\\*' is a literal star; every other character stands for itself."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if pattern[i] == "*" else re.escape(pattern[i]))
        i += 1
    return re.compile("^" + "".join(out) + "$", re.DOTALL)
