"""`python -m localcloud`: serve the local cloud in the foreground until SIGTERM/SIGINT.

On start it restores `{data_dir}/state` when present; on stop it exports the state there
(unless --no-persist), so a down → up keeps buckets, objects, functions, APIs and the rest.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from localcloud.config import DEFAULT_PORT, CloudConfig

_logger = logging.getLogger("localcloud")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m localcloud",
                                     description="Serve the local AWS cloud on one endpoint.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--data-dir", type=Path, default=Path(".datalake/local"))
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="simulated seconds per real second for schedules and alarms")
    parser.add_argument("--faults", type=_faults, default={},
                        help='fault injection as JSON, e.g. {"s3_put_error_rate": 0.1}')
    parser.add_argument("--no-persist", action="store_true",
                        help="neither restore nor export {data-dir}/state")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def _faults(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"--faults must be a JSON object: {error}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("--faults must be a JSON object")
    from localcloud.faults.settings import FaultSettings

    try:
        FaultSettings(value)  # refuse unknown settings and out-of-range values up front
    except (ValueError, TypeError) as error:
        raise argparse.ArgumentTypeError(f"--faults: {error}") from None
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from localcloud.glue.spark_submit import WARM_DRIVER_ENV
    from localcloud.persistence import state_dir
    from localcloud.persistence.archive import export_state, import_state
    from localcloud.server import LocalCloud

    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # A served cloud runs pipelines (two Glue jobs back to back): keep a warm driver ready
    # unless told otherwise (decision 117). In-process clouds (tests) stay opt-in.
    os.environ.setdefault(WARM_DRIVER_ENV, "1")
    config = CloudConfig(host=args.host, port=args.port, data_dir=data_dir,
                         time_scale=args.time_scale, faults=args.faults)
    cloud = LocalCloud(config)
    stopping = threading.Event()
    # A fatal error (SIGSEGV, SIGABRT, ...) writes every thread's stack to the log, and so does
    # `kill -USR1 <pid>`: what a crashed or hung cloud was doing.
    faulthandler.enable(all_threads=True)
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    persistence = cloud.services.get("persistence")
    restore = not args.no_persist and (state_dir(data_dir) / "manifest.json").exists()
    if persistence is not None and restore:
        persistence.status = "restoring"  # `datalake local up` waits until it is "ok"
    cloud.hold(restoring=restore)  # clients get 503 until the state is back
    cloud.start()
    _logger.info("local cloud listening on %s (data in %s)", config.endpoint, data_dir)
    if restore:
        summary = import_state(cloud, state_dir(data_dir))
        _logger.info("restored state: %s", json.dumps(summary))
    cloud.hold(restoring=False)
    if persistence is not None:
        persistence.status = "ok"
    # Wait in short slices: a process-directed SIGTERM may be delivered to any thread, and
    # Python runs its handler only when the main thread runs bytecode; an untimed wait on a
    # lock is not interrupted by a signal that landed on another thread, so `local down` could
    # wait forever (seen under load in the reliability tier).
    while not stopping.wait(0.5):
        pass
    _logger.info("stopping: refusing new requests, waiting for those in flight")
    if not cloud.drain(timeout=60):
        _logger.warning("requests still in flight after 60 s; exporting anyway")
    if not args.no_persist:
        try:
            summary = export_state(cloud, state_dir(data_dir))
            _logger.info("exported state: %s", json.dumps(summary))
        except Exception:
            _logger.exception("state export failed; the previous export is kept")
    cloud.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
