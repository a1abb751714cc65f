"""Intrinsic functions (`States.Format('{}', $.x)` and friends) in Parameters templates."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import uuid
from typing import Any

from localcloud.stepfunctions.errors import StatesError

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_PATH = re.compile(r"\$\$?[^,()\s]*")
_NAME = re.compile(r"States\.[A-Za-z0-9]+")


def evaluate_intrinsic(expression: str, data: Any, context: dict | None = None) -> Any:
    """Evaluate one intrinsic function call against the state's input `data`."""
    parser = _Parser(expression)
    call = parser.parse_call()
    parser.expect_end()
    return _evaluate(call, data, context)


def _fail(message: str) -> StatesError:
    return StatesError("States.IntrinsicFailure", message)


class _Parser:
    """Recursive descent over `States.Name(arg, ...)`; args are strings, numbers, paths, calls."""

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def expect_end(self) -> None:
        self._skip()
        if self.pos != len(self.text):
            raise _fail(f"unexpected text after the function call: {self.text[self.pos :]!r}")

    def parse_call(self) -> tuple:
        self._skip()
        m = _NAME.match(self.text, self.pos)
        if not m:
            raise _fail(f"expected an intrinsic function at {self.text[self.pos :]!r}")
        self.pos = m.end()
        self._skip()
        if self.text[self.pos : self.pos + 1] != "(":
            raise _fail(f"expected '(' after {m.group()}")
        self.pos += 1
        args: list = []
        self._skip()
        if self.text[self.pos : self.pos + 1] == ")":
            self.pos += 1
            return ("call", m.group(), args)
        while True:
            args.append(self.parse_arg())
            self._skip()
            ch = self.text[self.pos : self.pos + 1]
            self.pos += 1
            if ch == ")":
                return ("call", m.group(), args)
            if ch != ",":
                raise _fail(f"expected ',' or ')' in {self.text!r}")

    def parse_arg(self) -> tuple:
        self._skip()
        rest = self.text[self.pos :]
        if rest.startswith("'"):
            return ("value", self._parse_string())
        if rest.startswith("States."):
            return self.parse_call()
        if rest.startswith("$"):
            m = _PATH.match(self.text, self.pos)
            self.pos = m.end()
            return ("path", m.group())
        for literal, value in (("null", None), ("true", True), ("false", False)):
            if rest.startswith(literal):
                self.pos += len(literal)
                return ("value", value)
        m = _NUMBER.match(self.text, self.pos)
        if m:
            self.pos = m.end()
            text = m.group()
            return ("value", float(text) if any(c in text for c in ".eE") else int(text))
        raise _fail(f"cannot parse argument at {rest!r}")

    def _parse_string(self) -> str:
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\" and self.pos + 1 < len(self.text):
                out.append("\\" + self.text[self.pos + 1])  # kept escaped for Format's braces
                self.pos += 2
                continue
            if ch == "'":
                self.pos += 1
                return "".join(out)
            out.append(ch)
            self.pos += 1
        raise _fail("unterminated string literal")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _evaluate(node: tuple, data: Any, context: dict | None) -> Any:
    from localcloud.stepfunctions.paths import read_path

    kind = node[0]
    if kind == "value":
        return _unescape(node[1]) if isinstance(node[1], str) else node[1]
    if kind == "path":
        return read_path(node[1], data, context)
    name, arg_nodes = node[1], node[2]
    if name == "States.Format":
        if not arg_nodes or arg_nodes[0][0] != "value" or not isinstance(arg_nodes[0][1], str):
            raise _fail("States.Format needs a string template as its first argument")
        args = [_evaluate(a, data, context) for a in arg_nodes[1:]]
        return _format(arg_nodes[0][1], args)
    function = _FUNCTIONS.get(name)
    if function is None:
        raise _fail(f"unknown intrinsic function {name}")
    args = [_evaluate(a, data, context) for a in arg_nodes]
    try:
        return function(*args)
    except StatesError:
        raise
    except (TypeError, ValueError, KeyError, IndexError) as error:
        raise _fail(f"{name}: {error}") from None


def _format(template: str, args: list) -> str:
    out, index, i = [], 0, 0
    while i < len(template):
        ch = template[i]
        if ch == "\\" and i + 1 < len(template):
            out.append(template[i + 1])
            i += 2
            continue
        if template.startswith("{}", i):
            if index >= len(args):
                raise _fail("States.Format: more placeholders than arguments")
            value = args[index]
            out.append(
                value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
            )
            index, i = index + 1, i + 2
            continue
        out.append(ch)
        i += 1
    if index != len(args):
        raise _fail("States.Format: more arguments than placeholders")
    return "".join(out)


def _array_partition(array: list, size: int) -> list:
    if int(size) <= 0:
        raise ValueError("chunk size must be positive")
    size = int(size)
    return [array[i : i + size] for i in range(0, len(array), size)]


def _array_range(start: int, end: int, step: int) -> list:
    if int(step) == 0:
        raise ValueError("step must not be 0")
    stop = int(end) + (1 if step > 0 else -1)
    return list(range(int(start), stop, int(step)))


def _hash(value: str, algorithm: str) -> str:
    names = {
        "MD5": "md5",
        "SHA-1": "sha1",
        "SHA-256": "sha256",
        "SHA-384": "sha384",
        "SHA-512": "sha512",
    }
    if algorithm not in names:
        raise ValueError(f"unsupported hash algorithm {algorithm}")
    return hashlib.new(names[algorithm], str(value).encode()).hexdigest()


def _json_merge(a: dict, b: dict, deep: bool) -> dict:
    if deep:
        raise ValueError("deep merge is not supported by AWS either (must be false)")
    return {**a, **b}


def _unique(array: list) -> list:
    out = []
    for item in array:
        if item not in out:
            out.append(item)
    return out


_FUNCTIONS = {
    "States.StringToJson": lambda s: json.loads(s),
    "States.JsonToString": lambda v: json.dumps(v, separators=(",", ":")),
    "States.Array": lambda *items: list(items),
    "States.ArrayPartition": _array_partition,
    "States.ArrayContains": lambda array, value: value in array,
    "States.ArrayRange": _array_range,
    "States.ArrayGetItem": lambda array, index: array[int(index)],
    "States.ArrayLength": lambda array: len(array),
    "States.ArrayUnique": _unique,
    "States.Base64Encode": lambda s: base64.b64encode(str(s).encode()).decode(),
    "States.Base64Decode": lambda s: base64.b64decode(s).decode(),
    "States.Hash": _hash,
    "States.JsonMerge": _json_merge,
    "States.MathRandom": lambda start, end, *seed: random.Random(*seed).randint(
        int(start), int(end) - 1
    ),
    "States.MathAdd": lambda a, b: a + b,
    "States.StringSplit": lambda s, sep: [
        p for p in re.split("|".join(map(re.escape, sep)), s) if p
    ],
    "States.UUID": lambda: str(uuid.uuid4()),
}
