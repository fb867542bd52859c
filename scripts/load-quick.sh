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
dotnet run -c Release --no-build --project report/AuthBench.Report -- --check quick "$out"
