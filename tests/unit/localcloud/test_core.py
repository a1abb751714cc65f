from localcloud.routing import error_protocol, identify_call

SCOPE = "AWS4-HMAC-SHA256 Credential=AK/20261125/us-west-2/{svc}/aws4_request, SignedHeaders=host"


def test_json_protocol_operation_from_target():
    call = identify_call(
        "POST", "/", "", {"Authorization": SCOPE.format(svc="glue"),
                          "X-Amz-Target": "AWSGlue.StartJobRun"}, b"{}",
    )
    assert (call.service, call.operation, call.protocol, call.region) == (
        "glue", "StartJobRun", "json", "us-west-2")


def test_query_protocol_action_from_form_body():
    call = identify_call(
        "POST", "/", "", {"Authorization": SCOPE.format(svc="sns"),
                          "Content-Type": "application/x-www-form-urlencoded"},
        b"Action=Publish&TopicArn=arn",
    )
    assert (call.service, call.operation, call.protocol) == ("sns", "Publish", "query")
    assert error_protocol(call) == "query"


def test_cbor_path_and_signing_alias():
    call = identify_call(
        "POST", "/service/GraniteServiceVersion20100801/operation/PutMetricData", "",
        {"Authorization": SCOPE.format(svc="monitoring"), "smithy-protocol": "rpc-v2-cbor"}, b"",
    )
    assert (call.service, call.operation, call.protocol) == ("cloudwatch", "PutMetricData", "cbor")


def test_rest_call_has_no_operation():
    call = identify_call("PUT", "/bucket/key", "", {"Authorization": SCOPE.format(svc="s3")}, b"x")
    assert (call.service, call.operation, call.protocol) == ("s3", None, "rest")
    assert error_protocol(call) == "rest-xml"


def test_config_makes_the_data_dir_absolute(tmp_path, monkeypatch):
    from localcloud.config import CloudConfig

    monkeypatch.chdir(tmp_path)
    config = CloudConfig(data_dir="state/local")
    assert config.data_dir == tmp_path / "state" / "local"
