"""The calls API Gateway handlers share: patch updates, quiet deletes, replaced sub-resources."""

import pytest
from botocore.exceptions import ClientError

from localcloud.provision.apigateway.api import ApiResourceHandler
from localcloud.provision.apigateway.calls import apply_patch, delete_quietly, snake_case
from localcloud.provision.apigateway.keys import UsagePlanKeyHandler
from localcloud.provision.base import ALL, Provisioned


def test_apply_patch_sends_operations_and_skips_an_empty_patch(recording_client, context_for):
    api = recording_client()
    apply_patch(context_for(api), "update_rest_api", [], restApiId="a1")
    assert (api.calls, api.handed_out) == ([], 0)
    ops = [{"op": "replace", "path": "/name", "value": "n"}]
    apply_patch(context_for(api), "update_rest_api", ops, restApiId="a1")
    assert api.calls == [("update_rest_api", {"restApiId": "a1", "patchOperations": ops})]


def test_delete_quietly_ignores_a_missing_resource_only(recording_client, context_for):
    api = recording_client({"delete_api_key": "NotFoundException", "delete_model": "BadRequest"})
    delete_quietly(context_for(api), "delete_api_key", apiKey="k1")
    with pytest.raises(ClientError):
        delete_quietly(context_for(api), "delete_model", restApiId="a", modelName="m")
    assert api.calls == [
        ("delete_api_key", {"apiKey": "k1"}),
        ("delete_model", {"restApiId": "a", "modelName": "m"}),
    ]


def test_snake_case_names_boto3_operations():
    assert snake_case("UsagePlanKey") == "usage_plan_key"
    assert snake_case("Resource") == "resource"


@pytest.mark.parametrize(
    ("handler", "props", "create", "delete", "attributes"),
    [
        (
            ApiResourceHandler(),
            {"RestApiId": "a1", "ParentId": "root", "PathPart": "ingest"},
            ("create_resource", {"restApiId": "a1", "parentId": "root", "pathPart": "ingest"}),
            ("delete_resource", {"restApiId": "a1", "resourceId": "new-id"}),
            {"ResourceId": "new-id"},
        ),
        (
            UsagePlanKeyHandler(),
            {"UsagePlanId": "p1", "KeyId": "k1", "KeyType": "API_KEY"},
            ("create_usage_plan_key", {"usagePlanId": "p1", "keyId": "k1", "keyType": "API_KEY"}),
            ("delete_usage_plan_key", {"usagePlanId": "p1", "keyId": "new-id"}),
            {"Id": "new-id"},
        ),
    ],
)
def test_replaced_sub_resources_create_and_delete(
    handler, props, create, delete, attributes, recording_client, context_for
):
    api = recording_client(response={"id": "new-id"})
    created = handler.create(context_for(api), props)
    assert (created.physical_id, created.attributes) == ("new-id", attributes)
    handler.delete(context_for(api), Provisioned("new-id"), props)
    assert api.calls == [create, delete]
    assert handler.properties == handler.required == frozenset(props)
    assert handler.replace_on == ALL
