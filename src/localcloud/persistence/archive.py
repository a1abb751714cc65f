"""Export and import the whole local cloud: every service module in order, plus each plugin's
own state (`registry.state` hooks), with a manifest saying what was written."""

from __future__ import annotations

import importlib
import json
import logging
import shutil
import threading
import time
from pathlib import Path

from localcloud.persistence.common import read_json, write_json

_logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
# Restore order: what others refer to comes first (roles before functions, functions and
# topics before the buckets that notify them, ...).
SERVICES = ("iam", "logs", "sqs", "sns", "awslambda", "s3", "apigateway", "glue", "athena",
            "events", "stepfunctions", "cloudwatch")
_lock = threading.Lock()  # one export or import at a time


def export_state(cloud, target: Path) -> dict:
    """Write the cloud's state to `target` (replaced atomically); returns the summary."""
    target = Path(target)
    with _lock:
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        started = time.time()
        summary: dict = {"services": {}, "plugins": {}, "errors": {}}
        for name in SERVICES:
            module = importlib.import_module(f"localcloud.persistence.{name}")
            try:
                summary["services"][name] = module.export(cloud, staging / name)
            except Exception as error:  # keep exporting the others; report it
                _logger.exception("export of %s failed", name)
                summary["errors"][name] = f"{type(error).__name__}: {error}"
        for name, (export, _restore) in cloud.registry.state_hooks.items():
            try:
                write_json(staging / "plugins" / f"{name}.json", export())
                summary["plugins"][name] = "ok"
            except Exception as error:
                _logger.exception("export of plugin state %s failed", name)
                summary["errors"][f"plugin:{name}"] = f"{type(error).__name__}: {error}"
        summary["seconds"] = round(time.time() - started, 2)
        write_json(staging / "manifest.json", {
            "format": FORMAT_VERSION, "exported_at": time.strftime(
                "%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "account": cloud.config.account,
            "region": cloud.config.region, "summary": summary})
        previous = target.with_name(target.name + ".previous")
        shutil.rmtree(previous, ignore_errors=True)
        if target.exists():
            target.rename(previous)
        staging.rename(target)
        shutil.rmtree(previous, ignore_errors=True)
    return summary


def import_state(cloud, source: Path) -> dict:
    """Restore the state written by `export_state` into this (normally fresh) cloud."""
    source = Path(source)
    manifest = read_json(source / "manifest.json")
    if manifest is None:
        raise FileNotFoundError(f"no exported state at {source} (manifest.json missing)")
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"state format {manifest.get('format')} at {source} is not "
                         f"{FORMAT_VERSION}")
    with _lock:
        started = time.time()
        summary: dict = {"services": {}, "plugins": {}, "errors": {}}
        for name in SERVICES:
            if not (source / name).exists():
                continue
            module = importlib.import_module(f"localcloud.persistence.{name}")
            try:
                summary["services"][name] = module.restore(cloud, source / name)
            except Exception as error:
                _logger.exception("restore of %s failed", name)
                summary["errors"][name] = f"{type(error).__name__}: {error}"
        for name, (_export, restore) in cloud.registry.state_hooks.items():
            path = source / "plugins" / f"{name}.json"
            if not path.exists():
                continue
            try:
                restore(json.loads(path.read_text()))
                summary["plugins"][name] = "ok"
            except Exception as error:
                _logger.exception("restore of plugin state %s failed", name)
                summary["errors"][f"plugin:{name}"] = f"{type(error).__name__}: {error}"
        summary["seconds"] = round(time.time() - started, 2)
    return summary
