"""`datalake dashboard` renders the deployed dashboard from the metrics on the endpoint."""

import json

import boto3

from datalake.cli.main import main
from infra_gen.monitoring import dashboard_body


def test_dashboard_renders_png_and_html_from_recorded_metrics(local_cloud, tmp_path, capsys):
    cloudwatch = boto3.client(
        "cloudwatch", endpoint_url=local_cloud.config.endpoint, region_name="us-east-1"
    )
    body = json.dumps(dashboard_body())
    for name, value in {
        "${AWS::StackName}": "dashtest",
        "${AWS::Region}": "us-east-1",
        "${AWS::AccountId}": "123456789012",
        "${AWS::Partition}": "aws",
    }.items():
        body = body.replace(name, value)
    cloudwatch.put_dashboard(DashboardName="dashtest-monitoring", DashboardBody=body)
    cloudwatch.put_metric_data(
        Namespace="DataLake",
        MetricData=[
            {
                "MetricName": "EventsIngested",
                "Value": 42,
                "Dimensions": [{"Name": "StackName", "Value": "dashtest"}],
            }
        ],
    )

    html = tmp_path / "dashboard.html"
    assert main(["dashboard", "--out", str(html), "--stack-name", "dashtest"]) == 0
    page = html.read_text()
    assert "dashtest-monitoring" in page and "data:image/png;base64," in page
    assert "<td>EventsIngested dashtest</td><td>Sum</td><td>42</td>" in page
    png = tmp_path / "dashboard.png"
    assert main(["dashboard", "--out", str(png), "--stack-name", "dashtest"]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert capsys.readouterr().out.split() == [str(html), str(png)]


def test_dashboard_of_an_undeployed_stack_is_a_one_line_error(local_cloud, tmp_path, capsys):
    out = tmp_path / "x.png"
    assert main(["dashboard", "--out", str(out), "--stack-name", "never-deployed"]) == 1
    err = capsys.readouterr().err
    assert "no dashboard never-deployed-monitoring" in err and not out.exists()
