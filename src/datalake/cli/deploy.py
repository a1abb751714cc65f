"""`datalake deploy` and `datalake destroy`: package, bootstrap, then create/update or delete
the stack on the local cloud or on AWS. Both targets share packaging and bootstrap."""

from __future__ import annotations

import argparse
import json
import logging

from datalake import aws
from datalake.cli.common import CliError, add_stack_options, resolved_stack
from datalake.cli.synth import parse_params
from datalake.config import save_outputs

_logger = logging.getLogger(__name__)


def register(subparsers) -> None:
    deploy = subparsers.add_parser(
        "deploy",
        help="package the code and create or update the stack (local cloud or AWS)",
        description="Build the Lambda zips, the datalake wheel and the Glue scripts, upload them "
        "to the artifacts bucket, then create or update the stack through a change "
        "set. Outputs are printed and saved to build/<stack>/outputs.json.",
    )
    add_stack_options(deploy)
    deploy.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="K=V",
        help="template parameter value, e.g. ApiAuthMode=IAM (repeatable)",
    )
    deploy.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help="seconds to wait for the stack (AWS target; default 3600)",
    )
    deploy.add_argument(
        "--replace-failed",
        action="store_true",
        help="AWS target: delete a stack left ROLLBACK_COMPLETE by a failed first create, then "
        "create it again (without this, deploy stops and says so)",
    )
    deploy.set_defaults(func=run_deploy)

    destroy = subparsers.add_parser(
        "destroy",
        help="empty the stack's buckets (all versions) and delete the stack",
    )
    add_stack_options(destroy)
    destroy.add_argument(
        "--keep-artifacts",
        action="store_true",
        help="keep the artifacts bucket made by deploy's bootstrap step",
    )
    destroy.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help="seconds to wait for the deletion (AWS target; default 3600)",
    )
    destroy.set_defaults(func=run_destroy)


def _checked_params(items: list[str]):
    """Parse --param values and validate them against the template's parameter rules."""
    from infra_gen import TemplateConfig

    params = parse_params(items)
    config = TemplateConfig().with_params(params)  # ValueError names a bad parameter
    return params, config


def _require_credentials(target: str) -> None:
    if target != "aws":
        return
    from datalake.deploy.aws import MissingCredentials, check_credentials

    try:
        identity = check_credentials(aws.client("sts", "aws"))
    except MissingCredentials as error:
        raise CliError(str(error)) from None
    _logger.info("deploying as %s in %s", identity.get("Arn"), aws.region_name())


def run_deploy(args: argparse.Namespace) -> int:
    from datalake.deploy import DeployError, bootstrap_artifacts, package_all
    from infra_gen import to_json

    stack, target = resolved_stack(args), args.target
    params, config = _checked_params(args.param)
    _require_credentials(target)
    artifacts = package_all()
    parameters = {**bootstrap_artifacts(stack, artifacts, target), **params}
    body = to_json(config)
    try:
        if target == "local":
            from datalake.deploy import local

            outputs = local.deploy(stack, json.loads(body), parameters, artifacts)
        else:
            outputs = _deploy_aws(stack, body, parameters, args.timeout, args.replace_failed)
    except DeployError as error:
        raise CliError(str(error)) from None
    path = save_outputs(stack, outputs)
    print(json.dumps(outputs, indent=2, sort_keys=True))
    _logger.info("outputs saved to %s", path)
    return 0


def _deploy_aws(
    stack: str, body: str, parameters: dict, timeout: float, replace_failed: bool = False
) -> dict:
    from datalake.deploy.aws import MAX_INLINE_TEMPLATE, Waiting, deploy_stack
    from datalake.deploy.bootstrap import ARTIFACTS_PARAMETER, upload_template

    if parameters.get("ReplicationEnabled") == "true":
        from datalake.deploy.bootstrap import account_id, check_replica_buckets

        check_replica_buckets(
            aws.client("s3", "aws"),
            stack,
            account_id("aws"),
            parameters.get("ReplicaRegion", "us-west-2"),
        )
    source: dict = {"template_body": body}
    if len(body.encode()) > MAX_INLINE_TEMPLATE:
        source = {
            "template_url": upload_template(
                aws.client("s3", "aws"),
                parameters[ARTIFACTS_PARAMETER],
                stack,
                body,
                aws.region_name(),
            )
        }
    return deploy_stack(
        aws.client("cloudformation", "aws"),
        stack,
        parameters,
        tags={"datalake:stack": stack},
        waiting=Waiting(timeout_seconds=timeout),
        replace_failed=replace_failed,
        **source,
    )


def run_destroy(args: argparse.Namespace) -> int:
    from datalake.deploy import DeployError
    from datalake.deploy.bootstrap import delete_artifacts_bucket

    stack, target = resolved_stack(args), args.target
    _require_credentials(target)
    try:
        if target == "local":
            from datalake.deploy import local

            local.destroy(stack)
        else:
            from datalake.deploy.aws import Waiting, destroy_stack

            existed = destroy_stack(
                aws.client("cloudformation", "aws"),
                aws.client("s3", "aws"),
                stack,
                waiting=Waiting(timeout_seconds=args.timeout),
            )
            print(f"stack {stack} {'deleted' if existed else 'did not exist'}")
    except DeployError as error:
        raise CliError(str(error)) from None
    if not args.keep_artifacts and delete_artifacts_bucket(stack, target):
        print(f"artifacts bucket of {stack} deleted")
    return 0
