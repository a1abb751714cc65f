"""MOCK integrations: status from the request template, answer from the integration response
(pure). Templates are not run as VTL: a literal JSON request template selects the status, and
response templates are returned as written with `$context.requestId` substituted."""

from __future__ import annotations

import json
import re

from localcloud.apigateway.gateway_errors import configuration_error


def mock_response(integration: dict, method: dict, content_type: str,
                  context: dict[str, object]) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of a MOCK integration."""
    templates = integration.get("requestTemplates") or {}
    template = templates.get(content_type) or templates.get("application/json") or ""
    status = _status_from_template(template)
    responses = integration.get("integrationResponses") or {}
    chosen = _select_response(responses, str(status))
    if chosen is None:
        raise configuration_error(f"No integration response matches status {status}")
    headers = []
    for target, source in (chosen.get("responseParameters") or {}).items():
        if target.startswith("method.response.header."):
            headers.append((target[len("method.response.header."):], _literal(source)))
    body_template = (chosen.get("responseTemplates") or {}).get("application/json") or ""
    body = re.sub(r"\$context\.([A-Za-z0-9_.]+)",
                  lambda m: str(context.get(m.group(1), "")), body_template)
    return int(chosen.get("statusCode", 200)), headers, body.encode()


def _status_from_template(template: str) -> int:
    if not template.strip():
        return 200
    try:
        value = json.loads(template).get("statusCode", 200)
        return int(value)
    except (ValueError, AttributeError, TypeError):
        match = re.search(r'"statusCode"\s*:\s*(\d{3})', template)
        return int(match.group(1)) if match else 200


def _select_response(responses: dict, status: str) -> dict | None:
    default = None
    for response in responses.values():
        pattern = response.get("selectionPattern")
        if pattern:
            if re.fullmatch(pattern, status):
                return response
        else:
            default = response
    return default


def _literal(source: str) -> str:
    # Only static values ('...') are mapped; other sources are request values we don't map.
    if len(source) >= 2 and source[0] == source[-1] == "'":
        return source[1:-1]
    return ""
