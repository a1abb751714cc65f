"""Whole-template properties: determinism, the resource-type list, references that resolve,
the contract's outputs, and cfn-lint with no errors and no warnings."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from infra_gen import INTRINSICS, RESOURCE_TYPES, TemplateConfig, build_template, to_json

CONTRACT_OUTPUTS = {
    "ApiUrl",
    "ApiId",
    "ApiKeyId",
    "RawBucket",
    "ProcessedBucket",
    "CuratedBucket",
    "AccessLogsBucket",
    "ArtifactsBucket",
    "DatabaseName",
    "WorkGroupName",
    "StateMachineArn",
    "AlertsTopicArn",
    "IngestionFunctionName",
    "ValidationFunctionName",
    "RawToProcessedJobName",
    "ProcessedToCuratedJobName",
    "LakeCrawlerName",
    "CuratedCrawlerName",
    "DashboardName",
    "ValidationFailuresQueueUrl",
    "ValidationFailuresQueueArn",
}
PSEUDO = {
    "AWS::StackName",
    "AWS::AccountId",
    "AWS::Region",
    "AWS::Partition",
    "AWS::URLSuffix",
    "AWS::NoValue",
}


def test_same_config_gives_byte_identical_json():
    assert to_json(TemplateConfig()) == to_json(TemplateConfig())
    assert to_json() == to_json(TemplateConfig())


def test_changed_config_changes_only_defaults():
    changed = json.loads(to_json(TemplateConfig().with_params({"GlueNumberOfWorkers": "7"})))
    base = json.loads(to_json())
    assert changed["Parameters"]["GlueNumberOfWorkers"]["Default"] == "7"
    assert changed["Resources"] == base["Resources"]


def test_build_template_returns_a_troposphere_template():
    assert build_template().to_dict()["AWSTemplateFormatVersion"] == "2010-09-09"


def test_uses_exactly_the_declared_resource_types(view):
    used = {r["Type"] for r in view.resources.values()}
    assert used == set(RESOURCE_TYPES)
    assert list(RESOURCE_TYPES) == sorted(RESOURCE_TYPES)


def test_uses_only_declared_intrinsics(view):
    used = set()
    for node in view.nodes():
        used.update(k for k in node if k == "Ref" or k.startswith("Fn::"))
        if "Ref" in node and node["Ref"].startswith("AWS::"):
            used.add(node["Ref"])
    conditions = json.dumps(view.template["Conditions"])
    used.update(re.findall(r'"(Fn::\w+)"', conditions))
    assert used <= set(INTRINSICS), used - set(INTRINSICS)


def test_every_reference_resolves(view):
    defined = set(view.resources) | set(view.template["Parameters"]) | PSEUDO
    problems = []
    for node in view.nodes():
        if "Ref" in node and node["Ref"] not in defined:
            problems.append(("Ref", node["Ref"]))
        if "Fn::GetAtt" in node and node["Fn::GetAtt"][0] not in view.resources:
            problems.append(("GetAtt", node["Fn::GetAtt"]))
        if "Fn::Sub" in node:
            sub = node["Fn::Sub"]
            text, local = (sub, {}) if isinstance(sub, str) else (sub[0], sub[1])
            for name in re.findall(r"\$\{([^}!][^}]*)\}", text):
                base = name.split(".")[0]
                if name not in local and base not in defined:
                    problems.append(("Sub", name))
    for logical_id, resource in view.resources.items():
        for dep in resource.get("DependsOn", []):
            if dep not in view.resources:
                problems.append(("DependsOn", logical_id, dep))
        if "Condition" in resource:
            assert resource["Condition"] in view.template["Conditions"]
    assert problems == []


def test_outputs_are_the_contracts(view):
    assert set(view.template["Outputs"]) == CONTRACT_OUTPUTS


def test_api_url_output_is_the_stage_base_url(view):
    value = view.template["Outputs"]["ApiUrl"]["Value"]["Fn::Sub"]
    assert value == "https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod"


def test_code_location_parameters_have_no_default(view):
    params = view.template["Parameters"]
    for name in (
        "ArtifactsBucketName",
        "IngestionCodeKey",
        "ValidationCodeKey",
        "PackageWheelKey",
        "RawToProcessedScriptKey",
        "ProcessedToCuratedScriptKey",
    ):
        assert "Default" not in params[name], name


def test_user_parameters_have_the_seed_defaults(view):
    params = view.template["Parameters"]
    expected = {
        "ApiAuthMode": "API_KEY",
        "GlueVersion": "5.1",
        "GlueWorkerType": "G.1X",
        "GlueNumberOfWorkers": "2",
        "LogRetentionDays": "30",
        "LambdaErrorsThreshold": "5",
        "Api5xxThreshold": "10",
        "FreshnessHours": "2",
        "AlertEmail": "",
        "RawInfrequentAccessDays": "90",
        "ReplicationEnabled": "false",
        "EncryptionMode": "SSE_S3",
    }
    assert {k: params[k]["Default"] for k in expected} == expected
    assert params["ApiAuthMode"]["AllowedValues"] == ["API_KEY", "IAM"]
    # Glue 5.x only: the local runtime (Spark 3.5, Python 3.11, Java 17) matches it, not 4.0.
    assert params["GlueVersion"]["AllowedValues"] == ["5.1", "5.0"]
    assert params["GlueWorkerType"]["AllowedValues"] == ["G.1X", "G.2X", "G.4X", "G.8X"]
    assert int(params["AthenaBytesScannedCutoff"]["MinValue"]) == 10 * 1024 * 1024


@pytest.mark.parametrize("variant", ["default", "all-options"])
def test_cfn_lint_reports_nothing(tmp_path: Path, variant: str):
    params = (
        {}
        if variant == "default"
        else {
            "ApiAuthMode": "IAM",
            "EncryptionMode": "KMS",
            "ReplicationEnabled": "true",
            "AlertEmail": "ops@example.com",
        }
    )
    path = tmp_path / "template.json"
    path.write_text(to_json(TemplateConfig().with_params(params)))
    lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(lint), str(path)], capture_output=True, text=True, timeout=300)
    assert result.stdout + result.stderr == ""
    assert result.returncode == 0
