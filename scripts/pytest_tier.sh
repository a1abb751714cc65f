#!/usr/bin/env bash
# Run one test tier; pytest's exit code 5 ("no tests collected") is not a failure for a tier.
set -uo pipefail
tier=$1; shift
echo "== $tier tests =="
.venv/bin/python -m pytest "tests/$tier" "$@"
rc=$?
if [ "$rc" -eq 5 ]; then echo "($tier: no tests collected)"; exit 0; fi
exit "$rc"
