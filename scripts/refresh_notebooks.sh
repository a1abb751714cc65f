#!/usr/bin/env bash
# Re-execute the committed notebooks in place (00..10, in order) against a fresh local cloud,
# as the nbval check of the notebook tier re-runs them (same environment, default parameters).
# Run it after a change that alters what a notebook prints, review `git diff notebooks/`, commit.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORK=$(mktemp -d)
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/datalake local up --port "$PORT" --data-dir "$WORK/cloud"
trap '.venv/bin/datalake local down --data-dir "$WORK/cloud" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
       AWS_DEFAULT_REGION=us-east-1 MPLBACKEND=agg DATALAKE_BUILD_DIR="$WORK/build"
for notebook in notebooks/[0-9][0-9]_*.ipynb; do
    echo "executing $notebook"
    (cd notebooks && ../.venv/bin/jupyter nbconvert --to notebook --execute --inplace \
        --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.record_timing=True \
        "$(basename "$notebook")")
done
