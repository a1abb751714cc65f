"""Run a Glue job script as spark-submit's primary resource, with the script's stderr apart.

Spark's PythonRunner merges the Python driver's stderr into the JVM's stdout; AWS Glue keeps
them apart (/aws-glue/jobs/output and /error). This launcher points file descriptor 2 at the
file named by LOCALCLOUD_GLUE_DRIVER_STDERR, then runs the script as `__main__` with the
script's own argv and folder on sys.path, exactly as if spark-submit had started it.
Usage: spark-submit glue_launcher.py SCRIPT [ARGS...]
"""

import os
import runpy
import sys


def main() -> None:
    path = os.environ.get("LOCALCLOUD_GLUE_DRIVER_STDERR")
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # kept open for the process
    script = os.path.abspath(sys.argv[1])
    sys.argv = [script] + sys.argv[2:]
    sys.path[0] = os.path.dirname(script)
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
