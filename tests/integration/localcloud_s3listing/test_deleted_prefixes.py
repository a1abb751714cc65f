import boto3


def test_folder_of_deleted_keys_is_not_listed_in_a_versioned_bucket(endpoint):
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="listing-versioned")
    s3.put_bucket_versioning(Bucket="listing-versioned",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="listing-versioned", Key="t/_temporary/0/task_1/x.json", Body=b"1")
    s3.put_object(Bucket="listing-versioned", Key="t/live/y.json", Body=b"2")
    s3.delete_object(Bucket="listing-versioned", Key="t/_temporary/0/task_1/x.json")

    gone = s3.list_objects_v2(Bucket="listing-versioned", Prefix="t/_temporary/0/", Delimiter="/")
    top = s3.list_objects_v2(Bucket="listing-versioned", Prefix="t/", Delimiter="/")

    assert gone.get("CommonPrefixes", []) == []
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["t/live/"]
