import json
import time


def _payload(response):
    return json.loads(response["Payload"].read())


def test_sync_invoke_runs_handler_with_context_and_env(lambda_client, make_function, endpoint):
    name = make_function("echo", env={"GREETING": "hi"})
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps({"a": 1}))
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    body = _payload(response)
    assert body["event"] == {"a": 1}
    assert body["function_name"] == name
    assert body["memory"] == 256
    assert body["arn"].endswith(f":function:{name}")
    assert body["log_group"] == f"/aws/lambda/{name}"
    assert 0 < body["remaining"] <= 10_000
    assert body["env"] == "hi"
    assert body["endpoint"] == endpoint
    assert body["request_id"] == response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]


def test_warm_worker_is_reused(lambda_client, make_function):
    name = make_function("echo")
    first = _payload(lambda_client.invoke(FunctionName=name, Payload=b"{}"))
    second = _payload(lambda_client.invoke(FunctionName=name, Payload=b"{}"))
    assert second["pid"] == first["pid"]
    assert second["calls"] == first["calls"] + 1


def test_function_error_is_unhandled_with_aws_shape(lambda_client, make_function):
    name = make_function("fail")
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps({"x": 7}))
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    body = _payload(response)
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "bad input: 7"
    assert any("raise ValueError" in line for line in body["stackTrace"])


def test_timeout_kills_worker_and_reports_as_aws(lambda_client, make_function):
    name = make_function("slow", timeout=1)
    started = time.monotonic()
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps({"sleep": 30}))
    assert time.monotonic() - started < 10
    assert response["FunctionError"] == "Unhandled"
    body = _payload(response)
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Task timed out after 1.00 seconds")


def test_worker_crash_reports_runtime_exit_error(lambda_client, make_function):
    name = make_function("crash")
    response = lambda_client.invoke(FunctionName=name, Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    body = _payload(response)
    assert body["errorType"] == "Runtime.ExitError"
    assert "exit status 3" in body["errorMessage"]


def test_unknown_function_is_404(lambda_client):
    import pytest
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as err:
        lambda_client.invoke(FunctionName="does-not-exist", Payload=b"{}")
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_invalid_json_payload_is_400(lambda_client, make_function):
    import pytest
    from botocore.exceptions import ClientError

    name = make_function("echo")
    with pytest.raises(ClientError) as err:
        lambda_client.invoke(FunctionName=name, Payload=b"{not json")
    assert err.value.response["Error"]["Code"] == "InvalidRequestContentException"


def test_dry_run_checks_function(lambda_client, make_function):
    name = make_function("echo")
    assert lambda_client.invoke(FunctionName=name, InvocationType="DryRun")["StatusCode"] == 204


def test_code_update_is_picked_up(lambda_client, make_function):
    from localcloud.testing import zip_files

    name = make_function("echo")
    assert _payload(lambda_client.invoke(FunctionName=name))["function_name"] == name
    lambda_client.update_function_code(
        FunctionName=name, ZipFile=zip_files({"app.py": "def echo(e, c):\n    return 'v2'\n"}))
    assert _payload(lambda_client.invoke(FunctionName=name)) == "v2"


def test_import_error_is_reported_as_aws_does(lambda_client, role_arn):
    import uuid

    from localcloud.testing import zip_files

    name = f"fn-broken-{uuid.uuid4().hex[:8]}"
    lambda_client.create_function(
        FunctionName=name, Runtime="python3.11", Role=role_arn, Handler="app.handler",
        Code={"ZipFile": zip_files({"app.py": "import not_a_module\n"})})
    response = lambda_client.invoke(FunctionName=name, Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    body = _payload(response)
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"].startswith("Unable to import module 'app': No module named")


def test_deleted_function_is_gone_with_its_workers(lambda_client, make_function, local_cloud):
    import pytest
    from botocore.exceptions import ClientError

    name = make_function("echo")
    lambda_client.invoke(FunctionName=name, Payload=b"{}")
    assert local_cloud.services["lambda"].pool.counts()[name]["idle"] == 1
    lambda_client.delete_function(FunctionName=name)
    assert name not in local_cloud.services["lambda"].pool.counts()
    with pytest.raises(ClientError) as err:
        lambda_client.invoke(FunctionName=name, Payload=b"{}")
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_idle_workers_are_reaped(lambda_client, make_function, local_cloud):
    name = make_function("echo")
    first = _payload(lambda_client.invoke(FunctionName=name, Payload=b"{}"))
    assert local_cloud.services["lambda"].pool.reap(max_idle_s=0) >= 1
    second = _payload(lambda_client.invoke(FunctionName=name, Payload=b"{}"))
    assert second["pid"] != first["pid"] and second["calls"] == 1  # a cold start again
