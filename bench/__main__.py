"""`python -m bench [--quick] [--only KEY ...]`: run the benchmarks on the local cloud, print
the table, write build/bench/results.json and docs/benchmarks.md."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from bench import api_throughput, athena, freshness, handler_cpu, spark_jobs
from bench.bill import build_bill, gather_usage
from bench.common import Result, Settings
from bench.machine import describe_machine
from bench.memory import PeakSampler
from bench.report import format_table, write_outputs
from bench.stats import Summary, summarize

_logger = logging.getLogger("bench")

# (key, needs the cloud, runner) in running order: freshness reads the raw zone the API
# benchmark filled before the scratch data of the Spark benchmarks exists.
BENCHMARKS = [
    ("handler", False, handler_cpu.run),
    ("api", True, api_throughput.run),
    ("freshness", True, freshness.run),
    ("job", True, spark_jobs.run_overhead),
    ("athena", True, athena.run),
    ("scale", True, spark_jobs.run_scale),
]
ROOT = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--only", nargs="+", choices=[k for k, _, _ in BENCHMARKS],
                        help="run only these benchmarks")
    parser.add_argument("--runs", type=int, help="repetitions per benchmark")
    parser.add_argument("--scale-sizes", help="comma list of event counts, first = baseline")
    parser.add_argument("--scale-budget", type=float, help="seconds the scale benchmark may use")
    parser.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                        help="only rewrite the markdown (--doc, default docs/benchmarks.md) "
                             "from an earlier results.json")
    parser.add_argument("--merge", type=Path, nargs="+", default=[], metavar="RESULTS_JSON",
                        help="with --render: take the scale rows from these results files "
                             "(a separate `--only scale` run) and recompute the bill")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--doc", type=Path, default=None,
                        help="markdown output (default docs/benchmarks.md for a full run of "
                             "everything, none otherwise)")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    settings = Settings.quick() if args.quick else Settings()
    if args.runs:
        settings.runs = args.runs
    if args.scale_sizes:
        settings.scale_sizes = tuple(int(s) for s in args.scale_sizes.split(","))
    if args.scale_budget:
        settings.scale_budget_s = args.scale_budget
    return settings


def run_benchmarks(chosen: list, settings: Settings, work: Path) -> tuple[dict, dict]:
    """Run `chosen` benchmarks (one local cloud for those that need it); (results, extras)
    where extras hold the cost usage, the bill and notes."""
    results: dict[str, Result] = {}
    extras: dict = {"notes": [], "usage": None, "bill": None}
    lake = None
    try:
        if any(needs for _, needs, _ in chosen):
            from bench.lake import BenchLake

            lake = BenchLake(work)
            lake.start()
            extras["notes"].append(f"local cloud start + `datalake deploy --target local`: "
                                   f"{lake.deploy_seconds:.1f} s")
        for key, needs, runner in chosen:
            _logger.info("benchmark %s ...", key)
            begun = time.perf_counter()
            try:
                for result in runner(settings, lake if needs else None):
                    results[result.key] = result
            except KeyboardInterrupt:  # Ctrl-C: keep what ran, write the report, stop
                extras["notes"].append(f"interrupted during {key}; later benchmarks not run")
                break
            except Exception as exc:  # one broken benchmark must not hide the others
                _logger.error("benchmark %s failed:\n%s", key, traceback.format_exc())
                results[key] = Result(key=key, title=key, figure="", baseline="", summary=None,
                                      error=f"{type(exc).__name__}: {exc}")
            _logger.info("benchmark %s done in %.0f s", key, time.perf_counter() - begun)
        if lake is not None and "api_batch_vs_single" in results:
            try:
                extras["usage"] = gather_usage(lake, results)
                extras["bill"] = build_bill(extras["usage"])
            except Exception as exc:
                _logger.error("cost model failed:\n%s", traceback.format_exc())
                extras["notes"].append(f"cost model failed: {type(exc).__name__}: {exc}")
    finally:
        if lake is not None:
            lake.stop()
    return results, extras


def memory_result(sampler: PeakSampler) -> Result:
    gigabytes = sampler.peak_bytes / 1024**3
    return Result(
        key="peak_memory", title="peak memory of the whole demo (local cloud + Spark)",
        figure="peak sum of RSS over the process tree, GB", baseline="— (absolute)",
        summary=Summary(gigabytes, gigabytes, gigabytes, 1), unit=" GB", goal=("<=", 6.0),
        goal_text="≤ 6 GB",
        details={"peak_bytes": sampler.peak_bytes, "processes_at_peak": sampler.peak_processes,
                 "samples": sampler.samples},
        limits="Sampled every 0.25 s (a shorter spike can be missed); RSS counts shared pages "
               "once per process, so the sum overstates what the machine needed. The tree holds "
               "the bench process (with the in-process local cloud, whose moto keeps every "
               "object in memory: the 1,000,000-event scale run alone stores about 0.6 GB), the "
               "bench's own Spark session, a job run's spark-submit driver (1 GB heap) and the "
               "warm spare driver waiting for the next run.",
    )


def load_note(sampler: PeakSampler) -> list[str]:
    if not sampler.load_averages:
        return []
    load = summarize(sampler.load_averages)
    return [f"1-minute load average during the run (other work shares the machine): median "
            f"{load.median:.1f}, min {load.min:.1f}, max {load.max:.1f} on {os.cpu_count()} "
            f"cores"]


def merge_payload(payload: dict, extra: dict) -> dict:
    """`payload` with the benchmark rows of `extra` (a separate `--only` run) in place of its
    own (by key family: scale_* replaces scale*), its API usage if it has one, and the bill
    recomputed."""
    from bench.bill import rebill

    fresh = [r for r in extra["results"] if r["key"] != "peak_memory"]
    families = {r["key"].split("_")[0] for r in fresh}
    kept = [r for r in payload["results"] if r["key"].split("_")[0] not in families]
    payload = {**payload, "results": kept[:-1] + fresh + kept[-1:]}  # peak memory stays last
    for name in ("scale_sizes", "scale_runs", "scale_budget_s") if "scale" in families else ():
        payload["settings"][name] = extra["settings"][name]
    if extra.get("usage") and payload.get("usage"):
        payload["usage"] = {**payload["usage"], "modes": extra["usage"]["modes"]}
    keys = ", ".join(sorted(r["key"] for r in fresh))
    payload["notes"] = payload.get("notes", []) + [
        f"rows {keys} from a separate `--only` run {extra['started']} → {extra['finished']} on "
        f"the same machine ({'; '.join(extra.get('notes', []))})"]
    return rebill(payload)


def render(args: argparse.Namespace) -> int:
    """--render [--merge ...]: rewrite results.json (when merging) and the markdown."""
    import json

    from bench.report import markdown

    payload = json.loads(args.render.read_text())
    for extra_path in args.merge:
        payload = merge_payload(payload, json.loads(extra_path.read_text()))
    if args.merge:
        args.render.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    doc = args.doc or ROOT / "docs" / "benchmarks.md"
    doc.write_text(markdown(payload))
    print(f"wrote {doc} from {args.render}")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("werkzeug", "botocore", "localcloud", "py4j", "datalake", "pyathena",
                  "urllib3", "fsspec"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = parse_args(argv)
    if args.render:
        return render(args)
    settings = settings_from(args)
    chosen = [b for b in BENCHMARKS if not args.only or b[0] in args.only]
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    work = args.out / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sampler = PeakSampler().start()
    try:
        results, extras = run_benchmarks(chosen, settings, work)
    finally:
        sampler.stop()
    rows = [r.as_dict() for r in results.values()] + [memory_result(sampler).as_dict()]
    payload = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "elapsed_s": time.perf_counter() - clock,
        "mode": "quick" if args.quick else "full",
        "machine": describe_machine(), "settings": settings.as_dict(),
        "results": rows, "usage": extras["usage"], "bill": extras["bill"],
        "notes": extras["notes"] + load_note(sampler),
    }
    doc = args.doc
    if doc is None and not args.quick and not args.only:
        doc = ROOT / "docs" / "benchmarks.md"
    write_outputs(payload, args.out / "results.json", doc)
    print(format_table(rows))
    for mode, data in (extras["bill"] or {}).items():
        print(f"AWS cost per million events ({mode}): ${data['total_usd']:.2f}")
    print(f"results: {args.out / 'results.json'}" + (f", {doc}" if doc else ""))
    return 1 if any(r.get("error") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
