"""checkov suppressions: exactly the accepted findings, each with a reason checkov prints. The
Lambda dead-letter check (CKV_AWS_116) is answered by the on-failure destination (decision 140):
its skip must say so."""

from __future__ import annotations

EXPECTED = {
    "AccessLogsBucket": ["CKV_AWS_18"],
    "ApiStage": ["CKV_AWS_73", "CKV_AWS_120"],
    "HealthGetMethod": ["CKV_AWS_59"],
    "IngestionFunction": ["CKV_AWS_117", "CKV_AWS_116"],
    "ValidationFunction": ["CKV_AWS_117", "CKV_AWS_116"],
}


def _skips(template: dict) -> dict[str, list[dict]]:
    return {
        logical_id: resource["Metadata"]["checkov"]["skip"]
        for logical_id, resource in template["Resources"].items()
        if "checkov" in resource.get("Metadata", {})
    }


def test_only_the_accepted_findings_are_skipped(template):
    skips = _skips(template)
    assert {lid: [s["id"] for s in entries] for lid, entries in skips.items()} == EXPECTED


def test_every_skip_gives_its_reason_and_decision(template):
    for entries in _skips(template).values():
        for entry in entries:
            assert set(entry) == {"id", "comment"}
            assert len(entry["comment"]) > 60 and "Decision 1" in entry["comment"]


def test_lambda_dead_letter_skip_names_the_on_failure_destination(template, variant_view):
    for t in (template, variant_view.template):
        (validation,) = [e for e in _skips(t)["ValidationFunction"] if e["id"] == "CKV_AWS_116"]
        assert "on-failure destination" in validation["comment"]
        assert "EventInvokeConfig" in validation["comment"]
        assert "ValidationEventInvokeConfig" in t["Resources"]


def test_tracing_skip_says_why_checkov_cannot_see_the_parameter(view):
    (tracing,) = [
        s
        for s in view.resources["ApiStage"]["Metadata"]["checkov"]["skip"]
        if s["id"] == "CKV_AWS_73"
    ]
    assert "Tracing parameter" in tracing["comment"] and "Fn::If" in tracing["comment"]
