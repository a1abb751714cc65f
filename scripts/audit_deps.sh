#!/usr/bin/env bash
# Audit the venv's installed dependencies for known vulnerabilities with pip-audit
# (pinned in the dev extra). Exit 1 when a vulnerability is found.
#
# pip-audit needs a vulnerability database over the network: PyPI's JSON API (default) or
# OSV (api.osv.dev). Where neither answers (a mirror-only machine: PyPI's JSON API gives 404
# for every package, which pip-audit reports as "not found on PyPI" and then prints "No known
# vulnerabilities found"), this script says clearly that NOTHING was audited and exits 0 with
# a warning. pip-audit has no offline database; --cache-dir only caches answers it got.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
CACHE=${PIP_AUDIT_CACHE:-.cache/pip-audit}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if ! "$PY" -m pip_audit --version >/dev/null 2>&1; then
  echo "audit_deps: WARNING: pip-audit is not installed (pip install -e '.[dev]'); nothing audited" >&2
  exit 0
fi

for service in pypi osv; do
  echo "== pip-audit (vulnerability service: $service) =="
  timeout "${PIP_AUDIT_TIMEOUT:-600}" "$PY" -m pip_audit --local --skip-editable \
    --vulnerability-service "$service" --cache-dir "$CACHE" --progress-spinner off \
    --format json --output "$out" >/dev/null 2>"$out.err"
  rc=$?
  "$PY" - "$out" "$service" "$rc" "$out.err" <<'PYEOF'
import json, sys
path, service, rc, err = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
try:
    deps = json.load(open(path))["dependencies"]
except (OSError, ValueError, KeyError):
    print(f"audit_deps: pip-audit ({service}) failed (exit {rc}):")
    print(open(err).read()[-2000:])
    sys.exit(3)
skipped = [d for d in deps if d.get("skip_reason")]
audited = [d for d in deps if not d.get("skip_reason")]
vulnerable = [d for d in audited if d.get("vulns")]
for d in vulnerable:
    for v in d["vulns"]:
        fixes = ", ".join(v.get("fix_versions", [])) or "no fix yet"
        print(f"VULNERABLE {d['name']} {d['version']}: {v['id']} (fixed in: {fixes})")
print(f"audit_deps ({service}): {len(audited)} packages audited, {len(skipped)} not audited, "
      f"{len(vulnerable)} vulnerable")
if vulnerable:
    sys.exit(1)
if not audited:
    sys.exit(2)  # the database did not answer for any package
if skipped:
    print("audit_deps: WARNING: not audited: " + ", ".join(d["name"] for d in skipped[:20])
          + (" ..." if len(skipped) > 20 else ""))
sys.exit(0)
PYEOF
  verdict=$?
  rm -f "$out.err"
  case $verdict in
    0) exit 0 ;;
    1) exit 1 ;;
    *) echo "audit_deps: $service gave no usable answer; trying the next service" ;;
  esac
done
echo "audit_deps: WARNING: no vulnerability database was reachable (PyPI JSON API, OSV):" \
     "NOTHING WAS AUDITED. Run this script where pypi.org or api.osv.dev answer (e.g. CI)." >&2
exit 0
