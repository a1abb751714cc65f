"""AWS::StepFunctions::StateMachine through the Step Functions API. DefinitionSubstitutions are
applied here, before the definition is sent, as CloudFormation does."""

from __future__ import annotations

import json
import re
from typing import Any

from localcloud.provision.base import (
    Provisioned,
    ResourceHandler,
    compact,
    ignore_missing,
    tag_list,
)
from localcloud.provision.errors import TemplateError

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def state_machine_definition(props: dict[str, Any]) -> str:
    """The definition JSON text with `${Name}` placeholders from DefinitionSubstitutions
    replaced (pure). A placeholder without a substitution is left as is (it may be a literal)."""
    if "Definition" in props:
        text = json.dumps(props["Definition"])
    elif "DefinitionString" in props:
        text = props["DefinitionString"]
    else:
        raise TemplateError("StateMachine: needs Definition or DefinitionString")
    substitutions = props.get("DefinitionSubstitutions", {})

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in substitutions:
            return match.group(0)
        value = substitutions[name]
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    text = _PLACEHOLDER.sub(replace, text)
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError(f"StateMachine definition is not valid JSON: {error}") from None
    return text


class StateMachineHandler(ResourceHandler):
    type_name = "AWS::StepFunctions::StateMachine"
    properties = frozenset(
        {
            "StateMachineName",
            "Definition",
            "DefinitionString",
            "DefinitionSubstitutions",
            "RoleArn",
            "StateMachineType",
            "LoggingConfiguration",
            "TracingConfiguration",
            "Tags",
        }
    )
    required = frozenset({"RoleArn"})
    replace_on = frozenset({"StateMachineName", "StateMachineType"})

    def create(self, ctx, props):
        name = props.get("StateMachineName") or ctx.physical_name(80)
        arn = ctx.client("stepfunctions").create_state_machine(
            name=name,
            definition=state_machine_definition(props),
            roleArn=props["RoleArn"],
            type=props.get("StateMachineType", "STANDARD"),
            **compact(
                loggingConfiguration=_lower_keys(props.get("LoggingConfiguration")),
                tracingConfiguration=_lower_keys(props.get("TracingConfiguration")),
                tags=[{"key": t["Key"], "value": t["Value"]} for t in tag_list(props.get("Tags"))]
                or None,
            ),
        )["stateMachineArn"]
        return Provisioned(arn, {"Arn": arn, "Name": name})

    def update(self, ctx, current, old, new):
        ctx.client("stepfunctions").update_state_machine(
            stateMachineArn=current.physical_id,
            definition=state_machine_definition(new),
            roleArn=new["RoleArn"],
            **compact(
                loggingConfiguration=_lower_keys(new.get("LoggingConfiguration")),
                tracingConfiguration=_lower_keys(new.get("TracingConfiguration")),
            ),
        )
        return current

    def delete(self, ctx, current, props):
        sfn = ctx.client("stepfunctions")
        ignore_missing(lambda: sfn.delete_state_machine(stateMachineArn=current.physical_id))


def _lower_keys(value: Any) -> Any:
    """CloudFormation's PascalCase keys as the Step Functions API's camelCase."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


HANDLERS = [StateMachineHandler()]
