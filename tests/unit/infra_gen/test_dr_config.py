"""Disaster recovery (replication off by default) and the typed configuration."""

from __future__ import annotations

import dataclasses

import pytest

from infra_gen import TemplateConfig


def test_replication_is_conditional_and_off_by_default(view):
    assert view.template["Parameters"]["ReplicationEnabled"]["Default"] == "false"
    assert view.resources["ReplicationRole"]["Condition"] == "ReplicationOn"
    for bucket in ("ProcessedBucket", "CuratedBucket"):
        cond, config, absent = view.props(bucket)["ReplicationConfiguration"]["Fn::If"]
        assert cond == "ReplicationOn" and absent == {"Ref": "AWS::NoValue"}
        (rule,) = config["Rules"]
        assert (
            "-replica-${AWS::AccountId}-${ReplicaRegion}"
            in rule["Destination"]["Bucket"]["Fn::Sub"]
        )
    assert "ReplicationConfiguration" not in view.props("RawBucket")


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TemplateConfig().glue_version = "3.0"  # type: ignore[misc]


@pytest.mark.parametrize(
    "params,message",
    [
        ({"ApiAuthMode": "OAUTH"}, "ApiAuthMode"),
        ({"GlueNumberOfWorkers": "1"}, "below the minimum 2"),
        ({"RawInfrequentAccessDays": "10"}, "RawInfrequentAccessDays"),
        ({"AthenaBytesScannedCutoff": "1000"}, "AthenaBytesScannedCutoff"),
        ({"AlertEmail": "not-an-address"}, "AlertEmail"),
        ({"NoSuchParameter": "1"}, "unknown template parameter"),
        ({"LogRetentionDays": "abc"}, "expected an integer"),
    ],
)
def test_bad_parameters_are_refused_by_name(params, message):
    with pytest.raises(ValueError, match=message):
        TemplateConfig().with_params(params)


def test_with_params_sets_defaults():
    config = TemplateConfig().with_params({"ApiAuthMode": "IAM", "LogRetentionDays": "90"})
    assert config.api_auth_mode == "IAM" and config.log_retention_days == 90
    assert config.parameter_defaults()["LogRetentionDays"] == 90


def test_glue_parameters_allow_only_what_can_run_the_jobs(view):
    # Glue 3.0 runs Python 3.7 (the package needs 3.10+); G.025X is for streaming jobs only.
    parameters = view.template["Parameters"]
    assert parameters["GlueVersion"]["AllowedValues"] == ["5.1", "5.0"]
    assert parameters["GlueWorkerType"]["AllowedValues"] == ["G.1X", "G.2X", "G.4X", "G.8X"]
    for params in ({"GlueVersion": "3.0"}, {"GlueWorkerType": "G.025X"}):
        with pytest.raises(ValueError, match="is not one of"):
            TemplateConfig().with_params(params)
