"""Ingestion layer: functions, API methods, auth by parameter, CORS, health, stage, usage plan."""

from __future__ import annotations

import json

from datalake.events import envelope_json_schema
from infra_gen import to_dict
from infra_gen.ingestion import ACCESS_LOG_FORMAT, deployment_id


def test_functions_follow_the_contract(view):
    ingestion = view.props("IngestionFunction")
    validation = view.props("ValidationFunction")
    for fn, name in ((ingestion, "ingestion"), (validation, "validation")):
        assert fn["FunctionName"] == {"Fn::Sub": "${AWS::StackName}-" + name}
        assert (fn["Runtime"], fn["Handler"], fn["MemorySize"], fn["Timeout"]) == (
            "python3.11",
            "handler.handler",
            256,
            60,
        )
        assert fn["Code"]["S3Bucket"] == {"Ref": "ArtifactsBucketName"}
    assert ingestion["Code"]["S3Key"] == {"Ref": "IngestionCodeKey"}
    assert validation["Code"]["S3Key"] == {"Ref": "ValidationCodeKey"}
    assert ingestion["Environment"]["Variables"] == {
        "RAW_BUCKET": {"Ref": "RawBucket"},
        "STACK_NAME": {"Ref": "AWS::StackName"},
        "METRICS_NAMESPACE": "DataLake",
    }
    assert validation["Environment"]["Variables"] == {
        "ALERTS_TOPIC_ARN": {"Ref": "AlertsTopic"},
        "STACK_NAME": {"Ref": "AWS::StackName"},
        "METRICS_NAMESPACE": "DataLake",
    }


def test_functions_wait_for_their_log_groups(view):
    assert view.resources["IngestionFunction"]["DependsOn"] == ["IngestionLogGroup"]
    assert view.resources["ValidationFunction"]["DependsOn"] == ["ValidationLogGroup"]


