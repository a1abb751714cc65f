"""In-process boto3 clients: each request goes through the local cloud's WSGI application
(routing, observers, moto) without a server or a socket; LocalCloud is never started here."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from localcloud import CloudConfig, LocalCloud
from localcloud.athena.inprocess import InProcessClients
from localcloud.clients import INTERNAL_AGENT


@pytest.fixture
def cloud(tmp_path):
    return LocalCloud(CloudConfig(port=1, data_dir=tmp_path), plugins=[])


def test_requests_reach_moto_and_observers_see_them(cloud):
    seen = []
    cloud.registry.observe("s3", lambda call: call.method == "PUT",
                           lambda call, response: seen.append(
                               (call.path, call.header("user-agent"), response.status)))
    clients = InProcessClients(cloud)
    s3 = clients("s3")
    assert clients("s3") is s3  # one client per service
    bucket = f"inproc-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="a/b.csv", Body=b'"x"\n' * 1000, ContentType="text/csv")
    head = s3.head_object(Bucket=bucket, Key="a/b.csv")
    assert (head["ContentLength"], head["ContentType"]) == (4000, "text/csv")
    assert s3.get_object(Bucket=bucket, Key="a/b.csv")["Body"].read() == b'"x"\n' * 1000
    assert [p for p, _, _ in seen] == [f"/{bucket}", f"/{bucket}/a/b.csv"]
    assert all(INTERNAL_AGENT in agent and status == 200 for _, agent, status in seen)


def test_errors_come_back_as_aws_errors(cloud):
    s3 = InProcessClients(cloud)("s3")
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=f"missing-{uuid.uuid4().hex[:8]}", Key="k")
    assert error.value.response["Error"]["Code"] == "NoSuchBucket"


def test_json_protocol_services_work(cloud):
    glue = InProcessClients(cloud)("glue")
    name = f"inproc_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": name})
    assert glue.get_database(Name=name)["Database"]["Name"] == name
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=name, Name="nope")
