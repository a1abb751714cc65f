"""Access log lines: a stage's accessLogSettings.format with `$context` variables (pure)."""

from __future__ import annotations

import json
import re

_VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_.]+)")
# API keys are never written to logs: a format asking for one gets this instead.
REDACTED = "<redacted>"
_SECRET_VARIABLES = {"identity.apiKey"}


def render_access_log(template: str, context: dict[str, object]) -> str:
    """Substitute `$context.name` variables; unknown or empty ones become `-` as on AWS."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        while name and name not in context and name.rstrip(".") != name:
            name = name.rstrip(".")
        if name in _SECRET_VARIABLES:
            return REDACTED if context.get(name) else "-"
        value = context.get(name)
        if value is None or value == "":
            return "-"
        # Escaped so that a JSON format stays parseable whatever the value holds.
        return json.dumps(str(value))[1:-1]

    return _VARIABLE.sub(replace, template)
