

def test_passing_the_checks_already_made_gives_the_same_score_and_issues():
    """records.py and raw_check.py hand quality_score the envelope and schema results they
    computed; the answer must be the one quality_score computes itself."""
    import json
    from datetime import datetime, timezone

    from datalake.events.data_schemas import validate_data
    from datalake.events.envelope import validate_envelope
    from datalake.events.quality import quality_score
    from datalake.synthetic import generate_events

    arrival = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
    checked = 0
    for generated in generate_events(400, seed=11):
        try:
            event = json.loads(generated.body)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        source, data = event.get("source"), event.get("data")
        schema = (validate_data(source, data)
                  if isinstance(source, str) and isinstance(data, dict) else None)
        given = quality_score(event, arrival, envelope_errors=validate_envelope(event),
                              schema_errors=schema)
        assert given == quality_score(event, arrival), event
        checked += 1
    assert checked > 300


def test_given_results_are_used_not_recomputed():
    from datetime import datetime, timezone

    from datalake.events.errors import FieldError
    from datalake.events.quality import quality_score

    event = {"source": "iot", "event_type": "reading", "timestamp": "2026-11-25T11:00:00Z",
             "event_id": "q-1", "data": {"device_id": "d-1", "temperature": 21.5}}
    arrival = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
    own = quality_score(event, arrival)
    told = quality_score(event, arrival, schema_errors=[FieldError("data.x", "type", "bad")])
    assert "schema:data.x:type" in told.issues and told.score < own.score
