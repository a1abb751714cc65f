"""`datalake notebooks run`: execute the numbered notebooks headless with papermill, in order,
writing executed copies (outputs and plots included) to `build/notebooks/`."""

from __future__ import annotations

import argparse
import ast
import logging
import os
from pathlib import Path

from datalake.cli.common import CliError

_logger = logging.getLogger(__name__)

DEFAULT_OUT = Path("build") / "notebooks"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "notebooks", help="run the numbered notebooks headless (papermill)",
        description="Execute notebooks/NN_*.ipynb in order with papermill; each parameter "
                    "given with -p replaces the value in the notebooks' `parameters` cell.",
    )
    verbs = parser.add_subparsers(dest="notebooks_verb", metavar="<notebooks-verb>")
    run = verbs.add_parser("run", help="execute every notebook (or --only some) in order")
    run.add_argument("--out", type=Path, default=DEFAULT_OUT,
                     help=f"folder for the executed copies (default {DEFAULT_OUT})")
    run.add_argument("--only", type=_prefixes, default=None, metavar="NN,NN",
                     help="only the notebooks whose names start with these numbers, e.g. 00,01")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"),
                     help="a parameter value (Python literal, else a string), e.g. "
                          "-p N_EVENTS 200 -p DESTROY True (repeatable)")
    run.add_argument("--kernel", default="python3", help="Jupyter kernel name (default python3)")
    run.set_defaults(func=run_notebooks_verb)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def parse_value(text: str):
    """A parameter value: a Python literal (200, 0.5, True, "x", [1]) or else the text itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_parameters(pairs: list[list[str]]) -> dict:
    """[["NAME", "VALUE"], ...] -> {"NAME": value}; names must be identifiers."""
    parameters = {}
    for name, value in pairs:
        if not name.isidentifier():
            raise CliError(f"-p {name!r}: a parameter name is a Python identifier, e.g. N_EVENTS")
        parameters[name] = parse_value(value)
    return parameters


def _prefixes(text: str) -> list[str]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items or not all(item.isdigit() for item in items):
        raise argparse.ArgumentTypeError(f"{text!r}: expected notebook numbers like 00,01")
    return [item.zfill(2) for item in items]


def run_notebooks_verb(args: argparse.Namespace) -> int:
    from datalake.notebooks import NotebookFailed, list_notebooks, run_notebooks

    parameters = parse_parameters(args.parameter)
    if not list_notebooks():
        raise CliError("no notebooks found (notebooks/NN_*.ipynb)")
    out = args.out.resolve()
    # Notebooks run with notebooks/ as their folder: keep the build folder where the user is.
    os.environ.setdefault("DATALAKE_BUILD_DIR", str(Path("build").resolve()))
    try:
        executed = run_notebooks(out, parameters, only=args.only, kernel=args.kernel)
    except NotebookFailed as error:
        raise CliError(str(error)) from None
    if not executed:
        raise CliError(f"no notebook matches --only {','.join(args.only or [])}")
    for path in executed:
        print(path)
    print(f"executed notebooks are in {out}/ (open them with `jupyter lab {out}`)")
    summary = summarize_figures(_read_figures())
    if summary:
        print(summary)
    return 0


def _read_figures() -> dict:
    import json

    from datalake.config import build_dir

    path = build_dir() / "notebooks" / "figures.json"
    return json.loads(path.read_text()) if path.exists() else {}


def summarize_figures(figures: dict) -> str:
    """One line on what the run produced, from the figures the notebooks recorded."""
    parts = []
    ingestion = figures.get("05_raw_to_processed") or figures.get("02_ingestion") or {}
    if "raw_events" in ingestion:
        parts.append(f"{ingestion['raw_events']} events in the raw zone")
    if "processed_rows" in figures.get("05_raw_to_processed", {}):
        parts.append(f"{figures['05_raw_to_processed']['processed_rows']} processed rows")
    if "curated_events" in figures.get("06_processed_to_curated", {}):
        parts.append(f"{figures['06_processed_to_curated']['curated_events']} events in "
                     "daily_summary")
    return "lake: " + ", ".join(parts) if parts else ""
