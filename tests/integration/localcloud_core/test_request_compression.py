import boto3


def test_gzipped_request_bodies_reach_plugins_decompressed(local_cloud, endpoint):
    seen = []
    local_cloud.registry.observe(
        "cloudwatch", lambda call: call.operation == "PutMetricData",
        lambda call, response: seen.append(call.json()))
    cloudwatch = boto3.client("cloudwatch", endpoint_url=endpoint, region_name="us-east-1")
    data = [{"MetricName": "Big", "Value": float(i), "Unit": "Count",
             "Dimensions": [{"Name": "Test", "Value": "compression"}]} for i in range(300)]
    cloudwatch.put_metric_data(Namespace="LocalCloudTest", MetricData=data)  # > 10 KB: gzip
    assert seen and len(seen[-1]["MetricData"]) == 300
    stats = cloudwatch.get_metric_statistics(
        Namespace="LocalCloudTest", MetricName="Big",
        Dimensions=[{"Name": "Test", "Value": "compression"}],
        StartTime=0, EndTime=4102444800, Period=86400, Statistics=["SampleCount"])
    assert sum(p["SampleCount"] for p in stats["Datapoints"]) == 300
