"""Entry point of `datalake`: finds the verb modules and runs the chosen verb."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
import traceback

import datalake.cli as cli_package
from datalake.cli.common import CliError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="datalake",
        description="Build, deploy, run and query the serverless data lake (locally or on AWS).",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    subparsers = parser.add_subparsers(dest="verb", metavar="<verb>")
    for module in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda m: m.name):
        if module.name in ("main", "common") or module.name.startswith("local_"):
            continue  # local_* modules add verbs under `datalake local` (see cli/local.py)
        mod = importlib.import_module(f"datalake.cli.{module.name}")
        if hasattr(mod, "register"):
            mod.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO, format="%(message)s", stream=sys.stderr
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        result = args.func(args)
    except KeyboardInterrupt:
        return 130
    except (CliError, FileNotFoundError, ValueError, TimeoutError) as error:
        if args.debug:
            traceback.print_exc()
        print(f"datalake: error: {error}", file=sys.stderr)
        return getattr(error, "exit_code", 1)
    except Exception as error:  # unexpected: still one line unless --debug
        if args.debug:
            traceback.print_exc()
        print(f"datalake: error: {type(error).__name__}: {error} (--debug for details)",
              file=sys.stderr)
        return 1
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
