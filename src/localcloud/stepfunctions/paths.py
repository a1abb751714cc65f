"""ASL input/output processing: JsonPath reads and writes, Parameters templates, and the
InputPath → Parameters → (task) → ResultSelector → ResultPath → OutputPath pipeline."""

from __future__ import annotations

import copy
import re
from typing import Any

from localcloud.stepfunctions.errors import StatesError

_TOKEN = re.compile(
    r"\.(?P<name>[A-Za-z0-9_$@\-]+)"
    r"|\[(?P<index>-?\d+)\]"
    r"|\[\*\]|\.\*"
    r"|\['(?P<quoted>(?:[^'\\]|\\.)*)'\]"
    r'|\["(?P<dquoted>(?:[^"\\]|\\.)*)"\]'
)
_MISSING = object()


def parse_path(path: str) -> list[Any]:
    """`$.a.b[0]['c d'][*]` → ['a', 'b', 0, 'c d', '*']. Raises ValueError on bad syntax."""
    if not isinstance(path, str) or not path.startswith("$"):
        raise ValueError(f"a JsonPath must start with '$': {path!r}")
    rest, tokens, pos = path[1:], [], 0
    while pos < len(rest):
        m = _TOKEN.match(rest, pos)
        if not m:
            raise ValueError(f"unsupported JsonPath syntax at {rest[pos:]!r} in {path!r}")
        if m["name"] is not None:
            tokens.append(m["name"])
        elif m["index"] is not None:
            tokens.append(int(m["index"]))
        elif m["quoted"] is not None or m["dquoted"] is not None:
            tokens.append(
                (m["quoted"] if m["quoted"] is not None else m["dquoted"]).replace("\\", "")
            )
        else:
            tokens.append("*")
        pos = m.end()
    return tokens


def _walk(value: Any, tokens: list[Any]) -> Any:
    for i, token in enumerate(tokens):
        if token == "*":
            items = value.values() if isinstance(value, dict) else value
            if not isinstance(items, (list, type({}.values()))):
                return _MISSING
            found = [_walk(item, tokens[i + 1 :]) for item in items]
            return [f for f in found if f is not _MISSING]
        if isinstance(token, int):
            if not isinstance(value, list) or not -len(value) <= token < len(value):
                return _MISSING
            value = value[token]
        elif isinstance(value, dict) and token in value:
            value = value[token]
        else:
            return _MISSING
    return value


def read_path(path: str, data: Any, context: dict | None = None) -> Any:
    """The value at `path` ('$...' in `data`, '$$...' in the context object). A path that
    selects nothing is a States.Runtime error, as on AWS."""
    source = data
    if path.startswith("$$"):
        source, path = (context or {}), path[1:]
    try:
        found = _walk(source, parse_path(path))
    except ValueError as error:
        raise StatesError("States.Runtime", str(error)) from None
    if found is _MISSING:
        raise StatesError(
            "States.Runtime",
            f"The JSONPath '{path}' could not be found in the input '{_short(source)}'",
        )
    return found


def path_exists(path: str, data: Any, context: dict | None = None) -> bool:
    try:
        read_path(path, data, context)
    except StatesError:
        return False
    return True


def write_path(path: str, data: Any, value: Any) -> Any:
    """`data` with `value` placed at reference path `path` (ResultPath). '$' replaces all."""
    try:
        tokens = parse_path(path)
    except ValueError as error:
        raise StatesError("States.ResultPathMatchFailure", str(error)) from None
    if not tokens:
        return value
    if any(t == "*" or isinstance(t, int) for t in tokens):
        raise StatesError("States.ResultPathMatchFailure", f"not a reference path: {path}")
    result = copy.deepcopy(data)
    if not isinstance(result, dict):
        raise StatesError(
            "States.ResultPathMatchFailure",
            f'Unable to apply ResultPath "{path}" to input {_short(data)}',
        )
    node = result
    for token in tokens[:-1]:
        child = node.get(token)
        if not isinstance(child, dict):
            if child is not None:
                raise StatesError(
                    "States.ResultPathMatchFailure",
                    f"Unable to apply ResultPath \"{path}\": '{token}' is not an object",
                )
            child = node[token] = {}
        node = child
    node[tokens[-1]] = value
    return result


def apply_template(template: Any, data: Any, context: dict | None = None) -> Any:
    """Evaluate a Parameters / ResultSelector / ItemSelector template: keys ending in '.$'
    take the value of a path or intrinsic function; other values are copied as they are."""
    from localcloud.stepfunctions.intrinsics import evaluate_intrinsic

    if isinstance(template, list):
        return [apply_template(v, data, context) for v in template]
    if not isinstance(template, dict):
        return template
    out = {}
    for key, value in template.items():
        if key.endswith(".$"):
            if not isinstance(value, str):
                raise StatesError("States.Runtime", f"the value of '{key}' must be a path string")
            if value.startswith("States."):
                out[key[:-2]] = evaluate_intrinsic(value, data, context)
            else:
                out[key[:-2]] = read_path(value, data, context)
        else:
            out[key] = apply_template(value, data, context)
    return out


def process_input(state: dict, raw_input: Any, context: dict | None) -> Any:
    """InputPath then Parameters (or ItemSelector for Map items)."""
    effective = _select(state, "InputPath", raw_input, context)
    if "Parameters" in state:
        effective = apply_template(state["Parameters"], effective, context)
    return effective


def process_output(state: dict, raw_input: Any, result: Any, context: dict | None) -> Any:
    """ResultSelector, ResultPath and OutputPath applied to a state's result."""
    if "ResultSelector" in state:
        result = apply_template(state["ResultSelector"], result, context)
    merged = apply_result_path(state.get("ResultPath", "$"), raw_input, result)
    return _select(state, "OutputPath", merged, context)


def apply_result_path(result_path: str | None, raw_input: Any, result: Any) -> Any:
    if result_path is None:  # "ResultPath": null discards the result
        return raw_input
    return write_path(result_path, raw_input, result)


def _select(state: dict, field: str, data: Any, context: dict | None) -> Any:
    if field not in state:
        return data
    path = state[field]
    if path is None:  # null InputPath/OutputPath: an empty object
        return {}
    return read_path(path, data, context)


def _short(value: Any) -> str:
    import json

    text = json.dumps(value, default=str)
    return text if len(text) <= 200 else text[:200] + "..."
