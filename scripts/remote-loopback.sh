#!/usr/bin/env bash
# docs/remote.md's three-host recipe on one machine, for the published comparison of the two server-CPU sources:
# store on 127.0.0.2, API on 127.0.0.3 (started by hand with --metrics on, so its CPU comes from "metrics"), generator
# on 127.0.0.1, pinned as the load tool's default isolation pins its own runs (API on CPU 1; store and generator on
# CPU 0), spin-free. One API per arm (jwt at ES256, then session), each driven by one --target run.
# The recipe itself is guarded by RemoteRecipeTests; this adds only taskset and the run's values.
# Needs redis-server, taskset, openssl and the Release builds. Everything it starts is stopped on exit and on Ctrl+C.
# Values from the environment: REPEAT (10) DURATION (6s) WARMUP (3s) RATES (1000) USERS (1000) STAMP (UTC minute).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stamp=${STAMP:-$(date -u +%Y%m%dT%H%MZ)}
export STORE_HOST=127.0.0.2 STORE_PORT=${STORE_PORT:-6390} STORE_PASSWORD=$(openssl rand -hex 16) API_HOST=127.0.0.3 API_PORT=${API_PORT:-5090}
users=${USERS:-1000}
api_pid=
taskset -c 0 redis-server --bind "$STORE_HOST" --port "$STORE_PORT" --protected-mode yes --requirepass "$STORE_PASSWORD" --save "" --appendonly no \
  >"/tmp/authbench-remote-redis.log" 2>&1 &
store_pid=$!
trap 'kill $store_pid 2>/dev/null || true; if [ -n "$api_pid" ]; then kill $api_pid 2>/dev/null || true; fi' EXIT INT TERM
for i in $(seq 1 50); do grep -q "Ready to accept connections" /tmp/authbench-remote-redis.log && break; sleep 0.2; done
for scheme in jwt session; do
  alg_args=(); [ "$scheme" = jwt ] && alg_args=(--alg ES256)
  log="/tmp/authbench-remote-api-$scheme.log"
  AUTHBENCH_REDIS="$STORE_HOST:$STORE_PORT,password=$STORE_PASSWORD" DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 \
    taskset -c 1 dotnet src/AuthBench.Api/bin/Release/net10.0/AuthBench.Api.dll --scheme "$scheme" "${alg_args[@]}" --users "$users" \
    --urls "http://$API_HOST:$API_PORT" --metrics on >"$log" 2>&1 &
  api_pid=$!
  for i in $(seq 1 120); do grep -q "AuthBench API ready" "$log" && break; sleep 0.5; done
  grep -q "AuthBench API ready" "$log" || { echo "error: the $scheme API did not start (log: $log)" >&2; exit 1; }
  taskset -c 0 dotnet loadtest/AuthBench.LoadTest/bin/Release/net10.0/AuthBench.LoadTest.dll \
    --target "http://$API_HOST:$API_PORT" --metrics-url "http://$API_HOST:$API_PORT/metrics" \
    --store "$STORE_HOST:$STORE_PORT,password=$STORE_PASSWORD,allowAdmin=true" \
    --arms "$scheme" "${alg_args[@]}" --users "$users" --rates "${RATES:-1000}" --duration "${DURATION:-6s}" --warmup "${WARMUP:-3s}" \
    --repeat "${REPEAT:-10}" --seed 12 --out "results/load/$stamp-remote-$scheme"
  kill "$api_pid"; wait "$api_pid" 2>/dev/null || true; api_pid=
done
