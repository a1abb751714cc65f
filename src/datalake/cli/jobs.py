"""`datalake crawl` and `datalake run-job`: thin wrappers over the Glue API calls, so
`aws glue start-crawler` / `aws glue start-job-run` do exactly the same on either target."""

from __future__ import annotations

import argparse
import logging

from datalake import aws
from datalake.cli.common import CliError, add_stack_options, resolved_stack
from datalake.config import load_outputs
from datalake.glue_runs import start_job_run, wait_for_crawler, wait_for_job_run

_logger = logging.getLogger(__name__)

CRAWLERS = {"lake": ("LakeCrawlerName", "{stack}-lake-crawler"),
            "curated": ("CuratedCrawlerName", "{stack}-curated-crawler")}
JOBS = {"raw-to-processed": ("RawToProcessedJobName", "{stack}-raw-to-processed"),
        "processed-to-curated": ("ProcessedToCuratedJobName", "{stack}-processed-to-curated")}


def register(subparsers) -> None:
    crawl = subparsers.add_parser(
        "crawl", help="start the Glue crawlers (StartCrawler) and optionally wait",
        description="Start the lake crawler and the curated crawler (or one of them, or any "
        "crawler by name). Names come from build/<stack>/outputs.json, else the contract names.",
    )
    add_stack_options(crawl)
    crawl.add_argument("--crawler", metavar="NAME",
                       help="'lake', 'curated' or a crawler name (default: both lake crawlers)")
    crawl.add_argument("--wait", action="store_true", help="wait for the crawls to finish")
    crawl.add_argument("--timeout", type=float, default=900.0,
                       help="seconds to wait with --wait (default 900)")
    crawl.set_defaults(func=run_crawl)

    job = subparsers.add_parser(
        "run-job", help="start a Glue job run (StartJobRun) and optionally wait",
        description="Start raw-to-processed or processed-to-curated with the job's "
        "DefaultArguments, overridden by --arg.",
    )
    add_stack_options(job)
    job.add_argument("job", choices=sorted(JOBS), help="which of the lake's jobs")
    job.add_argument("--arg", action="append", default=[], metavar="K=V",
                     help="run argument, e.g. --arg job-bookmark-option=job-bookmark-disable "
                     "(becomes --K V; repeatable)")
    job.add_argument("--wait", action="store_true", help="wait for the run to end")
    job.add_argument("--timeout", type=float, default=3600.0,
                     help="seconds to wait with --wait (default 3600)")
    job.set_defaults(func=run_job)


# -- pure helpers -------------------------------------------------------------------------------
def parse_job_arguments(pairs: list[str]) -> dict[str, str]:
    """`K=V` pairs as Glue run Arguments (`{"--K": "V"}`); a leading `--` on K is accepted."""
    arguments = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("-")
        if not sep or not key:
            raise CliError(f"--arg {pair!r}: expected KEY=VALUE, e.g. raw_path=s3://bucket/")
        arguments["--" + key] = value
    return arguments


def crawler_names(stack: str, outputs: dict[str, str], choice: str | None) -> list[str]:
    """The crawlers to start: both of the lake's, one of them by alias, or a name as given."""
    if choice and choice not in CRAWLERS:
        return [choice]
    chosen = [choice] if choice else list(CRAWLERS)
    return [outputs.get(CRAWLERS[c][0]) or CRAWLERS[c][1].format(stack=stack) for c in chosen]


def job_name(stack: str, outputs: dict[str, str], job: str) -> str:
    output, fallback = JOBS[job]
    return outputs.get(output) or fallback.format(stack=stack)


# -- verbs ------------------------------------------------------------------------------------
def run_crawl(args: argparse.Namespace) -> int:
    stack = resolved_stack(args)
    glue = aws.client("glue", args.target)
    names = crawler_names(stack, _outputs(stack), args.crawler)
    for name in names:
        try:
            glue.start_crawler(Name=name)
            print(f"crawler {name}: started")
        except glue.exceptions.CrawlerRunningException:
            print(f"crawler {name}: already running")
        except glue.exceptions.EntityNotFoundException:
            raise CliError(f"crawler {name} not found: is stack {stack!r} deployed on "
                           f"{args.target}?") from None
    if not args.wait:
        return 0
    failed = False
    for name in names:
        crawler = wait_for_crawler(glue, name, args.timeout)
        last = crawler["LastCrawl"]
        metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"]
        counts = metrics[0] if metrics else {}
        print(f"crawler {name}: {last['Status']} (tables created {counts.get('TablesCreated', 0)}"
              f", updated {counts.get('TablesUpdated', 0)})"
              + (f": {last['ErrorMessage']}" if last.get("ErrorMessage") else ""))
        failed |= last["Status"] != "SUCCEEDED"
    return 1 if failed else 0


def run_job(args: argparse.Namespace) -> int:
    stack = resolved_stack(args)
    glue = aws.client("glue", args.target)
    name = job_name(stack, _outputs(stack), args.job)
    arguments = parse_job_arguments(args.arg)
    try:
        run_id = start_job_run(glue, name, arguments)
    except glue.exceptions.EntityNotFoundException:
        raise CliError(f"job {name} not found: is stack {stack!r} deployed on "
                       f"{args.target}?") from None
    except glue.exceptions.ConcurrentRunsExceededException:
        raise CliError(f"job {name} is already running (MaxConcurrentRuns)") from None
    print(f"job {name}: run {run_id} started")
    if not args.wait:
        return 0
    run = wait_for_job_run(glue, name, run_id, args.timeout)
    state = run["JobRunState"]
    print(f"job {name}: run {run_id} {state} after {run.get('ExecutionTime', 0)} s")
    if state != "SUCCEEDED":
        print(f"  error: {run.get('ErrorMessage', '(none)')}")
        print(f"  logs: /aws-glue/jobs/error stream {run_id}")
        return 1
    return 0


def _outputs(stack: str) -> dict[str, str]:
    try:
        return load_outputs(stack)
    except FileNotFoundError:
        _logger.debug("no saved outputs for %s: using the contract names", stack)
        return {}

