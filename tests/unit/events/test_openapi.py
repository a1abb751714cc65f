"""docs/openapi/ingest.yaml is a valid OpenAPI 3 document that agrees with the code's limits,
and its examples are accepted by the envelope rules."""

from pathlib import Path

import yaml
from openapi_spec_validator import validate

from datalake.events import validate_envelope
from datalake.events.canonical import ENVELOPE_FIELDS
from datalake.events.limits import (
    MAX_BATCH_EVENTS,
    MAX_EVENT_ID_CHARS,
    MAX_EVENT_TYPE_CHARS,
    SOURCE_PATTERN,
)

SPEC = yaml.safe_load(
    (Path(__file__).resolve().parents[3] / "docs" / "openapi" / "ingest.yaml").read_text()
)


def test_spec_is_valid_openapi():
    validate(SPEC)


def test_spec_agrees_with_the_limits():
    schemas = SPEC["components"]["schemas"]
    event = schemas["Event"]["properties"]
    assert tuple(event) == ENVELOPE_FIELDS
    assert event["source"]["pattern"] == SOURCE_PATTERN
    assert event["event_type"]["maxLength"] == MAX_EVENT_TYPE_CHARS
    assert event["event_id"]["maxLength"] == MAX_EVENT_ID_CHARS
    assert schemas["Batch"]["properties"]["events"]["maxItems"] == MAX_BATCH_EVENTS


def test_examples_are_valid_events():
    examples = SPEC["paths"]["/ingest"]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ]
    events = [examples["single"]["value"], *examples["batch"]["value"]["events"]]
    assert all(validate_envelope(e) == [] for e in events)
