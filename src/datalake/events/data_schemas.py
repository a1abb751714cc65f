"""Per-source JSON Schemas of the event's `data` (files in `schemas/`), loaded once per process.

`schemas/<source>.json` applies to that source, `schemas/default.json` to every other source.
Errors name the JSON path of the failing field ("data.location.lat") and the broken keyword.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for

from datalake.events.envelope import join_path, type_name
from datalake.events.errors import FieldError

_logger = logging.getLogger(__name__)

SCHEMA_SOURCES = ("iot", "web", "mobile")
DEFAULT_SCHEMA = "default"
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def schema_name(source: str) -> str:
    """The schema file (without .json) that applies to `source`."""
    return source if source in SCHEMA_SOURCES else DEFAULT_SCHEMA


@cache
def load_schema(name: str) -> dict:
    """The schema `schemas/{name}.json` (read from the package, so it works from a zip/wheel)."""
    text = resources.files("datalake.events").joinpath("schemas", f"{name}.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(name: str):
    schema = load_schema(name)
    cls = validator_for(schema)
    cls.check_schema(schema)
    _logger.debug("loaded data schema %s", name)
    return cls(schema)


def _rule(keyword: str) -> str:
    return _CAMEL.sub("_", keyword).lower()


def _alternatives(options: list) -> str:
    forms = [" + ".join(o["required"]) for o in options if isinstance(o, dict) and "required" in o]
    return " or ".join(forms) if len(forms) == len(options) else "one of the allowed forms"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


_MESSAGES = {
    "type": lambda e: f"must be {_short(e.validator_value)}, got {type_name(e.instance)}",
    "minimum": lambda e: f"{e.instance} is below the minimum {e.validator_value}",
    "maximum": lambda e: f"{e.instance} is above the maximum {e.validator_value}",
    "exclusiveMinimum": lambda e: f"{e.instance} must be above {e.validator_value}",
    "exclusiveMaximum": lambda e: f"{e.instance} must be below {e.validator_value}",
    "enum": lambda e: f"{_short(e.instance)} is not one of {_short(e.validator_value)}",
    "pattern": lambda e: f"{_short(e.instance)} does not match {e.validator_value}",
    "minLength": lambda e: f"is shorter than {e.validator_value} characters",
    "maxLength": lambda e: f"is longer than {e.validator_value} characters",
    "anyOf": lambda e: f"needs {_alternatives(e.validator_value)}",
    "oneOf": lambda e: f"needs exactly one of {_alternatives(e.validator_value)}",
}


def _field_errors(error: ValidationError) -> list[FieldError]:
    path = "data"
    for part in error.absolute_path:
        path = join_path(path, part)
    if error.validator == "required":
        missing = [n for n in error.validator_value if n not in error.instance]
        return [FieldError(join_path(path, n), "required", f"{n} is required") for n in missing]
    message = _MESSAGES.get(error.validator, lambda e: e.message[:200])(error)
    return [FieldError(path, _rule(str(error.validator)), message)]


def validate_data(source: str, data: dict) -> list[FieldError]:
    """Every schema error of `data` for `source` (empty list = valid), ordered by path."""
    if not isinstance(data, dict):
        return [FieldError("data", "type", f"data must be an object, got {type_name(data)}")]
    validator = _validator(schema_name(source))
    errors: list[FieldError] = []
    for error in sorted(
        validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
    ):
        # jsonschema reports `required` once per missing name, each with the whole list.
        errors.extend(e for e in _field_errors(error) if e not in errors)
    return errors


def expected_ranges(source: str) -> dict[tuple[str, ...], tuple[float | None, float | None]]:
    """{(property path): (low, high)} of the plausible ranges (`x-expected`) in the schema of
    `source`, for the quality score's value-range rule."""
    result: dict[tuple[str, ...], tuple[float | None, float | None]] = {}

    def visit(schema: dict, path: tuple[str, ...]) -> None:
        expected = schema.get("x-expected")
        if expected:
            result[path] = (expected.get("minimum"), expected.get("maximum"))
        for name, sub in schema.get("properties", {}).items():
            visit(sub, (*path, name))

    visit(load_schema(schema_name(source)), ())
    return result
