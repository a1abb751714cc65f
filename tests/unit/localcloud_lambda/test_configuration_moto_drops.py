"""moto quirk: UpdateFunctionConfiguration ignores TracingConfig and KMSKeyArn; the Lambda plugin
puts them on moto's function after the call, so GetFunctionConfiguration answers as Lambda."""

from __future__ import annotations

import io
import json
import zipfile
from types import SimpleNamespace

import boto3
from moto import mock_aws

from localcloud.lambda_.plugin import keep_configuration_moto_drops

ACCOUNT, REGION = "123456789012", "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k1"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(e, c):\n    return 1\n")
    return buffer.getvalue()


def _call(name: str, body: dict) -> SimpleNamespace:
    return SimpleNamespace(
        path=f"/2015-03-31/functions/{name}/configuration",
        region=REGION,
        json=lambda: body,
    )


@mock_aws
def test_tracing_and_key_survive_an_update_and_can_be_removed():
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = boto3.client("lambda", region_name=REGION)
    lam.create_function(
        FunctionName="fn",
        Runtime="python3.11",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _zip()},
    )
    config = SimpleNamespace(account=ACCOUNT, region=REGION)
    update = {"TracingConfig": {"Mode": "Active"}, "KMSKeyArn": KEY}
    lam.update_function_configuration(FunctionName="fn", **update)
    keep_configuration_moto_drops(config, _call("fn", update))
    answer = lam.get_function_configuration(FunctionName="fn")
    assert (answer["TracingConfig"], answer["KMSKeyArn"]) == ({"Mode": "Active"}, KEY)

    arn = answer["FunctionArn"]
    keep_configuration_moto_drops(config, _call(arn, {"KMSKeyArn": ""}))
    assert "KMSKeyArn" not in lam.get_function_configuration(FunctionName="fn")
    keep_configuration_moto_drops(config, _call("fn", {"Description": json.dumps("x")}))
    assert lam.get_function_configuration(FunctionName="fn")["TracingConfig"] == {"Mode": "Active"}
