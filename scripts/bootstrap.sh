#!/usr/bin/env bash
# Create the project virtualenv with Python 3.11 and install the pinned dependencies.
set -euo pipefail
venv=${1:-.venv}
pick_python() {
  for c in python3.11 python3 python; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$c"; return 0
    fi
  done
  return 1
}
if ! java -version 2>&1 | grep -Eq 'version "(17|21)'; then
  echo "Java 17 is required for Spark (Glue jobs run on local PySpark)." >&2
  echo "Install it, e.g. on Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless" >&2
  echo "(macOS: brew install openjdk@17), then run this command again." >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  py=$(pick_python) || { echo "Python 3.11 is required (python3.11 not found on PATH)." >&2; exit 1; }
  echo "creating $venv with $($py --version)"
  "$py" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
echo "installing pinned dependencies into $venv (about a minute)"
"$venv/bin/python" -m pip install --quiet -e '.[dev]'
"$venv/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null
