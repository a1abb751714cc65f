"""The one entry point: configuration → CloudFormation template, deterministically.

RESOURCE_TYPES lists every resource type the template may contain; the local provisioner
(src/localcloud/provision/) implements one handler per type, and a test keeps the two in step.
INTRINSICS lists the intrinsic functions and pseudo parameters the template relies on."""

from __future__ import annotations

import json
import logging

from troposphere import Template

from infra_gen.analytics import add_analytics
from infra_gen.catalog import add_catalog
from infra_gen.config import TemplateConfig
from infra_gen.dr import add_dr
from infra_gen.encryption import add_encryption
from infra_gen.failed_events import add_failed_events
from infra_gen.ingestion import add_ingestion
from infra_gen.monitoring import add_monitoring
from infra_gen.orchestration import add_orchestration
from infra_gen.outputs import add_outputs
from infra_gen.parameters import add_parameters
from infra_gen.processing import add_processing
from infra_gen.security import add_security
from infra_gen.storage import add_storage
from infra_gen.suppressions import add_suppressions

_logger = logging.getLogger(__name__)

RESOURCE_TYPES = (
    "AWS::ApiGateway::Account",
    "AWS::ApiGateway::ApiKey",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Model",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::UsagePlan",
    "AWS::ApiGateway::UsagePlanKey",
    "AWS::Athena::WorkGroup",
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::Dashboard",
    "AWS::Events::Rule",
    "AWS::Glue::Crawler",
    "AWS::Glue::Database",
    "AWS::Glue::Job",
    "AWS::Glue::SecurityConfiguration",
    "AWS::Glue::Table",
    "AWS::IAM::Role",
    "AWS::KMS::Alias",
    "AWS::KMS::Key",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Logs::LogGroup",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription",
    "AWS::SNS::Topic",
    "AWS::SNS::TopicPolicy",
    "AWS::SQS::Queue",
    "AWS::SQS::QueuePolicy",
    "AWS::StepFunctions::StateMachine",
)

INTRINSICS = (
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Join",
    "Fn::Split",
    "Fn::If",
    "Fn::Equals",
    "Fn::Not",
    "AWS::NoValue",
    "AWS::StackName",
    "AWS::AccountId",
    "AWS::Region",
    "AWS::Partition",
    "AWS::URLSuffix",
)

_LAYERS = (
    add_storage,
    add_encryption,
    add_security,
    add_ingestion,
    add_failed_events,
    add_catalog,
    add_processing,
    add_orchestration,
    add_analytics,
    add_monitoring,
    add_dr,
    add_outputs,
)


def build_template(config: TemplateConfig | None = None) -> Template:
    """The whole lake as one troposphere Template."""
    config = config or TemplateConfig()
    template = Template(Description=config.description)
    template.set_version("2010-09-09")
    add_parameters(template, config)
    for add_layer in _LAYERS:
        add_layer(template)
    add_suppressions(template)
    return template


def to_dict(config: TemplateConfig | None = None) -> dict:
    """The template as a plain dict (what the local provisioner consumes)."""
    return json.loads(to_json(config))


def to_json(config: TemplateConfig | None = None) -> str:
    """The template as JSON: sorted keys, fixed indentation, trailing newline — byte-identical
    for the same config."""
    return json.dumps(build_template(config).to_dict(), indent=1, sort_keys=True) + "\n"
