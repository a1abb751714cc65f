"""Request validators: required parameters and the body model (JSON Schema draft 4) (pure)."""

from __future__ import annotations

import json

from jsonschema import Draft4Validator

from localcloud.apigateway.gateway_errors import bad_body, bad_parameters


def check_parameters(method: dict, headers: dict[str, str], query: dict[str, list[str]],
                     path_params: dict[str, str]) -> None:
    """400 naming every required `method.request.*` parameter that is absent."""
    missing = []
    for name, required in (method.get("requestParameters") or {}).items():
        if not required:
            continue
        _, _, where, key = name.split(".", 3)
        present = {
            "header": lambda k: k.lower() in headers,
            "querystring": lambda k: k in query,
            "path": lambda k: k in path_params,
        }.get(where, lambda k: True)(key)
        if not present:
            missing.append(key)
    if missing:
        raise bad_parameters(missing)


def check_body(schema_text: str, body: bytes) -> None:
    """400 `Invalid request body` unless `body` is JSON valid against the model's schema; the
    validator's message goes to the execution log, as API Gateway does."""
    schema = json.loads(schema_text) if isinstance(schema_text, str) else schema_text
    try:
        document = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError) as error:
        raise bad_body(f"Request body is not valid JSON: {error}") from None
    errors = sorted(Draft4Validator(schema).iter_errors(document), key=lambda e: list(e.path))
    if errors:
        detail = "; ".join(_describe(e) for e in errors[:10])
        raise bad_body(f"[{detail}]")


def _describe(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{error.message} (at /{where})" if where else error.message
