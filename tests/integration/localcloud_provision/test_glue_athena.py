"""Glue database, tables, crawlers, jobs and the Athena workgroup, with updates."""

import copy

import pytest
from botocore.exceptions import ClientError


def _template():
    db = {"Ref": "Db"}
    role = {"Fn::GetAtt": ["Role", "Arn"]}
    return {
        "Parameters": {"Workers": {"Type": "Number", "Default": "2"}},
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Principal": {"Service": "glue.amazonaws.com"},
                            }
                        ]
                    }
                },
            },
            "Db": {
                "Type": "AWS::Glue::Database",
                "Properties": {
                    "CatalogId": {"Ref": "AWS::AccountId"},
                    "DatabaseInput": {
                        "Name": {
                            "Fn::Join": [
                                "_",
                                [
                                    {
                                        "Fn::Select": [
                                            0,
                                            {"Fn::Split": ["-", {"Ref": "AWS::StackName"}]},
                                        ]
                                    },
                                    "db",
                                ],
                            ]
                        },
                        "Description": "lake",
                    },
                },
            },
            "RawTable": {
                "Type": "AWS::Glue::Table",
                "Properties": {
                    "CatalogId": {"Ref": "AWS::AccountId"},
                    "DatabaseName": db,
                    "TableInput": {
                        "Name": "raw_data",
                        "TableType": "EXTERNAL_TABLE",
                        "PartitionKeys": [{"Name": "partition_0", "Type": "string"}],
                        "StorageDescriptor": {
                            "Columns": [{"Name": "body", "Type": "string"}],
                            "Location": "s3://raw-bucket/",
                            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                            "SerdeInfo": {
                                "SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"
                            },
                        },
                    },
                },
            },
            "Crawler": {
                "Type": "AWS::Glue::Crawler",
                "Properties": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-lake-crawler"},
                    "Role": role,
                    "DatabaseName": db,
                    "Targets": {
                        "CatalogTargets": [{"DatabaseName": db, "Tables": [{"Ref": "RawTable"}]}]
                    },
                    "Schedule": {"ScheduleExpression": "cron(0 * * * ? *)"},
                    "SchemaChangePolicy": {
                        "UpdateBehavior": "UPDATE_IN_DATABASE",
                        "DeleteBehavior": "LOG",
                    },
                    "Tags": {"layer": "catalog"},
                },
            },
            "Job": {
                "Type": "AWS::Glue::Job",
                "Properties": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-raw-to-processed"},
                    "Role": role,
                    "Command": {
                        "Name": "glueetl",
                        "ScriptLocation": "s3://code/job.py",
                        "PythonVersion": "3",
                    },
                    "DefaultArguments": {
                        "--job-bookmark-option": "job-bookmark-enable",
                        "--raw_path": "s3://raw-bucket/",
                    },
                    "GlueVersion": "4.0",
                    "WorkerType": "G.1X",
                    "NumberOfWorkers": {"Ref": "Workers"},
                    "MaxRetries": 1,
                    "Timeout": 60,
                    "ExecutionProperty": {"MaxConcurrentRuns": 1},
                },
            },
            "WorkGroup": {
                "Type": "AWS::Athena::WorkGroup",
                "Properties": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-workgroup"},
                    "Description": "lake queries",
                    "RecursiveDeleteOption": True,
                    "WorkGroupConfiguration": {
                        "ResultConfiguration": {"OutputLocation": "s3://processed/athena-results/"},
                        "EnforceWorkGroupConfiguration": True,
                        "PublishCloudWatchMetricsEnabled": True,
                        "BytesScannedCutoffPerQuery": 10485760,
                    },
                },
            },
        },
        "Outputs": {
            "DatabaseName": {"Value": db},
            "JobName": {"Value": {"Ref": "Job"}},
            "CrawlerName": {"Value": {"Ref": "Crawler"}},
            "WorkGroupName": {"Value": {"Ref": "WorkGroup"}},
        },
    }


