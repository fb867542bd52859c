#!/usr/bin/env bash
# CI smoke run of the load test: every arm, briefly, against whatever store the resolver finds.
# Exits non-zero when the run fails, when a trial has errors, or when results.json is missing.
#   scripts/load-quick.sh [--no-build] [--out DIR] [extra load-test options...]
set -euo pipefail
cd "$(dirname "$0")/.."

build=1 out=results/quick/load/ci
args=()
while (($#)); do
    case "$1" in
        --no-build) build=0; shift ;;
        --out) out=$2; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
((build)) && dotnet build -c Release -nologo -v q
started=$(date +%s)
dotnet run -c Release --no-build --project loadtest/AuthBench.LoadTest -- --quick --out "$out" "${args[@]}"
echo "load-quick: finished in $(( $(date +%s) - started )) s"
python3 - "$out/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
bad = [t for t in r["trials"] if sum(t["errors"].values()) > 0]
arms = sorted({t["label"] for t in r["trials"]})
print(f"load-quick: status {r['status']}, {len(r['trials'])} trial(s), arms {', '.join(arms)}")
for t in r["trials"]:
    store = t["store"]["commands_per_request"] if t["store"] else None
    print(f"  {t['label']:<12} {t['achieved_rps']:>8.1f} req/s  p99 {t['latency_us']['p99']:>7} µs  "
          f"bytes {t['bytes_per_request']['sent']:.0f}/{t['bytes_per_request']['received']:.0f}  store commands/request {store}")
if r["status"] != "complete" or bad or not r["trials"]:
    sys.exit("load-quick: FAILED (" + ("status " + r["status"] if r["status"] != "complete" else f"{len(bad)} trial(s) with errors") + ")")
PY
