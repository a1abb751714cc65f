"""The event contract's pure logic: parsing and validating requests, canonical JSON and the record
hash, per-source data schemas, quality score, event time and the raw zone's layout.
No AWS I/O here (docs/event-contract.md)."""

from datalake.events.canonical import ENVELOPE_FIELDS, canonical_json, record_hash
from datalake.events.data_schemas import load_schema, schema_name, validate_data
from datalake.events.envelope import envelope_json_schema, validate_envelope
from datalake.events.errors import EventError, FieldError
from datalake.events.layout import parse_raw_key, partition_values, raw_key, raw_line
from datalake.events.parsing import decode_event, parse_body
from datalake.events.quality import QualityResult, quality_score
from datalake.events.timestamps import event_timestamp, format_utc, parse_timestamp

__all__ = [
    "ENVELOPE_FIELDS",
    "EventError",
    "FieldError",
    "QualityResult",
    "canonical_json",
    "decode_event",
    "envelope_json_schema",
    "event_timestamp",
    "format_utc",
    "load_schema",
    "parse_body",
    "parse_raw_key",
    "parse_timestamp",
    "partition_values",
    "quality_score",
    "raw_key",
    "raw_line",
    "record_hash",
    "schema_name",
    "validate_data",
    "validate_envelope",
]
