"""Orchestration layer: the state machine definition and the schedules that start it."""

from __future__ import annotations

import json
import re

import pytest


@pytest.fixture(scope="module")
def machine(view):
    props = view.props("EtlStateMachine")
    text, variables = props["DefinitionString"]["Fn::Sub"]
    return props, json.loads(text), variables


def test_definition_parses_and_every_transition_exists(machine):
    _, definition, _ = machine
    states = definition["States"]
    assert definition["StartAt"] in states
    for name, state in states.items():
        targets = [state.get("Next"), state.get("Default")]
        targets += [c["Next"] for c in state.get("Choices", [])]
        targets += [c["Next"] for c in state.get("Catch", [])]
        for target in filter(None, targets):
            assert target in states, (name, target)
        assert state["Type"] in {"Task", "Wait", "Choice", "Fail", "Succeed", "Pass"}
        if state["Type"] in {"Task", "Wait"}:
            assert "Next" in state or state.get("End") is True, name


def test_definition_follows_the_seed_workflow(machine):
    _, definition, _ = machine
    states = definition["States"]
    resources = {s.get("Resource") for s in states.values()}
    assert {
        "arn:aws:states:::aws-sdk:glue:startCrawler",
        "arn:aws:states:::aws-sdk:glue:getCrawler",
        "arn:aws:states:::glue:startJobRun.sync",
        "arn:aws:states:::sns:publish",
    } <= resources
    assert definition["StartAt"] == "StartLakeCrawler"
    assert states["StartLakeCrawler"]["Next"] == "WaitForCrawler"
    assert states["WaitForCrawler"]["Type"] == "Wait"
    assert states["GetCrawler"]["ResultSelector"] == {"State.$": "$.Crawler.State"}
    choice = states["CrawlerFinished"]
    assert choice["Choices"][0] == {
        "Variable": "$.crawler.State",
        "StringEquals": "READY",
        "Next": "RunRawToProcessed",
    }
    assert states["RunRawToProcessed"]["Parameters"] == {"JobName": "${RawToProcessedJobName}"}


def test_tasks_retry_and_catch_into_the_failure_notice(machine):
    _, definition, _ = machine
    states = definition["States"]
    for name in ("StartLakeCrawler", "GetCrawler", "RunRawToProcessed", "RunProcessedToCurated"):
        assert states[name]["Retry"], name
        assert {
            "ErrorEquals": ["States.ALL"],
            "ResultPath": "$.error",
            "Next": "NotifyFailure",
        } in states[name]["Catch"], name
    assert states["NotifyFailure"]["Parameters"]["TopicArn"] == "${AlertsTopicArn}"
    assert states["NotifyFailure"]["Next"] == "PipelineFailed"
    assert states["PipelineFailed"]["Type"] == "Fail"
    assert states["NotifySuccess"]["End"] is True


def test_substitutions_reference_real_resources(view, machine):
    props, definition, variables = machine
    text = props["DefinitionString"]["Fn::Sub"][0]
    used = set(re.findall(r"\$\{([^}]+)\}", text))
    assert used == set(variables)
    for value in variables.values():
        assert value["Ref"] in view.resources
    assert variables["LakeCrawlerName"] == {"Ref": "LakeCrawler"}
    assert variables["RawToProcessedJobName"] == {"Ref": "RawToProcessedJob"}
    assert variables["AlertsTopicArn"] == {"Ref": "AlertsTopic"}
    assert props["StateMachineName"] == {"Fn::Sub": "${AWS::StackName}-etl-pipeline"}


def test_schedules(view):
    rules = {
        r["Properties"]["ScheduleExpression"]: r["Properties"]
        for r in view.of_type("AWS::Events::Rule").values()
        if "ScheduleExpression" in r["Properties"]
    }
    # Hourly at :05 except 02:05, daily at 02:05: never both in one hour (decision 123).
    hourly, daily = "cron(5 0-1,3-23 * * ? *)", "cron(5 2 * * ? *)"
    assert set(rules) == {hourly, daily}
    for expression, run_curated in ((hourly, False), (daily, True)):
        (target,) = rules[expression]["Targets"]
        assert target["Arn"] == {"Ref": "EtlStateMachine"}
        assert target["RoleArn"] == {"Fn::GetAtt": ["EventsInvokeRole", "Arn"]}
        assert json.loads(target["Input"]) == {"run_curated": run_curated}


def test_curated_step_runs_only_when_requested(machine):
    _, definition, _ = machine
    choice = definition["States"]["CurateRequested"]
    assert choice["Default"] == "NotifySuccess"
    (rule,) = choice["Choices"]
    assert rule["Next"] == "RunProcessedToCurated"
    assert {"Variable": "$.run_curated", "IsPresent": True} in rule["And"]


def test_schedules_follow_the_schedule_state_parameter(view):
    # the walkthrough and tests deploy with ScheduleState=DISABLED: cron rules at :05 would
    # otherwise start pipelines behind their back whenever a run crosses that minute
    rules = {lid: r["Properties"] for lid, r in view.resources.items()
             if r["Type"] == "AWS::Events::Rule"}
    assert rules["EtlHourlyRule"]["State"] == {"Ref": "ScheduleState"}
    assert rules["PipelineDailyRule"]["State"] == {"Ref": "ScheduleState"}
    assert rules["GlueJobFailureRule"]["State"] == "ENABLED"  # alerts stay on
    assert view.template["Parameters"]["ScheduleState"]["AllowedValues"] == ["ENABLED", "DISABLED"]
    assert view.template["Parameters"]["ScheduleState"]["Default"] == "ENABLED"
