"""Ingestion layer: the REST API (`POST /ingest`, CORS, `GET /health`), its stage, key and
usage plan, the ingestion Lambda behind it and the validation Lambda fed by raw-bucket events."""

from __future__ import annotations

import hashlib
import json

from troposphere import GetAtt, If, NoValue, Ref, Sub, Template
from troposphere.apigateway import (
    AccessLogSetting,
    Account,
    ApiKey,
    ApiStage,
    Deployment,
    EndpointConfiguration,
    GatewayResponse,
    Integration,
    IntegrationResponse,
    Method,
    MethodResponse,
    MethodSetting,
    Model,
    QuotaSettings,
    Resource,
    RestApi,
    Stage,
    ThrottleSettings,
    UsagePlan,
    UsagePlanKey,
)
from troposphere.awslambda import Code, Environment, Function, Permission, TracingConfig

from datalake.events import envelope_json_schema
from infra_gen import names
from infra_gen.encryption import key_arn_if_kms
from infra_gen.parameters import RESERVED_CONCURRENCY, TRACING_ON, USE_API_KEY, USE_IAM
from infra_gen.security import role_arn

LAMBDA_RUNTIME = "python3.11"
LAMBDA_HANDLER = "handler.handler"
CORS_ALLOW_HEADERS = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"
# The access log never records the API key ($context.identity.apiKey) or request bodies.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "errorMessage": "$context.error.message",
    },
    sort_keys=True,
)

_INGEST_RESOURCE = "IngestResource"
_HEALTH_RESOURCE = "HealthResource"
_METHODS = ("IngestPostMethod", "IngestOptionsMethod", "HealthGetMethod")
# Gateway responses are served only by deployments made after them.
_GATEWAY_RESPONSES = ("BadRequestBodyResponse", "Default4xxResponse", "Default5xxResponse")


def add_ingestion(template: Template) -> None:
    """Add the two functions, the API and everything the API needs to be served."""
    template.add_resource(
        _function(
            names.INGESTION_FUNCTION,
            names.INGESTION_FUNCTION_NAME,
            "IngestionCodeKey",
            names.INGESTION_ROLE,
            "IngestionLogGroup",
            "IngestionReservedConcurrency",
            "Receives POST /ingest and writes each request's events to the raw zone",
            {
                "RAW_BUCKET": Ref(names.RAW_BUCKET),
                "STACK_NAME": Ref("AWS::StackName"),
                "METRICS_NAMESPACE": names.METRICS_NAMESPACE,
            },
        )
    )
    template.add_resource(
        _function(
            names.VALIDATION_FUNCTION,
            names.VALIDATION_FUNCTION_NAME,
            "ValidationCodeKey",
            names.VALIDATION_ROLE,
            "ValidationLogGroup",
            "ValidationReservedConcurrency",
            "Validates each new raw object and alerts on invalid events",
            {
                "ALERTS_TOPIC_ARN": Ref(names.ALERTS_TOPIC),
                "STACK_NAME": Ref("AWS::StackName"),
                "METRICS_NAMESPACE": names.METRICS_NAMESPACE,
            },
        )
    )
    template.add_resource(
        Permission(
            names.VALIDATION_PERMISSION,
            Action="lambda:InvokeFunction",
            FunctionName=GetAtt(names.VALIDATION_FUNCTION, "Arn"),
            Principal="s3.amazonaws.com",
            SourceArn=names.bucket_arn(names.RAW_BUCKET),
            SourceAccount=Ref("AWS::AccountId"),
        )
    )
    api_resources = _api(template)
    _deployment(template, api_resources)


def _function(
    logical_id: str,
    name: str,
    code_key: str,
    role: str,
    log_group: str,
    concurrency_parameter: str,
    description: str,
    env: dict,
) -> Function:
    # DependsOn the log group: otherwise the first invocation may create it (without
    # retention) before CloudFormation does, and the stack then fails on "already exists".
    return Function(
        logical_id,
        DependsOn=[log_group],
        FunctionName=Sub(name),
        Description=description,
        Runtime=LAMBDA_RUNTIME,
        Handler=LAMBDA_HANDLER,
        MemorySize=256,
        Timeout=60,
        Role=role_arn(role),
        Code=Code(S3Bucket=Ref("ArtifactsBucketName"), S3Key=Ref(code_key)),
        Environment=Environment(Variables=env),
        # KMS mode: the environment is encrypted with the stack's key, not Lambda's default.
        KmsKeyArn=key_arn_if_kms(),
        TracingConfig=TracingConfig(Mode=If(TRACING_ON, "Active", "PassThrough")),
        # 0 (the default) sets no reservation: the function shares the account's pool.
        ReservedConcurrentExecutions=If(
            RESERVED_CONCURRENCY[concurrency_parameter], Ref(concurrency_parameter), NoValue
        ),
    )