def test_catalog_crawler_job_and_workgroup(stacks, stack_name):
    result = stacks.deploy(stack_name, _template())
    assert result.outputs == {
        "DatabaseName": f"{stack_name}_db",
        "JobName": f"{stack_name}-raw-to-processed",
        "CrawlerName": f"{stack_name}-lake-crawler",
        "WorkGroupName": f"{stack_name}-workgroup",
    }
    glue = stacks.client("glue")
    assert glue.get_database(Name=f"{stack_name}_db")["Database"]["Description"] == "lake"
    table = glue.get_table(DatabaseName=f"{stack_name}_db", Name="raw_data")["Table"]
    assert table["PartitionKeys"] == [{"Name": "partition_0", "Type": "string"}]
    assert table["StorageDescriptor"]["Location"] == "s3://raw-bucket/"
    crawler = glue.get_crawler(Name=f"{stack_name}-lake-crawler")["Crawler"]
    assert crawler["Targets"]["CatalogTargets"] == [
        {"DatabaseName": f"{stack_name}_db", "Tables": ["raw_data"]}
    ]
    assert crawler["Schedule"]["ScheduleExpression"] == "cron(0 * * * ? *)"
    assert crawler["SchemaChangePolicy"] == {
        "UpdateBehavior": "UPDATE_IN_DATABASE",
        "DeleteBehavior": "LOG",
    }
    assert crawler["Role"].startswith("arn:aws:iam::123456789012:role/")
    job = glue.get_job(JobName=f"{stack_name}-raw-to-processed")["Job"]
    assert job["Command"]["ScriptLocation"] == "s3://code/job.py"
    assert job["DefaultArguments"]["--job-bookmark-option"] == "job-bookmark-enable"
    assert (job["GlueVersion"], job["WorkerType"], job["NumberOfWorkers"]) == ("4.0", "G.1X", 2)
    assert (job["MaxRetries"], job["Timeout"]) == (1, 60)
    group = stacks.client("athena").get_work_group(WorkGroup=f"{stack_name}-workgroup")
    config = group["WorkGroup"]["Configuration"]
    assert config["ResultConfiguration"]["OutputLocation"] == "s3://processed/athena-results/"
    assert config["EnforceWorkGroupConfiguration"] is True
    assert config["BytesScannedCutoffPerQuery"] == 10485760
    stacks.destroy(stack_name)
    with pytest.raises(ClientError, match="EntityNotFound"):
        glue.get_database(Name=f"{stack_name}_db")


def test_updates_apply_new_settings(stacks, stack_name):
    template = _template()
    stacks.deploy(stack_name, template)
    changed = copy.deepcopy(template)
    res = changed["Resources"]
    res["Crawler"]["Properties"]["Schedule"]["ScheduleExpression"] = "cron(0 1 * * ? *)"
    res["WorkGroup"]["Properties"]["WorkGroupConfiguration"]["BytesScannedCutoffPerQuery"] = (
        20971520
    )
    res["RawTable"]["Properties"]["TableInput"]["StorageDescriptor"]["Columns"].append(
        {"Name": "source", "Type": "string"}
    )
    result = stacks.deploy(stack_name, changed, {"Workers": "5"})
    assert sorted(result.updated) == ["Crawler", "Job", "RawTable", "WorkGroup"]
    glue = stacks.client("glue")
    assert glue.get_job(JobName=f"{stack_name}-raw-to-processed")["Job"]["NumberOfWorkers"] == 5
    crawler = glue.get_crawler(Name=f"{stack_name}-lake-crawler")["Crawler"]
    assert crawler["Schedule"]["ScheduleExpression"] == "cron(0 1 * * ? *)"
    table = glue.get_table(DatabaseName=f"{stack_name}_db", Name="raw_data")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["body", "source"]
    group = stacks.client("athena").get_work_group(WorkGroup=f"{stack_name}-workgroup")
    assert group["WorkGroup"]["Configuration"]["BytesScannedCutoffPerQuery"] == 20971520
    stacks.destroy(stack_name)
