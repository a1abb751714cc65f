"""`datalake local up|down|status|export|import`: run the local cloud on this machine.

Other modules add verbs under `datalake local` by living in `datalake/cli/local_<name>.py` and
exposing `register_local(local_subparsers)`; they are discovered here (and skipped as
top-level verbs by `cli/main.py`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path

import requests

import datalake.cli as cli_package
from datalake.cli.common import CliError

DEFAULT_DATA_DIR = Path(".datalake/local")
DEFAULT_PORT = 4566


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "local", help="run the local cloud (one endpoint answering the AWS APIs the lake uses)",
        description="Start, stop and inspect the local cloud; export or import its state.")
    local = parser.add_subparsers(dest="local_verb", metavar="<local-verb>")
    _register_up(local)
    down = local.add_parser("down", help="stop the local cloud (its state is exported first)")
    _data_dir_option(down)
    down.add_argument("--timeout", type=float, default=300.0,
                      help="seconds to wait for the export and exit (default 300)")
    down.set_defaults(func=run_down)
    status = local.add_parser("status", help="per-service health; exit 1 when down or unhealthy")
    _data_dir_option(status)
    status.add_argument("--json", action="store_true", help="print the health document")
    status.set_defaults(func=run_status)
    for verb, helptext in (("export", "write the running cloud's state to DIR"),
                           ("import", "load state from DIR into the running cloud")):
        sub = local.add_parser(verb, help=helptext)
        sub.add_argument("dir", type=Path, metavar="DIR")
        _data_dir_option(sub)
        sub.set_defaults(func=run_export if verb == "export" else run_import)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])
    for module in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda m: m.name):
        if module.name.startswith("local_"):
            extension = importlib.import_module(f"datalake.cli.{module.name}")
            if hasattr(extension, "register_local"):
                extension.register_local(local)


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path,
        default=Path(os.environ.get("DATALAKE_LOCAL_DIR", str(DEFAULT_DATA_DIR))),
        help="where the local cloud keeps its state, logs and pid (default .datalake/local)")


def _register_up(local) -> None:
    up = local.add_parser("up", help="start the local cloud in the background")
    up.add_argument("--port", type=int, default=DEFAULT_PORT)
    up.add_argument("--host", default="127.0.0.1",
                    help="interface to listen on (default 127.0.0.1; 0.0.0.0 exposes it)")
    _data_dir_option(up)
    up.add_argument("--time-scale", type=float, default=1.0,
                    help="simulated seconds per real second for schedules and alarms")
    up.add_argument("--faults", type=_faults, default=None, metavar="JSON",
                    help='fault injection, e.g. \'{"s3_put_error_rate": 0.1, "seed": 1}\'')
    up.add_argument("--foreground", action="store_true", help="run in this terminal (debug)")
    up.add_argument("--timeout", type=float, default=120.0,
                    help="seconds to wait until healthy (default 120)")
    up.set_defaults(func=run_up)


def _json_object(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not JSON: {error}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object")
    return value


def _faults(text: str) -> dict:
    from localcloud.faults.settings import FaultSettings

    value = _json_object(text)
    try:
        FaultSettings(value)
    except (ValueError, TypeError) as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def run_up(args: argparse.Namespace) -> int:
    from localcloud import process

    if args.time_scale <= 0:
        raise CliError("--time-scale must be a positive number")
    endpoint = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '') else args.host}:{args.port}"
    if args.foreground:
        _print_endpoint(endpoint)
        command = process.server_command(args.host, args.port, args.data_dir.resolve(),
                                         args.time_scale, args.faults)
        os.execv(command[0], command)  # replaces this process; Ctrl-C stops and exports
    try:
        instance = process.start_background(args.host, args.port, args.data_dir,
                                            args.time_scale, args.faults, args.timeout)
    except process.StartError as error:
        raise CliError(str(error)) from None
    print(f"local cloud running at {instance.endpoint} (pid {instance.pid}, "
          f"log {instance.log_file})")
    _print_endpoint(instance.endpoint)
    return 0


def _print_endpoint(endpoint: str) -> None:
    print("Use it from this shell with:")
    print(f"  export AWS_ENDPOINT_URL={endpoint}")
    print("  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1")
    sys.stdout.flush()


def run_down(args: argparse.Namespace) -> int:
    from localcloud import process
    from localcloud.persistence import state_dir

    instance = process.stop(args.data_dir, timeout=args.timeout)
    if instance is None:
        print("no local cloud is running for", args.data_dir)
        return 0
    manifest = state_dir(args.data_dir.resolve()) / "manifest.json"
    print(f"stopped the local cloud at {instance.endpoint} (pid {instance.pid})")
    if manifest.exists():
        summary = json.loads(manifest.read_text())["summary"]
        print(f"state exported to {manifest.parent}: {_describe(summary)}")
        if summary.get("errors"):
            raise CliError(f"some state could not be exported: {summary['errors']}")
    return 0


def _describe(summary: dict) -> str:
    parts = []
    for service, counts in summary.get("services", {}).items():
        numbers = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
        if numbers:
            parts.append(f"{service} ({numbers})")
    return "; ".join(parts) or "nothing to keep"


def _endpoint(args: argparse.Namespace) -> str:
    from localcloud import process

    instance = process.read_instance(args.data_dir.resolve())
    if instance is not None:
        return instance.endpoint
    return os.environ.get("AWS_ENDPOINT_URL") or f"http://127.0.0.1:{DEFAULT_PORT}"


def run_status(args: argparse.Namespace) -> int:
    from localcloud import process

    endpoint = _endpoint(args)
    body = process.health(endpoint)
    if body is None:
        print(f"local cloud: down (nothing answers at {endpoint})")
        return 1
    if args.json:
        print(json.dumps(body, indent=2))
    else:
        print(f"local cloud: {body['status']} at {endpoint} "
              f"(up {body.get('uptime_seconds', 0):.0f} s)")
        for name, check in sorted(body.get("services", {}).items()):
            detail = {k: v for k, v in check.items() if k != "status"}
            extra = f"  {json.dumps(detail, default=str)[:100]}" if detail else ""
            print(f"  {name:<14} {check.get('status', '?')}{extra}")
        for name, error in sorted(body.get("plugin_errors", {}).items()):
            print(f"  {name:<14} error  {error}")
    unhealthy = body.get("plugin_errors") or any(
        c.get("status") == "error" for c in body.get("services", {}).values())
    return 1 if unhealthy else 0


def _state_call(args: argparse.Namespace, verb: str) -> dict:
    endpoint = _endpoint(args)
    try:
        response = requests.post(f"{endpoint}/_datalake/state/{verb}",
                                 json={"dir": str(args.dir.resolve())}, timeout=3600)
    except requests.RequestException:
        raise CliError(f"no local cloud answers at {endpoint}: run `datalake local up`") \
            from None
    if response.status_code != 200:
        raise CliError(f"{verb} failed ({response.status_code}): {response.text[:300]}")
    return response.json()


def run_export(args: argparse.Namespace) -> int:
    summary = _state_call(args, "export")
    print(f"exported to {args.dir}: {_describe(summary)}")
    if summary.get("errors"):
        raise CliError(f"some state could not be exported: {summary['errors']}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    if not (args.dir / "manifest.json").exists():
        raise CliError(f"{args.dir} holds no exported state (manifest.json missing)")
    summary = _state_call(args, "import")
    print(f"imported from {args.dir}: {_describe(summary)}")
    if summary.get("errors"):
        raise CliError(f"some state could not be imported: {summary['errors']}")
    return 0
