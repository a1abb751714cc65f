"""Run a Glue job script as spark-submit's primary resource, with the script's stderr apart.

Spark's PythonRunner merges the Python driver's stderr into the JVM's stdout; AWS Glue keeps
them apart (/aws-glue/jobs/output and /error). This launcher points file descriptor 2 at the
file named by LOCALCLOUD_GLUE_DRIVER_STDERR, then runs the script as `__main__` with the
script's own argv and folder on sys.path, exactly as if spark-submit had started it.

Usage: spark-submit glue_launcher.py SCRIPT [ARGS...]
   or: spark-submit glue_launcher.py --warm DIR   (make the SparkContext now, touch DIR/ready,
       then wait for DIR/run.json: {"script", "args", "env", "py_files", "cwd",
       "python_path"}; warm.py)
"""

import json
import os
import runpy
import sys
import time


def main() -> None:
    py_files = []
    if len(sys.argv) > 2 and sys.argv[1] == "--warm":
        request = _wait_for_run(sys.argv[2])
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        script, args, py_files = request["script"], request["args"], request["py_files"]
        # The run's installed --additional-python-modules (the driver's imports only: this
        # spare's executors started before them).
        sys.path[1:1] = request.get("python_path") or []
    else:
        script, args = sys.argv[1], sys.argv[2:]
    path = os.environ.get("LOCALCLOUD_GLUE_DRIVER_STDERR")
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # kept open for the process
    if py_files:
        from pyspark import SparkContext

        context = SparkContext.getOrCreate()
        for py_file in py_files:
            context.addPyFile(py_file)  # driver sys.path and every executor
    script = os.path.abspath(script)
    sys.argv = [script] + list(args)
    sys.path[0] = os.path.dirname(script)
    runpy.run_path(script, run_name="__main__")


def _wait_for_run(control: str) -> dict:
    from pyspark import SparkContext

    SparkContext.getOrCreate()  # the JVM and the context start now, before any run
    open(os.path.join(control, "ready"), "w").close()
    from localcloud.process import pid_alive  # the launcher runs on the cloud's own Python

    owner = int(os.environ.get("LOCALCLOUD_GLUE_OWNER_PID") or 0)
    request = await_request(control, lambda: owner == 0 or pid_alive(owner))
    if request is None:
        sys.exit(0)  # nobody will hand this spare a run: end, and the JVM with it
    return request


def await_request(control: str, owner_alive, interval: float = 0.05) -> dict | None:
    """The run request written to CONTROL/run.json, or None once the control folder is gone
    or the cloud that started this spare has ended."""
    path = os.path.join(control, "run.json")
    checked = time.monotonic()
    while not os.path.exists(path):
        if time.monotonic() - checked >= 1.0:
            if not os.path.isdir(control) or not owner_alive():
                return None
            checked = time.monotonic()
        time.sleep(interval)
    with open(path) as handle:
        return json.load(handle)


if __name__ == "__main__":
    main()
