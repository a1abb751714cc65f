"""Analytics and monitoring layers: workgroup, log groups, topic, dashboard, alarms."""

from __future__ import annotations

import json
import re


def test_workgroup_enforces_results_location_and_cutoff(view):
    wg = view.props("AthenaWorkGroup")
    assert wg["Name"] == {"Fn::Sub": "${AWS::StackName}-workgroup"}
    config = wg["WorkGroupConfiguration"]
    assert config["EnforceWorkGroupConfiguration"] is True
    assert config["BytesScannedCutoffPerQuery"] == {"Ref": "AthenaBytesScannedCutoff"}
    assert config["ResultConfiguration"]["OutputLocation"] == {
        "Fn::Sub": "s3://${AWS::StackName}-processed-${AWS::AccountId}-${AWS::Region}/"
        "athena-results/"
    }


def test_log_groups_have_parameter_retention(view):
    groups = view.of_type("AWS::Logs::LogGroup")
    names = {g["Properties"]["LogGroupName"]["Fn::Sub"] for g in groups.values()}
    assert {
        "/aws/lambda/${AWS::StackName}-ingestion",
        "/aws/lambda/${AWS::StackName}-validation",
        "/aws/apigateway/${AWS::StackName}-api",
    } <= names
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_topic_policy_lets_only_cloudwatch_and_eventbridge_publish(view):
    # Nothing publishes from S3 (no bucket notification targets the topic): no S3 grant.
    assert view.props("AlertsTopic")["TopicName"] == {"Fn::Sub": "${AWS::StackName}-alerts"}
    statements = view.props("AlertsTopicPolicy")["PolicyDocument"]["Statement"]
    allows = [(s["Sid"], s["Principal"]) for s in statements if s["Effect"] == "Allow"]
    assert allows == [
        ("AllowCloudWatchAlarms", {"Service": "cloudwatch.amazonaws.com"}),
        ("AllowEventBridgeRules", {"Service": "events.amazonaws.com"}),
    ]


def test_email_subscription_only_with_an_address(view):
    (sub,) = view.of_type("AWS::SNS::Subscription").values()
    assert sub["Condition"] == "HasAlertEmail"
    assert sub["Properties"]["Endpoint"] == {"Ref": "AlertEmail"}
    assert view.template["Conditions"]["HasAlertEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlertEmail"}, ""]}]
    }


def test_dashboard_has_the_seed_widgets(view):
    dash = view.props("MonitoringDashboard")
    assert dash["DashboardName"] == {"Fn::Sub": "${AWS::StackName}-monitoring"}
    text = dash["DashboardBody"]["Fn::Sub"]
    resolved = re.sub(r"\$\{[^}]+\}", "x", text)
    body = json.loads(resolved)
    lines = [m for w in body["widgets"] for m in w["properties"]["metrics"]]
    namespaces = {m[0] for m in lines if isinstance(m[0], str)}
    assert {"AWS/Lambda", "AWS/ApiGateway", "AWS/S3", "Glue", "DataLake"} <= namespaces
    metrics = {m[1] for m in lines if isinstance(m[0], str)}
    assert {
        "Invocations",
        "Errors",
        "Duration",
        "Count",
        "Latency",
        "BucketSizeBytes",
        "EventsIngested",
    } <= metrics


def _alarm(view, logical_id):
    return view.props(logical_id)


def test_lambda_error_alarms(view):
    for logical_id, fn in (
        ("IngestionErrorsAlarm", "ingestion"),
        ("ValidationErrorsAlarm", "validation"),
    ):
        alarm = _alarm(view, logical_id)
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (
            "AWS/Lambda",
            "Errors",
            "Sum",
        )
        assert (alarm["Period"], alarm["EvaluationPeriods"]) == (300, 1)
        assert alarm["Threshold"] == {"Ref": "LambdaErrorsThreshold"}
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert alarm["Dimensions"] == [
            {"Name": "FunctionName", "Value": {"Fn::Sub": "${AWS::StackName}-" + fn}}
        ]
        assert alarm["AlarmActions"] == [{"Ref": "AlertsTopic"}]


def test_api_5xx_alarm(view):
    alarm = _alarm(view, "Api5xxAlarm")
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Period"]) == (
        "AWS/ApiGateway",
        "5XXError",
        300,
    )
    assert alarm["Threshold"] == {"Ref": "Api5xxThreshold"}
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert view.template["Parameters"]["Api5xxThreshold"]["Default"] == "10"


def test_freshness_alarm_breaches_on_missing_data(view):
    alarm = _alarm(view, "DataFreshnessAlarm")
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (
        "DataLake",
        "EventsIngested",
        "Sum",
    )
    assert alarm["Dimensions"] == [{"Name": "StackName", "Value": {"Ref": "AWS::StackName"}}]
    assert alarm["Period"] == 3600
    assert alarm["EvaluationPeriods"] == {"Ref": "FreshnessHours"}
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (1, "LessThanThreshold")
    assert alarm["TreatMissingData"] == "breaching"


def test_any_glue_job_failure_alerts(view):
    rule = view.props("GlueJobFailureRule")
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.glue"]
    assert pattern["detail-type"] == ["Glue Job State Change"]
    # The documented non-success states of the event (ERROR is not one: decision 124).
    assert pattern["detail"]["state"] == ["FAILED", "TIMEOUT", "STOPPED"]
    assert pattern["detail"]["jobName"] == [
        {"Ref": "RawToProcessedJob"},
        {"Ref": "ProcessedToCuratedJob"},
    ]
    assert rule["Targets"][0]["Arn"] == {"Ref": "AlertsTopic"}


def test_local_glue_emits_exactly_the_documented_event_states():
    # The local cloud puts a Job State Change event for the final states AWS documents, so the
    # rule's states are all reachable locally and ERROR (a GetJobRun status) is never sent.
    from infra_gen.monitoring import GLUE_FAILURE_STATES
    from localcloud.glue.telemetry import EVENT_FINAL_STATES

    assert EVENT_FINAL_STATES == ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED")
    assert set(GLUE_FAILURE_STATES) == set(EVENT_FINAL_STATES) - {"SUCCEEDED"}


def test_athena_widget_searches_every_series_of_the_workgroup(view):
    # Athena puts its query metrics with QueryState, QueryType and WorkGroup: a WorkGroup-only
    # line matches none of them, so the widget searches the full dimension set.
    body = json.loads(view.props("MonitoringDashboard")["DashboardBody"]["Fn::Sub"])
    (widget,) = [w for w in body["widgets"] if w["properties"]["title"].startswith("Athena")]
    schema = "{AWS/Athena,QueryState,QueryType,WorkGroup}"
    workgroup = 'WorkGroup="${AWS::StackName}-workgroup"'
    assert widget["properties"]["metrics"] == [
        [
            {
                "expression": f"SEARCH('{schema} MetricName=\"{name}\" {workgroup}', 'Sum', 3600)",
                "id": f"athena{i}",
                "label": name,
            }
        ]
        for i, name in enumerate(("ProcessedBytes", "TotalExecutionTime"))
    ]
