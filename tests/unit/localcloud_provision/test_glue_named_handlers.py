"""Crawler and job handlers share one create/update/delete shape: the calls each one makes."""

import pytest
from botocore.exceptions import ClientError

from localcloud.provision.base import Provisioned
from localcloud.provision.glue import CrawlerHandler, JobHandler

CRAWLER = {"Name": "c1", "Role": "r", "Targets": {"S3Targets": []}, "Tags": {"a": "b"}}
JOB = {"Name": "j1", "Role": "r", "Command": {"Name": "glueetl"}, "MaxRetries": "2"}


def test_crawler_create_update_delete_calls(recording_client, context_for):
    glue = recording_client()
    ctx = context_for(glue)
    handler = CrawlerHandler()
    assert handler.create(ctx, CRAWLER).physical_id == "c1"
    handler.update(ctx, Provisioned("c1"), CRAWLER, {**CRAWLER, "Description": "d"})
    handler.delete(ctx, Provisioned("c1"), CRAWLER)
    request = {"Role": "r", "Targets": {"S3Targets": []}}
    assert glue.calls == [
        ("create_crawler", {"Name": "c1", "Tags": {"a": "b"}, **request}),
        ("update_crawler", {"Name": "c1", **request, "Description": "d"}),
        ("delete_crawler", {"Name": "c1"}),
    ]


def test_job_update_wraps_the_request_and_names_the_job_jobname(recording_client, context_for):
    glue = recording_client()
    JobHandler().update(context_for(glue), Provisioned("j1"), JOB, JOB)
    JobHandler().delete(context_for(glue), Provisioned("j1"), JOB)
    request = {"Role": "r", "Command": {"Name": "glueetl"}, "MaxRetries": 2}
    assert glue.calls == [
        ("update_job", {"JobName": "j1", "JobUpdate": request}),
        ("delete_job", {"JobName": "j1"}),
    ]


@pytest.mark.parametrize(
    ("handler", "props", "name_argument"),
    [(CrawlerHandler(), CRAWLER, "Name"), (JobHandler(), JOB, "JobName")],
)
def test_unimplemented_update_deletes_and_recreates_under_the_same_name(
    handler, props, name_argument, recording_client, context_for
):
    kind = handler.kind
    glue = recording_client({f"update_{kind}": "NotImplemented"})
    handler.update(context_for(glue), Provisioned("same"), props, props)
    assert [op for op, _ in glue.calls] == [f"update_{kind}", f"delete_{kind}", f"create_{kind}"]
    assert glue.calls[1][1] == {name_argument: "same"}
    assert glue.calls[2][1]["Name"] == "same"


def test_other_update_errors_propagate_and_a_missing_resource_deletes_quietly(
    recording_client, context_for
):
    glue = recording_client(
        {"update_job": "InvalidInputException", "delete_job": "EntityNotFoundException"}
    )
    with pytest.raises(ClientError):
        JobHandler().update(context_for(glue), Provisioned("j1"), JOB, JOB)
    JobHandler().delete(context_for(glue), Provisioned("j1"), JOB)
    assert [op for op, _ in glue.calls] == ["update_job", "delete_job"]
