"""The machine a run measured: cores, memory, CPU model, Python, Java and Spark versions."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _java_version() -> str:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    match = re.search(r'version "([^"]+)"', done.stderr + done.stdout)
    return match.group(1) if match else (done.stderr.splitlines() or ["unknown"])[0]


def describe_machine() -> dict:
    import psutil

    try:
        import pyspark

        spark = pyspark.__version__
    except ImportError:
        spark = "not installed"
    try:
        import duckdb

        duck = duckdb.__version__
    except ImportError:
        duck = "not installed"
    try:
        import moto

        moto_version = moto.__version__
    except ImportError:
        moto_version = "not installed"
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "cpu_model": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "java": _java_version(),
        "spark": spark,
        "duckdb": duck,
        "moto": moto_version,
        "load_average_1m": round(os.getloadavg()[0], 1),
    }
