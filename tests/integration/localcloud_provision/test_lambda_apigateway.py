"""Lambda functions from S3 code and the REST API in front of them, with every property."""

import base64
import copy
import hashlib


def _template(code_bucket, assume_lambda):
    api = {"Ref": "Api"}
    return {
        "Parameters": {"Memory": {"Type": "Number", "Default": "256"}},
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": assume_lambda,
                    "Policies": [
                        {
                            "PolicyName": "write-raw",
                            "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Statement": [
                                    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}
                                ],
                            },
                        }
                    ],
                },
            },
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "FunctionName": {"Fn::Sub": "${AWS::StackName}-ingestion"},
                    "Runtime": "python3.11",
                    "Handler": "handler.handler",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Code": {"S3Bucket": code_bucket, "S3Key": "code/fn.zip"},
                    "MemorySize": {"Ref": "Memory"},
                    "Timeout": 60,
                    "ReservedConcurrentExecutions": 10,
                    "Environment": {"Variables": {"STACK_NAME": {"Ref": "AWS::StackName"}}},
                },
            },
            "Api": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-api"},
                    "ApiKeySourceType": "HEADER",
                },
            },
            "Ingest": {
                "Type": "AWS::ApiGateway::Resource",
                "Properties": {
                    "RestApiId": api,
                    "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                    "PathPart": "ingest",
                },
            },
            "Model": {
                "Type": "AWS::ApiGateway::Model",
                "Properties": {
                    "RestApiId": api,
                    "Name": "IngestRequest",
                    "ContentType": "application/json",
                    "Schema": {"type": "object", "required": ["source"]},
                },
            },
            "Validator": {
                "Type": "AWS::ApiGateway::RequestValidator",
                "Properties": {
                    "RestApiId": api,
                    "Name": "body",
                    "ValidateRequestBody": True,
                    "ValidateRequestParameters": False,
                },
            },
            "Post": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "RestApiId": api,
                    "ResourceId": {"Ref": "Ingest"},
                    "HttpMethod": "POST",
                    "AuthorizationType": "NONE",
                    "ApiKeyRequired": True,
                    "RequestValidatorId": {"Ref": "Validator"},
                    "RequestModels": {"application/json": {"Ref": "Model"}},
                    "Integration": {
                        "Type": "AWS_PROXY",
                        "IntegrationHttpMethod": "POST",
                        "Uri": {
                            "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/"
                            "2015-03-31/functions/${Fn.Arn}/invocations"
                        },
                    },
                },
            },
            "Perm": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Ref": "Fn"},
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": {
                        "Fn::Sub": "arn:aws:execute-api:${AWS::Region}:"
                        "${AWS::AccountId}:${Api}/*/POST/ingest"
                    },
                },
            },
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {
                    "LogGroupName": {"Fn::Sub": "/aws/apigateway/${AWS::StackName}-api"},
                    "RetentionInDays": 30,
                },
            },
            "Deployment": {
                "Type": "AWS::ApiGateway::Deployment",
                "DependsOn": ["Post"],
                "Properties": {"RestApiId": api},
            },
            "Stage": {
                "Type": "AWS::ApiGateway::Stage",
                "Properties": {
                    "RestApiId": api,
                    "StageName": "prod",
                    "DeploymentId": {"Ref": "Deployment"},
                    "AccessLogSetting": {
                        "DestinationArn": {"Fn::GetAtt": ["Logs", "Arn"]},
                        "Format": "$context.requestId $context.status",
                    },
                    "MethodSettings": [
                        {
                            "ResourcePath": "/*",
                            "HttpMethod": "*",
                            "MetricsEnabled": True,
                            "LoggingLevel": "INFO",
                            "ThrottlingBurstLimit": 200,
                            "ThrottlingRateLimit": 100,
                        }
                    ],
                },
            },
            "Key": {
                "Type": "AWS::ApiGateway::ApiKey",
                "DependsOn": "Stage",
                "Properties": {"Name": {"Fn::Sub": "${AWS::StackName}-key"}, "Enabled": True},
            },
            "Plan": {
                "Type": "AWS::ApiGateway::UsagePlan",
                "DependsOn": "Stage",
                "Properties": {
                    "UsagePlanName": {"Fn::Sub": "${AWS::StackName}-plan"},
                    "ApiStages": [{"ApiId": api, "Stage": "prod"}],
                    "Throttle": {"BurstLimit": 200, "RateLimit": 100},
                    "Quota": {"Limit": 1000, "Period": "DAY"},
                },
            },
            "PlanKey": {
                "Type": "AWS::ApiGateway::UsagePlanKey",
                "Properties": {
                    "KeyId": {"Ref": "Key"},
                    "KeyType": "API_KEY",
                    "UsagePlanId": {"Ref": "Plan"},
                },
            },
            "BadBody": {
                "Type": "AWS::ApiGateway::GatewayResponse",
                "Properties": {
                    "RestApiId": api,
                    "ResponseType": "BAD_REQUEST_BODY",
                    "StatusCode": "400",
                    "ResponseTemplates": {
                        "application/json": '{"message": "$context.error.validationErrorString"}'
                    },
                },
            },
        },
        "Outputs": {
            "ApiId": {"Value": api},
            "KeyId": {"Value": {"Ref": "Key"}},
            "FunctionArn": {"Value": {"Fn::GetAtt": ["Fn", "Arn"]}},
        },
    }