def _method(view, http_method, resource):
    found = [
        m["Properties"]
        for m in view.of_type("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == http_method
        and m["Properties"]["ResourceId"] == {"Ref": resource}
    ]
    assert len(found) == 1
    return found[0]


def test_api_resources(view):
    resources = view.of_type("AWS::ApiGateway::Resource").values()
    paths = {r["Properties"]["PathPart"] for r in resources}
    assert paths == {"ingest", "health"}
    assert view.props("RestApi")["Name"] == {"Fn::Sub": "${AWS::StackName}-api"}


def test_post_ingest_is_a_lambda_proxy_that_leaves_body_checks_to_the_lambda(view):
    post = _method(view, "POST", "IngestResource")
    assert post["Integration"]["Type"] == "AWS_PROXY"
    assert post["Integration"]["IntegrationHttpMethod"] == "POST"
    assert "${IngestionFunction.Arn}" in post["Integration"]["Uri"]["Fn::Sub"]
    # No request validator: API Gateway's refusals would not name field and rule (decision 112).
    assert "RequestValidatorId" not in post
    assert not view.of_type("AWS::ApiGateway::RequestValidator")
    assert post["RequestModels"] == {"application/json": {"Ref": "IngestRequestModel"}}
    assert json.loads(view.props("IngestRequestModel")["Schema"]) == envelope_json_schema()


def test_auth_mode_switches_between_api_key_and_iam(view):
    post = _method(view, "POST", "IngestResource")
    assert post["AuthorizationType"] == {"Fn::If": ["UseIamAuth", "AWS_IAM", "NONE"]}
    assert post["ApiKeyRequired"] == {"Fn::If": ["UseApiKeyAuth", True, False]}
    conditions = view.template["Conditions"]
    assert conditions["UseIamAuth"] == {"Fn::Equals": [{"Ref": "ApiAuthMode"}, "IAM"]}
    assert conditions["UseApiKeyAuth"] == {"Fn::Equals": [{"Ref": "ApiAuthMode"}, "API_KEY"]}


def test_options_is_a_cors_mock(view):
    options = _method(view, "OPTIONS", "IngestResource")
    assert options["Integration"]["Type"] == "MOCK"
    headers = options["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
    assert headers["method.response.header.Access-Control-Allow-Origin"] == "'*'"
    assert "POST" in headers["method.response.header.Access-Control-Allow-Methods"]
    assert "X-Api-Key" in headers["method.response.header.Access-Control-Allow-Headers"]
    assert options["ApiKeyRequired"] is False and options["AuthorizationType"] == "NONE"


def test_health_returns_status_ok_without_a_key(view):
    health = _method(view, "GET", "HealthResource")
    assert health["Integration"]["Type"] == "MOCK"
    body = health["Integration"]["IntegrationResponses"][0]["ResponseTemplates"]["application/json"]
    assert json.loads(body) == {"status": "ok"}
    assert health["ApiKeyRequired"] is False


def test_refused_bodies_name_the_failed_rule(view):
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in view.of_type("AWS::ApiGateway::GatewayResponse").values()
    }
    assert (
        "validationErrorString"
        in responses["BAD_REQUEST_BODY"]["ResponseTemplates"]["application/json"]
    )
    assert set(responses) == {"BAD_REQUEST_BODY", "DEFAULT_4XX", "DEFAULT_5XX"}


def test_stage_prod_logs_access_and_metrics_without_keys(view):
    stage = view.props("ApiStage")
    assert stage["StageName"] == "prod"
    assert stage["AccessLogSetting"]["DestinationArn"] == {
        "Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]
    }
    assert view.props("ApiAccessLogGroup")["LogGroupName"] == {
        "Fn::Sub": "/aws/apigateway/${AWS::StackName}-api"
    }
    fmt = json.loads(stage["AccessLogSetting"]["Format"])
    assert fmt["requestId"] == "$context.requestId"
    assert "apiKey" not in ACCESS_LOG_FORMAT
    (setting,) = stage["MethodSettings"]
    assert setting["MetricsEnabled"] is True and setting["DataTraceEnabled"] is False
    assert setting["ThrottlingRateLimit"] == {"Ref": "ApiThrottleRateLimit"}


def test_usage_plan_throttles_and_limits_the_key(view):
    plan = view.props("ApiUsagePlan")
    assert plan["Throttle"] == {
        "RateLimit": {"Ref": "ApiThrottleRateLimit"},
        "BurstLimit": {"Ref": "ApiThrottleBurstLimit"},
    }
    assert plan["Quota"] == {"Limit": {"Ref": "ApiQuotaPerDay"}, "Period": "DAY"}
    assert plan["ApiStages"] == [{"ApiId": {"Ref": "RestApi"}, "Stage": {"Ref": "ApiStage"}}]
    key = view.props("ApiUsagePlanKey")
    assert key == {
        "KeyId": {"Ref": "ApiKey"},
        "KeyType": "API_KEY",
        "UsagePlanId": {"Ref": "ApiUsagePlan"},
    }


def test_deployment_is_renamed_when_the_api_changes(view):
    deployments = view.of_type("AWS::ApiGateway::Deployment")
    (dep_id,) = deployments
    assert view.props("ApiStage")["DeploymentId"] == {"Ref": dep_id}
    assert set(deployments[dep_id]["DependsOn"]) == {
        "IngestPostMethod",
        "IngestOptionsMethod",
        "HealthGetMethod",
        "BadRequestBodyResponse",
        "Default4xxResponse",
        "Default5xxResponse",
    }
    from troposphere.apigateway import Resource

    a = deployment_id([Resource("X", RestApiId="a", ParentId="b", PathPart="ingest")])
    b = deployment_id([Resource("X", RestApiId="a", ParentId="b", PathPart="ingest2")])
    assert a != b and a.startswith("ApiDeployment")


def test_api_lambda_permission_is_scoped_to_post_ingest(view):
    perm = view.props("IngestionApiPermission")
    assert perm["Principal"] == "apigateway.amazonaws.com"
    assert perm["SourceArn"]["Fn::Sub"].endswith("${RestApi}/*/POST/ingest")


def test_the_deployment_id_is_stable_across_builds():
    first = [k for k in to_dict()["Resources"] if k.startswith("ApiDeployment")]
    second = [k for k in to_dict()["Resources"] if k.startswith("ApiDeployment")]
    assert first == second