def _cors_integration_response(template_body: str | None = None) -> IntegrationResponse:
    params = {
        "method.response.header.Access-Control-Allow-Headers": f"'{CORS_ALLOW_HEADERS}'",
        "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,POST'",
        "method.response.header.Access-Control-Allow-Origin": "'*'",
    }
    props: dict = {"StatusCode": "200", "ResponseParameters": params}
    if template_body is not None:
        props["ResponseTemplates"] = {"application/json": template_body}
    return IntegrationResponse(**props)


def _cors_method_response() -> MethodResponse:
    return MethodResponse(
        StatusCode="200",
        ResponseParameters={
            "method.response.header.Access-Control-Allow-Headers": True,
            "method.response.header.Access-Control-Allow-Methods": True,
            "method.response.header.Access-Control-Allow-Origin": True,
        },
    )


def _api(template: Template) -> list:
    api = Ref(names.API)
    resources = [
        RestApi(
            names.API,
            Name=Sub(names.API_NAME),
            Description="Data lake ingestion API",
            ApiKeySourceType="HEADER",
            EndpointConfiguration=EndpointConfiguration(Types=["REGIONAL"]),
        ),
        Resource(
            _INGEST_RESOURCE,
            RestApiId=api,
            ParentId=GetAtt(names.API, "RootResourceId"),
            PathPart="ingest",
        ),
        Resource(
            _HEALTH_RESOURCE,
            RestApiId=api,
            ParentId=GetAtt(names.API, "RootResourceId"),
            PathPart="health",
        ),
        Model(
            "IngestRequestModel",
            RestApiId=api,
            ContentType="application/json",
            Name="IngestRequest",
            Description="Shape of a POST /ingest body",
            Schema=json.dumps(envelope_json_schema(), sort_keys=True),
        ),
        Method(
            "IngestPostMethod",
            RestApiId=api,
            ResourceId=Ref(_INGEST_RESOURCE),
            HttpMethod="POST",
            AuthorizationType=If(USE_IAM, "AWS_IAM", "NONE"),
            ApiKeyRequired=If(USE_API_KEY, True, False),
            # The model documents the body (exports, SDKs); no request validator checks it: the
            # Lambda names field and rule for every refusal, API Gateway's validator would not
            # (decision 112).
            RequestModels={"application/json": Ref("IngestRequestModel")},
            Integration=Integration(
                Type="AWS_PROXY",
                IntegrationHttpMethod="POST",
                Uri=Sub(
                    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
                    "2015-03-31/functions/${IngestionFunction.Arn}/invocations"
                ),
            ),
        ),
        Method(
            "IngestOptionsMethod",
            RestApiId=api,
            ResourceId=Ref(_INGEST_RESOURCE),
            HttpMethod="OPTIONS",
            AuthorizationType="NONE",
            ApiKeyRequired=False,
            Integration=Integration(
                Type="MOCK",
                RequestTemplates={"application/json": '{"statusCode": 200}'},
                IntegrationResponses=[_cors_integration_response("")],
            ),
            MethodResponses=[_cors_method_response()],
        ),
        # The seed's "API endpoint: HTTP health check": a MOCK integration, so it checks the API
        # and stage without invoking (or paying for) a function; no key needed.
        Method(
            "HealthGetMethod",
            RestApiId=api,
            ResourceId=Ref(_HEALTH_RESOURCE),
            HttpMethod="GET",
            AuthorizationType="NONE",
            ApiKeyRequired=False,
            Integration=Integration(
                Type="MOCK",
                RequestTemplates={"application/json": '{"statusCode": 200}'},
                IntegrationResponses=[
                    IntegrationResponse(
                        StatusCode="200",
                        ResponseTemplates={"application/json": '{"status": "ok"}'},
                    )
                ],
            ),
            MethodResponses=[MethodResponse(StatusCode="200")],
        ),
        # Errors made by API Gateway itself (missing key, refused body) carry CORS headers, and
        # a refused body says which rule failed.
        # The form AWS documents for request validation (gateway responses take variables,
        # not VTL functions).
        _gateway_response(
            "BadRequestBodyResponse",
            "BAD_REQUEST_BODY",
            '{"message": $context.error.messageString, '
            '"validationErrors": "$context.error.validationErrorString"}',
        ),
        _gateway_response(
            "Default4xxResponse", "DEFAULT_4XX", '{"message": $context.error.messageString}'
        ),
        _gateway_response(
            "Default5xxResponse", "DEFAULT_5XX", '{"message": $context.error.messageString}'
        ),
        Permission(
            "IngestionApiPermission",
            Action="lambda:InvokeFunction",
            FunctionName=GetAtt(names.INGESTION_FUNCTION, "Arn"),
            Principal="apigateway.amazonaws.com",
            SourceArn=Sub(
                "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                "${RestApi}/*/POST/ingest"
            ),
        ),
    ]
    for resource in resources:
        template.add_resource(resource)
    return resources


def _gateway_response(logical_id: str, response_type: str, body: str) -> GatewayResponse:
    return GatewayResponse(
        logical_id,
        RestApiId=Ref(names.API),
        ResponseType=response_type,
        ResponseParameters={
            "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
            "gatewayresponse.header.Access-Control-Allow-Headers": f"'{CORS_ALLOW_HEADERS}'",
        },
        ResponseTemplates={"application/json": body},
    )


def deployment_id(api_resources: list) -> str:
    """Logical id of the API deployment: it carries a hash of the API's definition, because
    CloudFormation never redeploys an unchanged Deployment resource — a changed API must get a
    new one for the stage to serve it."""
    text = json.dumps([r.to_dict() for r in api_resources], sort_keys=True, default=str)
    return "ApiDeployment" + hashlib.sha256(text.encode()).hexdigest()[:10]


def _deployment(template: Template, api_resources: list) -> None:
    dep_id = deployment_id(api_resources)
    template.add_resource(
        Deployment(
            dep_id,
            DependsOn=[*_METHODS, *_GATEWAY_RESPONSES],
            RestApiId=Ref(names.API),
            Description="ingestion API",
        )
    )
    template.add_resource(
        Account(
            "ApiGatewayAccount",
            CloudWatchRoleArn=role_arn(names.API_CLOUDWATCH_ROLE),
        )
    )
    template.add_resource(
        Stage(
            names.API_STAGE,
            DependsOn=["ApiGatewayAccount"],
            RestApiId=Ref(names.API),
            DeploymentId=Ref(dep_id),
            StageName=names.STAGE_NAME,
            Description="production stage",
            TracingEnabled=If(TRACING_ON, True, False),
            AccessLogSetting=AccessLogSetting(
                DestinationArn=GetAtt(names.API_LOG_GROUP, "Arn"),
                Format=ACCESS_LOG_FORMAT,
            ),
            # DataTraceEnabled stays false: full request logging would write API keys and bodies.
            MethodSettings=[
                MethodSetting(
                    ResourcePath="/*",
                    HttpMethod="*",
                    MetricsEnabled=True,
                    LoggingLevel="ERROR",
                    DataTraceEnabled=False,
                    ThrottlingRateLimit=Ref("ApiThrottleRateLimit"),
                    ThrottlingBurstLimit=Ref("ApiThrottleBurstLimit"),
                )
            ],
        )
    )
    template.add_resource(
        ApiKey(
            names.API_KEY,
            DependsOn=[names.API_STAGE],
            Name=Sub("${AWS::StackName}-ingest-key"),
            Description="Key for POST /ingest (used when ApiAuthMode is API_KEY)",
            Enabled=True,
        )
    )
    template.add_resource(
        UsagePlan(
            "ApiUsagePlan",
            UsagePlanName=Sub("${AWS::StackName}-usage-plan"),
            ApiStages=[ApiStage(ApiId=Ref(names.API), Stage=Ref(names.API_STAGE))],
            Throttle=ThrottleSettings(
                RateLimit=Ref("ApiThrottleRateLimit"), BurstLimit=Ref("ApiThrottleBurstLimit")
            ),
            Quota=QuotaSettings(Limit=Ref("ApiQuotaPerDay"), Period="DAY"),
        )
    )
    template.add_resource(
        UsagePlanKey(
            "ApiUsagePlanKey",
            KeyId=Ref(names.API_KEY),
            KeyType="API_KEY",
            UsagePlanId=Ref("ApiUsagePlan"),
        )
    )