def test_function_from_s3_code_with_every_setting(stacks, stack_name, code_bucket, assume_lambda):
    result = stacks.deploy(stack_name, _template(code_bucket, assume_lambda))
    name = f"{stack_name}-ingestion"
    lam = stacks.client("lambda")
    config = lam.get_function_configuration(FunctionName=name)
    assert config["MemorySize"] == 256
    assert config["Timeout"] == 60
    assert config["Handler"] == "handler.handler"
    assert config["Runtime"] == "python3.11"
    assert config["Environment"]["Variables"] == {"STACK_NAME": stack_name}
    assert config["Role"].startswith("arn:aws:iam::123456789012:role/")
    package = stacks.client("s3").get_object(Bucket=code_bucket, Key="code/fn.zip")["Body"].read()
    assert config["CodeSha256"] == base64.b64encode(hashlib.sha256(package).digest()).decode()
    concurrency = lam.get_function_concurrency(FunctionName=name)
    assert concurrency["ReservedConcurrentExecutions"] == 10
    assert result.outputs["FunctionArn"] == config["FunctionArn"]
    policy = lam.get_policy(FunctionName=name)["Policy"]
    assert "apigateway.amazonaws.com" in policy and "/*/POST/ingest" in policy
    role = config["Role"].rsplit("/", 1)[1]
    assert stacks.client("iam").list_role_policies(RoleName=role)["PolicyNames"] == ["write-raw"]
    stacks.destroy(stack_name)


def test_rest_api_with_stage_keys_and_usage_plan(stacks, stack_name, code_bucket, assume_lambda):
    result = stacks.deploy(stack_name, _template(code_bucket, assume_lambda))
    api_id = result.outputs["ApiId"]
    apigw = stacks.client("apigateway")
    resources = {r["path"]: r for r in apigw.get_resources(restApiId=api_id)["items"]}
    assert set(resources) == {"/", "/ingest"}
    method = apigw.get_method(
        restApiId=api_id, resourceId=resources["/ingest"]["id"], httpMethod="POST"
    )
    assert method["apiKeyRequired"] is True
    assert method["authorizationType"] == "NONE"
    assert method["requestModels"] == {"application/json": "IngestRequest"}
    validator = apigw.get_request_validator(
        restApiId=api_id, requestValidatorId=method["requestValidatorId"]
    )
    assert validator["validateRequestBody"] is True
    assert method["methodIntegration"]["type"] == "AWS_PROXY"
    assert method["methodIntegration"]["uri"].endswith(
        f":function:{stack_name}-ingestion/invocations"
    )
    stage = apigw.get_stage(restApiId=api_id, stageName="prod")
    assert stage["accessLogSettings"]["destinationArn"] == (
        f"arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/{stack_name}-api:*"
    )
    assert stage["accessLogSettings"]["format"] == "$context.requestId $context.status"
    settings = stage["methodSettings"]["*/*"]
    assert settings["throttlingBurstLimit"] == 200
    assert settings["throttlingRateLimit"] == 100.0
    assert settings["metricsEnabled"] is True
    assert settings["loggingLevel"] == "INFO"
    key = apigw.get_api_key(apiKey=result.outputs["KeyId"], includeValue=True)
    assert key["enabled"] is True and key["name"] == f"{stack_name}-key" and key["value"]
    (plan,) = [p for p in apigw.get_usage_plans()["items"] if p["name"] == f"{stack_name}-plan"]
    assert plan["apiStages"] == [{"apiId": api_id, "stage": "prod"}]
    assert plan["throttle"] == {"burstLimit": 200, "rateLimit": 100.0}
    assert plan["quota"]["limit"] == 1000 and plan["quota"]["period"] == "DAY"
    keys = apigw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]
    assert [k["id"] for k in keys] == [result.outputs["KeyId"]]
    response = apigw.get_gateway_response(restApiId=api_id, responseType="BAD_REQUEST_BODY")
    assert response["statusCode"] == "400"
    model = apigw.get_model(restApiId=api_id, modelName="IngestRequest")
    assert '"required": ["source"]' in model["schema"]
    stacks.destroy(stack_name)
    assert api_id not in [a["id"] for a in apigw.get_rest_apis()["items"]]


def test_update_of_function_stage_and_plan(stacks, stack_name, code_bucket, assume_lambda):
    template = _template(code_bucket, assume_lambda)
    first = stacks.deploy(stack_name, template)
    changed = copy.deepcopy(template)
    res = changed["Resources"]
    res["Fn"]["Properties"]["Environment"]["Variables"]["EXTRA"] = "1"
    del res["Fn"]["Properties"]["ReservedConcurrentExecutions"]
    res["Stage"]["Properties"]["MethodSettings"][0]["ThrottlingBurstLimit"] = 50
    res["Plan"]["Properties"]["Quota"]["Limit"] = 5000
    res["Model"]["Properties"]["Schema"] = {"type": "object", "required": ["source", "data"]}
    result = stacks.deploy(stack_name, changed, {"Memory": "512"})
    assert sorted(result.updated) == ["Fn", "Model", "Plan", "Stage"]
    assert result.outputs == first.outputs
    name = f"{stack_name}-ingestion"
    lam = stacks.client("lambda")
    config = lam.get_function_configuration(FunctionName=name)
    assert config["MemorySize"] == 512
    assert config["Environment"]["Variables"] == {"STACK_NAME": stack_name, "EXTRA": "1"}
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)
    apigw = stacks.client("apigateway")
    api_id = result.outputs["ApiId"]
    stage = apigw.get_stage(restApiId=api_id, stageName="prod")
    assert stage["methodSettings"]["*/*"]["throttlingBurstLimit"] == 50
    (plan,) = [p for p in apigw.get_usage_plans()["items"] if p["name"] == f"{stack_name}-plan"]
    assert plan["quota"]["limit"] == 5000
    model = apigw.get_model(restApiId=api_id, modelName="IngestRequest")
    assert '"data"' in model["schema"]
    stacks.destroy(stack_name)
