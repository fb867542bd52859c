#!/usr/bin/env bash
# CI quick mode of the microbenchmarks: every benchmark runs once (BenchmarkDotNet's Dry job: one process per
# benchmark, one invocation, no statistics). It proves the suite builds and runs, not how fast anything is.
# Exits non-zero when any benchmark fails. Artifacts go to BenchmarkDotNet.Artifacts/quick (git-ignored), never
# to results/micro, so a CI run cannot overwrite the published tables.
# Extra arguments go to the suite, e.g. `scripts/bench-quick.sh --store garnet` or `--anyCategories Jwt`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${AUTHBENCH_BENCH_QUICK_OUT:-$root/BenchmarkDotNet.Artifacts/quick}"
filter=(--filter '*')
for arg in "$@"; do
  case "$arg" in --filter|--anyCategories|--allCategories) filter=() ;; esac
done
exec dotnet run -c Release --project "$root/bench/AuthBench.Benchmarks" -- "${filter[@]}" --job dry --artifacts "$out" "$@"
